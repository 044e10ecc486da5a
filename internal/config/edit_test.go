package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// commented is a config the way a person keeps one: comments above and
// beside keys, aligned, blank lines, and sources in the middle.
const commented = `# Our newsroom's braid config.
site:
  title: Example News        # shown in every feed title
  url: https://news.example.com

content: content          # local articles
out: out                  # generated feeds

# External feeds.
sources:
  - name: Example Wire      # the wire
    url: https://www.wire.example.com/top.xml?utm_source=x
  - name: Local
    url: feeds/local.xml
    weight: 0.5
  # - name: Disabled
  #   url: https://disabled.example.com/feed

# Relatedness.
related:
  max_items: 20
  min_score: 0.05           # threshold
`

func TestAddSources(t *testing.T) {
	tests := []struct {
		name        string
		body        string
		add         []Source
		wantAdded   []string // names
		wantSkipped []string
		wantNames   []string // every source after the edit, in order
		insertOnly  bool     // the edit only inserts lines; every old line stays
		contains    []string // in the result
	}{
		{
			name: "commented block list",
			body: commented,
			add: []Source{
				{Name: "Wire again", URL: "http://wire.example.com/top.xml/"}, // same link, normalized
				{Name: "Example Wire", URL: "https://other.example.com/feed"}, // name clash
				{Name: "Markets", URL: "https://markets.example.com/feed.atom", Every: Duration(time.Hour), Include: []string{"Vantrix"}},
				{Name: "Markets copy", URL: "https://MARKETS.example.com/feed.atom#x"},
				{Name: "Local file", URL: "file://{dir}/feeds/local.xml"},
			},
			wantAdded:   []string{"Example Wire (2)", "Markets"},
			wantSkipped: []string{"Wire again", "Markets copy", "Local file"},
			wantNames:   []string{"Example Wire", "Local", "Example Wire (2)", "Markets"},
			insertOnly:  true,
			contains:    []string{"    every: 1h\n    include:\n      - Vantrix\n"},
		},
		{
			name:       "list at column zero, CRLF line ends",
			body:       "site:\r\n  title: T\r\n  url: https://n.example.com\r\nsources:\r\n- name: A\r\n  url: https://a.example.com/f\r\nrelated:\r\n  max_items: 3\r\n",
			add:        []Source{{Name: "B", URL: "https://b.example.com/f"}},
			wantAdded:  []string{"B"},
			wantNames:  []string{"A", "B"},
			insertOnly: true,
		},
		{
			name:       "no sources key",
			body:       "# comment\nsite:\n  title: T   # aligned\n  url: https://n.example.com\n\nrelated:\n  max_items: 3",
			add:        []Source{{Name: "B", URL: "https://b.example.com/f"}, {Name: "C", URL: "https://c.example.com/f"}},
			wantAdded:  []string{"B", "C"},
			wantNames:  []string{"B", "C"},
			insertOnly: true,
		},
		{
			name:      "empty flow list",
			body:      "site:\n  title: T\n  url: https://n.example.com\n\n# none yet\nsources: []   # fill me\n\nformats: [rss]   # only RSS\n",
			add:       []Source{{Name: "B", URL: "https://b.example.com/f"}},
			wantAdded: []string{"B"},
			wantNames: []string{"B"},
			contains:  []string{"# none yet\nsources: # fill me\n  - name: B\n"},
		},
		{
			name:      "flow list with entries",
			body:      "site: {title: T, url: 'https://n.example.com'}\nsources: [{name: A, url: a.xml}]\nout: out\n",
			add:       []Source{{Name: "A", URL: "https://a.example.com/f"}, {Name: "Same file", URL: "./a.xml"}},
			wantAdded: []string{"A (2)"}, wantSkipped: []string{"Same file"},
			wantNames: []string{"A", "A (2)"},
		},
		{
			name:      "null sources",
			body:      "site:\n  title: T\n  url: https://n.example.com\nsources:\nout: out\n",
			add:       []Source{{Name: "Yes", URL: "https://yes.example.com/f"}},
			wantAdded: []string{"Yes"},
			wantNames: []string{"Yes"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := write(t, tt.body)
			dir := filepath.Dir(p)
			for i := range tt.add {
				tt.add[i].URL = strings.ReplaceAll(tt.add[i].URL, "{dir}", dir)
			}
			added, skipped, err := AddSources(p, tt.add)
			if err != nil {
				t.Fatal(err)
			}
			if got := sourceNames(added); !reflect.DeepEqual(got, tt.wantAdded) {
				t.Errorf("added %v, want %v", got, tt.wantAdded)
			}
			if got := sourceNames(skipped); !reflect.DeepEqual(got, tt.wantSkipped) {
				t.Errorf("skipped %v, want %v", got, tt.wantSkipped)
			}
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			c, err := Load(p)
			if err != nil {
				t.Fatalf("result does not load: %v\n%s", err, data)
			}
			if got := sourceNames(c.Sources); !reflect.DeepEqual(got, tt.wantNames) {
				t.Errorf("sources after the edit %v, want %v\n%s", got, tt.wantNames, data)
			}
			for _, w := range tt.contains {
				if !strings.Contains(string(data), w) {
					t.Errorf("result lacks %q:\n%s", w, data)
				}
			}
			if tt.insertOnly {
				assertInsertOnly(t, tt.body, string(data))
			} else {
				assertOutsideKept(t, tt.body, string(data))
			}
			if strings.Contains(tt.body, "\r\n") && strings.Count(string(data), "\n") != strings.Count(string(data), "\r\n") {
				t.Errorf("mixed line ends:\n%q", data)
			}
		})
	}
}

