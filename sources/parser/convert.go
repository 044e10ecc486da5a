package parser

import (
	"net/url"
	"strings"

	"github.com/mmcdole/gofeed"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/internal/urls"
)

// plain is one line of plain text from a title-like field.
func plain(s string) string {
	return strings.Join(strings.Fields(stripControl(feed.StripHTML(s))), " ")
}

// convert turns a parsed feed into items. feedURL is where the feed was
// fetched from (or its file URL); relative links resolve against the
// item's xml:base (gofeed did that), then the feed's link, then feedURL.
func convert(name, feedURL string, f *gofeed.Feed) (feed.Origin, []feed.Item) {
	base := feedBase(feedURL, f.Link)
	origin := convertOrigin(name, feedURL, base, f)
	items := make([]feed.Item, 0, len(f.Items))
	for _, gi := range f.Items {
		if gi == nil {
			continue
		}
		it := convertItem(gi, base)
		if it.Link == "" {
			// Nothing for a reader to open, and many readers reject
			// items without a link.
			continue
		}
		it.Origin = &origin
		items = append(items, it)
	}
	return origin, items
}

// feedBase is what relative links resolve against: the feed's own link
// when it is absolute, else where the feed came from.
func feedBase(feedURL, link string) *url.URL {
	base, _ := url.Parse(feedURL)
	if link != "" {
		if l, err := url.Parse(resolve(base, link)); err == nil && l.IsAbs() {
			base = l
		}
	}
	return base
}

// convertOrigin describes the feed itself.
func convertOrigin(name, feedURL string, base *url.URL, f *gofeed.Feed) feed.Origin {
	origin := feed.Origin{
		Name:  name,
		URL:   feedURL,
		Title: plain(f.Title),
		Link:  absHTTP(resolve(base, f.Link)),
	}
	if origin.Title == "" {
		origin.Title = name
	}
	if self := absHTTP(resolve(base, f.FeedLink)); self != "" && !strings.HasPrefix(feedURL, "http") {
		// A local file stands in for a feed published elsewhere: name that.
		origin.URL = self
	}
	if origin.URL == "" || !strings.HasPrefix(origin.URL, "http") {
		origin.URL = origin.Link
	}
	origin.ID = origin.URL
	if f.UpdatedParsed != nil {
		origin.Updated = f.UpdatedParsed.UTC()
	} else if f.PublishedParsed != nil {
		origin.Updated = f.PublishedParsed.UTC()
	}
	return origin
}

// convertItem makes one safe item; an item without a usable link comes
// back with Link "".
func convertItem(gi *gofeed.Item, base *url.URL) feed.Item {
	it := feed.Item{
		GUID:  strings.TrimSpace(stripControl(gi.GUID)),
		Title: plain(gi.Title),
		Role:  feed.RoleRelated,
	}
	it.Link = absHTTP(resolve(base, gi.Link))
	if it.Link == "" && urls.IsHTTP(it.GUID) {
		// An RSS permalink guid is the item's link; gofeed ignores it.
		it.Link = it.GUID
	}
	ib := base
	if l, err := url.Parse(it.Link); err == nil && l.IsAbs() {
		ib = l
	}
	it.Summary = sanitize(gi.Description, ib)
	it.ContentHTML = sanitize(gi.Content, ib)
	if it.Title == "" {
		it.Title = firstWords(feed.StripHTML(it.Summary+" "+it.ContentHTML), 12)
	}
	if gi.PublishedParsed != nil {
		it.Published = gi.PublishedParsed.UTC()
	}
	if gi.UpdatedParsed != nil {
		it.Updated = gi.UpdatedParsed.UTC()
	}
	it.Authors = authors(gi.Authors)
	for _, c := range gi.Categories {
		if c = plain(c); c != "" {
			it.Categories = append(it.Categories, c)
		}
	}
	return it
}

func authors(in []*gofeed.Person) []feed.Person {
	var out []feed.Person
	for _, a := range in {
		if a == nil || plain(a.Name)+a.Email == "" {
			continue
		}
		out = append(out, feed.Person{Name: plain(a.Name), Email: strings.TrimSpace(a.Email)})
	}
	return out
}

func firstWords(s string, n int) string {
	w := strings.Fields(s)
	if len(w) > n {
		return strings.Join(w[:n], " ") + "…"
	}
	return strings.Join(w, " ")
}

func absHTTP(s string) string {
	if urls.IsHTTP(s) {
		return s
	}
	return ""
}
