package related

import (
	"errors"
	"fmt"
	"slices"
	"sort"
)

// Update brings the memo up to date with the pool and the articles
// (slugs[i] names targets[i]): a new or edited article is scored against
// every item; the others keep their matches on items that are still in
// the pool, unchanged, and are scored against the new items only.
func (p *Pool) Update(m *Memo, slugs []string, targets []Target) (Delta, error) {
	u := newUpdate(p, m)
	if err := u.vectorizeFresh(); err != nil {
		return u.d, err
	}
	seen := make(map[string]bool, len(slugs))
	var jobs []rescoreJob    // new and edited articles, to score against every item
	var waiting []rescoreJob // unchanged articles, to score against the new items
	for k, slug := range slugs {
		seen[slug] = true
		am, digest := m.Articles[slug], m.digest(slug, targets[k])
		if am == nil || am.Digest != digest {
			jobs = append(jobs, rescoreJob{slug: slug, digest: digest, t: targets[k]})
			continue
		}
		u.prune(slug, am)
		if len(u.fresh) > 0 {
			waiting = append(waiting, rescoreJob{slug: slug, digest: digest, t: targets[k]})
		}
	}
	if len(u.fresh) == len(p.Items) {
		// Every item is new: scoring an unchanged article against the
		// new items is scoring it against every item.
		jobs, waiting = append(jobs, waiting...), nil
	}
	if len(jobs) > 0 {
		if err := u.rescore(jobs); err != nil {
			return u.d, err
		}
	}
	if len(waiting) > 0 {
		if err := u.scoreWaiting(waiting); err != nil {
			return u.d, err
		}
	}
	u.finish(seen)
	return u.d, nil
}

// update is one Update's working state.
type update struct {
	p         *Pool
	m         *Memo
	d         Delta
	hashes    []uint64       // ItemHash of each pool item
	byID      map[string]int // pool position by item id
	fresh     []int          // pool positions of items the memo does not cover
	freshVecs map[string][]byte
	freshIx   *Index
	vz        *vectorizer   // the first worker's; keeps no surfaces
	vzs       []*vectorizer // one per worker (parallel.go), vz first
}

func newUpdate(p *Pool, m *Memo) *update {
	u := &update{p: p, m: m, hashes: p.itemHashes(), byID: make(map[string]int, len(p.Items)),
		freshVecs: map[string][]byte{}, vz: newVectorizer(false)}
	for i := range p.Items {
		if _, dup := u.byID[p.Items[i].ID]; dup {
			// Two kept items with one id cannot be told apart in a memo.
			m.Key = ""
		}
		u.byID[p.Items[i].ID] = i
	}
	if key := p.MemoKey(); m.Key != key {
		// Kept scores are invalid; kept frequencies, vectors and
		// terms are not (they do not depend on the weights).
		m.Key, m.Items, m.Articles = key, map[string]uint64{}, map[string]*ArticleMemo{}
		u.d.Full = true
	}
	for i := range p.Items {
		if h, ok := m.Items[p.Items[i].ID]; !ok || h != u.hashes[i] {
			u.fresh = append(u.fresh, i)
		}
	}
	u.d.NewItems = len(u.fresh)
	return u
}

// emit hands a vector just made to the store.
func (u *update) emit(i int, vec []byte) error {
	if u.m.KeepVector == nil {
		return nil
	}
	return u.m.KeepVector(u.p.Items[i].ID, KeptVector{Hash: u.hashes[i], Vec: vec, Print: u.p.print(i)})
}

// vectorizeFresh makes the new items' vectors, unless every item is new:
// then the whole index is their index, built from vectors made a batch
// at a time and dropped once indexed.
func (u *update) vectorizeFresh() error {
	if len(u.fresh) == len(u.p.Items) {
		return nil
	}
	return u.vectorize(u.fresh, func(i int, vec []byte) error {
		u.freshVecs[u.p.Items[i].ID] = vec
		return u.emit(i, vec)
	})
}

// vectorBatch is how many items have their text at once while their
// vectors are made on every core: enough to keep the workers busy, few
// enough that the texts held are a few hundred kilobytes.
const vectorBatch = 256

