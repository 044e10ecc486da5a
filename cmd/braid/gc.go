package main

import (
	"os"
	"runtime/debug"
)

// defaultGCPercent is the garbage collector's target when GOGC is not
// set: 50 instead of Go's 100. Most of a cycle's live heap is held for
// the whole cycle (the items, their fingerprints, the articles' queries),
// and Go lets the heap grow past it by GOGC percent before collecting, so
// peak RSS is about twice what is live at 100. At 50, bench/fetch.sh's
// 1,000 sources and bench/scale.sh's 20,000 articles peak lower for a few
// percent more CPU (BENCHMARKS.md). Prometheus made the same change in
// v2.53 for the same reason. A GOGC in the environment still decides.
const defaultGCPercent = 50

// setGCPercent applies defaultGCPercent unless GOGC is set.
func setGCPercent() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
}
