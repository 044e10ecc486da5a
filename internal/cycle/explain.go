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
	Decisions []related.Decision // every candidate, best first; those sharing no term last
	Dups      []feed.Duplicate   // candidates dropped as duplicates of others
}

// Explain judges the candidates for one article the way the last cycle
// did, from the items the state file holds; it fetches nothing and writes
// nothing but first-seen times of undated articles.
func Explain(ctx context.Context, cfg *config.Config, st *state.Store, slug string, now time.Time) (*Explanation, error) {
	// Files that cannot be published are left out here as in a cycle;
	// `braid check` is where they are reported.
	arts, _, err := articles.LoadAllMax(ctx, cfg.Content, cfg.ContentMaxBytes)
	if err != nil {
		return nil, err
	}
	now = now.UTC().Truncate(time.Second)
	local, _, err := localItems(ctx, cfg, st, arts, now)
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
		for _, it := range sources.StoredItems(items, src.Feed) {
			feed.Bound(&it, cfg.Related.MaxItemBytes) // as the cycle judged it
			pool = append(pool, it)
		}
	}
	df := map[string]int{}
	for i := range local {
		for _, k := range related.DocTerms(target(&local[i]).Doc) {
			df[k]++
		}
	}
	w, err := weights(df, len(local))
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
			Decisions: withUnmatched(p.Decide(target(&local[i]), now, true), p.Items),
			Dups:      p.Dups,
		}, nil
	}
	return nil, fmt.Errorf("cycle: no article with slug %q in %s", slug, cfg.Content)
}

// NoSharedTerms is the reason given to candidates that share no term with
// the article: the index never scores them, but explain lists every
// candidate so that "why is X not here" always has an answer.
const NoSharedTerms = "no shared terms"

// withUnmatched appends, in pool order, the pool items Decide did not
// judge because they share no term with the article.
func withUnmatched(ds []related.Decision, pool []feed.Item) []related.Decision {
	judged := make(map[string]bool, len(ds))
	for _, d := range ds {
		judged[candidateKey(&d.Item)] = true
	}
	for _, it := range pool {
		if judged[candidateKey(&it)] {
			continue
		}
		it.Role = feed.RoleRelated
		it.Score = 0
		ds = append(ds, related.Decision{Item: it, Reason: NoSharedTerms})
	}
	return ds
}

// candidateKey tells pool items apart: after dedupe no two share a GUID,
// link or title, so the three together are unique.
func candidateKey(it *feed.Item) string {
	return it.ID + "\x00" + it.Link + "\x00" + it.Title
}
