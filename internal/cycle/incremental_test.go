package cycle

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/braid-feeds/braid/internal/state"
)

// vocab is what the generated articles and items are written in: small,
// so items relate to articles and selection has choices to make.
var vocab = strings.Fields(`harbour crane strike council budget bridge ferry river rail tram
flood storm school hospital election court bank loan orchard festival airport museum
teachers tenants farmers workers mayor minister tunnel dredging cargo solar`)

// genSite is a site the test changes at random: dated articles (so no
// date depends on when braid first saw one) and three file sources. The
// third carries reworded copies of the first's first items (near
// duplicates: their bodies are compared), and the second has a text rule
// (its items' text is read to apply it).
type genSite struct {
	dir      string
	r        *rand.Rand
	articles map[string]int // slug → edit count
	items    [2][]int       // per source: item numbers
	edits    map[int]int    // item number → times its text was edited
	minScore float64
	next     int
}

// copies is how many of source 0's items source 2 copies.
const copies = 3

func (g *genSite) words(k int) string {
	w := make([]string, k)
	for i := range w {
		w[i] = vocab[g.r.IntN(len(vocab))]
	}
	return strings.Join(w, " ")
}

func (g *genSite) writeArticle(slug string) {
	n := g.articles[slug]
	var num int
	fmt.Sscanf(slug, "story-%d", &num)
	body := fmt.Sprintf("---\ntitle: Story %d about the %s\ndate: 2026-10-%02d 09:00\ntags: [%s]\n---\n%s.\n\n## %s\n\n%s (edit %d).\n",
		num, g.words(3), 1+num%28, vocab[num%len(vocab)], g.words(40), g.words(3), g.words(30), n)
	os.WriteFile(filepath.Join(g.dir, "content", slug+".md"), []byte(body), 0o644)
}

func (g *genSite) writeSource(s int) {
	g.writeFeed(s, g.items[s], false)
	if s == 0 {
		g.writeFeed(2, g.items[0][:min(copies, len(g.items[0]))], true)
	}
}

// writeFeed writes source s with the items numbered ns; copy: reworded
// copies of them (another title and link, one word of the body changed).
func (g *genSite) writeFeed(s int, ns []int, copy bool) {
	var b strings.Builder
	fmt.Fprintf(&b, "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Source %d</title><link>https://s%d.example/</link><description>d</description>\n", s, s)
	for _, n := range ns {
		// Text from a generator seeded by the item number and its edits:
		// an item reads the same every time its feed is written.
		ir := rand.New(rand.NewPCG(uint64(n), uint64(3+g.edits[n])))
		w := func(k int) []string {
			out := make([]string, k)
			for i := range out {
				out[i] = vocab[ir.IntN(len(vocab))]
			}
			return out
		}
		title, body := w(5), w(25)
		if copy {
			title = append([]string{"Wire:"}, title[1:]...)
			body[12] = "reworded"
		}
		fmt.Fprintf(&b, "<item><title>%s</title><link>https://s%d.example/%d</link><guid>s%d-%d</guid><pubDate>%s</pubDate><description>%s</description></item>\n",
			strings.Join(title, " "), s, n, s, n, time.Date(2026, 10, 1+n%28, 12, 0, 0, 0, time.UTC).Format(time.RFC1123Z), strings.Join(body, " "))
	}
	b.WriteString("</channel></rss>\n")
	os.WriteFile(filepath.Join(g.dir, "feeds", fmt.Sprintf("s%d.xml", s)), []byte(b.String()), 0o644)
}

// writeConfig writes the config; a new min_score makes every kept score
// invalid (a full rescoring, with kept items read without their text).
func (g *genSite) writeConfig() {
	conf := fmt.Sprintf("site:\n  title: Gen News\n  url: https://news.example.com\nrelated:\n  max_age: 0s\n  min_score: %g\n", g.minScore) +
		"sources:\n  - {name: One, url: feeds/s0.xml}\n  - {name: Two, url: feeds/s1.xml, exclude: [festival]}\n  - {name: Three, url: feeds/s2.xml}\n"
	os.WriteFile(filepath.Join(g.dir, "config.yaml"), []byte(conf), 0o644)
}

func newGenSite(t *testing.T, seed uint64) *genSite {
	g := &genSite{dir: t.TempDir(), r: rand.New(rand.NewPCG(seed, 1)), articles: map[string]int{}, edits: map[int]int{}, minScore: 0.01}
	os.MkdirAll(filepath.Join(g.dir, "content"), 0o755)
	os.MkdirAll(filepath.Join(g.dir, "feeds"), 0o755)
	g.writeConfig()
	for range 6 {
		g.addArticle()
	}
	for s := range 2 {
		for range 5 {
			g.items[s] = append(g.items[s], g.newItem())
		}
		g.writeSource(s)
	}
	return g
}

func (g *genSite) newItem() int { g.next++; return g.next }

