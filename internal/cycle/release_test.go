package cycle

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"
)

// TestPublishGivesTextsUp: writing a feed reads its article's text and
// its items' text back from the state, and gives them up once the feed
// is built, so publishing 20,000 feeds holds one batch of texts, not all
// of them; the feeds are still whole.
func TestPublishGivesTextsUp(t *testing.T) {
	ctx := context.Background()
	cfg, st := riverSite(t, "sources:\n  - {name: Wire, url: feeds/wire.xml}\n")
	opt := Options{Store: st, Version: "1", Now: time.Now, Logger: slog.New(slog.DiscardHandler)}
	if _, err := Run(ctx, cfg, opt); err != nil {
		t.Fatal(err)
	}
	want := tree(t, cfg.Out)
	// Every feed written again, by a cycle whose articles come from the
	// article cache without their text.
	if err := os.RemoveAll(cfg.Out); err != nil {
		t.Fatal(err)
	}
	c := &run{cfg: cfg, opt: opt, start: time.Now(), sum: &Summary{}}
	c.now = c.start.UTC().Truncate(time.Second)
	if err := c.gather(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.collect(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.selectRelated(ctx); err != nil {
		t.Fatal(err)
	}
	light := map[int]bool{} // articles kept without their text
	related := 0
	for i := range c.local {
		if c.local[i].parse.light {
			light[i] = true
		}
		related += len(c.related[i])
	}
	if len(light) == 0 || related == 0 {
		t.Fatalf("%d light articles, %d related items: the test checks nothing", len(light), related)
	}
	if err := c.publish(ctx, c.build()); err != nil {
		t.Fatal(err)
	}
	for i := range c.local {
		af := &c.local[i]
		if light[i] && (!af.parse.light || af.art.Text != "" || af.art.HTML != "" || af.doc.HTML != "") {
			t.Errorf("%s: still holds its text after its feed was written", af.art.Slug)
		}
		for _, it := range c.related[i] {
			if c.texts.holds(&it) && (it.Summary != "" || it.ContentHTML != "") {
				t.Errorf("%s: related item %s still holds its text", af.art.Slug, it.ID)
			}
		}
	}
	if diffs := sameTree(tree(t, cfg.Out), want); len(diffs) > 0 {
		t.Errorf("feeds written from texts given up differ from the first cycle's: %v", diffs)
	}
}
