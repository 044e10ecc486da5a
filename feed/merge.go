package feed

import (
	"fmt"
	"slices"
	"sort"
)

// Duplicate is an item Dedupe dropped, with the item it duplicates.
type Duplicate struct {
	Item Item
	Of   Item // the item kept in its place
	// Reason says how they matched, for `braid explain`: a shared key
	// ("same link as …") or near-identical bodies ("near-duplicate of …,
	// similarity 0.83").
	Reason string
	// Similarity is the body similarity (Jaccard of word 3-shingles) of
	// a near-duplicate; 0 for exact duplicates.
	Similarity float64
}

// Dedupe drops duplicates from a pool of external items, in two steps.
// Exact: two items are the same when they share a GUID, a normalized
// link or a normalized title; the earliest seen wins, ties going to the
// earlier position, so the result does not depend on fetch timing.
// Near: of the rest, items whose bodies are near-identical (one wire
// story copied by several outlets) become one entry, kept as the
// earliest seen (then published, then id); the kept item names the
// other outlets in AlsoReportedBy. Kept items stay in input order; the
// dropped ones are returned too, so `braid explain` can say what they
// duplicate.
func Dedupe(items []Item) (kept []Item, dups []Duplicate) {
	kept, _, dups = DedupeWith(items, nil, nil)
	return kept, dups
}

// DedupeWith is Dedupe given the near-duplicate fingerprints a cycle kept:
// prints[i], when not nil, is NearPrintOf(&items[i]). The result is the
// same; only the fingerprints not given are computed, and filled in, for
// the caller to keep. from[k] is the position in items of kept[k]. fill,
// when not nil, gives an item read without its summary and content its
// text (see Item.Digest) before its body is shingled: only items without
// a fingerprint and the few that share a band with another need theirs.
func DedupeWith(items []Item, prints []NearPrint, fill func(*Item)) (kept []Item, from []int, dups []Duplicate) {
	exact, how := exactOwners(items)
	var rest []int
	for i, o := range exact {
		if o < 0 {
			rest = append(rest, i)
		}
	}
	near := groupNear(items, rest, prints, fill)
	keeperOf := func(i int) int {
		if exact[i] >= 0 {
			i = exact[i]
		}
		return near.keeper[i]
	}
	reports := collectReports(items, keeperOf)
	kept = make([]Item, 0, len(rest))
	for i := range items {
		k := keeperOf(i)
		if k == i {
			it := items[i]
			if r := reports[i]; len(r) > 0 {
				it.AlsoReportedBy = append(slices.Clip(it.AlsoReportedBy), r...)
			}
			kept = append(kept, it)
			from = append(from, i)
			continue
		}
		d := Duplicate{Item: items[i], Of: items[k]}
		if exact[i] >= 0 {
			d.Reason = fmt.Sprintf("same %s as %q", how[i], items[exact[i]].Title)
		} else {
			e := near.edge[i]
			d.Similarity = e.sim
			d.Reason = nearReason(items, k, e)
		}
		dups = append(dups, d)
	}
	return kept, from, dups
}

// exactOwners finds exact duplicates: owner[i] is the index of the item
// i duplicates (-1 when it is kept) and how[i] names the shared key.
func exactOwners(items []Item) (owner []int, how []string) {
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		return items[order[a]].FirstSeen.Before(items[order[b]].FirstSeen)
	})
	taken := map[uint64]int{}
	owner = make([]int, len(items))
	how = make([]string, len(items))
	for _, i := range order {
		owner[i] = -1
		keys := items[i].KeyHashes()
		for _, k := range keys {
			if o, ok := taken[k]; ok {
				owner[i], how[i] = o, keyKind(k)
				break
			}
		}
		if owner[i] >= 0 {
			continue
		}
		for _, k := range keys {
			taken[k] = i
		}
	}
	return owner, how
}

// nearReason explains a near-duplicate: similar to the kept item itself,
// or to another copy in its group.
func nearReason(items []Item, keeper int, e nearEdge) string {
	if e.to == keeper || e.to < 0 {
		return fmt.Sprintf("near-duplicate of %q, similarity %.2f", items[keeper].Title, e.sim)
	}
	return fmt.Sprintf("near-duplicate of %q through %q, similarity %.2f", items[keeper].Title, items[e.to].Title, e.sim)
}

// Merge builds an article's feed items: the article, its previous and next
// neighbours (nil when there is none), then up to max related items, each
// with its "Also reported by" line when Dedupe grouped copies into it. A
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
			out = append(out, credited(related[i]).withReports())
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

// KeySet remembers the dedupe keys of items already taken, as their
// hashes (KeyHashes): a kept item carries them from the state, so judging
// an article's candidates against its own items normalizes no link or
// title of theirs (it did, for every candidate of every article: 6 % of a
// cycle with one changed source at 2,000 articles).
type KeySet map[uint64]bool

// Claim takes the item's keys and reports true, or reports false and
// takes nothing when any of its keys is already taken.
func (s KeySet) Claim(it *Item) bool {
	keys := it.KeyHashes()
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
