package render

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/braid-feeds/braid/feed"
)

// FuzzRender puts arbitrary strings into every text field and checks that
// the XML stays well-formed and the JSON valid.
func FuzzRender(f *testing.F) {
	f.Add("Tom & Jerry <3", "<p>a ]]> b</p>", "cat")
	f.Add("\x00\x01\x7f\uFFFE\uFFFF", "\xff\xfe", "\x1b")
	f.Add("Как дела?", "<![CDATA[x]]>", "]]>")
	f.Add("", "", "")
	f.Fuzz(func(t *testing.T, title, content, other string) {
		when := time.Date(2024, 5, 6, 7, 8, 9, 0, time.FixedZone("x", 3600))
		fd := &feed.Feed{
			Channel: feed.Channel{
				Title: title, Description: other, Language: other, Link: other, ID: other,
				Author: feed.Person{Name: title, Email: other}, Updated: when,
				Self: feed.Links{{Format: "rss", URL: other}, {Format: "atom", URL: other}, {Format: "json", URL: other}}, Hub: other,
			},
			Items: []feed.Item{{
				ID: other, Link: other, Title: title, Summary: content, ContentHTML: content,
				Published: when, Authors: []feed.Person{{Name: title, Email: other}, {Name: other}},
				Categories: []string{title, other}, Role: feed.Role(other),
				Origin: &feed.Origin{Name: title, URL: other, Title: title, Link: other, ID: other},
			}, {Title: other, Summary: title}},
		}
		for name, fn := range map[string]func(*feed.Feed) ([]byte, error){"rss": RSS, "atom": Atom} {
			out, err := fn(fd)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if err := wellFormed(out); err != nil {
				t.Fatalf("%s not well-formed: %v\n%s", name, err, out)
			}
		}
		out, err := JSON(fd)
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(out) {
			t.Fatalf("invalid JSON:\n%s", out)
		}
		out, err = OPML(title, []OPMLEntry{{Title: title, HTMLURL: other, XMLURL: other + "x"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := wellFormed(out); err != nil {
			t.Fatalf("OPML not well-formed: %v\n%s", err, out)
		}
		if _, err := Index(IndexData{Site: fd.Channel, Feeds: []IndexFeed{{Title: title, ArticleURL: other, Links: fd.Self}}}); err != nil {
			t.Fatal(err)
		}
	})
}