// vectorize makes the vectors of the items at positions and hands each
// to use, in the order of positions: filling texts, using vectors and
// letting texts go stay one at a time, in order, so what is stored and
// indexed is the same whatever the number of workers; only tokenizing
// runs on every core.
func (u *update) vectorize(positions []int, use func(i int, vec []byte) error) error {
	p := u.p
	if u.vzs == nil {
		// Update keeps no surfaces (nothing it makes is explained), so
		// the workers' vectorizers need not share u.vz's.
		u.vzs = []*vectorizer{u.vz}
		for range workers() - 1 {
			u.vzs = append(u.vzs, newVectorizer(false))
		}
	}
	vecs := make([][]byte, min(vectorBatch, len(positions)))
	for len(positions) > 0 {
		batch := positions[:min(vectorBatch, len(positions))]
		positions = positions[len(batch):]
		for _, i := range batch {
			p.fill(i)
		}
		each(len(batch), func(w, k int) { vecs[k] = u.vzs[w].vector(&p.Items[batch[k]]) })
		for k, i := range batch {
			p.release(i)
			if err := use(i, vecs[k]); err != nil {
				return err
			}
			vecs[k] = nil
		}
	}
	return nil
}

// freshIndex is the new items' index, for the unchanged articles. Not
// every item is new: then every article is rescored instead (Update).
func (u *update) freshIndex() *Index {
	if u.freshIx == nil {
		b := newBuilder(len(u.fresh), u.p.weights)
		for j, i := range u.fresh {
			b.add(j, u.freshVecs[u.p.Items[i].ID]) // a vector just made always decodes
		}
		u.freshIx = b.finish(u.vz.surface)
	}
	return u.freshIx
}

// scored turns matches into kept form; pos maps a match's item to its
// pool position.
func (u *update) scored(ms []Match, pos func(int) int) []Scored {
	out := make([]Scored, len(ms))
	for j, mt := range ms {
		i := pos(mt.Item)
		out[j] = Scored{ID: u.p.Items[i].ID, Hash: u.hashes[i], Score: mt.Score, Raw: mt.Raw,
			Shared: mt.Shared, Anchors: mt.Anchors, Weak: mt.WeakReason}
	}
	return out
}

// rescoreJob is a new or edited article to score against every item.
type rescoreJob struct {
	slug, digest string
	t            Target // without its body once q and terms are made
	q            Query
	terms        []byte
	ms           []Match // by pool position
}

// chunkItems is how many items are indexed at once when articles are
// scored against every item. A score depends on the query and the item
// only, so scoring against the pool a chunk at a time gives what one
// index of the whole pool would, and a first cycle or an edited article
// holds a chunk's index (a few megabytes) instead of the pool's (at
// 20,000 items that was 40 MB, at 100,000 over 100 MB). Smaller chunks
// cost no measurable time: the postings walked are the same.
var chunkItems = 1024 // a variable for tests: many small chunks must score as one

