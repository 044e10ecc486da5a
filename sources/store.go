package sources

import (
	"context"

	"github.com/braid-feeds/braid/internal/state"
)

// Store is what sources needs of the state file: a source's state and
// last good items, a way to record an outcome, and forgetting sources
// that left the config. *state.Store satisfies it; SaveSource must be
// safe to call from several goroutines at once.
type Store interface {
	Source(ctx context.Context, name string) (state.Source, error)
	Sources(ctx context.Context) ([]state.Source, error)
	Items(ctx context.Context, source string) ([]state.Item, error)
	ItemsOf(ctx context.Context, sources []string, text bool) (map[string][]state.Item, error)
	ItemCounts(ctx context.Context) (map[string]int, error)
	SaveSource(ctx context.Context, src state.Source, items []state.Item) error
	PruneSources(ctx context.Context, keep []string) error
}
