package cycle

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStaleOutputRemoved: when an article is deleted or renamed, the
// files braid wrote for its feed leave out/ (its folder too, when
// empty), the index page and OPML list stop naming it, and files braid
// did not write stay where they are.
func TestStaleOutputRemoved(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(content string)
		gone   string // the feed folder that must go
		kept   string // a feed folder that must appear or stay
	}{
		{"deleted", func(c string) { os.Remove(filepath.Join(c, "kelmor-ferry-returns.md")) }, "kelmor-ferry-returns", "kelmor-bridge-closed"},
		{"renamed", func(c string) {
			os.Rename(filepath.Join(c, "kelmor-ferry-returns.md"), filepath.Join(c, "ferry-back.md"))
		}, "kelmor-ferry-returns", "ferry-back"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, st := riverSite(t, "related:\n  max_age: 0s\nsources:\n  - {name: Wire, url: feeds/wire.xml}\n")
			ctx := context.Background()
			if _, err := Run(ctx, cfg, Options{Store: st}); err != nil {
				t.Fatal(err)
			}
			theirs := map[string]string{
				"robots.txt":                      "User-agent: *\n",
				"kelmor-bridge-closed/extra.html": "hand-made",
				"unrelated.md":                    "notes",
			}
			for rel, data := range theirs {
				os.WriteFile(filepath.Join(cfg.Out, rel), []byte(data), 0o644)
			}
			tc.change(cfg.Content)
			sum, err := Run(ctx, cfg, Options{Store: st})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Removed != 3 {
				t.Errorf("removed %d files, want the 3 formats of one feed", sum.Removed)
			}
			if _, err := os.Stat(filepath.Join(cfg.Out, tc.gone)); !os.IsNotExist(err) {
				t.Errorf("%s/ still in out/: %v", tc.gone, err)
			}
			if _, err := os.Stat(filepath.Join(cfg.Out, tc.kept, "atom.xml")); err != nil {
				t.Errorf("%s/atom.xml: %v", tc.kept, err)
			}
			for _, page := range []string{"index.html", "feeds.opml"} {
				data, _ := os.ReadFile(filepath.Join(cfg.Out, page))
				if strings.Contains(string(data), tc.gone+"/") {
					t.Errorf("%s still links to %s", page, tc.gone)
				}
			}
			for rel, data := range theirs {
				if got, err := os.ReadFile(filepath.Join(cfg.Out, rel)); err != nil || string(got) != data {
					t.Errorf("%s, not braid's, was touched: %q %v", rel, got, err)
				}
			}
		})
	}
}
