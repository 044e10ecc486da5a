package cycle

import (
	"context"
	"slices"
	"strings"

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
	sc, err := c.opt.Store.LoadScores(ctx, outputsKey(c.cfg))
	if err != nil {
		return nil, nil, err
	}
	m := related.NewMemo()
	key, ok := strings.CutPrefix(sc.Key, c.opt.Version+"|")
	if !ok {
		return m, nil, nil // made by another version: start over
	}
	for id, it := range sc.Items {
		m.Items[id] = it.Hash
	}
	for _, r := range sc.Rows {
		ms, err := related.DecodeMatches(r.Matches)
		if err != nil {
			return related.NewMemo(), nil, nil // unreadable: rescoring is always safe
		}
		m.Articles[r.Slug] = &related.ArticleMemo{Digest: r.Digest, Matches: ms}
	}
	m.Key, m.DF, m.Docs = key, related.DecodeDF(sc.DF), sc.Docs
	out := outputsKey(c.cfg)
	m.LoadQueries = func(fn func(string, []byte) error) error { return c.opt.Store.ScoreQueries(ctx, out, fn) }
	m.LoadTerms = func(slugs []string) (map[string][]byte, error) { return c.opt.Store.ScoreTerms(ctx, out, slugs) }
	m.LoadVectors = func() (map[string]related.KeptVector, error) {
		vs, err := c.opt.Store.ItemVectors(ctx, outputsKey(c.cfg))
		if err != nil {
			return nil, err
		}
		out := make(map[string]related.KeptVector, len(vs))
		for id, v := range vs {
			out[id] = related.KeptVector{Hash: v.Hash, Vec: v.Vec}
		}
		return out, nil
	}
	return m, sc.Items, nil
}

// keptPrints are the pool's kept near-duplicate fingerprints, where the
// item's text is the one fingerprinted (nil elsewhere: computed).
func keptPrints(pool []feed.Item, kept map[string]state.ScoredItem) []feed.NearPrint {
	prints := make([]feed.NearPrint, len(pool))
	if len(kept) == 0 {
		return prints
	}
	for i := range pool {
		if k, ok := kept[pool[i].ID]; ok && k.Hash == related.ItemHash(&pool[i]) {
			prints[i] = related.DecodePrint(k.Print)
		}
	}
	return prints
}

// saveMemo keeps what Update changed, in one transaction.
func (c *run) saveMemo(ctx context.Context, m *related.Memo, d related.Delta) error {
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
	vecs := make([]state.ItemVector, 0, len(d.Vectors))
	for id, v := range d.Vectors {
		vecs = append(vecs, state.ItemVector{ID: id, Hash: v.Hash, Vec: v.Vec, Print: related.EncodePrint(v.Print)})
	}
	slices.SortFunc(vecs, func(a, b state.ItemVector) int { return strings.Compare(a.ID, b.ID) })
	return c.opt.Store.SaveScores(ctx, outputsKey(c.cfg), state.ScoreUpdate{
		Key: c.opt.Version + "|" + m.Key, DF: related.EncodeDF(m.DF), Docs: m.Docs,
		Set: rows, Drop: d.Removed, Reset: d.Full, Vectors: vecs, Gone: d.Gone,
	})
}
