package feed

import (
	"sort"
)

// Duplicate is an item Dedupe dropped, with the item it duplicates.
type Duplicate struct {
	Item Item
	Of   Item
}

// Dedupe drops duplicates from a pool of external items: two items are
// the same when they share a GUID, a normalized link or a normalized
// title. The earliest seen wins; ties go to the earlier position, so the
// result does not depend on fetch timing. The dropped items are returned
// too, so `braid explain` can say what they duplicate.
func Dedupe(items []Item) (kept []Item, dups []Duplicate) {
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		return items[order[a]].FirstSeen.Before(items[order[b]].FirstSeen)
	})
	owner := map[string]int{}
	dupOf := make([]int, len(items))
	for _, i := range order {
		dupOf[i] = -1
		keys := items[i].Keys()
		for _, k := range keys {
			if o, ok := owner[k]; ok {
				dupOf[i] = o
				break
			}
		}
		if dupOf[i] >= 0 {
			continue
		}
		for _, k := range keys {
			owner[k] = i
		}
	}
	kept = make([]Item, 0, len(items))
	for i, it := range items {
		if dupOf[i] < 0 {
			kept = append(kept, it)
		} else {
			dups = append(dups, Duplicate{Item: it, Of: items[dupOf[i]]})
		}
	}
	return kept, dups
}

// Merge builds an article's feed items: the article, its previous and next
// neighbours (nil when there is none), then up to max related items. A
// related item that collides with a local one (same GUID, link or title)
// is dropped: the local one wins. related must already be in rank order;
// Merge keeps that order. Every related item it returns names an author
// (its own, else its source's name).
//
// No feed holds the same item twice, whatever the inputs: a neighbour that
// collides with the article, or a next that is the previous, is dropped
// too. This is the one place feeds are assembled, so the invariant holds
// in every output format.
func Merge(article Item, prev, next *Item, related []Item, max int) []Item {
	out := []Item{article}
	taken := KeySet{}
	taken.Claim(&out[0])
	// Ids are what readers dedupe on; Keys covers GUIDs, links and titles
	// but an item's id may be none of those.
	ids := map[string]bool{article.ID: true}
	take := func(it *Item) bool {
		if (it.ID != "" && ids[it.ID]) || !taken.Claim(it) {
			return false
		}
		if it.ID != "" {
			ids[it.ID] = true
		}
		return true
	}
	for _, n := range []*Item{prev, next} {
		if n != nil && take(n) {
			out = append(out, *n)
		}
	}
	n := 0
	for i := range related {
		if n >= max {
			break
		}
		if take(&related[i]) {
			out = append(out, credited(related[i]))
			n++
		}
	}
	return out
}

// RankRelated orders related items by score, then date (newest first),
// then id, so equal scores never shuffle between runs.
func RankRelated(items []Item) {
	sort.SliceStable(items, func(i, j int) bool {
		a, b := &items[i], &items[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if !a.Published.Equal(b.Published) {
			return a.Published.After(b.Published)
		}
		return a.ID < b.ID
	})
}

// KeySet remembers the dedupe keys of items already taken.
type KeySet map[string]bool

// Claim takes the item's keys and reports true, or reports false and
// takes nothing when any of its keys is already taken.
func (s KeySet) Claim(it *Item) bool {
	keys := it.Keys()
	for _, k := range keys {
		if s[k] {
			return false
		}
	}
	for _, k := range keys {
		s[k] = true
	}
	return true
}
