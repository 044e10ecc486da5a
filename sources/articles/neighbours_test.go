package articles

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

func day(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }

// describe writes a neighbour as slug (local), ?slug (no local file) or
// "" (none).
func describe(n *Neighbour) string {
	switch {
	case n == nil:
		return ""
	case n.Article == nil:
		return "?" + n.Slug
	}
	return n.Slug
}

func TestChain(t *testing.T) {
	// want maps each article's slug to "prev|next"; warnings lists
	// substrings, one per expected warning, in any order.
	tests := []struct {
		name      string
		arts      []Article
		firstSeen map[string]time.Time
		want      map[string]string
		warnings  []string
		notes     []string
	}{
		{
			name: "issue repro: undated export placed by its links",
			arts: []Article{
				{Path: "a.md", Slug: "a", Title: "First Story", Date: day(1)},
				{Path: "b.txt", Slug: "b", Title: "Middle Part", Previous: "First Story", PreviousLine: 7, Next: "Follow Up", NextLine: 8},
				{Path: "c.md", Slug: "c", Title: "Follow Up", Date: day(20), Previous: "Middle Part", PreviousLine: 3},
			},
			firstSeen: map[string]time.Time{"b": day(30)},
			want:      map[string]string{"a": "|b", "b": "a|c", "c": "b|"},
		},
		{
			name: "date order, then first seen, zero oldest",
			arts: []Article{
				{Slug: "c", Title: "C", Date: day(3)},
				{Slug: "a", Title: "A"},
				{Slug: "b", Title: "B", Date: day(2)},
				{Slug: "u", Title: "U"},
			},
			firstSeen: map[string]time.Time{"u": day(4)},
			want:      map[string]string{"a": "|b", "b": "a|c", "c": "b|u", "u": "c|"},
		},
		{
			name: "ties by title, then slug",
			arts: []Article{
				{Slug: "z", Title: "Beta", Date: day(1)},
				{Slug: "y", Title: "Alpha", Date: day(1)},
				{Slug: "x2", Title: "Alpha", Date: day(1)},
				{Slug: "x1", Title: "Alpha", Date: day(1)},
			},
			want: map[string]string{"x1": "|x2", "x2": "x1|y", "y": "x2|z", "z": "y|"},
		},
		{
			name: "one-sided link is reciprocal, dates fill the rest",
			arts: []Article{
				{Slug: "a", Title: "A", Date: day(1), Next: "c"},
				{Slug: "b", Title: "B", Date: day(2)},
				{Slug: "c", Title: "C", Date: day(3)},
			},
			want: map[string]string{"a": "|c", "c": "a|b", "b": "c|"},
		},
		{
			name: "loose titles: case, apostrophes, dashes, spaces, punctuation",
			arts: []Article{
				{Slug: "honda", Title: "Honda’s Three New EV Platforms — by 2030", Date: day(1)},
				{Slug: "fsb", Title: "Russian FSB-Linked to Binance", Date: day(2), Previous: "honda's  three new ev platforms - by 2030.", Next: "WORLD BANK: AID!"},
				{Slug: "bank", Title: "World Bank – Aid", Date: day(3)},
			},
			want: map[string]string{"honda": "|fsb", "fsb": "honda|bank", "bank": "fsb|"},
		},
		{
			name: "neighbour with no local file ends the chain",
			arts: []Article{
				{Slug: "a", Title: "A", Date: day(1), Previous: "Honda’s Three New EV Platforms by 2030"},
				{Slug: "b", Title: "B", Date: day(2), Next: "Not Exported"},
				{Slug: "c", Title: "C", Date: day(3)},
			},
			want: map[string]string{"a": "?hondas-three-new-ev-platforms-by-2030|b", "b": "a|?not-exported", "c": "|"},
		},
		{
			name: "own link beats an implied one",
			arts: []Article{
				{Path: "a.md", Slug: "a", Title: "A", Date: day(1), Next: "b", NextLine: 4},
				{Path: "b.md", Slug: "b", Title: "B", Date: day(2), Previous: "c", PreviousLine: 5},
				{Path: "c.md", Slug: "c", Title: "C", Date: day(3)},
			},
			// a (1 Nov) comes first by date; the chain c-b follows, placed
			// by its earliest date (b, 2 Nov).
			want:     map[string]string{"a": "|c", "c": "a|b", "b": "c|"},
			warnings: []string{`a.md:4: next "b" ignored: b.md says its previous is "c" (b.md:5); an article's own link wins`},
		},
		{
			name: "two articles claim the same next: the nearer wins",
			arts: []Article{
				{Path: "a.md", Slug: "a", Title: "A", Date: day(1), Next: "x", NextLine: 2},
				{Path: "c.md", Slug: "c", Title: "C", Date: day(10), Next: "x", NextLine: 2},
				{Path: "x.md", Slug: "x", Title: "X", Date: day(20)},
			},
			want:     map[string]string{"a": "|c", "c": "a|x", "x": "c|"},
			warnings: []string{`a.md:2: next "x" ignored: c.md (c.md:2) also says its next is "x" and is nearer`},
		},
		{
			name: "two articles claim the same previous: the nearer wins",
			arts: []Article{
				{Path: "p.md", Slug: "p", Title: "P", Date: day(1)},
				{Path: "a.md", Slug: "a", Title: "A", Date: day(5), Previous: "p", PreviousLine: 3},
				{Path: "b.md", Slug: "b", Title: "B", Date: day(9), Previous: "p", PreviousLine: 3},
			},
			want:     map[string]string{"p": "|a", "a": "p|b", "b": "a|"},
			warnings: []string{`b.md:3: previous "p" ignored: a.md (a.md:3) also says its previous is "p"`},
		},
		{
			name: "cycle of links: the closing link is dropped",
			arts: []Article{
				{Path: "a.md", Slug: "a", Title: "A", Date: day(1), Next: "b", NextLine: 2},
				{Path: "b.md", Slug: "b", Title: "B", Date: day(2), Next: "c", NextLine: 2},
				{Path: "c.md", Slug: "c", Title: "C", Date: day(3), Next: "a", NextLine: 2},
			},
			want:     map[string]string{"a": "|b", "b": "a|c", "c": "b|"},
			warnings: []string{`c.md:2: next "a" ignored: it would close a cycle of links through a.md`},
		},
		{
			name: "agreed links are kept before one-sided ones in a cycle",
			arts: []Article{
				{Path: "a.md", Slug: "a", Title: "A", Date: day(1), Previous: "b", PreviousLine: 2},
				{Path: "b.md", Slug: "b", Title: "B", Date: day(2), Previous: "a", Next: "a"},
			},
			want:     map[string]string{"b": "|a", "a": "b|"},
			warnings: []string{`b.md: previous "a" ignored: it would close a cycle of links through b.md`},
		},
		{
			name: "self links and ambiguous titles are ignored",
			arts: []Article{
				{Path: "a.md", Slug: "a", Title: "Alpha", Date: day(1), Previous: "a", PreviousLine: 2},
				{Path: "b.md", Slug: "b", Title: "Beta", Date: day(2), Next: "BETA", NextLine: 3},
				{Path: "s1.md", Slug: "s1", Title: "Same", Date: day(3)},
				{Path: "s2.md", Slug: "s2", Title: "same!", Date: day(4)},
				{Path: "c.md", Slug: "c", Title: "C", Date: day(5), Next: "SAME?", NextLine: 4},
			},
			want: map[string]string{"a": "|b", "b": "a|s1", "s1": "b|s2", "s2": "s1|c", "c": "s2|"},
			warnings: []string{
				`a.md:2: previous "a" ignored: it is the article itself`,
				`b.md:3: next "BETA" ignored: it is the article itself`,
				`c.md:4: next "SAME?" ignored: it matches several articles: s1.md, s2.md`,
			},
		},
		{
			name: "one outside title on both sides",
			arts: []Article{
				{Path: "a.md", Slug: "a", Title: "A", Date: day(1), Previous: "Gone", Next: "Gone"},
			},
			want:     map[string]string{"a": "?gone|"},
			warnings: []string{`a.md: next "Gone" ignored: the previous is already "Gone"`},
		},
		{
			name: "did you mean",
			arts: []Article{
				{Path: "a.md", Slug: "a", Title: "Harbour Cranes Arrive", Date: day(1)},
				{Path: "b.md", Slug: "b", Title: "B", Date: day(2), Previous: "Harbor Cranes Arive", PreviousLine: 6},
			},
			want:  map[string]string{"a": "|", "b": "?harbor-cranes-arive|"},
			notes: []string{`b.md:6: previous "Harbor Cranes Arive" matches no article; did you mean "Harbour Cranes Arrive" (a.md)?`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seq, problems := Chain(tt.arts, tt.firstSeen)
			checkSequence(t, tt.arts, seq)
			for i, a := range tt.arts {
				got := describe(seq.Prev[i]) + "|" + describe(seq.Next[i])
				if got != tt.want[a.Slug] {
					t.Errorf("%s: got %q, want %q", a.Slug, got, tt.want[a.Slug])
				}
			}
			checkProblems(t, problems, SeverityWarning, tt.warnings)
			checkProblems(t, problems, SeverityNote, tt.notes)
		})
	}
}

