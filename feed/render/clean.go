package render

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/internal/urls"
)

// ErrNoDate is returned by Atom when the feed has items but neither the
// channel nor any item has a date: Atom requires an updated time and the
// renderer will not invent one for content that exists.
var ErrNoDate = errors.New("render: feed has no date (set Channel.Updated or item dates)")

// EmptyFeedDate dates a feed with no items and no Channel.Updated (a site
// with no articles yet). It is fixed rather than the clock so that an
// empty site publishes byte-identical files every cycle, and it is
// 2000-01-01 rather than the Unix epoch because some readers and
// validators treat a zero-like time as "no date" and a four-digit year
// after 1970 is valid in RFC 822 and RFC 3339 alike.
var EmptyFeedDate = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)

// cleaned is a feed made safe to write: every text field stripped of what
// XML cannot carry, single-line fields trimmed, times in UTC to the
// second, ids, titles and dates filled in. The caller's feed is not touched.
type cleaned struct {
	feed.Channel
	Items []feed.Item
}

// clean copies f into the form every renderer writes from.
func clean(f *feed.Feed) *cleaned {
	c := &cleaned{Channel: cleanChannel(f.Channel)}
	if c.Updated.IsZero() {
		for _, it := range f.Items {
			for _, t := range []time.Time{it.Published, it.Updated} {
				if t = utc(t); t.After(c.Updated) {
					c.Updated = t
				}
			}
		}
	}
	if c.Updated.IsZero() && len(f.Items) == 0 {
		c.Updated = EmptyFeedDate
	}
	c.Items = make([]feed.Item, 0, len(f.Items))
	for _, it := range f.Items {
		c.Items = append(c.Items, cleanItem(it, &c.Channel))
	}
	return c
}

func cleanChannel(ch feed.Channel) feed.Channel {
	out := feed.Channel{
		Title:       line(ch.Title),
		Description: text(ch.Description),
		Language:    line(ch.Language),
		Link:        line(ch.Link),
		ID:          line(ch.ID),
		Author:      cleanPerson(ch.Author),
		Updated:     utc(ch.Updated),
		Self:        cleanLinks(ch.Self),
		Hub:         line(ch.Hub),
	}
	if out.ID == "" {
		out.ID = firstNonEmpty(out.Self.Get(NameAtom), out.Link, out.Self.First())
	}
	if out.Link == "" {
		out.Link = out.Self.First()
	}
	if out.Title == "" {
		out.Title = firstNonEmpty(out.Link, out.ID)
	}
	if strings.TrimSpace(out.Description) == "" {
		out.Description = out.Title
	}
	return out
}

func cleanItem(it feed.Item, ch *feed.Channel) feed.Item {
	out := feed.Item{
		ID:          line(it.ID),
		GUID:        line(it.GUID),
		Link:        line(it.Link),
		Title:       line(it.Title),
		Summary:     text(it.Summary),
		ContentHTML: text(it.ContentHTML),
		Published:   utc(it.Published),
		Updated:     utc(it.Updated),
		Role:        feed.Role(line(string(it.Role))),
		Score:       it.Score,
	}
	for _, p := range it.Authors {
		if p = cleanPerson(p); p.Name != "" || p.Email != "" {
			out.Authors = append(out.Authors, p)
		}
	}
	seen := make(map[string]bool, len(it.Categories))
	for _, cat := range it.Categories {
		if cat = line(cat); cat != "" && !seen[cat] {
			seen[cat] = true
			out.Categories = append(out.Categories, cat)
		}
	}
	if it.Origin != nil {
		o := feed.Origin{
			Name: line(it.Origin.Name),
			// Redacted here too, whatever the caller did: no credential
			// of a subscription is ever published.
			URL:     urls.Redact(line(it.Origin.URL)),
			Title:   line(it.Origin.Title),
			Link:    urls.Redact(line(it.Origin.Link)),
			ID:      urls.Redact(line(it.Origin.ID)),
			Updated: utc(it.Origin.Updated),
		}
		if o.Title == "" {
			o.Title = firstNonEmpty(o.Name, o.URL, o.Link)
		}
		out.Origin = &o
	}
	if out.ID == "" {
		out.ID = out.Link
	}
	if out.ID == "" {
		// Stable across runs as long as the item does not change; the
		// fragment keeps it an absolute IRI under the feed's own id.
		sum := sha256.Sum256([]byte(out.Title + "\x00" + out.Summary + "\x00" + out.ContentHTML))
		out.ID = ch.ID + "#item-" + hex.EncodeToString(sum[:8])
	}
	if out.Published.IsZero() && out.Updated.IsZero() {
		out.Updated = ch.Updated
	}
	return out
}

func cleanPerson(p feed.Person) feed.Person {
	p.Name, p.Email = line(p.Name), line(p.Email)
	if !validEmail(p.Email) {
		p.Email = ""
	}
	return p
}

func cleanLinks(l feed.Links) feed.Links {
	var out feed.Links
	for _, x := range l {
		if u := line(x.URL); u != "" {
			out = append(out, feed.Link{Format: x.Format, URL: u})
		}
	}
	return out
}

// validEmail is deliberately loose: one @ with something on both sides and
// no spaces, enough for RSS's author and Atom's ".+@.+".
func validEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && at < len(s)-1 && strings.Count(s, "@") == 1 && !strings.ContainsAny(s, " \t\r\n<>()")
}

// utc converts t to UTC and drops sub-second precision, which RSS and Atom
// dates cannot carry; JSON then says the same instant.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Second)
}

// itemDate is the item's publication date: Published, else Updated.
func itemDate(it *feed.Item) time.Time {
	if !it.Published.IsZero() {
		return it.Published
	}
	return it.Updated
}

// itemUpdated is the item's last change: Updated, else Published.
func itemUpdated(it *feed.Item) time.Time {
	if !it.Updated.IsZero() {
		return it.Updated
	}
	return it.Published
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// line cleans a single-line field (title, name, URL, id): stripped of
// what XML cannot carry, surrounding space trimmed.
func line(s string) string { return strings.TrimSpace(text(s)) }

// text removes what XML 1.0 cannot carry and gorilla would write raw:
// invalid UTF-8, C0 controls except tab, newline and carriage return,
// DEL, and the non-characters U+FFFE and U+FFFF; and the bidi controls,
// which the parser strips already but which a caller's own item or a
// state file written before it did may still hold.
func text(s string) string {
	clean := true
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if dropRune(r, size) {
			clean = false
			break
		}
		i += size
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !dropRune(r, size) {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func dropRune(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size <= 1:
		return true
	case r < 0x20:
		return r != '\t' && r != '\n' && r != '\r'
	case r == 0x7f, r == 0xfffe, r == 0xffff, feed.IsBidiControl(r):
		return true
	}
	return false
}
