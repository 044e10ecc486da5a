package cycle

import (
	"context"
	"fmt"
	"time"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/feed/related"
	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/sources"
	"github.com/braid-feeds/braid/sources/articles"
)

// Explanation is why an article's feed holds what it holds.
type Explanation struct {
	Slug      string
	Title     string
	Decisions []related.Decision // every candidate sharing a term, best first
	Dups      []feed.Duplicate   // candidates dropped as duplicates of others
}

// Explain judges the candidates for one article the way the last cycle
// did, from the items the state file holds; it fetches nothing and writes
// nothing but first-seen times of undated articles.
func Explain(ctx context.Context, cfg *config.Config, st *state.Store, slug string, now time.Time) (*Explanation, error) {
	arts, err := articles.Load(ctx, cfg.Content)
	if err != nil {
		return nil, err
	}
	now = now.UTC().Truncate(time.Second)
	local, err := localItems(ctx, cfg, st, arts, now)
	if err != nil {
		return nil, err
	}
	var pool []feed.Item
	for _, s := range cfg.Sources {
		src, err := st.Source(ctx, s.Name)
		if err != nil && err != state.ErrNotFound {
			return nil, err
		}
		items, err := st.Items(ctx, s.Name)
		if err != nil {
			return nil, err
		}
		pool = append(pool, sources.StoredItems(items, src.Feed)...)
	}
	w, err := weights(ctx, st, local)
	if err != nil {
		return nil, err
	}
	opt := selectionOptions(cfg.Related, cfg.Sources)
	opt.Weights = w
	p := related.NewPool(pool, opt)
	for i := range local {
		if local[i].art.Slug != slug {
			continue
		}
		return &Explanation{
			Slug:      slug,
			Title:     local[i].art.Title,
			Decisions: p.Decide(target(&local[i]), now, true),
			Dups:      p.Dups,
		}, nil
	}
	return nil, fmt.Errorf("cycle: no article with slug %q in %s", slug, cfg.Content)
}
