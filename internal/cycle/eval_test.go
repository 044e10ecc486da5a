package cycle

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/sources/articles"
)

// The labeled corpora live at the repository root (see their READMEs):
// articles, feeds graded 2 (same story), 1 (same kind of story) or 0, a
// tune/holdout split and the feeds of a tiny and a medium pool; the large
// pool is the medium one plus fillerItems items expanded from
// testdata/filler.
var evalDirs = []string{"../../testdata/eval", "../../testdata/eval2-court", "../../testdata/eval3-disaster", "../../testdata/eval4-crosslang"}

const (
	fillerDir   = "../../testdata/filler"
	fillerItems = 20000
)

var evalSet = flag.String("eval-set", "", "evaluate only articles of this split (tune or holdout)")

// evalNow is after every corpus item, so max_age (off in the harness
// anyway) rejects nothing.
var evalNow = time.Date(2027, 12, 31, 0, 0, 0, 0, time.UTC)

type evalCorpus struct {
	name   string
	cfg    *config.Config
	local  []articleFeed
	feeds  map[string][]feed.Item // feed file → its items
	pools  map[string][]string    // tiny|medium → feed files
	grades map[string]map[string]int
	split  map[string]string // article → tune|holdout
}

func readTSV(t testing.TB, dir, name string) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	for first := true; sc.Scan(); first = false {
		if first || strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		rows = append(rows, strings.Split(sc.Text(), "\t"))
	}
	return rows
}

var (
	corporaOnce sync.Once
	corpora     []*evalCorpus
)

// loadCorpora loads every corpus once per test binary: each test reads
// them, none changes them.
func loadCorpora(t testing.TB) []*evalCorpus {
	t.Helper()
	corporaOnce.Do(func() {
		for _, dir := range evalDirs {
			corpora = append(corpora, loadEval(t, dir))
		}
	})
	if len(corpora) != len(evalDirs) {
		t.Fatal("corpora failed to load")
	}
	return corpora
}

// loadEval runs the real steps on a corpus: config defaults, the articles
// loader, and the fetcher on the local feed files.
func loadEval(t testing.TB, evalDir string) *evalCorpus {
	t.Helper()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "braid-eval")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	content, _ := filepath.Abs(filepath.Join(evalDir, "articles"))
	var b strings.Builder
	b.WriteString("site:\n  title: Eval\n  url: https://news.example.com\ncontent: " + content + "\nrelated:\n  max_age: 0s\nsources:\n")
	feeds, _ := filepath.Glob(filepath.Join(evalDir, "feeds", "*"))
	for _, f := range feeds {
		abs, _ := filepath.Abs(f)
		fmt.Fprintf(&b, "  - name: %s\n    url: %s\n", filepath.Base(f), abs)
	}
	cfgPath := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgPath, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	st, err := state.Open(ctx, filepath.Join(dir, "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	results, err := fetch(ctx, cfg, Options{Store: st, Now: func() time.Time { return evalNow }}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &evalCorpus{name: filepath.Base(evalDir), cfg: cfg, feeds: map[string][]feed.Item{}, pools: map[string][]string{},
		grades: map[string]map[string]int{}, split: map[string]string{}}
	for _, r := range results {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Name, r.Err)
		}
		c.feeds[r.Name] = r.Items
	}
	arts, problems, err := articles.LoadAll(ctx, cfg.Content)
	if err != nil || articles.Errors(problems) != nil {
		t.Fatal(err, problems)
	}
	if c.local, _, err = localItems(ctx, cfg, st, arts, evalNow); err != nil {
		t.Fatal(err)
	}
	for _, row := range readTSV(t, evalDir, "labels.tsv") {
		g, _ := strconv.Atoi(row[2])
		if c.grades[row[0]] == nil {
			c.grades[row[0]] = map[string]int{}
		}
		c.grades[row[0]][row[1]] = g
	}
	for _, row := range readTSV(t, evalDir, "split.tsv") {
		c.split[row[0]] = row[1]
	}
	for _, row := range readTSV(t, evalDir, "pools.tsv") {
		c.pools[row[0]] = append(c.pools[row[0]], row[1])
	}
	return c
}

// pool is the named pool's items: tiny, medium, or large (medium plus
// the filler, in feeds of 200 items).
func (c *evalCorpus) pool(t testing.TB, name string) []feed.Item {
	var out []feed.Item
	feeds := c.pools[name]
	if name == "large" {
		feeds = c.pools["medium"]
	}
	for _, f := range feeds {
		out = append(out, c.feeds[f]...)
	}
	if name == "large" {
		out = append(out, expandFiller(t, fillerItems)...)
	}
	return out
}

// evalID is the id the labels use: the source's GUID, or for RSS 1.0
// (which has none) the item's link.
func evalID(it *feed.Item) string {
	if it.GUID != "" {
		return it.GUID
	}
	return it.Link
}

var (
	fillerOnce  sync.Once
	fillerCache []feed.Item
)

// expandFiller turns testdata/filler into n items by the rule its README
// gives, deterministically.
func expandFiller(t testing.TB, n int) []feed.Item {
	t.Helper()
	fillerOnce.Do(func() {
		tmpl := readTSV(t, fillerDir, "templates.tsv")
		towns := readLines(t, filepath.Join(fillerDir, "towns.txt"))
		names := readLines(t, filepath.Join(fillerDir, "names.txt"))
		T, W, M := len(tmpl), len(towns), len(names)
		start := time.Date(2027, 12, 1, 0, 0, 0, 0, time.UTC)
		for i := range fillerItems {
			r := strings.NewReplacer("{town}", towns[(i+7*(i/T))%W], "{name}", names[(3*i+i/T)%M],
				"{n}", strconv.Itoa(2+(i*31+i/T)%97))
			at := start.Add(-time.Duration(i) * 17 * time.Minute)
			fillerCache = append(fillerCache, feed.Item{
				ID: fmt.Sprintf("filler:%05d", i), GUID: fmt.Sprintf("filler:%05d", i),
				Link:  fmt.Sprintf("https://filler.example/%d", i),
				Title: r.Replace(tmpl[i%T][0]), Summary: r.Replace(tmpl[i%T][1]),
				Published: at, FirstSeen: at,
				Origin: &feed.Origin{Name: fmt.Sprintf("filler-%03d", i/200)},
			})
		}
	})
	return append([]feed.Item(nil), fillerCache[:n]...)
}

func readLines(t testing.TB, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for l := range strings.SplitSeq(string(raw), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
