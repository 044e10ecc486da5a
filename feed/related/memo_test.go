package related

import (
	"bytes"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/braid-feeds/braid/feed"
)

// memoWorld is a site and a pool the test changes at random.
type memoWorld struct {
	syn     *synthetic
	r       *rand.Rand
	items   []feed.Item
	docs    map[string]Doc
	min     map[string]*float64
	nextID  int
	nextDoc int
}

func (w *memoWorld) newItem() feed.Item {
	w.nextID++
	it := feed.Item{ID: fmt.Sprintf("item-%d", w.nextID), Title: w.syn.text(10), Summary: w.syn.text(40)}
	if slugs := w.slugs(); len(slugs) > 0 && w.r.IntN(2) == 0 {
		// About an article: its words, reworded, so there is something
		// to select.
		d := w.docs[slugs[w.r.IntN(len(slugs))]]
		it.Title = d.Title
		it.Summary = d.Body[:min(len(d.Body), 300)] + " " + w.syn.text(20)
		if w.r.IntN(3) == 0 {
			// In Russian, naming the article's people: a cross-language
			// pair, scored on its own norms.
			it.Title = "Новости: " + d.Title + " заявили в городе"
			it.Summary = "Сегодня представители компании встретились с жителями. Работы продолжаются, сообщили власти региона."
		}
	}
	return it
}

func (w *memoWorld) newDoc() string {
	w.nextDoc++
	slug := fmt.Sprintf("a%d", w.nextDoc)
	w.docs[slug] = w.syn.docs(1)[0]
	return slug
}

func (w *memoWorld) slugs() []string {
	var s []string
	for k := range w.docs {
		s = append(s, k)
	}
	slices.Sort(s)
	return s
}

// change makes one random change to the site or the pool.
func (w *memoWorld) change() string {
	slugs := w.slugs()
	switch w.r.IntN(9) {
	case 0:
		return "add article " + w.newDoc()
	case 8:
		// Every item new at once (all sources replaced theirs): the
		// unchanged articles are scored against every item.
		for i := range w.items {
			w.items[i] = w.newItem()
		}
		if w.r.IntN(2) == 0 {
			return "replace every item, and add article " + w.newDoc()
		}
		return "replace every item"
	case 1:
		if len(slugs) > 3 {
			delete(w.docs, slugs[0])
			return "remove article " + slugs[0]
		}
	case 2:
		s := slugs[w.r.IntN(len(slugs))]
		d := w.docs[s]
		d.Body += " " + w.syn.text(30)
		w.docs[s] = d
		return "edit article " + s
	case 3:
		s := slugs[w.r.IntN(len(slugs))]
		v := 0.01 + 0.05*w.r.Float64()
		w.min[s] = &v
		return "set min_score of " + s
	case 4:
		if len(w.items) > 10 {
			i := w.r.IntN(len(w.items))
			w.items = slices.Delete(w.items, i, i+1)
			return "remove an item"
		}
	case 5:
		i := w.r.IntN(len(w.items))
		w.items[i].Summary += " " + w.syn.text(10)
		return "edit item " + w.items[i].ID
	}
	for range 1 + w.r.IntN(5) {
		w.items = append(w.items, w.newItem())
	}
	return "add items"
}

func (w *memoWorld) targets() ([]string, []Target) {
	slugs := w.slugs()
	ts := make([]Target, len(slugs))
	for i, s := range slugs {
		ts[i] = Target{Doc: w.docs[s], MinScore: w.min[s]}
	}
	return slugs, ts
}

// memoStore keeps a memo the way the state does: scores and digests,
// queries and terms apart (read back only through the loaders), item
// vectors, document frequencies.
type memoStore struct {
	key     string
	items   map[string]uint64
	matches map[string][]byte
	digests map[string]string
	queries map[string][]byte
	terms   map[string][]byte
	vectors map[string]KeptVector
	written map[string]KeptVector // by KeepVector, this cycle
	df      []byte
	docs    int
}

func newMemoStore() *memoStore {
	return &memoStore{items: map[string]uint64{}, matches: map[string][]byte{}, digests: map[string]string{},
		queries: map[string][]byte{}, terms: map[string][]byte{}, vectors: map[string]KeptVector{}, written: map[string]KeptVector{}}
}

