package cycle

import (
	"context"
	"slices"
	"strings"

	"github.com/braid-feeds/braid/feed/related"
	"github.com/braid-feeds/braid/internal/state"
)

// loadMemo reads the relatedness scores kept for this output folder. The
// key the state holds names the braid version too: a new release may
// score differently without bumping related.ScoringVersion, and one
// full rescoring per upgrade is cheap insurance.
func (c *run) loadMemo(ctx context.Context) (*related.Memo, error) {
	sc, err := c.opt.Store.LoadScores(ctx, outputsKey(c.cfg))
	if err != nil {
		return nil, err
	}
	m := related.NewMemo()
	key, ok := strings.CutPrefix(sc.Key, c.opt.Version+"|")
	if !ok {
		return m, nil // made by another version: start over
	}
	m.Items = sc.Items
	for _, r := range sc.Rows {
		ms, err := related.DecodeMatches(r.Matches)
		if err != nil {
			return related.NewMemo(), nil
		}
		m.Articles[r.Slug] = &related.ArticleMemo{Digest: r.Digest, RawQuery: r.Query, Matches: ms, Terms: related.DecodeTerms(r.Terms)}
	}
	m.Key = key
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
	return m, nil
}

// saveMemo keeps what Update changed, in one transaction.
func (c *run) saveMemo(ctx context.Context, m *related.Memo, d related.Delta) error {
	rows := make([]state.ScoreRow, 0, len(d.Changed))
	for _, slug := range d.Changed {
		am := m.Articles[slug]
		q := am.EncodeQuery()
		ms, err := am.EncodeMatches()
		if err != nil {
			return err
		}
		rows = append(rows, state.ScoreRow{Slug: slug, Digest: am.Digest, Query: q, Matches: ms, Terms: related.EncodeTerms(am.Terms)})
	}
	vecs := make([]state.ItemVector, 0, len(d.Vectors))
	for id, v := range d.Vectors {
		vecs = append(vecs, state.ItemVector{ID: id, Hash: v.Hash, Vec: v.Vec})
	}
	slices.SortFunc(vecs, func(a, b state.ItemVector) int { return strings.Compare(a.ID, b.ID) })
	return c.opt.Store.SaveScores(ctx, outputsKey(c.cfg), state.ScoreUpdate{
		Key: c.opt.Version + "|" + m.Key,
		Set: rows, Drop: d.Removed, Reset: d.Full, Vectors: vecs, Gone: d.Gone,
	})
}
