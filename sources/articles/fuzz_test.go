package articles

import (
	"errors"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzSeeds adds the testdata fixtures (and the seed export, when present)
// of one format to a fuzzer's corpus.
func fuzzSeeds(f *testing.F, exts ...string) {
	paths, _ := filepath.Glob("testdata/*")
	paths = append(paths, "../../../shared/seed/article-binance-russia.txt")
	for _, p := range paths {
		for _, ext := range exts {
			if strings.EqualFold(filepath.Ext(p), ext) {
				if data, err := os.ReadFile(p); err == nil {
					f.Add(data)
				}
			}
		}
	}
}

// chromeParagraphs are chrome lines as they would look had they been
// published as a paragraph.
var chromeParagraphs = []string{
	"Please enter your comment!", "Please enter your name here", "Leave a Reply", "Cancel reply",
	"Save my name, email, and website in this browser for the next time I comment.",
	"Δ", "Comment:", "Name:*", "Email:*", "Website:", "Related articles", "More from author",
}

func checkParsed(t *testing.T, a Article, err error) {
	t.Helper()
	if err != nil {
		if !errors.Is(err, ErrInvalid) || !strings.HasPrefix(err.Error(), "articles: fuzz") {
			t.Fatalf("error %q: not ErrInvalid or no path", err)
		}
		return
	}
	if a.Title == "" {
		t.Fatal("no title and no error")
	}
	if a.Slug == "" {
		t.Fatal("no slug")
	}
	for _, s := range []string{a.Title, a.HTML, a.Text, a.Summary, a.Credit, a.Previous, a.Next} {
		if !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8 in %q", s)
		}
	}
	for _, c := range chromeParagraphs {
		e := html.EscapeString(c)
		if strings.Contains(a.HTML, "<p>"+e+"</p>") || strings.Contains(a.HTML, "<h2>"+e+"</h2>") {
			t.Fatalf("page chrome %q published:\n%s", c, a.HTML)
		}
	}
	if strings.Contains(strings.ToLower(a.HTML), "<script") {
		t.Fatalf("script in HTML:\n%s", a.HTML)
	}
}

func FuzzParseText(f *testing.F) {
	fuzzSeeds(f, ".txt")
	f.Add([]byte("T\r\nCredit by X\r\n\r\nBody.\r\nPrevious articleA\r\nNext article\r\nB\r\nPlease enter your comment!"))
	f.Add([]byte("\ufeffT\n\nPlease enter\nyour comment!\n\nx"))
	// Not UTF-8: Windows-1252, UTF-16 both ways, a broken UTF-16 surrogate.
	f.Add([]byte("Caf\xe9 \x93Quotes\x94\r\n\r\nBody \x96 dash.\r\nPrevious article\x93A\x94\r\n"))
	f.Add([]byte("\xff\xfeT\x00\n\x00\n\x00B\x00o\x00d\x00y\x00"))
	f.Add([]byte("\xfe\xff\x00T\x00\n\x00\n\x00B\xd8\x00"))
	f.Add([]byte("T\n\nB\x00ody"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseText("fuzz.txt", data)
		checkParsed(t, a, err)
		if err != nil {
			return
		}
		if strings.ContainsRune(a.Text, 0) || strings.ContainsRune(a.Title, 0) {
			t.Fatal("NUL in parsed text")
		}
		if utf8.Valid(data) && a.Encoding != "" {
			t.Fatalf("valid UTF-8 read as %s", a.Encoding)
		}
		for _, p := range strings.Split(a.Text, "\n\n") {
			if isBoilerplate(p) {
				t.Fatalf("page chrome %q in Text", p)
			}
		}
		if strings.Contains(a.HTML, "<") && !strings.HasPrefix(a.HTML, "<p>") && !strings.HasPrefix(a.HTML, "<h2>") {
			t.Fatalf("odd HTML %q", a.HTML)
		}
	})
}

func FuzzParseMarkdown(f *testing.F) {
	fuzzSeeds(f, ".md", ".markdown")
	f.Add([]byte("---\ntitle: T\ndate: 2026-01-02\nrelated:\n  min_score: 0.5\n---\n# T\n\n## H\n\nPlease enter your comment!\n\n<script>x</script>\n"))
	f.Add([]byte("---\ntitle: [\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseMarkdown("fuzz.md", data)
		checkParsed(t, a, err)
	})
}
