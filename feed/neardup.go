package feed

import (
	"cmp"
	"math/bits"
	"slices"
	"sync"
)

// NearThreshold is the Jaccard similarity of two bodies' word 3-shingles
// from which they are one story. Copies of one wire story (a dateline or
// a credit added, a sentence cut) measure 0.6–1.0 on the labeled
// corpora; two stories on the same topic, even from one template, stay
// under 0.2. 0.5 sits in that gap, and is where the literature puts
// near-duplicate news too.
const NearThreshold = 0.5

// MinNearWords is the shortest body, in words, that near-duplicate
// grouping looks at. Short bodies ("Deliveries have returned to 2024
// levels, suppliers said.") are mostly shared phrasing: two different
// stories can match on most of their few shingles, so they are left to
// exact dedupe.
const MinNearWords = 20

// minSharedBands is how many MinHash bands two fingerprints must share
// for their bodies to be compared (see minhash.go). One band is shared by
// chance by a quarter of the pairs of a tenth's similarity, mostly two
// stories on one topic; two bands by 4 % of them, while a pair at the
// threshold shares two with probability 0.9988 (0.99999 at 0.6). Bodies
// are compared by their shingles, and a kept item's shingles need its
// text read back from the state: each pair not compared is a read saved.
const minSharedBands = 2

// maxBucketWalk caps how many earlier items one band bucket offers as
// candidates. Only a pathological pool fills a bucket that much (a
// thousand copies of one text all join the first copy's group after one
// comparison each); the cap keeps such a pool linear.
const maxBucketWalk = 64

// nearEdge is the strongest near-duplicate link found for an item.
type nearEdge struct {
	to  int // index into items, -1 for none
	sim float64
}

// nearGroups is the result of grouping, indexed like items: for every
// item given, the item its group keeps (itself when kept) and its
// strongest link.
type nearGroups struct {
	keeper []int
	edge   []nearEdge
}