func checkProblems(t *testing.T, problems []Problem, sev Severity, want []string) {
	t.Helper()
	var got []string
	for _, p := range problems {
		if p.Severity == sev {
			got = append(got, p.String())
		}
	}
	if len(got) != len(want) {
		t.Errorf("%ss:\n%s\nwant %d", sev, strings.Join(got, "\n"), len(want))
		return
	}
	for _, w := range want {
		if !slices.ContainsFunc(got, func(g string) bool { return strings.Contains(g, w) }) {
			t.Errorf("no %s contains %q; got:\n%s", sev, w, strings.Join(got, "\n"))
		}
	}
}

// checkSequence checks the invariants of a Sequence.
func checkSequence(t *testing.T, arts []Article, seq Sequence) {
	t.Helper()
	if len(seq.Prev) != len(arts) || len(seq.Next) != len(arts) {
		t.Fatalf("lengths %d %d for %d articles", len(seq.Prev), len(seq.Next), len(arts))
	}
	order := slices.Clone(seq.Order)
	slices.Sort(order)
	for i, j := range order {
		if i != j {
			t.Fatalf("Order %v is not a permutation of the articles", seq.Order)
		}
	}
	idx := map[*Article]int{}
	for i := range arts {
		idx[&arts[i]] = i
	}
	for i := range arts {
		a := &arts[i]
		ids := map[string]bool{a.Slug: true}
		for side, n := range []*Neighbour{seq.Prev[i], seq.Next[i]} {
			if n == nil {
				continue
			}
			if ids[n.Slug] {
				t.Errorf("%s: neighbour %q repeats the article or the other neighbour (a feed would hold one id twice)", a.Slug, n.Slug)
			}
			ids[n.Slug] = true
			if n.Article == nil {
				continue
			}
			j, ok := idx[n.Article]
			if !ok {
				t.Fatalf("%s: neighbour points outside arts", a.Slug)
			}
			if n.Slug != arts[j].Slug || n.Title != arts[j].Title {
				t.Errorf("%s: neighbour %+v disagrees with its article", a.Slug, n)
			}
			back := seq.Next[j]
			if side == 1 {
				back = seq.Prev[j]
			}
			if back == nil || back.Article != a {
				t.Errorf("%s -> %s is not returned by %s", a.Slug, arts[j].Slug, arts[j].Slug)
			}
		}
	}
}

