package cycle

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnchangedCycleSkipsBuilding: a cycle whose inputs did not change
// neither scores nor renders, but one whose output was deleted, or whose
// articles changed, builds again.
func TestUnchangedCycleSkipsBuilding(t *testing.T) {
	cfg, st := riverSite(t, "related:\n  max_age: 0s\nsources:\n  - {name: Wire, url: feeds/wire.xml}\n")
	ctx := context.Background()
	run := func() (*Summary, []string) {
		t.Helper()
		var phases []string
		sum, err := Run(ctx, cfg, Options{Store: st, Progress: func(p Progress) { phases = append(phases, p.Phase) }})
		if err != nil {
			t.Fatal(err)
		}
		return sum, phases
	}
	scored := func(phases []string) bool {
		for _, p := range phases {
			if p == PhaseScore {
				return true
			}
		}
		return false
	}
	first, phases := run()
	if first.Written != 14 || !scored(phases) {
		t.Fatalf("first cycle: %d written, phases %v", first.Written, phases)
	}
	second, phases := run()
	if scored(phases) || second.Written != 0 || second.Unchanged != 14 || second.Items != first.Items {
		t.Errorf("unchanged cycle built: %+v, phases %v", second, phases)
	}
	os.Remove(filepath.Join(cfg.Out, "kelmor-ferry-returns", "rss.xml"))
	third, phases := run()
	if _, err := os.Stat(filepath.Join(cfg.Out, "kelmor-ferry-returns", "rss.xml")); !scored(phases) || third.Written != 1 || err != nil {
		t.Errorf("deleted feed not rewritten: %d written, phases %v", third.Written, phases)
	}
	os.WriteFile(filepath.Join(cfg.Content, "new.md"), []byte("---\ntitle: New Story\ndate: 2026-11-01\n---\nText.\n"), 0o644)
	fourth, phases := run()
	if !scored(phases) || fourth.Written == 0 {
		t.Errorf("new article not built: %d written, phases %v", fourth.Written, phases)
	}
}

// TestMissingContentNamesTheKey: a content folder that is not there is
// reported as the config's mistake, with its key, by every cycle (the
// daemon's included), not as a bare stat error.
func TestMissingContentNamesTheKey(t *testing.T) {
	cfg, st := riverSite(t, "")
	os.RemoveAll(cfg.Content)
	_, err := Run(context.Background(), cfg, Options{Store: st})
	if err == nil || !strings.Contains(err.Error(), `content: folder "content" does not exist`) {
		t.Errorf("error %v, want one naming the content key", err)
	}
}
