package feed

import (
	"strings"
	"testing"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"
)

const more = `<p>… Read the full story at <a href="https://ex.org/a">ex.org</a>.</p>`

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("word ", 400) // 2000 bytes
	for _, tc := range []struct {
		name, in, link string
		max            int
		// the result is open + unit repeated (trimmed) + closed, with as
		// many units as fit in max.
		open, unit, closed string
	}{
		{"text cut between words", "<p>" + long + "</p>", "https://ex.org/a", 200, "<p>", "word ", "</p>" + more},
		{"open elements closed", "<div><p><b>" + long, "https://ex.org/a", 200, "<div><p><b>", "word ", "</b></p></div>" + more},
		{"entity not split", "<p>" + strings.Repeat("a&amp;b ", 300) + "</p>", "https://ex.org/a", 150, "<p>", "a&amp;b ", "</p>" + more},
		{"multibyte not split", "<p>" + strings.Repeat("Ünïcødé ", 300) + "</p>", "https://ex.org/a", 151, "<p>", "Ünïcødé ", "</p>" + more},
		{"no http link", "<p>" + long + "</p>", "javascript:alert(1)", 40, "<p>", "word ", "</p><p>…</p>"},
		{"link redacted", "<p>" + long + "</p>", "https://u:pw@ex.org/a?token=x", 200, "<p>", "word ", "</p>" + more},
		{"image dropped when it does not fit", "<p>" + strings.Repeat("x ", 60) + `<img src="https://ex.org/i.png" alt="a long alternative text"></p>` + long,
			"https://ex.org/a", 200, "<p>", "x ", "</p>" + more},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Excerpt(tc.in, tc.max, tc.link)
			mid, ok := strings.CutPrefix(got, tc.open)
			if ok {
				mid, ok = strings.CutSuffix(mid, tc.closed)
			}
			n := strings.Count(mid+" ", tc.unit)
			if !ok || strings.TrimSpace(strings.Repeat(tc.unit, n)) != strings.TrimSpace(mid) {
				t.Fatalf("Excerpt =\n%s\nwant %s (%s)… %s", got, tc.open, tc.unit, tc.closed)
			}
			if len(got) > tc.max || len(got)+len(tc.unit) <= tc.max {
				t.Errorf("%d bytes for max %d: over it, or room left for another %q", len(got), tc.max, tc.unit)
			}
		})
	}
	if got := Excerpt("<p>hi</p>", 1024, ""); got != "<p>hi</p>" {
		t.Errorf("short HTML changed: %q", got)
	}
}

func TestExcerptMultibyte(t *testing.T) {
	in := "<p>" + strings.Repeat("Ünïcødé ", 500) + "</p>"
	for max := 100; max < 300; max++ {
		got := Excerpt(in, max, "https://ex.org/a")
		if !utf8.ValidString(got) || len(got) > max {
			t.Fatalf("max %d: %d bytes, valid UTF-8 %v", max, len(got), utf8.ValidString(got))
		}
	}
}

func TestBound(t *testing.T) {
	it := Item{Link: "https://ex.org/a", Summary: strings.Repeat("s ", 5000), ContentHTML: "<p>" + strings.Repeat("c ", 50000) + "</p>"}
	Bound(&it, 4096)
	if len(it.Summary) > 4096 || len(it.ContentHTML) > 4096 || !strings.HasSuffix(it.ContentHTML, more) {
		t.Errorf("summary %d, content %d bytes; content ends %q", len(it.Summary), len(it.ContentHTML), it.ContentHTML[len(it.ContentHTML)-80:])
	}
}

// FuzzExcerpt checks the promises on any input: within max, valid UTF-8
// when the input was, and every element it opens is closed.
func FuzzExcerpt(f *testing.F) {
	f.Add("<div><p>a <b>b</b> c <i>d e f g</i></p></div>", 1100)
	f.Add("<p>é é é é</p><ul><li>x y<li>z w</ul>", 1030)
	f.Fuzz(func(t *testing.T, in string, limit int) {
		if limit < 1024 || limit > 1<<20 {
			return
		}
		in = strings.Repeat(in, 1+limit*2/max(1, len(in)))
		got := Excerpt(in, limit, "https://ex.org/a")
		if len(got) > limit && len(got) > len(in) {
			t.Fatalf("%d bytes over %d", len(got), limit)
		}
		if len(in) <= limit {
			return
		}
		if utf8.ValidString(in) && !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8: %q", got)
		}
		depth := 0
		z := xhtml.NewTokenizer(strings.NewReader(got))
		for tt := z.Next(); tt != xhtml.ErrorToken; tt = z.Next() {
			name, _ := z.TagName()
			switch {
			case tt == xhtml.StartTagToken && !voidElements[string(name)]:
				depth++
			case tt == xhtml.EndTagToken:
				depth--
			}
		}
		if depth > 0 {
			t.Fatalf("%d elements left open in %q", depth, got)
		}
	})
}
