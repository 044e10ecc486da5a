package articles

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "b-second.md", "---\ntitle: Second\ndate: 2026-04-02\n---\nBody.\n")
	writeFile(t, dir, "a-first.TXT", "First\nCredit by Wire\n\nBody.\n")
	writeFile(t, dir, "2026/c-third.markdown", "---\ntitle: Third\n---\nBody.\n")
	writeFile(t, dir, "notes.html", "<p>not an article</p>")
	writeFile(t, dir, ".drafts/d.md", "---\ntitle: Draft\n---\n")
	writeFile(t, dir, ".hidden.md", "not even valid")

	arts, err := loadOK(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range arts {
		rel, _ := filepath.Rel(dir, a.Path)
		got = append(got, filepath.ToSlash(rel)+"="+a.Slug+"/"+a.Format)
	}
	want := "2026/c-third.markdown=c-third/markdown a-first.TXT=a-first/text b-second.md=b-second/markdown"
	if strings.Join(got, " ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // substrings, {dir} replaced by the directory
		kept  int
	}{
		{
			name: "duplicate slugs name both files",
			files: map[string]string{
				"one.md":         "---\ntitle: One\nslug: shared\n---\n",
				"sub/shared.txt": "Shared\n\nBody.\n",
				"shared.md":      "---\ntitle: Three\n---\n",
			},
			want: []string{`articles: {dir}/sub/shared.txt: slug "shared" is already used by {dir}/one.md`,
				`articles: {dir}/shared.md: slug "shared" is already used by {dir}/one.md`},
			kept: 1,
		},
		{
			name: "every bad file is reported",
			files: map[string]string{
				"a.md":  "---\ntitle: A\ncolour: red\n---\n",
				"b.md":  "---\ndate: yesterday\n---\n",
				"c.txt": "",
				"d.md":  "---\ntitle: D\n---\nfine\n",
			},
			want: []string{`{dir}/a.md:3: front matter: unknown key "colour"`, `{dir}/b.md:2: date "yesterday"`, `{dir}/b.md:1: missing title`, `{dir}/c.txt:1: no title`},
			kept: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.files {
				writeFile(t, dir, name, content)
			}
			arts, err := loadOK(t, dir)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v", err)
			}
			for _, w := range tt.want {
				w = strings.ReplaceAll(w, "{dir}", dir)
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if len(arts) != tt.kept {
				t.Errorf("kept %d articles, want %d", len(arts), tt.kept)
			}
		})
	}
}

func TestLoadMissingDirAndCancel(t *testing.T) {
	if _, err := loadAll(context.Background(), filepath.Join(t.TempDir(), "nope")); err == nil || errors.Is(err, ErrInvalid) {
		t.Errorf("missing dir: %v", err)
	}
	dir := t.TempDir()
	writeFile(t, dir, "a.md", "---\ntitle: A\n---\n")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := loadAll(ctx, dir); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestConcurrentParse checks, under -race, that the shared Markdown
// renderer can be used from several goroutines.
func TestConcurrentParse(t *testing.T) {
	src := []byte("---\ntitle: T\n---\n# T\n\n## H\n\nSome *text* with [a link](https://a.example/).\n")
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if a, err := ParseMarkdown("t.md", src); err != nil || len(a.Headings) != 1 {
					t.Errorf("%v %v", a.Headings, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestShippedContent keeps the example articles in content/ loadable: the
// default config points at them.
func TestShippedContent(t *testing.T) {
	arts, err := loadOK(t, "../../content")
	if err != nil {
		t.Fatal(err)
	}
	if len(arts) < 3 {
		t.Fatalf("%d example articles, want at least 3", len(arts))
	}
	seq, problems := Chain(arts, nil)
	prev, next := seq.Prev, seq.Next
	err = Errors(problems)
	if err != nil {
		t.Fatal(err)
	}
	formats, missing := map[string]bool{}, 0
	for i, a := range arts {
		formats[a.Format] = true
		if len(a.Headings) == 0 || a.Credit == "" {
			t.Errorf("%s: no headings or credit", a.Path)
		}
		for _, n := range []*Neighbour{prev[i], next[i]} {
			if n != nil && n.Article == nil {
				missing++
			}
		}
	}
	if !formats[FormatMarkdown] || !formats[FormatText] || missing == 0 {
		t.Errorf("formats %v, %d neighbours without a local file", formats, missing)
	}
}

// TestLoadAll checks that bad files cost only themselves: the good
// articles come back with every problem, each naming its file, and notes
// for what was assumed.
func TestLoadAll(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "good.md", "---\ntitle: Good\ndate: 2026-11-01\n---\nBody.\n")
	writeFile(t, dir, "heading.md", "# Title From Heading\n\nBody.\n")
	writeFile(t, dir, "nothing.md", "Just text, no title anywhere.\n")
	writeFile(t, dir, "both.md", "---\ntitle: T\nsubtitle: x\ndate: someday\n---\n")
	writeFile(t, dir, "cp1252.txt", "Caf\xe9 \x93Quotes\x94\n\nBody \x96 dash.\n")
	writeFile(t, dir, "binary.txt", "\x00\x01\x02binary")

	arts, problems, err := LoadAll(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, a := range arts {
		slugs = append(slugs, a.Slug)
	}
	if got := strings.Join(slugs, " "); got != "cp1252 good heading" {
		t.Errorf("articles %q", got)
	}
	var got []string
	for _, p := range problems {
		rel, _ := filepath.Rel(dir, p.Path)
		got = append(got, fmt.Sprintf("%s %s:%d %s", p.Severity, rel, p.Line, p.Key))
	}
	want := "error binary.txt:0  | error both.md:3 subtitle | error both.md:4 date | note cp1252.txt:0  | note heading.md:1 title | error nothing.md:1 "
	if strings.Join(got, " | ") != want {
		t.Errorf("problems:\n%s\nwant\n%s", strings.Join(got, " | "), want)
	}
	if err := Errors(problems); !errors.Is(err, ErrInvalid) || strings.Count(err.Error(), "\n") != 3 {
		t.Errorf("Errors: %v", err)
	}
	for _, a := range arts {
		if a.Slug == "cp1252" && (a.Title != "Café “Quotes”" || a.Text != "Body – dash.") {
			t.Errorf("windows-1252 file read as %q / %q", a.Title, a.Text)
		}
	}
}

// loadAll is LoadAll with the files left out as one error, the way
// generate fails.
func loadAll(ctx context.Context, dir string) ([]Article, error) {
	arts, problems, err := LoadAll(ctx, dir)
	if err != nil {
		return nil, err
	}
	return arts, Errors(problems)
}

func loadOK(t *testing.T, dir string) ([]Article, error) {
	t.Helper()
	return loadAll(context.Background(), dir)
}
