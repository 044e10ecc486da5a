package main

import "os"

// fullCycleGCPercent is the garbage collector's target during a full
// cycle (cycle.Options.FullGCPercent) when GOGC is not set: 50 instead of
// Go's 100. A full cycle (a site's first, or the first after scoring
// changed) holds every item, fingerprint and article query for most of
// its run, and at 100 Go lets the heap grow to twice that before
// collecting: the first cycle of 20,000 articles × 5,000 sources peaked at
// 721–743 MB, 1,000 sources × 3 articles at 109–115 MB. At 50 they peak at
// 547–565 and 88–95 MB, for 10–17 % more CPU (BENCHMARKS.md). Incremental
// cycles stay at Go's default: they hold much less, run every few minutes,
// and collecting twice as often cost them a fifth more CPU. Prometheus
// made the same trade (v2.53, GOGC 50). A GOGC in the environment decides
// for every cycle.
const fullCycleGCPercent = 50

// cycleHeapFloor is cycle.Options.HeapFloor when GOGC is not set. A
// percentage alone made a 500-source first cycle collect 90 times, most
// of them while its live heap was 5–15 MB and its peak far away: with
// this floor it collects about 30 times, for 12–20 % less CPU. At 1,000
// sources the live heap passes the floor's reach early and the peak stays
// at 90–93 MB; 48 MB raised it to 100–102 MB, and 24 MB saved less
// (BENCHMARKS.md).
const cycleHeapFloor = 32 << 20

// fullGCPercent is cycle.Options.FullGCPercent: 0 when GOGC is set.
func fullGCPercent() int {
	if os.Getenv("GOGC") != "" {
		return 0
	}
	return fullCycleGCPercent
}

// heapFloor is cycle.Options.HeapFloor: 0 when GOGC is set.
func heapFloor() uint64 {
	if os.Getenv("GOGC") != "" {
		return 0
	}
	return cycleHeapFloor
}
