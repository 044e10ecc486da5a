package articles

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestLink(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }
	// want maps each article's slug to "prev|next", where a neighbour is
	// written slug (local) or ?slug (no local file) and "" means none.
	tests := []struct {
		name string
		arts []Article
		want map[string]string
	}{
		{
			name: "date order, zero date oldest",
			arts: []Article{
				{Slug: "c", Title: "C", Date: day(3)},
				{Slug: "a", Title: "A"},
				{Slug: "b", Title: "B", Date: day(2)},
			},
			want: map[string]string{"a": "|b", "b": "a|c", "c": "b|"},
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
			name: "explicit by slug wins over date order",
			arts: []Article{
				{Slug: "a", Title: "A", Date: day(1), Next: "c"},
				{Slug: "b", Title: "B", Date: day(2)},
				{Slug: "c", Title: "C", Date: day(3), Previous: "a"},
			},
			want: map[string]string{"a": "|c", "b": "a|c", "c": "a|"},
		},
		{
			name: "explicit by title, slug of title, normalized title",
			arts: []Article{
				{Slug: "honda-ev", Title: "Honda’s Three New EV Platforms by 2030", Date: day(1)},
				{Slug: "binance", Title: "Russian FSB-Linked to Binance", Date: day(2), Previous: "Honda's three new EV platforms, by 2030", Next: "World Bank Aid"},
				{Slug: "world-bank-aid", Title: "World Bank: Aid!", Date: day(3), Previous: "Russian FSB Linked to Binance"},
			},
			want: map[string]string{"honda-ev": "|binance", "binance": "honda-ev|world-bank-aid", "world-bank-aid": "binance|"},
		},
		{
			name: "missing neighbour",
			arts: []Article{
				{Slug: "a", Title: "A", Date: day(1), Previous: "Honda’s Three New EV Platforms by 2030"},
				{Slug: "b", Title: "B", Date: day(2), Next: "Not Exported"},
			},
			want: map[string]string{"a": "?hondas-three-new-ev-platforms-by-2030|b", "b": "a|?not-exported"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prev, next, err := Link(tt.arts)
			if err != nil {
				t.Fatal(err)
			}
			if len(prev) != len(tt.arts) || len(next) != len(tt.arts) {
				t.Fatalf("lengths %d %d", len(prev), len(next))
			}
			for i, a := range tt.arts {
				got := describe(prev[i]) + "|" + describe(next[i])
				if got != tt.want[a.Slug] {
					t.Errorf("%s: got %q, want %q", a.Slug, got, tt.want[a.Slug])
				}
				for _, n := range []*Neighbour{prev[i], next[i]} {
					if n != nil && n.Article != nil && (n.Article.Slug != n.Slug || n.Article.Title != n.Title) {
						t.Errorf("%s: neighbour %+v disagrees with its article", a.Slug, n)
					}
				}
			}
		})
	}
}

func describe(n *Neighbour) string {
	switch {
	case n == nil:
		return ""
	case n.Article == nil:
		return "?" + n.Slug
	}
	return n.Slug
}

func TestLinkMissingKeepsTitle(t *testing.T) {
	arts := []Article{{Slug: "a", Title: "A", Previous: "World Bank Provides Sri Lanka with Aid Package, IMF Calls the Loan “Fruitful”"}}
	prev, _, err := Link(arts)
	if err != nil {
		t.Fatal(err)
	}
	if prev[0].Title != arts[0].Previous || prev[0].Slug != "world-bank-provides-sri-lanka-with-aid-package-imf-calls-the-loan-fruitful" {
		t.Errorf("%+v", prev[0])
	}
}

func TestLinkErrors(t *testing.T) {
	tests := []struct {
		name string
		arts []Article
		want []string
	}{
		{
			name: "names itself by slug and by title",
			arts: []Article{
				{Path: "a.md", Slug: "a", Title: "Alpha", Previous: "a"},
				{Path: "b.md", Slug: "b", Title: "Beta", Next: "BETA"},
			},
			want: []string{`articles: a.md: previous "a" is the article itself`, `articles: b.md: next "BETA" is the article itself`},
		},
		{
			name: "ambiguous title",
			arts: []Article{
				{Path: "a.md", Slug: "a", Title: "Same"},
				{Path: "b.md", Slug: "b", Title: "same!"},
				{Path: "c.md", Slug: "c", Title: "C", Next: "SAME?"},
			},
			want: []string{`articles: c.md: next "SAME?" matches several articles: a.md, b.md`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Link(tt.arts)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err, w)
				}
			}
		})
	}
}
