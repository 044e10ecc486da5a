package cycle

import (
	"cmp"
	"context"
	"fmt"
	"sync"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/internal/state"
)

// texts gives kept items their summary and content when a cycle needs
// them. A cycle reads the items of unchanged sources without their text
// (sources.LoadStored): scoring works from kept vectors and fingerprints,
// and only a few items need their text (one with nothing kept, a
// near-duplicate candidate, a match that text rules apply to, an item of
// a feed that is written). Each source's texts are read once, when the
// first of its items needs them, and bounded as collect bounds the rest.
//
// The items a source just saved are in the state too: once scoring has
// made its vector, release lets an item's text go, and fill reads it
// back if it is needed again (a first cycle held every item's text
// through scoring, 16 MB at 20,000 items).
//
// A failed read leaves the item without its text and is kept in err: the
// cycle checks it before it keeps a score or writes a file.
type texts struct {
	ctx   context.Context
	store *state.Store
	max   int // related.max_item_bytes
	// stored are the sources whose items the state holds as the cycle
	// has them (read from it, or just saved to it).
	stored map[string]bool

	mu    sync.Mutex
	bySrc map[string]map[string]text // source → item id → its text
	// oneSource keeps only the last source read: for a pass over items
	// in source order (scoring's), which would otherwise end up holding
	// every text it let go.
	oneSource bool
	err       error
}

type text struct{ summary, content, digest string }

func newTexts(ctx context.Context, store *state.Store, max int) *texts {
	return &texts{ctx: ctx, store: store, max: max, stored: map[string]bool{}, bySrc: map[string]map[string]text{}}
}

// fill gives it its text if it is a kept item without it.
func (t *texts) fill(it *feed.Item) {
	if !t.holds(it) || it.Summary != "" || it.ContentHTML != "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	src := it.Origin.Name
	byID, ok := t.bySrc[src]
	if !ok {
		var err error
		if byID, err = t.read(src); err != nil {
			t.err = cmp.Or(t.err, err)
			return
		}
		if t.oneSource {
			clear(t.bySrc)
		}
		t.bySrc[src] = byID
	}
	x, ok := byID[it.ID]
	if !ok || x.digest != it.Digest {
		// Nothing else writes a source's items while a cycle holds the
		// site's lock (a fleet node reads text up front): say so rather
		// than publish another item's text.
		t.err = cmp.Or(t.err, fmt.Errorf("cycle: %s's item %s changed while the cycle ran", src, it.ID))
		return
	}
	// Cut to the bound as collect cuts the rest (an excerpt's "read
	// more" link is the item's).
	y := feed.Item{Link: it.Link, Summary: x.summary, ContentHTML: x.content}
	feed.Bound(&y, t.max)
	it.Summary, it.ContentHTML = y.Summary, y.ContentHTML
}

// inSourceOrder runs fn, a pass that fills items in source order,
// keeping one source's texts at a time.
func (t *texts) inSourceOrder(fn func() error) error {
	t.mu.Lock()
	t.oneSource = true
	t.mu.Unlock()
	defer func() {
		t.mu.Lock()
		t.oneSource = false
		t.mu.Unlock()
	}()
	return fn()
}

// release lets its text go if fill can give it back.
func (t *texts) release(it *feed.Item) {
	if t.holds(it) {
		it.Summary, it.ContentHTML = "", ""
	}
}

// holds reports whether the state holds the item as the cycle has it.
func (t *texts) holds(it *feed.Item) bool {
	return it.Origin != nil && it.Digest != "" && t.stored[it.Origin.Name]
}

func (t *texts) read(src string) (map[string]text, error) {
	items, err := t.store.Texts(t.ctx, src)
	if err != nil {
		return nil, fmt.Errorf("cycle: text of %s's items: %w", src, err)
	}
	out := make(map[string]text, len(items))
	for _, x := range items {
		out[x.ID] = text{x.Summary, x.Content, x.Hash}
	}
	return out, nil
}

// releaseAll lets each item's text go, as release does.
func (t *texts) releaseAll(items []feed.Item) {
	for i := range items {
		t.release(&items[i])
	}
}

// fillAll gives each item its text.
func (t *texts) fillAll(items []feed.Item) {
	for i := range items {
		t.fill(&items[i])
	}
}

// failed is the first read that failed, if any.
func (t *texts) failed() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}
