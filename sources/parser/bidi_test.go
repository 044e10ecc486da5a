package parser

import (
	"strings"
	"testing"
)

// bidiControls are every bidi formatting character braid strips.
var bidiControls = []rune{
	0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c,
}

func TestBidiControlsStripped(t *testing.T) {
	docs := map[string]string{
		"rss": `<rss version="2.0"><channel><title>Wire&#x202E;</title><link>https://w.example/</link><description>d</description>
<item><title>Invoice &#x202E;fdp.exe&#x202C;</title><link>https://w.example/1</link>
<description>&lt;p&gt;a&#x2066;b&#x2069;c&#x200F;&lt;/p&gt;</description><author>x@w.example (Ana&#x061C;)</author></item></channel></rss>`,
		"atom": `<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>urn:w</id><updated>2024-01-01T00:00:00Z</updated>
<entry><title>Invoice &#x202E;fdp.exe&#x202C;</title><id>urn:w:1</id><link href="https://w.example/1"/><updated>2024-01-01T00:00:00Z</updated>
<content type="html">&lt;p&gt;a&#x2066;b&#x2069;c&#x200F;&lt;/p&gt;</content></entry></feed>`,
		"json": `{"version":"https://jsonfeed.org/version/1.1","title":"Wire","items":[{"id":"1","url":"https://w.example/1",
"title":"Invoice \u202efdp.exe\u202c","content_html":"<p>a\u2066b\u2069c\u200f</p>"}]}`,
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			f, err := New().Parse("wire", "https://w.example/feed", "", []byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Items) != 1 {
				t.Fatalf("%d items", len(f.Items))
			}
			it := f.Items[0]
			if it.Title != "Invoice fdp.exe" {
				t.Errorf("title %q", it.Title)
			}
			texts := []string{it.Title, it.Summary, it.ContentHTML, f.Origin.Title}
			for _, p := range it.Authors {
				texts = append(texts, p.Name)
			}
			for _, s := range texts {
				if i := strings.IndexFunc(s, func(r rune) bool { return strings.ContainsRune(string(bidiControls), r) }); i >= 0 {
					t.Errorf("bidi control left in %q", s)
				}
			}
			if !strings.Contains(it.Summary+it.ContentHTML, "abc") {
				t.Errorf("text around the controls lost: %q %q", it.Summary, it.ContentHTML)
			}
		})
	}
}

func TestStripControlKeepsText(t *testing.T) {
	for _, r := range bidiControls {
		in := "a" + string(r) + "b\u05d0\u0627"
		if got := stripControl(in); got != "ab\u05d0\u0627" {
			t.Errorf("U+%04X: stripControl(%q) = %q", r, in, got)
		}
	}
}
