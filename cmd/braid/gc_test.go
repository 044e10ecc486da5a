package main

import "testing"

// TestGCSettings: cycles collect at fullCycleGCPercent with a heap floor
// unless GOGC is set, which the runtime has already applied and braid
// must not override.
func TestGCSettings(t *testing.T) {
	for env, want := range map[string]struct {
		percent int
		floor   uint64
	}{"": {fullCycleGCPercent, cycleHeapFloor}, "200": {0, 0}, "off": {0, 0}} {
		t.Setenv("GOGC", env)
		if got := fullGCPercent(); got != want.percent {
			t.Errorf("GOGC=%q: full-cycle percent %d, want %d", env, got, want.percent)
		}
		if got := heapFloor(); got != want.floor {
			t.Errorf("GOGC=%q: heap floor %d, want %d", env, got, want.floor)
		}
	}
}