// TestChainProperties builds random sites: dated and undated articles,
// one-sided, mutual, contradictory, self and outside links, by slug or by
// loosely written title. Every result must be a consistent sequence, and
// the same whatever the order of the input.
func TestChainProperties(t *testing.T) {
	for seed := range uint64(2000) {
		rng := rand.New(rand.NewPCG(seed, 10))
		arts, firstSeen := randomSite(rng)
		seq, problems := Chain(arts, firstSeen)
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			checkSequence(t, arts, seq)
			want := summary(arts, seq, problems)
			for range 3 {
				shuffled := slices.Clone(arts)
				rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
				seq2, problems2 := Chain(shuffled, firstSeen)
				if got := summary(shuffled, seq2, problems2); got != want {
					t.Fatalf("input order changed the result:\n%s\nvs\n%s", want, got)
				}
			}
		})
		if t.Failed() {
			return
		}
	}
}

func randomSite(rng *rand.Rand) ([]Article, map[string]time.Time) {
	n := 1 + rng.IntN(10)
	arts := make([]Article, n)
	firstSeen := map[string]time.Time{}
	for i := range arts {
		slug := fmt.Sprintf("s%d", i)
		arts[i] = Article{Path: slug + ".md", Slug: slug, Title: fmt.Sprintf("Story number %d", i)}
		if rng.IntN(3) > 0 {
			arts[i].Date = day(1 + rng.IntN(6)) // few days: ties are common
		}
		if rng.IntN(2) == 0 {
			firstSeen[slug] = day(1 + rng.IntN(6))
		}
	}
	ref := func() string {
		j := rng.IntN(n)
		switch rng.IntN(5) {
		case 0:
			return arts[j].Slug
		case 1:
			return strings.ToUpper(arts[j].Title) + "!"
		case 2:
			return fmt.Sprintf("Outside %d", rng.IntN(3))
		}
		return arts[j].Title
	}
	for i := range arts {
		if rng.IntN(2) == 0 {
			arts[i].Previous, arts[i].PreviousLine = ref(), 2
		}
		if rng.IntN(2) == 0 {
			arts[i].Next, arts[i].NextLine = ref(), 3
		}
	}
	return arts, firstSeen
}

