package render

import (
	"encoding/xml"
	"fmt"
)

// OPMLEntry is one feed in an OPML subscription list.
type OPMLEntry struct {
	Title   string
	HTMLURL string // the page the feed is about
	XMLURL  string // the feed itself (the RSS URL for Type "rss")
	Type    string // "rss" when empty
}

type opmlDoc struct {
	XMLName xml.Name      `xml:"opml"`
	Version string        `xml:"version,attr"`
	Title   string        `xml:"head>title"`
	Body    []opmlOutline `xml:"body>outline"`
}

type opmlOutline struct {
	Type    string `xml:"type,attr"`
	Text    string `xml:"text,attr"`
	Title   string `xml:"title,attr,omitempty"`
	XMLURL  string `xml:"xmlUrl,attr"`
	HTMLURL string `xml:"htmlUrl,attr,omitempty"`
}

// OPML renders an OPML 2.0 subscription list of feeds, in the given order,
// so a reader can subscribe to all of them at once.
func OPML(title string, entries []OPMLEntry) ([]byte, error) {
	doc := &opmlDoc{Version: "2.0", Title: line(title)}
	for i, e := range entries {
		o := opmlOutline{
			Type:    line(e.Type),
			Title:   line(e.Title),
			XMLURL:  line(e.XMLURL),
			HTMLURL: line(e.HTMLURL),
		}
		if o.XMLURL == "" {
			return nil, fmt.Errorf("render: OPML entry %d (%q) has no XMLURL", i, o.Title)
		}
		if o.Type == "" {
			o.Type = "rss"
		}
		o.Text = firstNonEmpty(o.Title, o.XMLURL) // text is required
		doc.Body = append(doc.Body, o)
	}
	return marshalXML(doc)
}
