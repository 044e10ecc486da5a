package cycle

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/feed/related"
	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/sources/articles"
)

// The labeled corpus lives at the repository root (testdata/eval, see its
// README): 6 articles, 9 feeds in 4 formats, graded 2 (same story), 1
// (same broad topic) or 0 (unrelated, including one-word near misses and
// neighbours' stories).
const evalDir = "../../testdata/eval"

var evalSet = flag.String("eval-set", "", "evaluate only articles of this split (tune or holdout)")

type evalCorpus struct {
	cfg    *config.Config
	local  []articleFeed
	pool   []feed.Item
	grades map[string]map[string]int // article → item id → grade
	split  map[string]string         // article → tune|holdout
}

func readTSV(t testing.TB, name string) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join(evalDir, name))
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

// loadEval runs the real steps on the corpus: config defaults, the
// articles loader, and the fetcher on the local feed files.
func loadEval(t testing.TB) *evalCorpus {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("site:\n  title: Eval\n  url: https://news.example.com\ncontent: " + filepath.Join(evalDir, "articles") + "\nrelated:\n  max_age: 0s\nsources:\n")
	feeds, _ := filepath.Glob(filepath.Join(evalDir, "feeds", "*"))
	for _, f := range feeds {
		abs, _ := filepath.Abs(f)
		fmt.Fprintf(&b, "  - name: %s\n    url: %s\n", filepath.Base(f), abs)
	}
	cfgPath := filepath.Join(dir, "config.yaml")
	os.WriteFile(cfgPath, []byte(b.String()), 0o644)
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	// The corpus path is relative to this package, not to the temp config.
	cfg.Content, _ = filepath.Abs(filepath.Join(evalDir, "articles"))
	st, err := state.Open(ctx, filepath.Join(dir, "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	results, err := fetch(ctx, cfg, Options{Store: st, Now: func() time.Time { return now }}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &evalCorpus{cfg: cfg, grades: map[string]map[string]int{}, split: map[string]string{}}
	for _, r := range results {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Name, r.Err)
		}
		c.pool = append(c.pool, r.Items...)
	}
	arts, problems, err := articles.LoadAll(ctx, cfg.Content)
	if err != nil || articles.Errors(problems) != nil {
		t.Fatal(err, problems)
	}
	c.local, _, err = localItems(ctx, cfg, st, arts, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range readTSV(t, "labels.tsv") {
		g, _ := strconv.Atoi(row[2])
		if c.grades[row[0]] == nil {
			c.grades[row[0]] = map[string]int{}
		}
		c.grades[row[0]][row[1]] = g
	}
	for _, row := range readTSV(t, "split.tsv") {
		c.split[row[0]] = row[1]
	}
	return c
}

// evalID is the id the labels use: the source's GUID, or for RSS 1.0
// (which has none) the item's link.
func evalID(it *feed.Item) string {
	if it.GUID != "" {
		return it.GUID
	}
	return it.Link
}

// filler returns n unrelated items written from templates of everyday
// news, full of common words ("bank", "platform", "water", "port",
// "exchange", "trial", "strike") but about nothing in the corpus.
func filler(n int) []feed.Item {
	r := rand.New(rand.NewPCG(7, 11))
	subjects := []string{"Local choir", "County cricket side", "Village bakery", "Primary school", "Allotment society", "Film festival", "Marathon organisers", "Chess club", "Museum curators", "Garden centre", "Youth orchestra", "Library volunteers", "Ferry operator", "Ski resort", "Vineyard", "Theatre company", "Cycling club", "Zoo keepers", "Farmers market", "Rowing crew"}
	verbs := []string{"celebrates", "plans", "announces", "delays", "opens", "prepares", "cancels", "reviews", "wins", "hosts"}
	objects := []string{"a river bank clean-up", "a new platform for buskers", "a student exchange with a twin town", "a water colour exhibition", "a lightning strike repair fund", "sea trials for a rowing boat", "a port wine tasting", "a summer fair", "its centenary season", "a charity quiz night", "a food bank collection", "a stamp exchange", "a cup final", "spring planting", "a record attendance", "new opening hours", "a rooftop garden", "a book swap", "a harvest supper", "an open day"}
	extra := []string{"Tickets sell out quickly every year.", "Organisers thanked volunteers and sponsors.", "The weather forecast looks mixed for the weekend.", "Parking near the venue will be limited.", "Families are welcome and entry is free.", "The committee will meet again next month.", "Photos from the event will be shared online.", "Rain is expected in the afternoon.", "The mayor is due to attend.", "Local businesses have offered prizes."}
	out := make([]feed.Item, n)
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		title := fmt.Sprintf("%s %s %s", subjects[r.IntN(len(subjects))], verbs[r.IntN(len(verbs))], objects[r.IntN(len(objects))])
		out[i] = feed.Item{
			ID: fmt.Sprintf("https://filler.example/%d", i), GUID: fmt.Sprintf("filler-%d", i),
			Link: fmt.Sprintf("https://filler.example/%d", i), Title: fmt.Sprintf("%s (%d)", title, i),
			Summary:   extra[r.IntN(len(extra))] + " " + extra[r.IntN(len(extra))],
			Published: t0.Add(time.Duration(i) * time.Minute), FirstSeen: t0.Add(time.Duration(i) * time.Minute),
			Origin: &feed.Origin{Name: "filler"},
		}
	}
	return out
}

