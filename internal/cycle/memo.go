package cycle

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/feed/related"
	"github.com/braid-feeds/braid/internal/state"
)

// loadMemo reads the relatedness scores kept for this output folder, and
// the kept near-duplicate fingerprints of the items they cover. The key
// the state holds names the braid version too: a new release may score
// differently without bumping related.ScoringVersion, and one full
// rescoring per upgrade is cheap insurance.
func (c *run) loadMemo(ctx context.Context) (*related.Memo, map[string]state.ScoredItem, error) {
	out := outputsKey(c.cfg)
	sc, err := c.opt.Store.LoadScores(ctx, out)
	if err != nil {
		return nil, nil, err
	}
	c.vectors = &vectorSink{store: c.opt.Store, ctx: ctx, out: out, gen: sc.Next}
	empty := func() *related.Memo {
		m := related.NewMemo()
		m.KeepVector = c.vectors.keep
		return m
	}
	m := empty()
	key, ok := strings.CutPrefix(sc.Key, c.memoPrefix())
	if !ok {
		return m, nil, nil // made by another version: start over
	}
	for id, it := range sc.Items {
		m.Items[id] = it.Hash
	}
	for _, r := range sc.Rows {
		ms, err := related.DecodeMatches(r.Matches)
		if err != nil {
			return empty(), nil, nil // unreadable: rescoring is always safe
		}
		m.Articles[r.Slug] = &related.ArticleMemo{Digest: r.Digest, Matches: ms}
	}
	m.Key, m.DF, m.Docs = key, related.DecodeDF(sc.DF), sc.Docs
	m.LoadQueries = func(fn func(string, []byte) error) error { return c.opt.Store.ScoreQueries(ctx, out, fn) }
	m.LoadTerms = func(slugs []string) (map[string][]byte, error) { return c.opt.Store.ScoreTerms(ctx, out, slugs) }
	m.ScanVectors = func(fn func([]byte, related.KeptVector) error) error {
		return c.opt.Store.ScanItemVectors(ctx, out, func(id []byte, hash uint64, vec []byte) error {
			return fn(id, related.KeptVector{Hash: hash, Vec: vec})
		})
	}
	return m, sc.Items, nil
}

// memoPrefix starts the key of kept scores with what scoring depends on
// besides related.Memo's own key: the braid version, and the bound on
// item size, which items are cut to after their Digest was made (kept
// items are told unchanged by their Digest: related.ItemHash).
func (c *run) memoPrefix() string {
	return fmt.Sprintf("%s bound %d|", c.opt.Version, c.cfg.Related.MaxItemBytes)
}

// keptPrint returns an item's near-duplicate fingerprint when one was
// made from the item's present text: as its source saved it this cycle,
// or kept from an earlier one (nil otherwise: computed).
func keptPrint(kept map[string]state.ScoredItem, fresh *freshPrints) func(string, uint64) feed.NearPrint {
	return func(id string, hash uint64) feed.NearPrint {
		if f, ok := fresh.by[id]; ok && f.hash == hash {
			return f.print
		}
		if k, ok := kept[id]; ok && k.Hash == hash {
			return related.DecodePrint(k.Print)
		}
		return nil
	}
}

// freshPrints are the fingerprints of the items sources saved this
// cycle, made as each source was saved (sources.Options.Saved), while
// its text was at hand: the items then wait for scoring without it.
type freshPrints struct {
	max int // related.max_item_bytes: items are fingerprinted as bounded
	mu  sync.Mutex
	by  map[string]freshPrint // by item id
}

type freshPrint struct {
	hash  uint64 // related.ItemHash of the item it was made from
	print feed.NearPrint
}

func newFreshPrints(max int) *freshPrints {
	return &freshPrints{max: max, by: map[string]freshPrint{}}
}

// saved fingerprints a source's new items; it runs in the fetcher's
// goroutines, in parallel.
func (f *freshPrints) saved(_ string, items []feed.Item) {
	made := make([]freshPrint, len(items))
	for i := range items {
		x := items[i]
		feed.Bound(&x, f.max)
		made[i] = freshPrint{related.ItemHash(&x), feed.NearPrintOf(&x)}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range items {
		f.by[items[i].ID] = made[i]
	}
}

// vectorSink writes item vectors as Update makes them, a batch at a
// time, with the generation the cycle will commit.
type vectorSink struct {
	store *state.Store
	ctx   context.Context
	out   string
	gen   int64
	batch []state.ItemVector
}

const vectorBatch = 500

func (v *vectorSink) keep(id string, kv related.KeptVector) error {
	v.batch = append(v.batch, state.ItemVector{ID: id, Hash: kv.Hash, Vec: kv.Vec, Print: related.EncodePrint(kv.Print)})
	if len(v.batch) >= vectorBatch {
		return v.flush()
	}
	return nil
}

func (v *vectorSink) flush() error {
	if len(v.batch) == 0 {
		return nil
	}
	err := v.store.KeepItemVectors(v.ctx, v.out, v.gen, v.batch)
	v.batch = v.batch[:0]
	return err
}

// saveMemo keeps what Update changed, in one transaction, which commits
// the vectors written while scoring.
func (c *run) saveMemo(ctx context.Context, m *related.Memo, d related.Delta) error {
	if err := c.vectors.flush(); err != nil {
		return err
	}
	rows := make([]state.ScoreRow, 0, len(d.Changed))
	for _, slug := range d.Changed {
		am := m.Articles[slug]
		q := am.Query
		ms, err := am.EncodeMatches()
		if err != nil {
			return err
		}
		r := state.ScoreRow{Slug: slug, Digest: am.Digest, Query: q, Matches: ms}
		if q != nil {
			r.Terms = am.Terms
		}
		rows = append(rows, r)
	}
	return c.opt.Store.SaveScores(ctx, outputsKey(c.cfg), state.ScoreUpdate{
		Key: c.memoPrefix() + m.Key, Gen: c.vectors.gen, DF: related.EncodeDF(m.DF), Docs: m.Docs,
		Set: rows, Drop: d.Removed, Reset: d.Full, Gone: d.Gone,
	})
}
