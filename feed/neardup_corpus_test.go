package feed_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/sources/parser"
)

// The labeled corpora with syndicated groups and near-miss pairs.
var nearCorpora = []string{"eval2-court", "eval3-disaster"}

// loadCorpus parses every feed of a corpus through the real parser, as a
// cycle would, and indexes the items by GUID (the ids the TSV files use).
func loadCorpus(t testing.TB, dir string) ([]feed.Item, map[string]*feed.Item) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "feeds", "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no feeds in %s: %v", dir, err)
	}
	p := parser.New()
	var items []feed.Item
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		abs, _ := filepath.Abs(f)
		pf, err := p.Parse(filepath.Base(f), "file://"+abs, "", body)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		items = append(items, pf.Items...)
	}
	byID := map[string]*feed.Item{}
	for i := range items {
		byID[items[i].GUID] = &items[i]
	}
	return items, byID
}

// readTSV reads a corpus TSV file without its header row.
func readTSV(t testing.TB, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	for line := 0; sc.Scan(); line++ {
		if line == 0 || strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		rows = append(rows, strings.Split(sc.Text(), "\t"))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// keepers maps every item's GUID to the GUID of the item kept for it.
func keepers(kept []feed.Item, dups []feed.Duplicate) map[string]string {
	k := map[string]string{}
	for _, it := range kept {
		k[it.GUID] = it.GUID
	}
	for _, d := range dups {
		k[d.Item.GUID] = d.Of.GUID
	}
	return k
}

func TestSyndicatedGroupsBecomeOneEntry(t *testing.T) {
	for _, corpus := range nearCorpora {
		dir := filepath.Join("..", "testdata", corpus)
		items, byID := loadCorpus(t, dir)
		kept, dups := feed.Dedupe(items)
		owner := keepers(kept, dups)
		groups := map[string][]string{}
		for _, row := range readTSV(t, filepath.Join(dir, "syndicated.tsv")) {
			groups[row[0]] = append(groups[row[0]], row[1])
		}
		for name, ids := range groups {
			t.Run(corpus+"/group/"+name, func(t *testing.T) {
				keeper := owner[ids[0]]
				for _, id := range ids {
					if byID[id] == nil {
						t.Fatalf("%s: no such item", id)
					}
					if owner[id] != keeper {
						t.Errorf("%s kept as %s, %s as %s", ids[0], keeper, id, owner[id])
					}
				}
				checkKeeperNamesOthers(t, kept, keeper, ids, byID)
			})
		}
		for _, row := range readTSV(t, filepath.Join(dir, "nearmiss.tsv")) {
			t.Run(corpus+"/nearmiss/"+row[0]+"~"+row[1], func(t *testing.T) {
				if byID[row[0]] == nil || byID[row[1]] == nil {
					t.Fatalf("unknown item in %v", row)
				}
				if owner[row[0]] == owner[row[1]] {
					t.Errorf("%s and %s grouped (%s)", row[0], row[1], row[2])
				}
			})
		}
	}
}

// checkKeeperNamesOthers checks the kept copy of a group: the earliest
// in seen order, naming every other outlet once with its link.
func checkKeeperNamesOthers(t *testing.T, kept []feed.Item, keeper string, ids []string, byID map[string]*feed.Item) {
	t.Helper()
	copies := make([]*feed.Item, 0, len(ids))
	for _, id := range ids {
		copies = append(copies, byID[id])
	}
	sort.Slice(copies, func(i, j int) bool {
		a, b := copies[i], copies[j]
		if !a.Published.Equal(b.Published) {
			return a.Published.Before(b.Published)
		}
		return a.ID < b.ID
	})
	if copies[0].GUID != keeper {
		t.Errorf("kept %s, want the earliest published %s", keeper, copies[0].GUID)
	}
	i := slices.IndexFunc(kept, func(it feed.Item) bool { return it.GUID == keeper })
	if i < 0 {
		t.Fatalf("keeper %s not kept", keeper)
	}
	var want []feed.Report
	for _, c := range copies[1:] {
		if c.Origin.Title != copies[0].Origin.Title {
			want = append(want, feed.Report{Outlet: c.Origin.Title, Link: c.Link})
		}
	}
	if got := kept[i].AlsoReportedBy; !slices.Equal(got, want) {
		t.Errorf("AlsoReportedBy = %v, want %v", got, want)
	}
}

// TestSeparation measures what the threshold separates: body similarity
// of every pair inside a syndicated group against every near-miss pair.
// Run with -v to see the distributions.
func TestSeparation(t *testing.T) {
	var in, apart []float64
	for _, corpus := range nearCorpora {
		dir := filepath.Join("..", "testdata", corpus)
		_, byID := loadCorpus(t, dir)
		groups := map[string][]string{}
		for _, row := range readTSV(t, filepath.Join(dir, "syndicated.tsv")) {
			groups[row[0]] = append(groups[row[0]], row[1])
		}
		for _, ids := range groups {
			for i := range ids {
				for j := i + 1; j < len(ids); j++ {
					in = append(in, feed.BodySimilarity(byID[ids[i]], byID[ids[j]]))
				}
			}
		}
		for _, row := range readTSV(t, filepath.Join(dir, "nearmiss.tsv")) {
			apart = append(apart, feed.BodySimilarity(byID[row[0]], byID[row[1]]))
		}
	}
	slices.Sort(in)
	slices.Sort(apart)
	t.Logf("group pairs (%d): %s", len(in), quantiles(in))
	t.Logf("near-miss pairs (%d): %s", len(apart), quantiles(apart))
	if apart[len(apart)-1] >= feed.NearThreshold {
		t.Errorf("a near-miss pair reaches the threshold: %.2f", apart[len(apart)-1])
	}
}

func quantiles(xs []float64) string {
	q := func(p float64) float64 { return xs[int(p*float64(len(xs)-1))] }
	return fmt.Sprintf("min %.2f p10 %.2f median %.2f p90 %.2f max %.2f", xs[0], q(0.1), q(0.5), q(0.9), xs[len(xs)-1])
}
