package cycle

import (
	"context"
	"encoding/binary"
	"fmt"
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
	if m.Items, err = decodeItemHashes(sc.Items); err != nil {
		return related.NewMemo(), nil // unreadable: rescoring is always safe
	}
	for _, r := range sc.Rows {
		ms, err := related.DecodeMatches(r.Matches)
		if err != nil {
			return related.NewMemo(), nil
		}
		m.Articles[r.Slug] = &related.ArticleMemo{Digest: r.Digest, RawQuery: r.Query, Matches: ms}
	}
	m.Key = key
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
		rows = append(rows, state.ScoreRow{Slug: slug, Digest: am.Digest, Query: q, Matches: ms})
	}
	return c.opt.Store.SaveScores(ctx, outputsKey(c.cfg), c.opt.Version+"|"+m.Key, encodeItemHashes(m.Items), rows, d.Removed, d.Full)
}

// encodeItemHashes packs id → hash pairs, ids sorted: a length-prefixed
// id and eight bytes of hash each (a fifth of JSON's size for 100,000
// items, and no parsing of numbers).
func encodeItemHashes(items map[string]uint64) []byte {
	ids := make([]string, 0, len(items))
	n := 0
	for id := range items {
		ids = append(ids, id)
		n += len(id) + 10
	}
	slices.Sort(ids)
	buf := make([]byte, 0, n)
	for _, id := range ids {
		buf = binary.AppendUvarint(buf, uint64(len(id)))
		buf = append(buf, id...)
		buf = binary.LittleEndian.AppendUint64(buf, items[id])
	}
	return buf
}

func decodeItemHashes(buf []byte) (map[string]uint64, error) {
	items := map[string]uint64{}
	for len(buf) > 0 {
		n, k := binary.Uvarint(buf)
		if k <= 0 || uint64(len(buf)-k) < n+8 {
			return nil, fmt.Errorf("cycle: kept item hashes: truncated")
		}
		buf = buf[k:]
		items[string(buf[:n])] = binary.LittleEndian.Uint64(buf[n:])
		buf = buf[n+8:]
	}
	return items, nil
}
