package main

import "testing"

// TestFullGCPercent: full cycles collect at fullCycleGCPercent unless
// GOGC is set, which the runtime has already applied and braid must not
// override.
func TestFullGCPercent(t *testing.T) {
	for env, want := range map[string]int{"": fullCycleGCPercent, "200": 0, "off": 0} {
		t.Setenv("GOGC", env)
		if got := fullGCPercent(); got != want {
			t.Errorf("GOGC=%q: %d, want %d", env, got, want)
		}
	}
}
