// Package heapfloor keeps the garbage collector from running on a small
// heap.
//
// A collector target given as a percentage (GOGC) is a target relative to
// the live heap: at 50 %, a cycle whose live heap is still 5 MB collects
// every 2.5 MB it allocates. A braid cycle starts with almost nothing live
// and allocates hundreds of megabytes parsing feeds, so most of its
// collections came while the heap was a fraction of the peak it reaches
// later anyway: 90 collections in a 500-source first cycle, a sixth of
// its CPU. While it runs, a Floor raises the percentage after each
// collection so the next one comes when the heap reaches the floor, and
// gives the percentage asked for back once the live heap is large enough
// for it to reach the floor by itself. The peak, set late in a cycle by a
// large live heap, stays where the percentage puts it. (Uber's GOGC
// tuner and bytedance/gopkg's gctuner do the same with a finalizer per
// collection; neither is a library of its own, and this is a hundred lines.)
package heapfloor

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// heapMinimum is the Go runtime's smallest target at GOGC=100: it scales
// with the percentage, so on a nearly empty heap the percentage that
// puts this minimum at the floor is the most to ask for.
const heapMinimum = 4 << 20

// Floor keeps the collector's target at or above a number of bytes.
type Floor struct {
	bytes   uint64
	percent int
	prev    int

	mu      sync.Mutex
	stopped bool
	sample  []metrics.Sample
}

// active is the Floor in force: the percentage is the process's, so one
// Floor at a time sets it.
var active struct {
	sync.Mutex
	f *Floor
}

// Start sets the collector's percentage to percent (0: the one in force),
// raised while the live heap is small enough that the next collection
// would come before the heap reaches bytes. Stop gives back the
// percentage in force before. While a Floor is in force, Start returns
// one that does nothing: two would each restore what the other set.
func Start(bytes uint64, percent int) *Floor {
	active.Lock()
	defer active.Unlock()
	if active.f != nil {
		return &Floor{stopped: true}
	}
	if percent <= 0 {
		percent = Percent()
	}
	f := &Floor{bytes: bytes, percent: percent,
		sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	f.prev = debug.SetGCPercent(f.target())
	f.arm()
	active.f = f
	return f
}

// Stop ends the floor and restores the percentage in force at Start.
func (f *Floor) Stop() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stopped {
		return
	}
	f.stopped = true
	debug.SetGCPercent(f.prev)
	active.Lock()
	active.f = nil
	active.Unlock()
}

// Percent is the collector's percentage in force (GOGC).
func Percent() int {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 100
	}
	return int(s[0].Value.Uint64())
}

// target is the percentage for the live heap of the last collection.
func (f *Floor) target() int {
	metrics.Read(f.sample)
	live := uint64(0)
	if f.sample[0].Value.Kind() == metrics.KindUint64 {
		live = f.sample[0].Value.Uint64()
	}
	most := max(f.percent, int(f.bytes*100/heapMinimum))
	if live == 0 {
		return most
	}
	if live+live*uint64(f.percent)/100 >= f.bytes {
		return f.percent
	}
	return min(most, int((f.bytes-live)*100/live)+1)
}

// arm sets the percentage again after the next collection: a finalizer
// runs once the collection that found its object unreachable is done.
func (f *Floor) arm() {
	runtime.SetFinalizer(&sentinel{f}, func(s *sentinel) {
		f := s.f
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.stopped {
			return
		}
		debug.SetGCPercent(f.target())
		f.arm()
	})
}

// sentinel is an object only its finalizer refers to. It holds a pointer
// so that it is not made by the tiny allocator, whose objects share
// blocks and may never be finalized.
type sentinel struct{ f *Floor }