// rescore scores the new and edited articles against every item, a chunk
// of items at a time: the new items' vectors first, then the kept ones
// as the store yields them, then those that must be made (an item with
// no kept vector, or one that does not decode).
func (u *update) rescore(jobs []rescoreJob) error {
	p := u.p
	targets, positions := make([]Target, len(jobs)), make([]int, len(jobs))
	for k := range jobs {
		targets[k], positions[k] = jobs[k].t, k
	}
	err := withBodies(targets, positions, func(k int, t Target) {
		j := &jobs[k]
		j.q = p.weights.Query(t.Doc)
		if j.terms = u.m.fresh[j.slug]; j.terms == nil {
			j.terms = EncodeTerms(DocTerms(t.Doc))
		}
		// Scoring needs the query only: a first cycle held every
		// article's text through it.
		t.Doc.Body = ""
		j.t = t
	}, nil)
	if err != nil {
		return err
	}
	c := u.newChunk()
	added := make([]bool, len(p.Items))
	add := func(i int, vec []byte) {
		if c.add(i, vec) != nil {
			return // made again below
		}
		added[i] = true
		if c.full() {
			c.score(jobs)
			c = u.newChunk()
		}
	}
	for _, i := range u.fresh {
		if vec, ok := u.freshVecs[p.Items[i].ID]; ok {
			add(i, vec)
		}
	}
	if u.m.ScanVectors != nil && len(u.fresh) < len(p.Items) {
		err := u.m.ScanVectors(func(id []byte, kv KeptVector) error {
			if i, ok := u.byID[string(id)]; ok && !added[i] && kv.Hash == u.hashes[i] {
				add(i, kv.Vec)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	var missing []int // items with no kept vector, or one that does not decode
	for i := range p.Items {
		if !added[i] {
			missing = append(missing, i)
		}
	}
	err = u.vectorize(missing, func(i int, vec []byte) error {
		if err := u.emit(i, vec); err != nil {
			return err
		}
		add(i, vec)
		return nil
	})
	if err != nil {
		return err
	}
	c.score(jobs)
	for _, j := range jobs {
		sortMatches(j.ms)
		u.m.Articles[j.slug] = &ArticleMemo{Digest: j.digest, Query: encodeQuery(j.q), Terms: j.terms,
			Matches: u.scored(j.ms, func(i int) int { return i })}
		u.d.Changed = append(u.d.Changed, j.slug)
		u.d.Rescored++
	}
	return nil
}

// chunk is an index of some of the pool's items being built.
type chunk struct {
	u   *update
	b   *builder
	pos []int // pool position of each of its items
}

func (u *update) newChunk() *chunk {
	return &chunk{u: u, b: newBuilder(min(chunkItems, len(u.p.Items)), u.p.weights)}
}

func (c *chunk) add(i int, vec []byte) error {
	if err := c.b.add(len(c.pos), vec); err != nil {
		return err
	}
	c.pos = append(c.pos, i)
	return nil
}

func (c *chunk) full() bool { return len(c.pos) == c.b.ix.n }

// score scores every job's query against the chunk's items.
func (c *chunk) score(jobs []rescoreJob) {
	if len(c.pos) == 0 {
		return
	}
	ix := c.b.finish(c.u.vz.surface)
	// Articles score on every core: an index is read-only once built,
	// and each job's matches are its own.
	each(len(jobs), func(_, k int) {
		for _, m := range ix.ScoreQuery(jobs[k].q, c.u.p.floor(jobs[k].t)) {
			m.Item = c.pos[m.Item]
			jobs[k].ms = append(jobs[k].ms, m)
		}
	})
}

// sortMatches orders matches as ScoreQuery does: best first, then by
// pool position.
func sortMatches(ms []Match) {
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].Score != ms[j].Score {
			return ms[i].Score > ms[j].Score
		}
		return ms[i].Item < ms[j].Item
	})
}

// prune drops an unchanged article's matches on items that left the pool
// or changed.
func (u *update) prune(slug string, am *ArticleMemo) {
	kept := am.Matches[:0:0]
	for _, s := range am.Matches {
		if i, ok := u.byID[s.ID]; ok && u.hashes[i] == s.Hash {
			kept = append(kept, s)
		}
	}
	if len(kept) != len(am.Matches) {
		am.Matches = kept
		u.d.Changed = append(u.d.Changed, slug)
	}
}

// scoreWaiting scores the unchanged articles against the new items, by
// their kept queries, read one at a time.
func (u *update) scoreWaiting(jobs []rescoreJob) error {
	if u.m.LoadQueries == nil {
		return errors.New("related: kept queries: no store")
	}
	waiting := make(map[string]Target, len(jobs))
	for _, j := range jobs {
		waiting[j.slug] = j.t
	}
	ix := u.freshIndex()
	done := 0
	err := u.m.LoadQueries(func(slug string, raw []byte) error {
		t, ok := waiting[slug]
		if !ok {
			return nil
		}
		done++
		q, err := decodeQuery(raw)
		if err != nil {
			return fmt.Errorf("%w (article %s)", err, slug)
		}
		if ms := ix.ScoreQuery(q, u.p.floor(t)); len(ms) > 0 {
			am := u.m.Articles[slug]
			am.Matches = append(am.Matches, u.scored(ms, func(j int) int { return u.fresh[j] })...)
			u.p.sortScored(am.Matches, u.byID)
			u.d.Changed = append(u.d.Changed, slug)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if done != len(waiting) {
		return fmt.Errorf("related: kept queries: %d of %d articles missing", len(waiting)-done, len(waiting))
	}
	return nil
}

// finish forgets removed articles and records what the memo now covers.
func (u *update) finish(seen map[string]bool) {
	m, d := u.m, &u.d
	d.Changed = slices.Compact(slices.Sorted(slices.Values(d.Changed)))
	for slug := range m.Articles {
		if !seen[slug] {
			delete(m.Articles, slug)
			d.Removed = append(d.Removed, slug)
		}
	}
	sort.Strings(d.Removed)
	for id := range m.Items {
		if _, ok := u.byID[id]; !ok {
			d.Gone = append(d.Gone, id)
		}
	}
	sort.Strings(d.Gone)
	m.fresh, m.digests = nil, nil
	clear(m.Items)
	for i := range u.p.Items {
		m.Items[u.p.Items[i].ID] = u.hashes[i]
	}
}
