package feed

import (
	"html"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Article is a local article as feed building needs it; the cycle fills
// it from what sources/articles read.
type Article struct {
	Slug, URL         string // URL: the article's own link, "" for the site's /slug/
	Title, Summary    string // Summary: plain text
	HTML              string // the body, trusted (it is the site's own)
	Credit, Author    string
	Tags              []string
	Published, Update time.Time
}

// Site is what every feed of a site says about the site.
type Site struct {
	Title, URL, Description, Language string
	Author                            Person
	Hub                               string // WebSub hub, "" for none
}

// ArticleURL is an article's page: its own URL, else the site's /slug/.
func (s Site) ArticleURL(slug, own string) string {
	if own != "" {
		return own
	}
	return strings.TrimRight(s.URL, "/") + "/" + url.PathEscape(slug) + "/"
}

// ArticleItem is a local article as a feed item: the full HTML for the
// article itself, the summary for a neighbour.
func (s Site) ArticleItem(a *Article, role Role, full bool) Item {
	link := s.ArticleURL(a.Slug, a.URL)
	it := Item{
		ID:         link,
		Link:       link,
		Title:      a.Title,
		Summary:    html.EscapeString(a.Summary),
		Published:  a.Published,
		Updated:    a.Update,
		Categories: append([]string(nil), a.Tags...),
		Role:       role,
	}
	if it.Updated.IsZero() || it.Updated.Before(it.Published) {
		it.Updated = it.Published
	}
	if full {
		it.ContentHTML = a.HTML
		if a.Credit != "" {
			it.ContentHTML += "\n<p>Credit: " + html.EscapeString(a.Credit) + "</p>"
		}
	}
	switch {
	case a.Author != "":
		it.Authors = []Person{{Name: a.Author}}
	case s.Author.Name != "" || s.Author.Email != "":
		it.Authors = []Person{s.Author}
	}
	return it
}

// Address is where a feed lives: its stable id (the same feed in every
// format) and its URL in each format.
type Address struct {
	ID   string
	Self Links
}

// ArticleFeed is one article's feed: the article, its neighbours and its
// related items, merged, under the article's channel.
func (s Site) ArticleFeed(a *Article, article Item, prev, next *Item, related []Item, maxRelated int, at Address) Feed {
	items := Merge(article, prev, next, related, maxRelated)
	desc := a.Summary
	if desc == "" {
		desc = "The story of “" + a.Title + "”: the article, its neighbours and related coverage."
	}
	return s.feed(a.Title+" · "+s.Title, desc, article.Link, items, at)
}

// feed is a feed of the site: the channel says what the site says of
// itself, and is as new as its newest item.
func (s Site) feed(title, desc, link string, items []Item, at Address) Feed {
	return Feed{
		Channel: Channel{
			Title:       title,
			Description: desc,
			Language:    s.Language,
			Link:        link,
			ID:          at.ID,
			Author:      s.Author,
			Updated:     Newest(items),
			Self:        at.Self,
			Hub:         s.Hub,
		},
		Items: items,
	}
}

// SiteFeed is the site-wide feed: the local articles, newest first, at
// most max of them (readers want the latest, not the archive).
func (s Site) SiteFeed(articles []Item, max int, at Address) Feed {
	items := append([]Item(nil), articles...)
	sort.SliceStable(items, func(i, j int) bool {
		if !items[i].Published.Equal(items[j].Published) {
			return items[i].Published.After(items[j].Published)
		}
		return items[i].Title < items[j].Title
	})
	if len(items) > max {
		items = items[:max]
	}
	desc := s.Description
	if desc == "" {
		desc = "Latest articles from " + s.Title
	}
	return s.feed(s.Title, desc, s.URL, items, at)
}

// Newest is the latest date among items: a feed's updated time follows
// its content, never the clock, so unchanged inputs give unchanged bytes.
func Newest(items []Item) time.Time {
	var t time.Time
	for _, it := range items {
		for _, c := range []time.Time{it.Published, it.Updated} {
			if c.After(t) {
				t = c
			}
		}
	}
	return t
}