func TestAddSourcesKeepsEveryOtherByte(t *testing.T) {
	p := write(t, commented)
	if _, _, err := AddSources(p, []Source{{Name: "New", URL: "https://new.example.com/feed"}}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	want := strings.Replace(commented, "  # - name: Disabled",
		"  - name: New\n    url: https://new.example.com/feed\n  # - name: Disabled", 1)
	if string(data) != want {
		t.Errorf("got:\n%s\nwant:\n%s", data, want)
	}
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if s := c.Sources[2]; s.Weight != 1 || s.Every != 0 {
		t.Errorf("defaults not kept for the new source: %+v", s)
	}
}

func TestAddSourcesWritesNothing(t *testing.T) {
	tests := []struct {
		name, body string
		add        []Source
		wantErr    bool
	}{
		{"all duplicates", commented, []Source{{Name: "W", URL: "https://wire.example.com/top.xml"}}, false},
		{"nothing to add", commented, nil, false},
		{"broken config", commented + "relatd: {}\n", []Source{{Name: "N", URL: "https://n.example.com/f"}}, true},
		{"result would not load", commented, []Source{{Name: "Bad", URL: "ftp://n.example.com/f"}}, true},
		{"sources is not a list", "site:\n  title: T\n  url: https://n.example.com\nsources: {}\n", []Source{{Name: "N", URL: "https://n.example.com/f"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := write(t, tt.body)
			before, _ := os.Stat(p)
			_, _, err := AddSources(p, tt.add)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "config: ") {
				t.Errorf("error lacks the package prefix: %v", err)
			}
			data, _ := os.ReadFile(p)
			after, _ := os.Stat(p)
			if string(data) != tt.body || !after.ModTime().Equal(before.ModTime()) {
				t.Error("the file was rewritten")
			}
			entries, _ := os.ReadDir(filepath.Dir(p))
			if len(entries) != 1 {
				t.Errorf("left files behind: %v", entries)
			}
		})
	}
}

func TestAddSourcesThroughSymlinkKeepsModeAndLink(t *testing.T) {
	p := write(t, commented)
	if err := os.Chmod(p, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.Symlink(p, link); err != nil {
		t.Skip("no symlinks:", err)
	}
	if _, _, err := AddSources(link, []Source{{Name: "N", URL: "https://n.example.com/f"}}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(link)
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the symlink was replaced: %v %v", fi.Mode(), err)
	}
	fi, _ = os.Stat(p)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	if c, err := Load(p); err != nil || len(c.Sources) != 3 {
		t.Errorf("target not edited: %v", err)
	}
}

func TestAddSourcesMissingFile(t *testing.T) {
	_, _, err := AddSources(filepath.Join(t.TempDir(), "none.yaml"), []Source{{Name: "N", URL: "https://n.example.com/f"}})
	if err == nil || errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "none.yaml") {
		t.Errorf("err = %v", err)
	}
}

func sourceNames(ss []Source) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Name)
	}
	return out
}