func (g *genSite) addArticle() string {
	slug := fmt.Sprintf("story-%d", g.newItem())
	g.articles[slug] = 0
	g.writeArticle(slug)
	return slug
}

func (g *genSite) slugs() []string {
	var s []string
	for k := range g.articles {
		s = append(s, k)
	}
	slices.Sort(s)
	return s
}

// change makes one random change and says what it was.
func (g *genSite) change() string {
	slugs := g.slugs()
	switch k := g.r.IntN(9); {
	case k == 8:
		s := g.r.IntN(2)
		g.items[s] = append(g.items[s], g.newItem())
		g.writeSource(s)
		return fmt.Sprintf("add item to source %d, fetched by a cycle that died", s)
	case k == 6:
		s := g.r.IntN(2)
		n := g.items[s][g.r.IntN(len(g.items[s]))]
		g.edits[n]++
		g.writeSource(s)
		return fmt.Sprintf("edit item %d of source %d", n, s)
	case k == 7:
		g.minScore = 0.03 - g.minScore // 0.01 ↔ 0.02
		g.writeConfig()
		return fmt.Sprintf("min_score %g", g.minScore)
	case k == 0:
		return "add article " + g.addArticle()
	case k == 1 && len(slugs) > 2:
		slug := slugs[g.r.IntN(len(slugs))]
		delete(g.articles, slug)
		os.Remove(filepath.Join(g.dir, "content", slug+".md"))
		return "delete article " + slug
	case k == 2 && len(slugs) > 2:
		// A rename: the feed moves to the new slug's folder.
		slug := slugs[g.r.IntN(len(slugs))]
		delete(g.articles, slug)
		os.Remove(filepath.Join(g.dir, "content", slug+".md"))
		return "rename " + slug + " to " + g.addArticle()
	case k == 3:
		s := g.r.IntN(2)
		g.items[s] = append(g.items[s], g.newItem())
		g.writeSource(s)
		return fmt.Sprintf("add item to source %d", s)
	case k == 4 && len(g.items[0]) > 1:
		s := g.r.IntN(2)
		if len(g.items[s]) > 1 {
			g.items[s] = slices.Delete(g.items[s], 0, 1)
		}
		g.writeSource(s)
		return fmt.Sprintf("remove item from source %d", s)
	default:
		slug := slugs[g.r.IntN(len(slugs))]
		g.articles[slug]++
		g.writeArticle(slug)
		return "edit article " + slug
	}
}

// copyInputs copies the site's config, articles and feeds to a new
// folder: the same inputs with no state and no out/.
func copyInputs(t *testing.T, from string) string {
	t.Helper()
	to := t.TempDir()
	for _, d := range []string{"content", "feeds"} {
		if err := os.CopyFS(filepath.Join(to, d), os.DirFS(filepath.Join(from, d))); err != nil {
			t.Fatal(err)
		}
	}
	data, _ := os.ReadFile(filepath.Join(from, "config.yaml"))
	os.WriteFile(filepath.Join(to, "config.yaml"), data, 0o644)
	return to
}

// cycleIn runs one cycle on the site in dir at a fixed time.
func cycleIn(t *testing.T, dir string) *Summary {
	t.Helper()
	cfg, st := openSite(t, dir)
	defer st.Close() // before the next cycle opens it
	ctx := context.Background()
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	sum, err := Run(ctx, cfg, Options{Store: st, Version: "test", Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// tree reads every file under dir but dot files (temporary files).
func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sameTree reports how got differs from want, file by file.
func sameTree(got, want map[string][]byte) []string {
	var diffs []string
	for p, w := range want {
		if g, ok := got[p]; !ok {
			diffs = append(diffs, p+": missing")
		} else if !bytes.Equal(g, w) {
			diffs = append(diffs, p+": differs")
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			diffs = append(diffs, p+": should not be there")
		}
	}
	slices.Sort(diffs)
	return diffs
}

// TestIncrementalEqualsFull: a site built cycle after cycle over random
// changes (edits, new, deleted and renamed articles, items added to and
// dropped from sources) publishes, after every cycle, byte for byte what
// a full build of the same inputs and the same state into an empty out/
// does. Files in out/ that braid did not write stay.
func TestIncrementalEqualsFull(t *testing.T) {
	// What the runs went through, checked at the end: the paths where a
	// kept item's text is read back must have been taken.
	seen := map[string]bool{}
	defer func() {
		for _, what := range []string{"edit item", "min_score", "died", "Also reported by", "excluded"} {
			if !seen[what] && !t.Failed() {
				t.Errorf("no run went through %q", what)
			}
		}
	}()
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			g := newGenSite(t, seed)
			mine := map[string]string{"robots.txt": "User-agent: *\n", "story-1/notes.txt": "the editor's"}
			cycleIn(t, g.dir)
			for rel, data := range mine {
				os.MkdirAll(filepath.Dir(filepath.Join(g.dir, "out", rel)), 0o755)
				os.WriteFile(filepath.Join(g.dir, "out", rel), []byte(data), 0o644)
			}
			wrote := 0
			for step := range 16 {
				what := g.change()
				for _, kind := range []string{"edit item", "min_score", "died"} {
					seen[kind] = seen[kind] || strings.Contains(what, kind)
				}
				if strings.HasSuffix(what, "died") {
					// Its sources were saved, then it was killed before it
					// scored: the next cycle finds the new items kept (read
					// without their text) but never scored.
					fetchOnly(t, g.dir)
				}
				// The full build starts from the state as this cycle
				// finds it: first-seen times are part of what a cycle is
				// made from.
				snap := snapshotState(t, g.dir)
				sum := cycleIn(t, g.dir)
				wrote += sum.Written
				got := tree(t, filepath.Join(g.dir, "out"))
				for _, data := range got {
					seen["Also reported by"] = seen["Also reported by"] || bytes.Contains(data, []byte("Also reported by"))
				}
				seen["excluded"] = seen["excluded"] || excludedAny(t, g.dir)
				for rel, data := range mine {
					if string(got[rel]) != data {
						t.Fatalf("step %d (%s): %s, not braid's, was changed or removed", step, what, rel)
					}
					delete(got, rel)
				}
				fresh := copyInputs(t, g.dir)
				restoreState(t, snap, fresh)
				// The full build scores everything, from items read
				// afresh from their feeds and articles parsed afresh: no
				// kept item or article lacks its text.
				forgetScores(t, fresh)
				forgetValidators(t, fresh)
				forgetParses(t, fresh)
				cycleIn(t, fresh)
				if diffs := sameTree(got, tree(t, filepath.Join(fresh, "out"))); len(diffs) > 0 {
					t.Fatalf("step %d (%s): incremental output differs from a full build:\n%s", step, what, strings.Join(diffs, "\n"))
				}
			}
			if wrote == 0 {
				t.Error("no cycle wrote anything: the changes changed nothing")
			}
		})
	}
}

