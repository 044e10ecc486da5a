package cycle

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/feed/related"
	"github.com/braid-feeds/braid/internal/config"
)

// evalPools are the pools every corpus is scored on, smallest first.
var evalPools = []string{"tiny", "medium", "large"}

// Quality floors the shipped defaults meet on every corpus, split and
// pool: the targets of issue 11. Holdout splits were run only after
// tuning; eval4-crosslang (items in other languages) reached them once
// numbers and the pivot lexicon's event words crossed languages
// (feed/related/pivot.go): before, a German and a Ukrainian item sharing
// a single name with the article were missed (0.86).
const (
	minPrecision = 0.95
	minRecall2   = 0.95
	maxVariation = 0.05
)

// evalResult is one article scored against one pool.
type evalResult struct {
	slug, set string
	selected  map[string]bool // selected item ids
	inPool    map[string]bool // every item id of the pool
	good      int             // selected with grade 1 or 2
	hits2     int             // selected with grade 2
	relevant2 int             // grade-2 items in the pool
}

// evaluate scores every article of the corpus against one pool with the
// given selection settings.
func evaluate(c *evalCorpus, pool []feed.Item, rc config.Related, w *related.Weights) []evalResult {
	opt := selectionOptions(rc, c.cfg.Sources)
	opt.Weights = w
	cands := related.NewPool(pool, opt)
	ids := map[string]bool{}
	for i := range pool {
		ids[evalID(&pool[i])] = true
	}
	// One entry per story: a syndicated copy dropped into another item
	// is selected when that item is, and counts as it.
	copies := map[string][]string{} // kept item id → ids of its copies
	for _, d := range cands.Dups {
		of := evalID(&d.Of)
		copies[of] = append(copies[of], evalID(&d.Item))
	}
	var out []evalResult
	debug := os.Getenv("BRAID_EVAL_DEBUG") != ""
	for i := range c.local {
		af := &c.local[i]
		slug := af.art.Slug
		if *evalSet != "" && c.split[slug] != *evalSet {
			continue
		}
		g := c.grades[slug]
		r := evalResult{slug: slug, set: c.split[slug], selected: map[string]bool{}, inPool: ids}
		for _, d := range cands.Decide(target(af), evalNow, debug) {
			id := evalID(&d.Item)
			if debug && d.Cosine > 0.03 {
				var terms []string
				for _, tm := range d.Terms[:min(6, len(d.Terms))] {
					terms = append(terms, fmt.Sprintf("%s(%.1f %s)", tm.Term, tm.Weight, tm.Source))
				}
				fmt.Printf("%s\t%s\t%v\t%d\t%.3f\t%.3f\t%d\t%d\t%q\t%s\t%s\n", c.name, slug, d.Selected, g[id], d.Score, d.Cosine, d.Shared, d.Anchors, d.Item.Title, d.Reason, strings.Join(terms, " "))
			}
			if !d.Selected {
				continue
			}
			for _, id := range append([]string{id}, copies[id]...) {
				r.selected[id] = true
				if g[id] > 0 {
					r.good++
				}
				if g[id] == 2 {
					r.hits2++
				}
			}
		}
		for id, gr := range g {
			if gr == 2 && ids[id] {
				r.relevant2++
			}
		}
		out = append(out, r)
	}
	return out
}

// evalRC is the shipped selection policy with max_age off (the corpora
// are dated in 2027) and max_items high enough that min_score alone
// decides, as in the table.
func evalRC() config.Related {
	rc := config.Default().Related
	rc.MaxAge, rc.MaxItems = 0, 100
	return rc
}

// evalWeights are the weights of a first cycle: the background and the
// site's articles, no history yet.
func evalWeights(c *evalCorpus) *related.Weights {
	bg, err := related.DefaultBackground()
	if err != nil {
		panic(err)
	}
	var docs []related.Doc
	for i := range c.local {
		docs = append(docs, target(&c.local[i]).Doc)
	}
	return related.NewWeights(bg, docs)
}

// summary is a corpus×pool×split row of the results table.
type summary struct {
	selected, good, hits2, relevant2 int
}

func (s summary) precision() float64 {
	if s.selected == 0 {
		return 1
	}
	return float64(s.good) / float64(s.selected)
}

func (s summary) recall() float64 {
	if s.relevant2 == 0 {
		return 1
	}
	return float64(s.hits2) / float64(s.relevant2)
}

func summarize(rs []evalResult, set string) summary {
	var s summary
	for _, r := range rs {
		if set != "" && r.set != set {
			continue
		}
		s.selected += len(r.selected)
		s.good += r.good
		s.hits2 += r.hits2
		s.relevant2 += r.relevant2
	}
	return s
}

// variation is how much an article's selection differs between two
// pools, on the items both pools hold: the size of the symmetric
// difference over the size of the union (0: the same items).
func variation(a, b evalResult) (diff, union int) {
	both := func(id string) bool { return a.inPool[id] && b.inPool[id] }
	seen := map[string]bool{}
	for id := range a.selected {
		if both(id) {
			seen[id] = true
			union++
			if !b.selected[id] {
				diff++
			}
		}
	}
	for id := range b.selected {
		if both(id) && !seen[id] {
			union++
			diff++
		}
	}
	return diff, union
}

