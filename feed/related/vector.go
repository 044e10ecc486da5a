package related

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"strings"

	"github.com/braid-feeds/braid/feed"
)

// An item's vector is its terms with their field-weighted counts and
// occurrence flags, sorted by key, in a compact binary form:
//
//	uvarint(len(key)) key float32(tf) flags   … for each term
//
// It depends on the item's text and the tokenizer only, not on weights,
// so a cycle keeps each item's vector and builds an index from kept
// vectors without tokenizing the items again. Sorted by key, an item's
// norm is summed in the same order in every pool: a kept score equals a
// fresh one to the last bit.

// vectorizer turns items into vectors, reusing its buffers.
type vectorizer struct {
	tokenize func(string) []term
	// at is each key's place in terms: a term already seen costs one
	// map lookup, and encoding walks terms without looking keys up
	// again (the two lookups per term of a map of counts were a third
	// of vectorizing).
	at    map[string]int32
	terms []keyedOcc
	// surface is the first surface form of each key, for explanations;
	// nil when nothing will be explained (Update keeps no contributions,
	// and a lookup per term was a twentieth of vectorizing).
	surface map[string]string
}

func newVectorizer(explain bool) *vectorizer {
	v := &vectorizer{tokenize: newTokenizer(), at: map[string]int32{}}
	if explain {
		v.surface = map[string]string{}
	}
	return v
}

// keyedOcc is one term of the item being vectorized.
type keyedOcc struct {
	key string
	occurrences
}

// vector returns the item's encoded vector.
func (v *vectorizer) vector(it *feed.Item) []byte {
	clear(v.at)
	v.terms = v.terms[:0]
	v.add(it.Title, itemTitleWeight)
	v.add(strings.Join(it.Categories, ". "), itemCategoryWeight)
	body := feed.StripHTML(it.ContentHTML)
	if sum := strings.TrimSpace(feed.StripHTML(it.Summary)); body == "" || !strings.Contains(body, sum) {
		body = sum + "\n" + body
	}
	v.add(body, itemBodyWeight)
	slices.SortFunc(v.terms, func(a, b keyedOcc) int { return strings.Compare(a.key, b.key) })
	n := 0
	for _, t := range v.terms {
		n += len(t.key) + 7
	}
	buf := make([]byte, 0, n)
	for _, t := range v.terms {
		buf = feed.AppendString(buf, t.key)
		// Counts are sums of the small whole field weights: exact in
		// a float32.
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(float32(t.tf)))
		buf = append(buf, t.flags)
	}
	return buf
}

func (v *vectorizer) add(text string, w float64) {
	for _, t := range v.tokenize(text) {
		j, ok := v.at[t.key]
		if !ok {
			j = int32(len(v.terms))
			v.at[t.key] = j
			v.terms = append(v.terms, keyedOcc{key: t.key})
		}
		o := &v.terms[j]
		o.tf += w
		o.flags |= occFlags(&t)
		if v.surface == nil {
			continue
		}
		if _, ok := v.surface[t.key]; !ok {
			v.surface[t.key] = displaySurface(&t)
		}
	}
}

// displaySurface is the form of a term explanations show: a word in
// lower case, a name as written.
func displaySurface(t *term) string {
	if strings.HasPrefix(t.key, "name:") {
		return t.surface
	}
	return strings.ToLower(t.surface)
}

var errBadVector = errors.New("related: kept item vector: truncated or corrupt")

// builder builds an Index from items' vectors, given in any order.
//
// Memory matters here (20,000 items is a normal pool): the items' terms
// are kept as one flat list of (term, tf) pairs, and posting lists are
// allocated once at their final size.
type builder struct {
	ix         *Index
	flat       []entry
	start, end []int // each item's entries in flat
	has        []bool
}

func newBuilder(n int, w *Weights) *builder {
	ix := &Index{n: n, weights: w, terms: map[string]*termInfo{}, norms: make([]float64, n)}
	ix.cross.init(n)
	// News items have 50–80 distinct terms: sized so that growing the
	// list (a copy of all of it) is rare.
	return &builder{ix: ix, flat: make([]entry, 0, n*64), start: make([]int, n), end: make([]int, n), has: make([]bool, n)}
}

// add decodes the vector of item i. A vector that does not decode adds
// nothing and returns an error: the caller adds that item again, from a
// fresh vector.
func (b *builder) add(i int, vec []byte) error {
	start := len(b.flat)
	for len(vec) > 0 {
		n, k := binary.Uvarint(vec)
		if k <= 0 || uint64(len(vec)-k) < n+5 {
			b.flat = b.flat[:start]
			return errBadVector
		}
		key := vec[k : k+int(n)]
		vec = vec[k+int(n):]
		ti := b.ix.terms[string(key)]
		if ti == nil {
			s := string(key)
			ti = &termInfo{key: s, surface: s, id: int32(len(b.ix.terms))}
			b.ix.terms[s] = ti
		}
		tf := math.Float32frombits(binary.LittleEndian.Uint32(vec))
		b.flat = append(b.flat, entry{ti, tf, vec[4]})
		vec = vec[5:]
	}
	b.start[i], b.end[i], b.has[i] = start, len(b.flat), true
	for _, e := range b.flat[start:] {
		e.ti.df++
	}
	return nil
}

// finish weighs the terms and lays out postings, norms and the
// cross-language data. surface, when set, gives the terms' display forms.
func (b *builder) finish(surface map[string]string) *Index {
	ix, w := b.ix, b.ix.weights
	ix.scratch.New = func() any {
		return &scratch{dot: make([]float64, ix.n), info: make([]uint8, ix.n), anchor: make([]uint8, ix.n)}
	}
	for k, ti := range ix.terms {
		ti.weight = w.of(k)
		ti.english = w.bg.knows(k)
		ti.postings = make([]posting, 0, ti.df)
		if s, ok := surface[k]; ok {
			ti.surface = s
		}
	}
	for i := range ix.n {
		doc := b.flat[b.start[i]:b.end[i]] // empty if never added: matches nothing
		l := entriesLang(doc)
		var sum, port float64
		// In key order, the vector's order: see itemNorm.
		for _, e := range doc {
			w := (1 + math.Log(float64(e.tf))) * e.ti.idf
			sum += w * w
			maybe := !surelyName(e.flags, l)
			if !maybe {
				port += w * w
			}
			e.ti.postings = append(e.ti.postings, posting{doc: int32(i), maybe: maybe, w: w})
		}
		ix.norms[i] = math.Sqrt(sum)
		ix.cross.set(i, l, port)
	}
	b.flat = nil
	return ix
}