type evalRow struct {
	ids                       []string // selected item ids, in rank order
	slug, set                 string
	selected, relevant, hits2 int
	precision, recall, ndcg   float64
}

func evaluate(c *evalCorpus, pool []feed.Item, rc config.Related) []evalRow {
	cands := related.NewPool(pool, selectionOptions(rc, c.cfg.Sources))
	var rows []evalRow
	for i := range c.local {
		af := &c.local[i]
		slug := af.art.Slug
		if *evalSet != "" && c.split[slug] != *evalSet {
			continue
		}
		g := c.grades[slug]
		sel := cands.Select(target(af), time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC))
		if len(sel) > rc.MaxItems {
			sel = sel[:rc.MaxItems]
		}
		row := evalRow{slug: slug, set: c.split[slug], selected: len(sel)}
		good := 0
		var gains []float64
		for _, it := range sel {
			row.ids = append(row.ids, evalID(&it))
			grade := g[evalID(&it)]
			if grade > 0 {
				good++
			}
			if grade == 2 {
				row.hits2++
			}
			gains = append(gains, float64(grade))
		}
		for _, gr := range g {
			if gr == 2 {
				row.relevant++
			}
		}
		row.precision = 1
		if len(sel) > 0 {
			row.precision = float64(good) / float64(len(sel))
		}
		row.recall = float64(row.hits2) / float64(row.relevant)
		row.ndcg = ndcg(gains, g, 10)
		rows = append(rows, row)
	}
	return rows
}

// ndcg@k with gain 2^grade − 1.
func ndcg(gains []float64, all map[string]int, k int) float64 {
	dcg := func(gs []float64) float64 {
		var s float64
		for i, g := range gs {
			if i == k {
				break
			}
			s += (math.Pow(2, g) - 1) / math.Log2(float64(i)+2)
		}
		return s
	}
	var ideal []float64
	for _, g := range all {
		ideal = append(ideal, float64(g))
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(ideal)))
	if d := dcg(ideal); d > 0 {
		return dcg(gains) / d
	}
	return 0
}

// TestRelatednessOnLabeledCorpus is the quality bar: with the shipped
// defaults, every article's selection has precision and grade-2 recall of
// at least 0.9, also when only min_score decides (max_items large) and
// when 500 unrelated filler items join the pool.
func TestRelatednessOnLabeledCorpus(t *testing.T) {
	c := loadEval(t)
	def := config.Default().Related
	def.MaxAge = 0
	large := def
	large.MaxItems = 1000
	runs := []struct {
		name string
		pool []feed.Item
		rc   config.Related
	}{
		{"defaults", c.pool, def},
		{"only min_score decides", c.pool, large},
		{"with 500 filler items", append(append([]feed.Item(nil), c.pool...), filler(500)...), large},
	}
	for _, run := range runs {
		t.Run(run.name, func(t *testing.T) {
			rows := evaluate(c, run.pool, run.rc)
			var tb strings.Builder
			fmt.Fprintf(&tb, "\n%-38s %-8s %4s %9s %6s %7s\n", "article", "set", "sel", "precision", "recall", "nDCG@10")
			for _, r := range rows {
				fmt.Fprintf(&tb, "%-38s %-8s %4d %9.2f %6.2f %7.2f\n", r.slug, r.set, r.selected, r.precision, r.recall, r.ndcg)
			}
			t.Log(tb.String())
			for _, r := range rows {
				if r.precision < 0.9 || r.recall < 0.9 {
					t.Errorf("%s (%s): precision %.2f, recall %.2f; want both ≥ 0.90", r.slug, r.set, r.precision, r.recall)
				}
			}
		})
	}
}

// TestFillerDoesNotMoveTheCutoff: 500 unrelated items added to the pool
// change the IDF of every term, but must not change which items are
// selected for any article.
func TestFillerDoesNotMoveTheCutoff(t *testing.T) {
	c := loadEval(t)
	rc := config.Default().Related
	rc.MaxAge, rc.MaxItems = 0, 1000
	before := evaluate(c, c.pool, rc)
	after := evaluate(c, append(append([]feed.Item(nil), c.pool...), filler(500)...), rc)
	for i := range before {
		a, b := append([]string(nil), before[i].ids...), append([]string(nil), after[i].ids...)
		sort.Strings(a)
		sort.Strings(b)
		if strings.Join(a, " ") != strings.Join(b, " ") {
			t.Errorf("%s: selection changed with filler:\n without %v\n with    %v", before[i].slug, a, b)
		}
	}
}
