package cycle

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/internal/state"
)

// TestTextsFill: a kept item read without its text gets it back, cut to
// the bound like every other item; a local item or one of a source read
// with its text is left alone; an item released lets its text go only
// if fill can give it back; and a read that fails names the source and
// is kept for the cycle to stop on.
func TestTextsFill(t *testing.T) {
	ctx := context.Background()
	st, err := state.Open(ctx, filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	long := "<p>" + strings.Repeat("word ", 100) + "</p>"
	items := []state.Item{{Item: feed.Item{ID: "a", Link: "https://w.example/a", Title: "A", Summary: long, ContentHTML: "<p>body</p>"}, Hash: "ha"}}
	if err := st.SaveSource(ctx, state.Source{Name: "wire", URL: "https://w.example/f"}, items); err != nil {
		t.Fatal(err)
	}
	tx := newTexts(ctx, st, 200)
	tx.stored["wire"] = true
	kept := feed.Item{ID: "a", Link: "https://w.example/a", Title: "A", Digest: "ha", Origin: &feed.Origin{Name: "wire"}}
	tx.fill(&kept)
	want := feed.Item{Summary: long, ContentHTML: "<p>body</p>", Link: "https://w.example/a"}
	feed.Bound(&want, 200)
	if kept.Summary != want.Summary || kept.ContentHTML != want.ContentHTML || len(kept.Summary) > 200 {
		t.Errorf("filled %q / %q; want %q / %q", kept.Summary, kept.ContentHTML, want.Summary, want.ContentHTML)
	}
	for _, it := range []feed.Item{
		{ID: "a", Digest: "ha", Origin: &feed.Origin{Name: "other"}, Summary: "own"}, // a source read with its text
		{ID: "local", Summary: "own"}, // a local item
		{ID: "a", Digest: "ha", Origin: &feed.Origin{Name: "wire"}, Summary: "own"}, // one that has its text
	} {
		tx.fill(&it)
		if it.Summary != "own" {
			t.Errorf("%+v was given text it did not lack", it)
		}
	}
	// Released, an item of a stored source lets its text go and gets it
	// back; others keep theirs.
	kept.Summary = long
	tx.release(&kept)
	if kept.Summary != "" || kept.ContentHTML != "" {
		t.Errorf("released, still holds %q / %q", kept.Summary, kept.ContentHTML)
	}
	tx.fill(&kept)
	if kept.Summary != want.Summary || kept.ContentHTML != want.ContentHTML {
		t.Errorf("refilled %q / %q", kept.Summary, kept.ContentHTML)
	}
	for _, it := range []feed.Item{
		{ID: "a", Digest: "ha", Origin: &feed.Origin{Name: "other"}, Summary: "own"},
		{ID: "local", Summary: "own"},
	} {
		tx.release(&it)
		if it.Summary != "own" {
			t.Errorf("%+v let its text go, which nothing can give back", it)
		}
	}
	if err := tx.failed(); err != nil {
		t.Fatal(err)
	}

	gone := feed.Item{ID: "a", Digest: "an older text", Origin: &feed.Origin{Name: "wire"}}
	tx.fill(&gone)
	if err := tx.failed(); err == nil || !strings.Contains(err.Error(), "changed while the cycle ran") || gone.Summary != "" {
		t.Errorf("an item whose kept text is not the one collected: %v, given %q", err, gone.Summary)
	}

	st.Close()
	broken := newTexts(ctx, st, 0)
	broken.stored["wire"] = true
	it := kept
	it.Summary, it.ContentHTML = "", ""
	broken.fill(&it)
	if err := broken.failed(); err == nil || !strings.Contains(err.Error(), "wire") {
		t.Errorf("a failed read: %v; want an error naming the source", err)
	}
}
