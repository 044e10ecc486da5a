package cycle

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/braid-feeds/braid/feed/related"
	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/sources/articles"
)

// TestArticleCacheEqualsParsing: every article folder of the repository
// (the parser's fixtures in every encoding, the labelled corpora, the
// shipped site) loads through the state-kept cache exactly as it parses:
// on the first run (nothing kept), and on the second (everything kept,
// nothing parsed). An edited file is parsed again, and a removed one
// leaves the cache. A new parse, once saved, reads back its text and
// HTML as a kept one does.
func TestArticleCacheEqualsParsing(t *testing.T) {
	ctx := context.Background()
	dirs := []string{"../../sources/articles/testdata", "../../content"}
	evals, _ := filepath.Glob("../../testdata/eval*/articles")
	dirs = append(dirs, evals...)
	st, err := state.Open(ctx, filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, dir := range dirs {
		t.Run(dir, func(t *testing.T) {
			want, wantProblems, err := articles.LoadAllMax(ctx, dir, articles.DefaultMaxBytes)
			if err != nil || len(want) == 0 {
				t.Fatalf("%d articles, %v", len(want), err)
			}
			for run, kept := range []int{0, len(want)} {
				got, problems, c := loadCached(t, st, dir)
				// Kept parses come without their text and HTML, which
				// text reads back.
				light, stored := 0, 0
				for i := range got {
					info := c.info[got[i].Path]
					if info.sum == "" || info.target == "" {
						t.Fatalf("run %d: %s: no sum or target digest", run, got[i].Path)
					}
					if info.stored {
						stored++
						// A new parse kept: its text and HTML read back
						// as parsed, for a cycle that lets them go.
						text, html, err := c.text(got[i].Path)
						if err != nil || text != got[i].Text || html != got[i].HTML {
							t.Fatalf("run %d: %s: a new parse reads back otherwise (%v)", run, got[i].Path, err)
						}
					}
					if !info.light {
						continue
					}
					light++
					if got[i].Text != "" || got[i].HTML != "" {
						t.Fatalf("run %d: %s: a kept parse came with its text", run, got[i].Path)
					}
					if got[i].Text, got[i].HTML, err = c.text(got[i].Path); err != nil {
						t.Fatal(err)
					}
					if info.target != related.TargetDigest(targetOf(&got[i])) {
						t.Fatalf("run %d: %s: kept target digest is not the article's", run, got[i].Path)
					}
				}
				if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(problems, wantProblems) {
					t.Fatalf("run %d: cached load differs from parsing", run)
				}
				if light != kept {
					t.Errorf("run %d: %d articles from the cache, want %d", run, light, kept)
				}
				if run == 0 && stored != len(want) {
					t.Errorf("run 0: %d new parses stored, want %d", stored, len(want))
				}
			}
		})
	}

	t.Run("edited and removed", func(t *testing.T) {
		dir := t.TempDir()
		write := func(name, body string) {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		write("a.md", "---\ntitle: Harbour Cranes Arrive\ndate: 2026-10-01 09:00\n---\nSix cranes came by barge.\n")
		write("b.md", "---\ntitle: Ferry Timetable Changes\ndate: 2026-10-02 09:00\n---\nThe winter timetable starts.\n")
		loadCached(t, st, dir)
		write("a.md", "---\ntitle: Harbour Cranes Arrive Late\ndate: 2026-10-01 09:00\n---\nSix cranes came by barge, a day late.\n")
		os.Remove(filepath.Join(dir, "b.md"))
		arts, _, c := loadCached(t, st, dir)
		if len(arts) != 1 || arts[0].Title != "Harbour Cranes Arrive Late" || c.info[arts[0].Path].light {
			t.Fatalf("after an edit: %d articles, %q, parsed again: %v", len(arts), arts[0].Title, !c.info[arts[0].Path].light)
		}
		kept, err := st.ArticleCache(ctx, dir)
		if err != nil || len(kept) != 1 {
			t.Errorf("kept after a removal: %d entries, %v", len(kept), err)
		}
	})
}

// loadCached loads dir's articles through an article cache kept in st,
// as a cycle does, and saves what it parsed.
func loadCached(t *testing.T, st *state.Store, dir string) ([]articles.Article, []articles.Problem, *articleCache) {
	t.Helper()
	ctx := context.Background()
	c := newArticleCache(ctx, st, dir, "test")
	arts, problems, err := articles.LoadAllCached(ctx, dir, articles.DefaultMaxBytes, c)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.save(ctx); err != nil {
		t.Fatal(err)
	}
	return arts, problems, c
}

// TestArticleCacheKeepsOnlyWhatRoundTrips: a parse JSON cannot carry
// exactly (here a title with invalid UTF-8, which JSON would replace) is
// not kept: it is parsed again each cycle rather than published changed.
func TestArticleCacheKeepsOnlyWhatRoundTrips(t *testing.T) {
	c := &articleCache{version: "test", info: map[string]parseInfo{}}
	c.Put("a.md", []byte("x"), articles.Article{Path: "a.md", Title: "Caf\xe9 Reopens"})
	c.Put("b.md", []byte("y"), articles.Article{Path: "b.md", Title: "Café Reopens", Tags: []string{"food"}})
	if len(c.put) != 1 || c.put[0].Path != "b.md" {
		t.Fatalf("kept %v; want only b.md", c.put)
	}
}

// FuzzDecodeArticle: a kept parse read back from a damaged state never
// panics, what encodes decodes to itself, and its head is the parse
// without its text and HTML.
func FuzzDecodeArticle(f *testing.F) {
	for _, a := range []articles.Article{
		{Slug: "a", Title: "Bridge", Text: "The bridge closed.", HTML: `<p class="x">The bridge closed.</p>`},
		{Slug: "b", Headings: []string{"One"}, Text: "", HTML: "\xff\x00"},
	} {
		head, data, err := encodeArticle(a, "d1")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(head, data)
	}
	f.Add([]byte{0xff, 0xff, 0xff}, []byte{1})
	f.Fuzz(func(t *testing.T, head, data []byte) {
		a, target, err := decodeArticle(head, data)
		if err != nil {
			return
		}
		h, headTarget, err := decodeHead(head)
		if err != nil || h.Title != a.Title || h.Text != "" || h.HTML != "" || headTarget != target {
			t.Errorf("head %+v (%q, %v) of %+v (%q)", h, headTarget, err, a, target)
		}
		again, againData, err := encodeArticle(a, target)
		if err != nil {
			return
		}
		if back, backTarget, err := decodeArticle(again, againData); err != nil || back.Text != a.Text || back.HTML != a.HTML || backTarget != target {
			t.Errorf("%+v came back as %+v (%v)", a, back, err)
		}
	})
}