// summary is a Chain result independent of the input order.
func summary(arts []Article, seq Sequence, problems []Problem) string {
	var lines []string
	for i, a := range arts {
		lines = append(lines, a.Slug+": "+describe(seq.Prev[i])+"|"+describe(seq.Next[i]))
	}
	var order []string
	for _, i := range seq.Order {
		order = append(order, arts[i].Slug)
	}
	for _, p := range problems {
		lines = append(lines, p.Severity.String()+" "+p.String())
	}
	slices.Sort(lines)
	return strings.Join(order, " ") + "\n" + strings.Join(lines, "\n")
}

// BenchmarkChain links a site of 1000 articles, a third undated, with
// random links.
func BenchmarkChain(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	arts := make([]Article, 1000)
	firstSeen := map[string]time.Time{}
	for i := range arts {
		slug := fmt.Sprintf("s%d", i)
		arts[i] = Article{Path: slug + ".md", Slug: slug, Title: fmt.Sprintf("Story number %d", i)}
		if i%3 > 0 {
			arts[i].Date = day(1).Add(time.Duration(rng.IntN(1000)) * time.Hour)
		} else {
			firstSeen[slug] = day(1).Add(time.Duration(rng.IntN(1000)) * time.Hour)
		}
		if rng.IntN(4) == 0 {
			arts[i].Next = fmt.Sprintf("s%d", rng.IntN(len(arts)))
		}
		if rng.IntN(4) == 0 {
			arts[i].Previous = fmt.Sprintf("Story Number %d", rng.IntN(len(arts)))
		}
	}
	for b.Loop() {
		Chain(arts, firstSeen)
	}
}