// load is the memo as a cycle reads it back.
func (st *memoStore) load(t *testing.T) *Memo {
	t.Helper()
	m := NewMemo()
	m.Key, m.Docs = st.key, st.docs
	maps.Copy(m.Items, st.items)
	if st.df != nil {
		m.DF = DecodeDF(st.df)
	}
	for slug, data := range st.matches {
		ms, err := DecodeMatches(data)
		if err != nil {
			t.Fatal(err)
		}
		m.Articles[slug] = &ArticleMemo{Digest: st.digests[slug], Matches: ms}
	}
	m.ScanVectors = func(fn func([]byte, KeptVector) error) error {
		// One buffer for every call, scribbled over after each, as a
		// store's row buffer is: nothing may keep what it was given.
		var buf []byte
		for id, kv := range st.vectors {
			buf = append(append(buf[:0], id...), kv.Vec...)
			n := len(id)
			if err := fn(buf[:n:n], KeptVector{Hash: kv.Hash, Vec: buf[n:]}); err != nil {
				return err
			}
			for i := range buf {
				buf[i] = 0xa5
			}
		}
		return nil
	}
	m.KeepVector = func(id string, kv KeptVector) error {
		st.written[id] = kv
		return nil
	}
	m.LoadQueries = func(fn func(string, []byte) error) error {
		for slug, q := range st.queries {
			if err := fn(slug, q); err != nil {
				return err
			}
		}
		return nil
	}
	m.LoadTerms = func(slugs []string) (map[string][]byte, error) {
		out := map[string][]byte{}
		for _, s := range slugs {
			out[s] = st.terms[s]
		}
		return out, nil
	}
	return m
}

// save keeps what Update changed.
func (st *memoStore) save(t *testing.T, m *Memo, d Delta) {
	t.Helper()
	st.key, st.docs, st.df = m.Key, m.Docs, EncodeDF(m.DF)
	if d.Full {
		clear(st.vectors) // but this cycle's, below
		clear(st.matches)
	}
	for _, slug := range d.Changed {
		am := m.Articles[slug]
		data, err := am.EncodeMatches()
		if err != nil {
			t.Fatal(err)
		}
		st.matches[slug], st.digests[slug] = data, am.Digest
		if am.Query != nil {
			st.queries[slug], st.terms[slug] = am.Query, am.Terms
		}
	}
	for _, slug := range d.Removed {
		delete(st.matches, slug)
		delete(st.digests, slug)
		delete(st.queries, slug)
		delete(st.terms, slug)
	}
	maps.Copy(st.vectors, st.written)
	clear(st.written)
	for _, id := range d.Gone {
		delete(st.vectors, id)
	}
	clear(st.items)
	maps.Copy(st.items, m.Items)
}

