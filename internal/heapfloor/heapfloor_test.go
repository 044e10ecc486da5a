package heapfloor

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

// waitPercent waits for the finalizer of the last collection to set the
// percentage, up to a few seconds.
func waitPercent(t *testing.T, ok func(int) bool, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok(Percent()) {
		if time.Now().After(deadline) {
			t.Fatalf("GOGC %d: want %s", Percent(), what)
		}
		time.Sleep(time.Millisecond)
	}
}

var sink []byte

func TestFloorRaisesThenGivesBack(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	const floor = 16 << 20
	runtime.GC()
	f := Start(floor, 50)
	defer f.Stop()
	runtime.GC()
	// A test's live heap is a few megabytes: the floor raises 50 %,
	// but never past where the runtime's own minimum would exceed it.
	waitPercent(t, func(p int) bool { return p > 50 && p <= floor*100/heapMinimum }, "raised over 50, at most the floor's")

	// A live heap large enough to reach the floor at 50 % by itself.
	live := make([][]byte, 0, 16)
	for range 12 {
		live = append(live, make([]byte, 1<<20))
	}
	runtime.GC()
	waitPercent(t, func(p int) bool { return p == 50 }, "50 once the live heap reaches the floor by itself")
	runtime.KeepAlive(live)

	f.Stop()
	if p := Percent(); p != 100 {
		t.Fatalf("GOGC %d after Stop, want 100 back", p)
	}
	live = nil
	runtime.GC()
	time.Sleep(50 * time.Millisecond) // a finalizer armed before Stop has run
	if p := Percent(); p != 100 {
		t.Errorf("GOGC %d after a collection past Stop, want 100", p)
	}
}

func TestStartKeepsThePercentInForce(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(70))
	f := Start(1, 0) // a floor any heap reaches: only the percentage
	defer f.Stop()
	runtime.GC()
	waitPercent(t, func(p int) bool { return p == 70 }, "70, the percentage in force")
}

// TestFloorCollectsLessOften is the point of the package: the same
// garbage on a small live heap takes far fewer collections.
func TestFloorCollectsLessOften(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	cycles := func() uint64 {
		s := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	churn := func() uint64 {
		runtime.GC()
		before := cycles()
		for range 4096 {
			sink = make([]byte, 64<<10) // 256 MB of garbage
		}
		return cycles() - before
	}
	debug.SetGCPercent(50)
	plain := churn()
	f := Start(32<<20, 50)
	floored := churn()
	f.Stop()
	t.Logf("collections for 256 MB of garbage: %d at GOGC 50, %d with a 32 MB floor", plain, floored)
	if floored*3 > plain {
		t.Errorf("%d collections with the floor, %d without: want under a third", floored, plain)
	}
}

// TestOneFloorAtATime: a Floor started while another is in force does
// nothing, so stopping it neither undoes the first nor leaves a raised
// percentage behind.
func TestOneFloorAtATime(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	first := Start(1, 60) // a floor any heap reaches: the percentage alone
	second := Start(256<<20, 20)
	if p := Percent(); p != 60 {
		t.Fatalf("GOGC %d with a second floor started, want the first's 60", p)
	}
	second.Stop()
	if p := Percent(); p != 60 {
		t.Fatalf("GOGC %d after stopping the second floor, want the first's 60", p)
	}
	first.Stop()
	if p := Percent(); p != 100 {
		t.Fatalf("GOGC %d after stopping the first, want 100 back", p)
	}
	third := Start(1, 80)
	defer third.Stop()
	if p := Percent(); p != 80 {
		t.Errorf("GOGC %d from a floor started after the first stopped, want 80", p)
	}
}
