package sources

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/feed/related"
)

// policy is bluemonday's policy for user-generated content: formatting,
// links and images survive; scripts, styles, event handlers, iframes and
// javascript: URLs do not.
var policy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(false)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	return p
})

// sanitize resolves relative URLs against base, then sanitizes. The order
// matters: bluemonday drops relative URLs it cannot resolve.
func sanitize(fragment string, base *url.URL) string {
	fragment = stripControl(fragment)
	if strings.TrimSpace(fragment) == "" {
		return ""
	}
	if base != nil && strings.ContainsAny(fragment, "<") {
		fragment = absolutize(fragment, base)
	}
	return strings.TrimSpace(policy().Sanitize(fragment))
}

var urlAttrs = map[string]bool{"href": true, "src": true, "poster": true, "cite": true, "srcset": false}

// absolutize rewrites href/src attributes of an HTML fragment to absolute
// URLs against base.
func absolutize(fragment string, base *url.URL) string {
	nodes, err := html.ParseFragment(strings.NewReader(fragment), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return fragment
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for i, a := range n.Attr {
				if urlAttrs[strings.ToLower(a.Key)] {
					n.Attr[i].Val = resolve(base, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	var buf bytes.Buffer
	for _, n := range nodes {
		walk(n)
		if err := html.Render(&buf, n); err != nil {
			return fragment
		}
	}
	return buf.String()
}

// resolve makes ref absolute against base; unparseable refs are returned
// as they are (the sanitizer then drops them).
func resolve(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || base == nil {
		return ref
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	return base.ResolveReference(u).String()
}

// stripControl drops control characters (other than tab and newlines) and
// invalid UTF-8, which are not allowed in XML.
func stripControl(s string) string {
	s = strings.ToValidUTF8(s, "")
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f || r == 0xfffe || r == 0xffff {
			return -1
		}
		return r
	}, s)
}

// plain is one line of plain text from a title-like field.
func plain(s string) string {
	return strings.Join(strings.Fields(stripControl(related.StripHTML(s))), " ")
}

// convert turns a parsed feed into items. feedURL is where the feed was
// fetched from (or its file URL); relative links resolve against the
// item's xml:base (gofeed did that), then the feed's link, then feedURL.
func convert(name, feedURL string, f *gofeed.Feed) (feed.Origin, []feed.Item) {
	base, _ := url.Parse(feedURL)
	if f.Link != "" {
		if l, err := url.Parse(resolve(base, f.Link)); err == nil && l.IsAbs() {
			base = l
		}
	}
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

	items := make([]feed.Item, 0, len(f.Items))
	for _, gi := range f.Items {
		if gi == nil {
			continue
		}
		it := feed.Item{
			GUID:  strings.TrimSpace(stripControl(gi.GUID)),
			Title: plain(gi.Title),
			Role:  feed.RoleRelated,
		}
		it.Link = absHTTP(resolve(base, gi.Link))
		if it.Link == "" && isHTTPURL(it.GUID) {
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
			it.Title = firstWords(related.StripHTML(it.Summary+" "+it.ContentHTML), 12)
		}
		if gi.PublishedParsed != nil {
			it.Published = gi.PublishedParsed.UTC()
		}
		if gi.UpdatedParsed != nil {
			it.Updated = gi.UpdatedParsed.UTC()
		}
		for _, a := range gi.Authors {
			if a == nil || plain(a.Name)+a.Email == "" {
				continue
			}
			it.Authors = append(it.Authors, feed.Person{Name: plain(a.Name), Email: strings.TrimSpace(a.Email)})
		}
		for _, c := range gi.Categories {
			if c = plain(c); c != "" {
				it.Categories = append(it.Categories, c)
			}
		}
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

func firstWords(s string, n int) string {
	w := strings.Fields(s)
	if len(w) > n {
		return strings.Join(w[:n], " ") + "…"
	}
	return strings.Join(w, " ")
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func absHTTP(s string) string {
	if isHTTPURL(s) {
		return s
	}
	return ""
}

// hash identifies an item's content, to notice edits.
func hash(it *feed.Item) string {
	h := sha256.New()
	for _, s := range []string{it.Title, it.Link, it.Summary, it.ContentHTML, strings.Join(it.Categories, "\x00")} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}