// TestMemoEqualsFullScoring: over random changes to articles (new,
// edited, removed, own thresholds) and items (new, edited, expired),
// what an incrementally updated memo selects is, decision by decision
// and float for float, what scoring everything again gives; and the
// memo scores only what changed.
func TestMemoEqualsFullScoring(t *testing.T) {
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	defer func(n int) { chunkItems = n }(chunkItems)
	for _, c := range []struct {
		seed  uint64
		chunk int
	}{{1, chunkItems}, {2, chunkItems}, {3, chunkItems}, {4, 16}, {5, 1}} {
		seed := c.seed
		chunkItems = c.chunk // articles are scored against the pool a chunk at a time
		t.Run(fmt.Sprintf("seed %d, chunks of %d", seed, c.chunk), func(t *testing.T) {
			w := &memoWorld{syn: newSynthetic(seed), r: rand.New(rand.NewPCG(seed, 7)), docs: map[string]Doc{}, min: map[string]*float64{}}
			for range 12 {
				w.newDoc()
			}
			for range 150 {
				w.items = append(w.items, w.newItem())
			}
			opt := Options{MinScore: 0.03, MaxItems: 10, Weights: mustBackgroundWeights()}
			st := newMemoStore()
			var rescored, scored, selected int
			var memo *Memo
			for step := range 40 {
				what := "first cycle"
				if step > 0 {
					what = w.change()
				}
				slugs, targets := w.targets()
				fullTargets := slices.Clone(targets)
				bodies := 0 // texts read back
				if seed%2 == 1 {
					// Articles kept without their text, as a cycle keeps
					// parsed articles: their digest given, their body read
					// only when scoring needs it.
					for k, tg := range targets {
						body := tg.Doc.Body
						targets[k].Digest = TargetDigest(tg)
						targets[k].Doc.Body = ""
						targets[k].Body = func() (string, error) { bodies++; return body, nil }
					}
				}
				memo = st.load(t)
				// The site's frequencies, kept up to date, are what
				// counting every article again gives.
				df, docs, err := memo.SiteDF(slugs, targets)
				if err != nil {
					t.Fatal(err)
				}
				want := map[string]int{}
				for _, tg := range fullTargets {
					for _, k := range DocTerms(tg.Doc) {
						want[k]++
					}
				}
				if !maps.Equal(df, want) || docs != len(slugs) {
					t.Fatalf("step %d (%s): kept document frequencies differ from a recount", step, what)
				}
				// Kept fingerprints for the items whose text is unchanged.
				pool := NewPoolWith(slices.Clone(w.items), func(id string, h uint64) feed.NearPrint {
					if kv, ok := st.vectors[id]; ok && kv.Hash == h {
						return kv.Print
					}
					return nil
				}, opt)
				if step%7 == 3 {
					// A damaged kept vector is made again, not trusted.
					for id, kv := range st.vectors {
						st.vectors[id] = KeptVector{Hash: kv.Hash, Vec: append(slices.Clip(kv.Vec), 0x80), Print: kv.Print}
						break
					}
				}
				d, err := pool.Update(memo, slugs, targets)
				if err != nil {
					t.Fatal(err)
				}
				st.save(t, memo, d)
				if len(st.vectors) != len(pool.Items) {
					t.Fatalf("step %d (%s): %d vectors kept for %d items", step, what, len(st.vectors), len(pool.Items))
				}
				if step > 0 {
					if d.Full {
						t.Fatalf("step %d (%s): the memo was thrown away", step, what)
					}
					rescored += d.Rescored
					scored += len(slugs)
				}
				// A text is read for counting it into the site's
				// frequencies and for scoring it again: never for an
				// article that is neither new nor edited.
				if bodies > 2*d.Rescored {
					t.Fatalf("step %d (%s): %d texts read for %d articles scored again", step, what, bodies, d.Rescored)
				}
				full := NewPool(slices.Clone(w.items), opt)
				byID := map[string]int{}
				for i := range pool.Items {
					byID[pool.Items[i].ID] = i
				}
				for k, slug := range slugs {
					got := pool.decideMemo(targets[k], memo.Articles[slug], now, byID)
					want := full.Decide(fullTargets[k], now, false)
					for i := range want {
						want[i].Terms = nil // explain's detail: the memo does not keep it
					}
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("step %d (%s), article %s: memo decided\n%v\nfull scoring decided\n%v", step, what, slug, brief(got), brief(want))
					}
					selected += len(Selected(got))
				}
			}
			if selected == 0 {
				t.Fatal("nothing was ever selected: the test compares nothing")
			}
			if rescored*4 > scored {
				t.Errorf("rescored %d of %d article scorings after the first cycle; want only edited and new ones", rescored, scored)
			}
		})
	}
}

func brief(ds []Decision) []string {
	var out []string
	for _, d := range ds {
		out = append(out, fmt.Sprintf("%s %.17g %v %q", d.Item.ID, d.Score, d.Selected, d.Reason))
	}
	return out
}

// TestMemoKeyFollowsScoring: a memo made under other weights or floors
// is thrown away, not reused.
func TestMemoKeyFollowsScoring(t *testing.T) {
	syn := newSynthetic(9)
	items := syn.items(30)
	for i := range items {
		items[i].ID = fmt.Sprint(i)
	}
	docs := syn.docs(3)
	targets := []Target{{Doc: docs[0]}, {Doc: docs[1]}, {Doc: docs[2]}}
	slugs := []string{"a", "b", "c"}
	bg, _ := DefaultBackground()
	base := Options{MinScore: 0.1, Weights: NewWeights(bg, docs)}
	other := []struct {
		name string
		opt  Options
	}{
		{"min_score", Options{MinScore: 0.2, Weights: base.Weights}},
		{"source weight", Options{MinScore: 0.1, Weights: base.Weights, Sources: map[string]SourceRule{"s": {Weight: 2}}}},
		{"site weights", Options{MinScore: 0.1, Weights: NewWeights(bg, docs[:1])}},
	}
	for _, o := range other {
		t.Run(o.name, func(t *testing.T) {
			m := NewMemo()
			if _, err := NewPool(items, base).Update(m, slugs, targets); err != nil {
				t.Fatal(err)
			}
			d, err := NewPool(items, o.opt).Update(m, slugs, targets)
			if err != nil {
				t.Fatal(err)
			}
			if !d.Full || d.Rescored != 3 {
				t.Errorf("delta %+v; want a full rescoring", d)
			}
		})
	}
}

