package parser

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/braid-feeds/braid/feed"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden is what a golden file records of one parse.
type golden struct {
	Error  string      `json:",omitempty"`
	TTL    string      `json:",omitempty"`
	Origin feed.Origin `json:",omitzero"`
	Items  []feed.Item `json:",omitempty"`
}

// TestGolden parses every testdata/*.{xml,atom,json} as if fetched from
// https://feeds.example.org/<file> with no Content-Type, and compares
// the items with testdata/<name>.golden.json (go test -update rewrites
// them). Whatever the golden files say, no item may carry script.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/*")
	if err != nil {
		t.Fatal(err)
	}
	p := New()
	for _, in := range inputs {
		ext := filepath.Ext(in)
		if strings.HasSuffix(in, ".golden.json") || (ext != ".xml" && ext != ".atom" && ext != ".json") {
			continue
		}
		t.Run(filepath.Base(in), func(t *testing.T) {
			body, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			f, err := p.Parse(filepath.Base(in), "https://feeds.example.org/"+filepath.Base(in), "", body)
			checkSafe(t, f.Items)
			got := encodeGolden(t, f, err)
			path := strings.TrimSuffix(in, ext) + ".golden.json"
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from what parsing gives now:\n%s", path, got)
			}
		})
	}
}

func encodeGolden(t *testing.T, f Feed, perr error) []byte {
	t.Helper()
	g := golden{Origin: f.Origin}
	if perr != nil {
		g.Error = perr.Error()
	}
	if f.TTL > 0 {
		g.TTL = f.TTL.String()
	}
	for _, it := range f.Items {
		it.Origin = nil // the feed's, recorded once above
		g.Items = append(g.Items, it)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(g); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// checkSafe asserts what every parsed item must be, whatever the input.
func checkSafe(t *testing.T, items []feed.Item) {
	t.Helper()
	for _, it := range items {
		for _, s := range []string{it.GUID, it.Link, it.Title, it.Summary, it.ContentHTML} {
			low := strings.ToLower(s)
			if !utf8.ValidString(s) {
				t.Errorf("%s: invalid UTF-8 in %q", it.Link, s)
			}
			for _, bad := range []string{"<script", "javascript:", "onerror", "onclick", "onmouseover", "<iframe", "<style"} {
				if strings.Contains(low, bad) && s != it.Title {
					t.Errorf("%s: %q survived in %q", it.Link, bad, s)
				}
			}
		}
		if !strings.HasPrefix(it.Link, "https://") && !strings.HasPrefix(it.Link, "http://") {
			t.Errorf("item link %q is not absolute", it.Link)
		}
	}
}
