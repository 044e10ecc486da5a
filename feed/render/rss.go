package render

import (
	"encoding/xml"
	"time"

	"github.com/braid-feeds/braid/feed"
	"github.com/gorilla/feeds"
)

// rssRoot replaces gorilla's RssFeedXml to declare the atom and dc
// namespaces next to content.
type rssRoot struct {
	XMLName   xml.Name `xml:"rss"`
	Version   string   `xml:"version,attr"`
	NSContent string   `xml:"xmlns:content,attr"`
	NSAtom    string   `xml:"xmlns:atom,attr"`
	NSDC      string   `xml:"xmlns:dc,attr"`
	Channel   *rssChannel
}

// rssChannel is gorilla's channel plus the atom:links it cannot write; its
// items shadow gorilla's.
type rssChannel struct {
	*feeds.RssFeed
	AtomLinks []rssAtomLink `xml:"atom:link"`
	Items     []*rssItem    `xml:"item"`
}

type rssAtomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
}

// rssItem shadows the gorilla item fields that are wrong for us: link,
// title and description are written even when empty, one category only,
// and <source> without its required url attribute.
type rssItem struct {
	Title       string `xml:"title,omitempty"`
	Link        string `xml:"link,omitempty"`
	Description string `xml:"description,omitempty"`
	*feeds.RssItem
	Creators   []string      `xml:"dc:creator"`
	Categories []rssCategory `xml:"category"`
	Source     *rssSource    `xml:"source"`
}

type rssCategory struct {
	Domain string `xml:"domain,attr,omitempty"`
	Name   string `xml:",chardata"`
}

type rssSource struct {
	URL  string `xml:"url,attr"`
	Name string `xml:",chardata"`
}

// RSS renders f as RSS 2.0 with the content, atom and dc extensions.
func RSS(f *feed.Feed) ([]byte, error) {
	c := clean(f)
	ch := (&feeds.Rss{Feed: gorillaFeed(c)}).RssFeed()
	ch.Language = c.Language
	ch.Generator = Generator
	ch.PubDate = ""
	ch.LastBuildDate = rssDate(c.Updated)
	ch.ManagingEditor = rssPerson(c.Author)

	out := &rssChannel{RssFeed: ch}
	if self := c.Self.Get(NameRSS); self != "" {
		out.AtomLinks = append(out.AtomLinks, rssAtomLink{Href: self, Rel: "self", Type: mediaRSS})
	}
	if c.Hub != "" {
		out.AtomLinks = append(out.AtomLinks, rssAtomLink{Href: c.Hub, Rel: "hub"})
	}
	for i, gi := range ch.Items {
		it := &c.Items[i]
		gi.PubDate = rssDate(itemDate(it))
		ri := &rssItem{RssItem: gi, Title: it.Title, Link: it.Link, Description: it.Summary}
		if ri.Description == "" {
			ri.Description = it.ContentHTML
		}
		if ri.Title == "" && ri.Description == "" {
			// An item needs a title or a description.
			ri.Title = firstNonEmpty(it.Link, it.ID)
		}
		// RSS has one <author> and it must be an e-mail address: the first
		// author with one goes there, everyone else is a dc:creator.
		for _, p := range it.Authors {
			if gi.Author == "" && p.Email != "" {
				gi.Author = rssPerson(p)
			} else {
				ri.Creators = append(ri.Creators, firstNonEmpty(p.Name, p.Email))
			}
		}
		for _, cat := range it.Categories {
			ri.Categories = append(ri.Categories, rssCategory{Name: cat})
		}
		if it.Role != "" {
			ri.Categories = append(ri.Categories, rssCategory{Domain: RoleScheme, Name: string(it.Role)})
		}
		if o := it.Origin; o != nil {
			if u := firstNonEmpty(o.URL, o.Link); u != "" {
				ri.Source = &rssSource{URL: u, Name: o.Title}
			}
		}
		out.Items = append(out.Items, ri)
	}
	return marshalXML(&rssRoot{
		Version:   "2.0",
		NSContent: "http://purl.org/rss/1.0/modules/content/",
		NSAtom:    "http://www.w3.org/2005/Atom",
		NSDC:      "http://purl.org/dc/elements/1.1/",
		Channel:   out,
	})
}

// rssDate is RFC 822 as the validator wants it: four-digit year, numeric
// zone. Zero stays empty so the element is left out.
func rssDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC1123Z)
}

// rssPerson is "email (Name)", or "" without an e-mail address.
func rssPerson(p feed.Person) string {
	switch {
	case p.Email == "":
		return ""
	case p.Name == "":
		return p.Email
	default:
		return p.Email + " (" + p.Name + ")"
	}
}
