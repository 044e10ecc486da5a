package cycle

import (
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"testing"

	"github.com/braid-feeds/braid/internal/heapfloor"
)

// TestFullCycleGCPercent: a full cycle (no kept scores to go on: the
// first, or the first after scoring changed) collects at FullGCPercent and
// gives the collector its target back when it ends; a cycle that goes on
// from kept scores leaves the target alone.
func TestFullCycleGCPercent(t *testing.T) {
	gogc := func() uint64 {
		s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	prev := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(prev) })
	cfg, st := riverSite(t, "sources:\n  - {name: Wire, url: feeds/wire.xml}\n")
	var mu sync.Mutex
	var during []uint64
	opt := Options{Store: st, Version: "1", FullGCPercent: 37, Progress: func(Progress) {
		mu.Lock()
		defer mu.Unlock()
		during = append(during, gogc())
	}}
	ctx := context.Background()
	for _, step := range []struct {
		name    string
		version string
		edit    bool
		want    uint64
	}{
		{"first cycle", "1", false, 37},
		{"an article edited", "1", true, 100},
		{"nothing changed", "1", false, 100},
		{"another braid version", "2", false, 37},
	} {
		if step.edit {
			p := filepath.Join(cfg.Content, "kelmor-ferry-returns.md")
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(p, append(data, "\nOne more line.\n"...), 0o644)
		}
		during = nil
		opt.Version = step.version
		if _, err := Run(ctx, cfg, opt); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if len(during) == 0 {
			t.Fatalf("%s: no progress heard", step.name)
		}
		for _, g := range during {
			if g != step.want {
				t.Errorf("%s: GOGC %d during the cycle, want %d", step.name, g, step.want)
				break
			}
		}
		if g := gogc(); g != 100 {
			t.Errorf("%s: GOGC %d after the cycle, want 100 back", step.name, g)
		}
	}
}

// TestHeapFloorDuringCycles: with a heap floor the percentage is raised
// while the live heap is small, in full and incremental cycles alike,
// never below the cycle's own, and given back when the cycle ends.
func TestHeapFloorDuringCycles(t *testing.T) {
	prev := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(prev) })
	cfg, st := riverSite(t, "sources:\n  - {name: Wire, url: feeds/wire.xml}\n")
	var mu sync.Mutex
	var during []int
	// A floor no test heap reaches: the percentage stays raised.
	opt := Options{Store: st, Version: "1", FullGCPercent: 37, HeapFloor: 256 << 20, Progress: func(Progress) {
		mu.Lock()
		defer mu.Unlock()
		during = append(during, heapfloor.Percent())
	}}
	for _, step := range []struct {
		name  string
		above int
	}{{"first cycle (full)", 37}, {"nothing changed", 100}} {
		during = nil
		if _, err := Run(context.Background(), cfg, opt); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if len(during) == 0 {
			t.Fatalf("%s: no progress heard", step.name)
		}
		for _, g := range during {
			if g <= step.above || g > 256*100/4 {
				t.Errorf("%s: GOGC %d during the cycle, want over %d and at most the floor's 6400", step.name, g, step.above)
				break
			}
		}
		if g := heapfloor.Percent(); g != 100 {
			t.Errorf("%s: GOGC %d after the cycle, want 100 back", step.name, g)
		}
	}
}