// forgetScores drops the relatedness scores kept in dir's state, so its
// next cycle scores every article against every item.
func forgetScores(t *testing.T, dir string) {
	t.Helper()
	cfg, st := openSite(t, dir)
	if err := st.ForgetScores(context.Background(), outputsKey(cfg)); err != nil {
		t.Fatal(err)
	}
	st.Close() // the cycle opens it again
}

// fetchOnly runs the fetch step of a cycle alone, as a cycle killed
// right after it would leave the state.
func fetchOnly(t *testing.T, dir string) {
	t.Helper()
	cfg, st := openSite(t, dir)
	defer st.Close()
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	saved := newFreshPrints(cfg.Related.MaxItemBytes).saved // as a cycle fetches
	if _, err := fetch(context.Background(), cfg, Options{Store: st, Version: "test", Now: func() time.Time { return now }}, nil, saved); err != nil {
		t.Fatal(err)
	}
}

// excludedAny reports whether one of source Two's items holds the word
// its rule excludes while related to an article by its words alone.
func excludedAny(t *testing.T, dir string) bool {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "feeds", "s1.xml"))
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Contains(data, []byte("festival"))
}

// forgetValidators drops every source's validators kept in dir's state,
// so its next cycle reads every feed again (the items' first-seen times
// and ids are kept).
func forgetValidators(t *testing.T, dir string) {
	t.Helper()
	_, st := openSite(t, dir)
	defer st.Close() // the cycle opens it again
	ctx := context.Background()
	all, err := st.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range all {
		src.ETag, src.LastModified = "", ""
		if err := st.SaveSource(ctx, src, nil); err != nil {
			t.Fatal(err)
		}
	}
}

// forgetParses drops the parsed articles kept in dir's state, so its next
// cycle parses every article again.
func forgetParses(t *testing.T, dir string) {
	t.Helper()
	cfg, st := openSite(t, dir)
	defer st.Close() // the cycle opens it again
	ctx := context.Background()
	kept, err := st.ArticleCache(ctx, outputsKey(cfg))
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for p := range kept {
		paths = append(paths, p)
	}
	if err := st.SaveArticleCache(ctx, outputsKey(cfg), nil, paths); err != nil {
		t.Fatal(err)
	}
}

// snapshotState copies the site's state into a file of its own.
func snapshotState(t *testing.T, dir string) string {
	t.Helper()
	snap := filepath.Join(t.TempDir(), "state.db")
	copyState(t, filepath.Join(dir, ".braid", "state.db"), snap)
	return snap
}

// restoreState puts a snapshot where the site in dir keeps its state.
func restoreState(t *testing.T, snap, dir string) {
	t.Helper()
	copyState(t, snap, filepath.Join(dir, ".braid", "state.db"))
}

func copyState(t *testing.T, from, to string) {
	t.Helper()
	ctx := context.Background()
	src, err := state.Open(ctx, from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := state.Open(ctx, to)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if _, err := state.Copy(ctx, src, dst); err != nil {
		t.Fatal(err)
	}
}
