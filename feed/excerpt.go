package feed

import (
	"html"
	"net/url"
	"strings"
	"unicode"

	xhtml "golang.org/x/net/html"

	"github.com/braid-feeds/braid/internal/urls"
)

// Bound caps a related item's summary and content at max bytes each. A
// related item is copied into every article feed it relates to, so one
// huge external item would otherwise multiply into all of them.
func Bound(it *Item, max int) {
	if max <= 0 {
		return
	}
	it.Summary = Excerpt(it.Summary, max, it.Link)
	it.ContentHTML = Excerpt(it.ContentHTML, max, it.Link)
}

// Excerpt cuts sanitized HTML to at most max bytes: on a token boundary
// (never inside a tag, an entity or a UTF-8 sequence), between words
// when a text has to be cut, with every element left open closed, and
// ending with a link to the original (http(s) only). HTML within max is
// returned unchanged.
func Excerpt(s string, max int, link string) string {
	if len(s) <= max {
		return s
	}
	more := readMore(link)
	var b strings.Builder
	var open []string // element names, outermost first
	closing := 0      // bytes the end tags of open will take
	budget := max - len(more)
	z := xhtml.NewTokenizer(strings.NewReader(s))
	for budget > 0 {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			break
		}
		raw := string(z.Raw())
		room := budget - b.Len() - closing
		if tt == xhtml.TextToken {
			// Re-escaped, not raw: a stray "<" next to a dropped
			// comment must not join the following text into a tag.
			raw = html.EscapeString(string(z.Text()))
			if len(raw) > room {
				b.WriteString(cutText(raw, room))
				break
			}
			b.WriteString(raw)
			continue
		}
		name, _ := z.TagName()
		tag := string(name)
		switch tt {
		case xhtml.StartTagToken:
			if voidElements[tag] {
				if len(raw) > room {
					budget = 0
					continue
				}
				b.WriteString(raw)
				continue
			}
			if len(raw)+len(tag)+3 > room {
				budget = 0
				continue
			}
			b.WriteString(raw)
			open = append(open, tag)
			closing += len(tag) + 3
		case xhtml.EndTagToken:
			if i := lastIndex(open, tag); i >= 0 {
				for _, t := range open[i:] {
					closing -= len(t) + 3
				}
				// Close what the source left open inside it, as the
				// parser would, so the result stays balanced.
				for j := len(open) - 1; j >= i; j-- {
					b.WriteString("</" + open[j] + ">")
				}
				open = open[:i]
			}
		case xhtml.SelfClosingTagToken:
			if len(raw) <= room {
				b.WriteString(raw)
			}
		}
	}
	for i := len(open) - 1; i >= 0; i-- {
		b.WriteString("</" + open[i] + ">")
	}
	b.WriteString(more)
	return b.String()
}

// readMore is the closing link to the original story, "" when the item
// has no http(s) link to send readers to.
func readMore(link string) string {
	link = urls.Redact(link)
	u, err := url.Parse(link)
	if link == "" || err != nil || !urls.IsHTTP(link) {
		return "<p>…</p>"
	}
	return `<p>… Read the full story at <a href="` + html.EscapeString(link) + `">` + html.EscapeString(u.Hostname()) + `</a>.</p>`
}

// cutText keeps at most room bytes of raw text, ending between words so
// neither a UTF-8 sequence nor an entity ("&amp;") is split.
func cutText(raw string, room int) string {
	if room <= 0 {
		return ""
	}
	// A space rune starts where a character starts: cutting before it
	// splits neither a UTF-8 sequence nor an entity.
	cut := raw[:room]
	if raw[room] == ' ' || raw[room] == '\n' {
		return cut // a whole word fits
	}
	i := strings.LastIndexFunc(cut, unicode.IsSpace)
	if i < 0 {
		return ""
	}
	return cut[:i]
}

func lastIndex(s []string, v string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == v {
			return i
		}
	}
	return -1
}

// voidElements have no end tag.
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true,
}