// corpusVariation is the largest variation between any two pools of a
// corpus, summed over its articles.
func corpusVariation(byPool map[string][]evalResult) float64 {
	worst := 0.0
	for i, p := range evalPools {
		for _, q := range evalPools[i+1:] {
			var diff, union int
			for k := range byPool[p] {
				d, u := variation(byPool[p][k], byPool[q][k])
				diff += d
				union += u
			}
			if union > 0 {
				worst = max(worst, float64(diff)/float64(union))
			}
		}
	}
	return worst
}

// TestRelatednessAcrossPools is the quality bar of issue 11: on every
// labeled corpus and pool, with the shipped defaults, precision and
// grade-2 recall of at least 0.95, and selections that vary by at most
// 5 % across the pools of one corpus. Run with -v for the table.
func TestRelatednessAcrossPools(t *testing.T) {
	if testing.Short() {
		t.Skip("scores 3 × 20,000-item pools")
	}
	var table strings.Builder
	fmt.Fprintf(&table, "\n| corpus | split | pool | items | selected | precision | grade-2 recall | variation |\n|---|---|---|---:|---:|---:|---:|---:|\n")
	for _, c := range loadCorpora(t) {
		t.Run(c.name, func(t *testing.T) {
			w := evalWeights(c)
			byPool := map[string][]evalResult{}
			sizes := map[string]int{}
			for _, p := range evalPools {
				items := c.pool(t, p)
				sizes[p] = len(items)
				byPool[p] = evaluate(c, items, evalRC(), w)
			}
			v := corpusVariation(byPool)
			for _, set := range splits(c) {
				for _, p := range evalPools {
					s := summarize(byPool[p], set)
					fmt.Fprintf(&table, "| %s | %s | %s | %d | %d | %.2f | %.2f (%d/%d) | %.1f %% |\n",
						c.name, set, p, sizes[p], s.selected, s.precision(), s.recall(), s.hits2, s.relevant2, 100*v)
					if s.precision() < minPrecision || s.recall() < minRecall2 {
						t.Errorf("%s pool (%s): precision %.2f, grade-2 recall %.2f; want ≥ %.2f and ≥ %.2f",
							p, set, s.precision(), s.recall(), minPrecision, minRecall2)
					}
				}
			}
			for _, p := range evalPools {
				for _, r := range byPool[p] {
					t.Logf("%-6s %-36s %-7s selected %2d, good %2d, grade 2: %d/%d", p, r.slug, r.set, len(r.selected), r.good, r.hits2, r.relevant2)
				}
			}
			if v > maxVariation {
				t.Errorf("selections vary by %.1f %% across pools; want ≤ %.0f %%", 100*v, 100*maxVariation)
			}
		})
	}
	t.Log(table.String())
}

// splits are the corpus's splits, in a fixed order.
func splits(c *evalCorpus) []string {
	seen := map[string]bool{}
	for _, s := range c.split {
		seen[s] = true
	}
	var out []string
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// TestUnrelatedPoolSelectsNothing: a new user's first try, six source
// items about other things, must give an article no related items (issue
// 11: a bakery was picked for a bridge closure, a derby for another).
func TestUnrelatedPoolSelectsNothing(t *testing.T) {
	bridge := related.Target{Doc: related.Doc{
		Title: "Kasern Street Bridge Closes for Six Months of Repairs",
		Body: "The Kasern Street bridge over the Wend will close to traffic on Monday while engineers replace its corroded bearings, the city council said. " +
			"Buses will be diverted through the Old Town, and a temporary footbridge will open next to the Kasern Street crossing. " +
			"Council engineer Mira Oststrand said inspections found the bearings had worn faster than expected.",
		Tags: []string{"transport", "Kasern Street"},
	}}
	pool := []feed.Item{
		{ID: "1", Title: "Bakery Opens Second Shop on Kasern Street", Summary: "The family bakery will sell bread and cakes from a second shop on Kasern Street from Saturday."},
		{ID: "2", Title: "Rovers and United Share the Points in Derby", Summary: "A late equaliser gave the visitors a draw in front of a full stadium."},
		{ID: "3", Title: "Slow-Roasted Tomato Soup", Summary: "A recipe for autumn evenings."},
		{ID: "4", Title: "Library Extends Opening Hours", Summary: "The city library will open until eight on weekdays."},
		{ID: "5", Title: "Rain Expected Over the Weekend", Summary: "Forecasters expect heavy rain on Saturday and a dry Sunday."},
		{ID: "6", Title: "Choir Celebrates Its Centenary", Summary: "The town choir marks a hundred years with a concert in the Old Town."},
	}
	opt := selectionOptions(config.Default().Related, nil)
	p := related.NewPool(pool, opt)
	for _, d := range p.Decide(bridge, evalNow, true) {
		if d.Selected {
			t.Errorf("selected %q (score %.3f, terms %v)", d.Item.Title, d.Score, d.Terms)
		}
	}
}