// seenOrder is the order in which copies compete: earliest seen, then
// earliest published, then id, then position. Every tie is broken, so
// the kept copy never depends on fetch timing or map order.
func seenOrder(items []Item, idx []int) []int {
	order := slices.Clone(idx)
	slices.SortFunc(order, func(a, b int) int {
		x, y := &items[a], &items[b]
		if c := x.FirstSeen.Compare(y.FirstSeen); c != 0 {
			return c
		}
		if c := x.Published.Compare(y.Published); c != 0 {
			return c
		}
		if c := cmp.Compare(x.ID, y.ID); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return order
}

// bodyText is the text fingerprinted: the longer of content and summary
// (one usually contains the other). Titles are left out on purpose:
// outlets rewrite them, while wire copies keep the body.
func bodyText(it *Item) string {
	c, s := StripHTML(it.ContentHTML), StripHTML(it.Summary)
	if len(c) > len(s) {
		return c
	}
	return s
}

// shingleSet is an item's body as a shingle set, nil when it is under
// MinNearWords.
func shingleSet(it *Item) []uint64 {
	words := wordHashes(nil, bodyText(it))
	if len(words) < MinNearWords {
		return nil
	}
	return shingles(make([]uint64, 0, len(words)), words)
}

// NearPrint is an item's near-duplicate fingerprint: the band keys of
// its body's MinHash signature, empty (not nil) when the body is too
// short to fingerprint. It depends on the body alone, so a cycle keeps
// it and groups near-duplicates without shingling every item again:
// shingles are then made only for the pairs that share a band.
type NearPrint []uint64

// Valid reports whether np has the shape of a fingerprint (a kept one
// read back may not).
func (np NearPrint) Valid() bool { return np != nil && (len(np) == 0 || len(np) == bands) }

// NearPrintOf is the item's fingerprint. It min-hashes the shingles as
// they come: a repeated shingle changes no minimum, so the set need not
// be sorted and deduplicated as comparing bodies needs it (sorting was a
// fifth of fingerprinting a first cycle's items).
//
// The word hashes are scratch, pooled: a first cycle fingerprints every
// item, and growing a slice for each was a twentieth of its garbage.
func NearPrintOf(it *Item) NearPrint {
	scratch, _ := wordScratch.Get().(*[]uint64)
	if scratch == nil {
		scratch = new([]uint64)
	}
	defer wordScratch.Put(scratch)
	words := wordHashes((*scratch)[:0], bodyText(it))
	if cap(words) <= maxScratchWords {
		*scratch = words
	}
	if len(words) < MinNearWords {
		return NearPrint{}
	}
	sig := newSignature()
	for i := 0; i+shingleWords <= len(words); i++ {
		sig.add(shingleHash(words[i:]))
	}
	return sig.print()
}

var wordScratch sync.Pool // *[]uint64

// maxScratchWords bounds what a pooled scratch keeps (one long article
// must not pin its words).
const maxScratchWords = 1 << 14

func printOf(set []uint64) NearPrint {
	if set == nil {
		return NearPrint{}
	}
	sig := minHash(set)
	return sig.print()
}

// print is the fingerprint of a signature: its band keys.
func (s *signature) print() NearPrint {
	p := make(NearPrint, bands)
	for j := range p {
		p[j] = s.bandKey(j)
	}
	return p
}

// groupNear groups items[idx] whose bodies are near-duplicates into
// connected components: each item is compared with the earlier items it
// shares a MinHash band with, and joins their group when the exact
// Jaccard of their shingle sets reaches NearThreshold. A group keeps its
// earliest item in seenOrder. prints, when given, hold the items'
// fingerprints; a nil entry is computed and filled in. fill, when not
// nil, gives an item its text before it is shingled.
func groupNear(items []Item, idx []int, prints []NearPrint, fill func(*Item)) nearGroups {
	order := seenOrder(items, idx)
	// Shingle sets are made when first needed, for the few items that
	// share bands with another.
	sets := make([][]uint64, len(order))
	made := make([]bool, len(order))
	set := func(p int) []uint64 {
		if !made[p] {
			if fill != nil {
				fill(&items[order[p]])
			}
			sets[p], made[p] = shingleSet(&items[order[p]]), true
		}
		return sets[p]
	}
	uf := newUnionFind(len(order))
	best := make([]nearEdge, len(order))
	for p := range best {
		best[p].to = -1
	}
	link := func(p, q int, sim float64) {
		uf.union(p, q)
		for _, e := range [][2]int{{p, q}, {q, p}} {
			if best[e[0]].to < 0 || sim > best[e[0]].sim {
				best[e[0]] = nearEdge{e[1], sim}
			}
		}
	}
	byPos := make([]NearPrint, len(order))
	for p, i := range order {
		if prints != nil {
			byPos[p] = prints[i]
		}
		if byPos[p] == nil {
			// The set is not kept: few items share a band with another,
			// and a first cycle held every item's (13 MB at 20,000).
			if fill != nil {
				fill(&items[i])
			}
			byPos[p] = NearPrintOf(&items[i])
			if prints != nil {
				prints[i] = byPos[p]
			}
		}
	}
	bi := newBandIndex(byPos)
	// For each item, the earlier items it shares bands with, first met
	// first, and how many bands each shares (stamp says whose count it is).
	var cands []int
	shared := make([]int32, len(order))
	stamp := make([]int32, len(order))
	for p := range order {
		cands = cands[:0]
		for j := range byPos[p] {
			bi.each(p, j, func(q int) {
				if stamp[q] != int32(p)+1 {
					stamp[q], shared[q] = int32(p)+1, 0
					cands = append(cands, q)
				}
				shared[q]++
			})
		}
		for _, q := range cands {
			if shared[q] < minSharedBands || uf.find(q) == uf.find(p) {
				continue
			}
			if sim := jaccard(set(p), set(q)); sim >= NearThreshold {
				link(p, q, sim)
			}
		}
	}
	g := nearGroups{keeper: make([]int, len(items)), edge: make([]nearEdge, len(items))}
	for i := range g.keeper {
		g.keeper[i], g.edge[i].to = -1, -1
	}
	for p, i := range order {
		g.keeper[i] = order[uf.find(p)]
		if e := best[p]; e.to >= 0 {
			g.edge[i] = nearEdge{order[e.to], e.sim}
		}
	}
	return g
}

// bandIndex holds every band key of every item, band by band: segment j
// holds band j of each position p (in seen order), sorted by key then p,
// so the earlier items that share p's key of band j are the entries just
// before p's. One sorted array instead of a hash map of chains: 20,000
// items have 640,000 band keys, and the map took twice the memory. Each
// entry is one word: the key's high bits with the position below them
// (100,000 items leave 47 bits of key). Two keys alike in those bits only
// make one more pair of bodies compared: the decision is the exact
// Jaccard's. Sorting a band at a time needs scratch for one band, not
// for all 32 (5 MB at 20,000 items, at a first cycle's peak).
type bandIndex struct {
	es    []uint64 // by band, key<<… | position, sorted
	n     int      // fingerprinted positions: the length of a segment
	shift uint     // bits of the position
	at    []int32  // by slot p*bands+j, the index of p's band j in es
}

func newBandIndex(prints []NearPrint) *bandIndex {
	n := 0 // a body too short has an empty print, and no entries
	for _, pr := range prints {
		if len(pr) > 0 {
			n++
		}
	}
	shift := uint(bits.Len(uint(len(prints))))
	b := &bandIndex{es: make([]uint64, 0, n*bands), n: n, shift: shift, at: make([]int32, len(prints)*bands)}
	tmp := make([]uint64, n)
	for j := range bands {
		seg := b.es[len(b.es):len(b.es)]
		for p, pr := range prints {
			if len(pr) > 0 {
				seg = append(seg, pr[j]>>shift<<shift|uint64(p))
			}
		}
		seg = sortBands(seg, tmp)
		at := len(b.es)
		b.es = append(b.es, seg...) // in place: seg is b.es's tail, or tmp's
		for k, e := range seg {
			b.at[b.pos(e)*bands+j] = int32(at + k)
		}
	}
	return b
}

func (b *bandIndex) pos(e uint64) int { return int(e & (1<<b.shift - 1)) }

// sortBands sorts the entries, with tmp (as long) as scratch, and returns
// whichever of the two holds them sorted: a radix sort, a byte at a time
// from the lowest. 640,000 keys (20,000 items) took a comparison sort of
// (key, slot) pairs 80 ms, a fifth of a cycle that changed one article.
func sortBands(es, tmp []uint64) []uint64 {
	if len(es) < 2 {
		return es
	}
	for shift := 0; shift < 64; shift += 8 {
		var at [257]int
		for _, e := range es {
			at[int(byte(e>>shift))+1]++
		}
		if at[int(byte(es[0]>>shift))+1] == len(es) {
			continue // one value of this byte: already in order
		}
		for d := 1; d < len(at); d++ {
			at[d] += at[d-1]
		}
		for _, e := range es {
			d := byte(e >> shift)
			tmp[at[d]] = e
			at[d]++
		}
		es, tmp = tmp, es
	}
	return es
}

// each calls fn with the earlier items that share band j of item p, the
// latest first, at most maxBucketWalk of them.
func (b *bandIndex) each(p, j int, fn func(q int)) {
	k := int(b.at[p*bands+j])
	start := k - k%b.n
	key := b.es[k] >> b.shift
	for n, e := 0, k-1; n < maxBucketWalk && e >= start && b.es[e]>>b.shift == key; n, e = n+1, e-1 {
		fn(b.pos(b.es[e]))
	}
}

// unionFind keeps groups as trees whose root is the group's smallest
// position, which is its earliest seen item.
type unionFind []int

func newUnionFind(n int) unionFind {
	u := make(unionFind, n)
	for i := range u {
		u[i] = i
	}
	return u
}

func (u unionFind) find(x int) int {
	for u[x] != x {
		u[x] = u[u[x]] // path halving
		x = u[x]
	}
	return x
}

func (u unionFind) union(a, b int) {
	a, b = u.find(a), u.find(b)
	if a == b {
		return
	}
	if b < a {
		a, b = b, a
	}
	u[b] = a
}

// BodySimilarity is the Jaccard similarity of two items' body 3-shingles,
// the measure grouping decides on; 0 when either body is under
// MinNearWords.
func BodySimilarity(a, b *Item) float64 {
	sa, sb := shingleSet(a), shingleSet(b)
	if sa == nil || sb == nil {
		return 0
	}
	return jaccard(sa, sb)
}
