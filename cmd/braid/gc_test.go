package main

import (
	"runtime/debug"
	"testing"
)

// TestGCPercent: braid collects at defaultGCPercent unless GOGC says
// otherwise (the runtime read GOGC at start; braid must not override it).
func TestGCPercent(t *testing.T) {
	prev := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(prev) })
	for _, c := range []struct {
		env  string
		want int
	}{{"", defaultGCPercent}, {"200", 100}, {"off", 100}} {
		t.Setenv("GOGC", c.env)
		debug.SetGCPercent(100)
		setGCPercent()
		if got := debug.SetGCPercent(100); got != c.want {
			t.Errorf("GOGC=%q: GC percent %d, want %d", c.env, got, c.want)
		}
	}
}