// FuzzDecodeQuery: a kept query read back from a damaged state is an
// error, never a panic, and what decodes encodes to the same bytes.
func FuzzDecodeQuery(f *testing.F) {
	w := mustBackgroundWeights()
	f.Add(encodeQuery(w.Query(Doc{Title: "Harbour Crane Strike", Body: "Dock workers at Saltmere walked out on Monday."})))
	f.Add([]byte{})
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 200})
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := decodeQuery(data)
		if err != nil {
			return
		}
		if got := encodeQuery(q); !slices.Equal(got, data) && len(q.Terms) > 0 {
			// Source bytes outside the table decode to no source, so
			// only a second round trip must be exact.
			q2, err := decodeQuery(got)
			if again := encodeQuery(q2); err != nil || !slices.Equal(again, got) {
				t.Fatalf("round trip: %v, %x != %x", err, again, got)
			}
		}
	})
}

// TestUpdateSameOnAnyCores: items are vectorized, articles tokenized and
// scored on every core (parallel.go); the vectors stored, their order,
// the site's frequencies and the matches kept are the same on one core as
// on four, in a first cycle and in one that adds items, over several
// batches of items and of articles.
func TestUpdateSameOnAnyCores(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	type run struct {
		written []string // id and vector, in the order kept
		matches map[string][]byte
		df      []byte
	}
	cycles := func(procs int) []run {
		runtime.GOMAXPROCS(procs)
		w := &memoWorld{syn: newSynthetic(11), r: rand.New(rand.NewPCG(11, 7)), docs: map[string]Doc{}, min: map[string]*float64{}}
		for range articleBatch + 6 { // more than a batch of articles
			w.newDoc()
		}
		for range 2*vectorBatch + 50 {
			w.items = append(w.items, w.newItem())
		}
		opt := Options{MinScore: 0.03, MaxItems: 10, Weights: mustBackgroundWeights()}
		st := newMemoStore()
		var out []run
		for step := range 2 {
			if step == 1 {
				for range vectorBatch + 7 {
					w.items = append(w.items, w.newItem())
				}
			}
			memo := st.load(t)
			var r run
			keep := memo.KeepVector
			memo.KeepVector = func(id string, kv KeptVector) error {
				r.written = append(r.written, fmt.Sprintf("%s %x", id, kv.Vec))
				return keep(id, kv)
			}
			slugs, targets := w.targets()
			if _, _, err := memo.SiteDF(slugs, targets); err != nil {
				t.Fatal(err)
			}
			pool := NewPool(slices.Clone(w.items), opt)
			d, err := pool.Update(memo, slugs, targets)
			if err != nil {
				t.Fatal(err)
			}
			st.save(t, memo, d)
			r.matches, r.df = maps.Clone(st.matches), st.df
			out = append(out, r)
		}
		return out
	}
	one, four := cycles(1), cycles(4)
	for step := range one {
		if len(one[step].written) == 0 {
			t.Fatalf("cycle %d: no vectors kept: the test compares nothing", step+1)
		}
		if !slices.Equal(one[step].written, four[step].written) {
			t.Errorf("cycle %d: vectors kept on one core and on four differ (%d and %d)", step+1, len(one[step].written), len(four[step].written))
		}
		if !maps.EqualFunc(one[step].matches, four[step].matches, bytes.Equal) {
			t.Errorf("cycle %d: matches kept on one core and on four differ", step+1)
		}
		if len(one[step].df) == 0 || !bytes.Equal(one[step].df, four[step].df) {
			t.Errorf("cycle %d: the site's frequencies on one core and on four differ (or are empty)", step+1)
		}
	}
}
