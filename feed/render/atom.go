package render

import (
	"time"

	"github.com/braid-feeds/braid/feed"
	"github.com/gorilla/feeds"
)

// atomFeed is gorilla's feed with the links, generator and xml:lang it
// cannot write. Entries shadow gorilla's and come last, after the feed's
// metadata, as RFC 4287's schema requires.
type atomFeed struct {
	*feeds.AtomFeed
	Lang      string           `xml:"xml:lang,attr,omitempty"`
	Links     []feeds.AtomLink `xml:"link"`
	Generator *atomGenerator   `xml:"generator"`
	Entries   []*atomEntry     `xml:"entry"`
}

type atomGenerator struct {
	URI  string `xml:"uri,attr,omitempty"`
	Name string `xml:",chardata"`
}

// atomEntry shadows what gorilla writes wrongly or not at all: a link with
// href="" when there is none, one author, one category, no source.
type atomEntry struct {
	*feeds.AtomEntry
	Links      []feeds.AtomLink    `xml:"link"`
	Authors    []*feeds.AtomAuthor `xml:"author"`
	Categories []atomCategory      `xml:"category"`
	Source     *atomSource         `xml:"source"`
}

type atomCategory struct {
	Term   string `xml:"term,attr"`
	Scheme string `xml:"scheme,attr,omitempty"`
}

// atomSource is the feed a related item came from (RFC 4287 4.2.11).
type atomSource struct {
	ID      string           `xml:"id,omitempty"`
	Title   string           `xml:"title,omitempty"`
	Updated string           `xml:"updated,omitempty"`
	Links   []feeds.AtomLink `xml:"link"`
}

// Atom renders f as Atom 1.0 (RFC 4287). It fails with ErrNoDate when
// nothing in the feed is dated.
func Atom(f *feed.Feed) ([]byte, error) {
	c := clean(f)
	if c.Updated.IsZero() {
		return nil, ErrNoDate
	}
	af := (&feeds.Atom{Feed: gorillaFeed(c)}).AtomFeed()
	af.Id = c.ID
	af.Updated = atomDate(c.Updated)
	af.Link = nil
	if c.Description == c.Title {
		af.Subtitle = "" // only the fallback, not a real description
	}
	// The feed always has an author, so no entry needs one of its own.
	author := c.Author
	if author.Name == "" {
		author.Name = c.Title
	}
	af.Author = atomAuthor(author)

	out := &atomFeed{AtomFeed: af, Lang: c.Language, Generator: &atomGenerator{URI: generatorURI, Name: Generator}}
	if self := c.Self.Get(NameAtom); self != "" {
		out.Links = append(out.Links, feeds.AtomLink{Href: self, Rel: "self", Type: mediaAtom})
	}
	if c.Link != "" {
		out.Links = append(out.Links, feeds.AtomLink{Href: c.Link, Rel: "alternate", Type: "text/html"})
	}
	if c.Hub != "" {
		out.Links = append(out.Links, feeds.AtomLink{Href: c.Hub, Rel: "hub"})
	}
	for i, ge := range af.Entries {
		it := &c.Items[i]
		updated := itemUpdated(it)
		ge.Id = it.ID // gorilla's default id is random when unset; ours never is
		ge.Updated = atomDate(updated)
		ge.Published = atomDate(it.Published)
		ge.Author, ge.Links = nil, nil
		if ge.Content == nil && it.Link == "" {
			// An entry needs content or an alternate link.
			if it.Summary != "" {
				ge.Content, ge.Summary = &feeds.AtomContent{Content: it.Summary, Type: "html"}, nil
			} else {
				ge.Content = &feeds.AtomContent{Content: firstNonEmpty(it.Title, it.ID), Type: "text"}
			}
		}
		e := &atomEntry{AtomEntry: ge}
		if it.Link != "" {
			e.Links = []feeds.AtomLink{{Href: it.Link, Rel: "alternate", Type: "text/html"}}
		}
		for _, p := range it.Authors {
			if p.Name == "" {
				p.Name = p.Email // atom:name is required
			}
			e.Authors = append(e.Authors, atomAuthor(p))
		}
		for _, cat := range it.Categories {
			e.Categories = append(e.Categories, atomCategory{Term: cat})
		}
		if it.Role != "" {
			e.Categories = append(e.Categories, atomCategory{Term: string(it.Role), Scheme: RoleScheme})
		}
		if o := it.Origin; o != nil {
			src := &atomSource{ID: firstNonEmpty(o.ID, o.URL), Title: o.Title, Updated: atomDate(o.Updated)}
			if src.Updated == "" {
				src.Updated = atomDate(updated)
			}
			if o.URL != "" {
				src.Links = append(src.Links, feeds.AtomLink{Href: o.URL, Rel: "self"})
			}
			if o.Link != "" {
				src.Links = append(src.Links, feeds.AtomLink{Href: o.Link, Rel: "alternate", Type: "text/html"})
			}
			e.Source = src
		}
		out.Entries = append(out.Entries, e)
	}
	return marshalXML(out)
}

// atomDate is RFC 3339 in UTC ("Z"); zero stays empty so the element is
// left out.
func atomDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func atomAuthor(p feed.Person) *feeds.AtomAuthor {
	return &feeds.AtomAuthor{AtomPerson: feeds.AtomPerson{Name: p.Name, Email: p.Email}}
}
