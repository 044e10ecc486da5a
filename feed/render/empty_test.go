package render

import (
	"bytes"
	"testing"

	"github.com/braid-feeds/braid/feed"
	"github.com/mmcdole/gofeed"
)

// TestEmptyFeed renders a channel with no items in every format and reads
// it back with gofeed: each must parse, carry the fixed EmptyFeedDate (not
// the clock) and hold no items.
func TestEmptyFeed(t *testing.T) {
	for name, fn := range map[string]func(*feed.Feed) ([]byte, error){"rss": RSS, "atom": Atom, "json": JSON} {
		t.Run(name, func(t *testing.T) {
			out, err := fn(emptyFixture())
			if err != nil {
				t.Fatal(err)
			}
			again, err := fn(emptyFixture())
			if err != nil || !bytes.Equal(out, again) {
				t.Fatalf("two renders of an empty feed differ (err %v)", err)
			}
			checkText(t, out)
			parsed, err := gofeed.NewParser().ParseString(string(out))
			if err != nil {
				t.Fatalf("gofeed cannot read it: %v\n%s", err, out)
			}
			if len(parsed.Items) != 0 {
				t.Errorf("got %d items, want none", len(parsed.Items))
			}
			if parsed.Title != "Example News" {
				t.Errorf("title = %q", parsed.Title)
			}
			if name == "json" {
				return // JSON Feed has no feed-level date
			}
			if parsed.UpdatedParsed == nil || !parsed.UpdatedParsed.Equal(EmptyFeedDate) {
				t.Errorf("updated = %v, want %v", parsed.UpdatedParsed, EmptyFeedDate)
			}
		})
	}
}
