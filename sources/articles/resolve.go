package articles

import (
	"sort"
	"unicode/utf8"

	"github.com/braid-feeds/braid/feed"
)

// resolver finds the local article a previous/next names: a slug, a
// title turned into a slug, or a title compared loosely (case, curly or
// straight apostrophes, dashes, runs of spaces and punctuation do not
// count: feed.NormalizeTitle).
type resolver struct {
	slugs   []string
	titles  []string // normalized title of each article
	bySlug  map[string]int
	byTitle map[string][]int
}

func newResolver(arts []Article) *resolver {
	r := &resolver{slugs: make([]string, len(arts)), titles: make([]string, len(arts)), bySlug: map[string]int{}, byTitle: map[string][]int{}}
	for i := range arts {
		if _, dup := r.bySlug[arts[i].Slug]; !dup {
			r.bySlug[arts[i].Slug] = i
		}
		t := feed.NormalizeTitle(arts[i].Title)
		r.titles[i], r.slugs[i] = t, arts[i].Slug
		r.byTitle[t] = append(r.byTitle[t], i)
	}
	return r
}

// find returns the articles ref names: one, several (an ambiguous title)
// or none.
func (r *resolver) find(ref string) []int {
	if k, ok := r.bySlug[ref]; ok {
		return []int{k}
	}
	if s := feed.Slug(ref); s != "" {
		if k, ok := r.bySlug[s]; ok {
			return []int{k}
		}
	}
	ks := append([]int(nil), r.byTitle[feed.NormalizeTitle(ref)]...)
	sort.Ints(ks)
	return ks
}

// near is the article (other than self) whose title ref most likely
// misspells, or -1: an edit distance of at most a fifth of the title's
// length, the smallest distance and then the smallest slug winning.
func (r *resolver) near(ref string, self int) int {
	want := feed.NormalizeTitle(ref)
	n := utf8.RuneCountInString(want)
	if n < 4 {
		return -1
	}
	best, bestDist := -1, 0
	for i, t := range r.titles {
		if i == self || t == "" {
			continue
		}
		limit := max(n, utf8.RuneCountInString(t)) / 5
		d := editDistance(want, t, limit)
		if d <= limit && (best < 0 || d < bestDist || d == bestDist && r.slugs[i] < r.slugs[best]) {
			best, bestDist = i, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b in runes; any
// result above limit may be reported as limit+1.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
