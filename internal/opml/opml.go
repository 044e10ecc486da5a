// Package opml reads and writes OPML subscription lists, the format feed
// readers use to move subscriptions between them.
//
// Reading is forgiving where real exports differ and strict where a
// guess could be wrong. Readers nest subscriptions in folders, so nested
// outlines are flattened; attribute names are matched without regard to
// case because exporters write xmlUrl, xmlURL and xmlurl; the outline
// type ("rss", "atom", often missing) is ignored because the feed itself
// says what it is. A document that is not well-formed XML is an error
// with its line, never a partial list, since importing half a file
// silently would lose subscriptions.
//
// Writing is deterministic: the same list gives the same bytes, so an
// exported file can be kept in version control.
package opml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"golang.org/x/net/html/charset"
)

// ErrInvalid is wrapped by every error about a document's content, so
// callers can tell a bad file from one that could not be read.
var ErrInvalid = errors.New("invalid OPML")

// Feed is one subscription.
type Feed struct {
	// Name is the outline's title, else its text, else the host of its
	// URL: readers fill these in differently, and a source needs a name.
	Name    string
	URL     string // the feed (xmlUrl)
	HTMLURL string // the site the feed belongs to (htmlUrl); may be ""
}

// outline is one <outline>, with its children.
type outline struct {
	text, title, xmlURL, htmlURL string
	children                     []outline
}

// UnmarshalXML reads the attributes case-insensitively, because exporters
// disagree on the case of xmlUrl and htmlUrl.
func (o *outline) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	for _, a := range start.Attr {
		switch strings.ToLower(a.Name.Local) {
		case "text":
			o.text = a.Value
		case "title":
			o.title = a.Value
		case "xmlurl":
			o.xmlURL = a.Value
		case "htmlurl":
			o.htmlURL = a.Value
		}
	}
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "outline" {
				if err := d.Skip(); err != nil {
					return err
				}
				continue
			}
			var c outline
			if err := c.UnmarshalXML(d, t); err != nil {
				return err
			}
			o.children = append(o.children, c)
		case xml.EndElement:
			return nil
		}
	}
}

type document struct {
	XMLName xml.Name `xml:"opml"`
	Body    *struct {
		Outlines []outline `xml:"outline"`
	} `xml:"body"`
}

// Parse reads an OPML 1.0 or 2.0 document and returns every outline that
// has an xmlUrl, in document order, folders flattened. feed:// and
// feed:http(s):// URLs and upper-case schemes come back as http(s).
func Parse(r io.Reader) ([]Feed, error) { return parse(r, "") }

// ParseFile is Parse on a file; its errors name the file (and the line).
func ParseFile(path string) ([]Feed, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opml: %w", err)
	}
	defer f.Close()
	return parse(f, path)
}

func parse(r io.Reader, name string) ([]Feed, error) {
	dec := xml.NewDecoder(r)
	// OPML files from older readers are often ISO-8859-1 or windows-1252,
	// declared in the XML declaration.
	dec.CharsetReader = charset.NewReaderLabel
	// HTML entities such as &eacute; appear in titles written by tools
	// that treat OPML as HTML; they are unambiguous, so accept them.
	dec.Entity = xml.HTMLEntity
	var doc document
	if err := dec.Decode(&doc); err != nil {
		var se *xml.SyntaxError
		switch {
		case errors.As(err, &se):
			return nil, invalid(name, se.Line, "%s", se.Msg)
		case errors.Is(err, io.EOF):
			return nil, invalid(name, 0, "empty document")
		}
		return nil, invalid(name, 0, "%v", err)
	}
	if doc.Body == nil {
		return nil, invalid(name, 0, "no <body> element")
	}
	var out []Feed
	var walk func([]outline)
	walk = func(list []outline) {
		for _, o := range list {
			// Read as Marshal writes, on one line, so an import of an
			// export gives back the same feeds.
			if u := feedURL(oneLine(o.xmlURL)); u != "" {
				out = append(out, Feed{
					Name:    feedName(o, u),
					URL:     u,
					HTMLURL: oneLine(o.htmlURL),
				})
			}
			// An outline with a feed may still hold children; some
			// readers nest that way, and dropping them loses feeds.
			walk(o.children)
		}
	}
	walk(doc.Body.Outlines)
	return out, nil
}

// invalid words an error about a document's content the way braid's
// config errors are: "opml: file:line: invalid OPML: message".
func invalid(file string, line int, format string, args ...any) error {
	loc := ""
	switch {
	case file != "" && line > 0:
		loc = fmt.Sprintf("%s:%d: ", file, line)
	case file != "":
		loc = file + ": "
	case line > 0:
		loc = fmt.Sprintf("line %d: ", line)
	}
	return fmt.Errorf("opml: %s%w: %s", loc, ErrInvalid, fmt.Sprintf(format, args...))
}

// name picks the outline's display name: title, text, then the URL's
// host, with white space collapsed so the name fits on one line.
func feedName(o outline, feedURL string) string {
	for _, s := range []string{o.title, o.text} {
		if s = oneLine(s); s != "" {
			return s
		}
	}
	if u, err := url.Parse(feedURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return feedURL
}

type outDoc struct {
	XMLName xml.Name     `xml:"opml"`
	Version string       `xml:"version,attr"`
	Title   string       `xml:"head>title"`
	Body    []outOutline `xml:"body>outline"`
}

type outOutline struct {
	Type    string `xml:"type,attr"`
	Text    string `xml:"text,attr"`
	Title   string `xml:"title,attr"`
	XMLURL  string `xml:"xmlUrl,attr"`
	HTMLURL string `xml:"htmlUrl,attr,omitempty"`
}

// Marshal writes an OPML 2.0 document with one outline per feed, in the
// given order. It writes no dates, so the output depends on its input
// only.
func Marshal(title string, feeds []Feed) ([]byte, error) {
	doc := outDoc{Version: "2.0", Title: oneLine(title)}
	for i, f := range feeds {
		u := oneLine(f.URL)
		if u == "" {
			return nil, fmt.Errorf("opml: feed %d (%q) has no URL", i, f.Name)
		}
		n := oneLine(f.Name)
		if n == "" {
			n = u // text is required by OPML 2.0
		}
		doc.Body = append(doc.Body, outOutline{Type: "rss", Text: n, Title: n, XMLURL: u, HTMLURL: oneLine(f.HTMLURL)})
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("opml: %w", err)
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// oneLine collapses white space and drops control characters, which XML
// 1.0 cannot carry and which would make a name span lines.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '\uFFFE' || r == '\uFFFF' {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	return strings.Join(strings.Fields(s), " ")
}
