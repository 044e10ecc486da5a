package articles

import (
	"errors"
	"sort"
	"strings"

	"github.com/braid-feeds/braid/feed"
)

// Neighbour is the previous or next article of an article.
type Neighbour struct {
	Slug    string
	Title   string
	Article *Article // nil when no local file has that slug or title
}

// Link finds every article's previous and next neighbour; prev[i] and
// next[i] belong to arts[i] and are nil when there is none. Article
// pointers point into arts.
//
// A neighbour the file names (Previous, Next) wins. It is looked up as a
// slug, then as a title turned into a slug, then as a title compared with
// feed.NormalizeTitle; a name with no local article still gives a
// Neighbour, without Article, because exports often link to pages that
// were never exported. A side the file leaves empty is filled from date
// order (ascending Date, then Title, then Slug; a zero Date is oldest),
// except at the ends of that order. Callers fill zero dates first.
//
// An article naming itself, or a name matching several titles, is an
// error; all such errors are returned together, with the links that
// could be made.
func Link(arts []Article) (prev, next []*Neighbour, err error) {
	prev = make([]*Neighbour, len(arts))
	next = make([]*Neighbour, len(arts))

	order := make([]int, len(arts))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(x, y int) bool {
		a, b := &arts[order[x]], &arts[order[y]]
		if !a.Date.Equal(b.Date) {
			return a.Date.Before(b.Date)
		}
		if a.Title != b.Title {
			return a.Title < b.Title
		}
		return a.Slug < b.Slug
	})
	pos := make([]int, len(arts))
	for p, i := range order {
		pos[i] = p
	}

	bySlug := map[string]int{}
	byTitle := map[string][]int{}
	for i := range arts {
		if _, dup := bySlug[arts[i].Slug]; !dup {
			bySlug[arts[i].Slug] = i
		}
		t := feed.NormalizeTitle(arts[i].Title)
		byTitle[t] = append(byTitle[t], i)
	}

	var errs []error
	resolve := func(i int, side, ref string) *Neighbour {
		j, found := -1, false
		if k, ok := bySlug[ref]; ok {
			j, found = k, true
		} else if k, ok := bySlug[feed.Slug(ref)]; ok && feed.Slug(ref) != "" {
			j, found = k, true
		} else if ks := byTitle[feed.NormalizeTitle(ref)]; len(ks) == 1 {
			j, found = ks[0], true
		} else if len(ks) > 1 {
			paths := make([]string, len(ks))
			for n, k := range ks {
				paths[n] = arts[k].Path
			}
			errs = append(errs, invalid(arts[i].Path, 0, "%s %q matches several articles: %s", side, ref, strings.Join(paths, ", ")))
			return nil
		}
		if !found {
			return &Neighbour{Slug: feed.Slug(ref), Title: ref}
		}
		if j == i {
			errs = append(errs, invalid(arts[i].Path, 0, "%s %q is the article itself", side, ref))
			return nil
		}
		return &Neighbour{Slug: arts[j].Slug, Title: arts[j].Title, Article: &arts[j]}
	}
	chained := func(p int) *Neighbour {
		if p < 0 || p >= len(order) {
			return nil
		}
		j := order[p]
		return &Neighbour{Slug: arts[j].Slug, Title: arts[j].Title, Article: &arts[j]}
	}

	for i := range arts {
		if ref := strings.TrimSpace(arts[i].Previous); ref != "" {
			prev[i] = resolve(i, "previous", ref)
		} else {
			prev[i] = chained(pos[i] - 1)
		}
		if ref := strings.TrimSpace(arts[i].Next); ref != "" {
			next[i] = resolve(i, "next", ref)
		} else {
			next[i] = chained(pos[i] + 1)
		}
	}
	return prev, next, errors.Join(errs...)
}
