package sources

import (
	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/internal/state"
)

// StoredItems turns a source's stored items into pool items carrying
// its origin and their first-seen time: the one decoding of the state's
// items that fetching and `braid explain` share.
func StoredItems(items []state.Item, origin feed.Origin) []feed.Item {
	out := make([]feed.Item, 0, len(items))
	o := &origin // shared: nothing downstream modifies an origin
	for _, it := range items {
		fi := it.Item
		fi.FirstSeen = it.FirstSeen
		fi.Origin = o
		fi.Digest = it.Hash
		out = append(out, fi)
	}
	return out
}