// assertInsertOnly checks that after is before with lines inserted in one
// place, every old line kept byte for byte.
func assertInsertOnly(t *testing.T, before, after string) {
	t.Helper()
	if !strings.HasSuffix(before, "\n") {
		before += "\n" // the one change allowed: a final line end
	}
	b, a := strings.SplitAfter(before, "\n"), strings.SplitAfter(after, "\n")
	p := 0
	for p < len(b) && p < len(a) && b[p] == a[p] {
		p++
	}
	s := 0
	for s < len(b)-p && s < len(a)-p && b[len(b)-1-s] == a[len(a)-1-s] {
		s++
	}
	if p+s != len(b) {
		t.Errorf("old lines changed, not only inserted into:\n--- before\n%s--- after\n%s", before, after)
	}
	for _, l := range a[p : len(a)-s] {
		if !strings.Contains(l, "name:") && !strings.Contains(l, "url:") && !strings.HasPrefix(strings.TrimSpace(l), "- ") &&
			!strings.HasPrefix(strings.TrimSpace(l), "sources:") && !strings.Contains(l, ":") {
			t.Errorf("inserted line %q is not part of a source", l)
		}
	}
}

// assertOutsideKept checks that the lines before `sources:` and after its
// value are unchanged.
func assertOutsideKept(t *testing.T, before, after string) {
	t.Helper()
	b, a := strings.Split(before, "\n"), strings.Split(after, "\n")
	i := 0
	for i < len(b) && !strings.HasPrefix(b[i], "sources:") {
		if i >= len(a) || a[i] != b[i] {
			t.Fatalf("line %d changed: %q", i+1, b[i])
		}
		i++
	}
	// After the old sources line, every remaining old line must be the
	// tail of the new text.
	rest := b[i+1:]
	if len(a) < len(rest) || !reflect.DeepEqual(a[len(a)-len(rest):], rest) {
		t.Errorf("lines after sources changed:\n--- before\n%s\n--- after\n%s", before, after)
	}
}

// TestAddSourcesFallsBackToEncoding uses a layout the splice gets wrong (a
// block scalar whose last line looks like a comment): the check against
// the node tree must catch it, and the whole tree is encoded instead.
func TestAddSourcesFallsBackToEncoding(t *testing.T) {
	p := write(t, minimal+"sources:\n  - name: A\n    url: https://a.example.com/f\n    include:\n      - |\n        Vantrix\n        # not a comment\nout: out   # aligned\n")
	if _, _, err := AddSources(p, []Source{{Name: "B", URL: "https://b.example.com/f"}}); err != nil {
		t.Fatal(err)
	}
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := sourceNames(c.Sources); !reflect.DeepEqual(got, []string{"A", "B"}) {
		t.Errorf("sources %v", got)
	}
	if got := c.Sources[0].Include; len(got) != 1 || got[0] != "Vantrix\n# not a comment\n" {
		t.Errorf("block scalar changed: %q", got)
	}
	if data, _ := os.ReadFile(p); !strings.Contains(string(data), "# aligned") {
		t.Errorf("comment lost:\n%s", data)
	}
}

// TestAppendSourcesKeepsTheKeyComment covers the tree edit on its own,
// which is what AddSources writes when splicing the text is not possible:
// an end-of-line comment on a null `sources:` value must stay on the
// sources line, not drift to the key after the list.
func TestAppendSourcesKeepsTheKeyComment(t *testing.T) {
	const head = "site:\n  title: T\n  url: https://n.example.com\n"
	tests := []struct {
		name, body string
	}{
		{"null with tilde", head + "sources: ~  # none yet\nout: out\n"},
		{"null word", head + "sources: null # none yet\nout: out\n"},
		{"no value", head + "sources:  # none yet\nout: out\n"},
		{"empty flow list", head + "sources: []  # none yet\nout: out\n"},
		{"block list", head + "sources:  # none yet\n  - name: A\n    url: https://a.example.com/f\nout: out\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(tt.body), &doc); err != nil {
				t.Fatal(err)
			}
			root := doc.Content[0]
			n, err := sourceNode(Source{Name: "B", URL: "https://b.example.com/f"})
			if err != nil {
				t.Fatal(err)
			}
			appendSources(root, 2, []*yaml.Node{n})
			out, err := encodeNode(&doc)
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range strings.Split(string(out), "\n") {
				if strings.Contains(line, "# none yet") && !strings.HasPrefix(line, "sources:") {
					t.Errorf("the comment moved off the sources line:\n%s", out)
				}
			}
			if !strings.Contains(string(out), "# none yet") {
				t.Errorf("the comment was lost:\n%s", out)
			}
			c, err := Parse("config.yaml", out)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if got := sourceNames(c.Sources); got[len(got)-1] != "B" {
				t.Errorf("sources %v, want B last", got)
			}
		})
	}
}
