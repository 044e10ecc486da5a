package cycle

import (
	"context"
	"fmt"
	"sync"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/feed/related"
	"github.com/braid-feeds/braid/internal/state"
)

// weights are a cycle's term weights: the shipped background, blended
// with the term history as it stood before this cycle and with the
// site's articles. This cycle's candidates are counted only after
// selection, so the pool never weighs its own terms.
func weights(h state.TermHistory, local []articleFeed) (*related.Weights, error) {
	bg, err := related.DefaultBackground()
	if err != nil {
		return nil, err
	}
	docs := make([]related.Doc, len(local))
	for i := range local {
		docs[i] = target(&local[i]).Doc
	}
	return related.NewWeights(bg, related.History{Docs: h.Docs, DF: h.DF}, docs), nil
}

// recordTerms counts the candidates braid has not counted before into
// the term history. A failure costs only history, never the cycle: it
// is logged and the items are counted next time.
func (c *run) recordTerms(ctx context.Context, pool *related.Pool) {
	items := pool.Items
	// The keys come off the index, and only when some item is new: most
	// items of a cycle were counted in an earlier one.
	keys := sync.OnceValue(pool.ItemKeys)
	docs := make([]state.TermDoc, len(items))
	for i := range items {
		docs[i] = state.TermDoc{Doc: termDocID(&items[i]), TermsOf: func() []string { return keys()[i] }}
	}
	n, err := c.opt.Store.RecordTerms(ctx, docs)
	if err != nil {
		c.opt.Logger.Warn("term history not updated", "items", len(items), "error", err)
		return
	}
	c.opt.Logger.Debug("term history updated", "new_items", n)
}

// termDocID names an item across cycles: its source and its id.
func termDocID(it *feed.Item) string {
	src := ""
	if it.Origin != nil {
		src = it.Origin.Name
	}
	return fmt.Sprintf("%s\x00%s", src, it.ID)
}
