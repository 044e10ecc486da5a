package related

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// maxWorkers bounds the goroutines that vectorize and score at once. Each
// vectorizer keeps its own word-key cache, a few megabytes on a pool of
// 100,000 items: on a machine with many cores, more workers would cost
// memory for little, since reading texts and writing vectors stay one
// at a time.
const maxWorkers = 4

// workers is how many goroutines vectorize and score at once.
func workers() int { return min(runtime.GOMAXPROCS(0), maxWorkers) }

// each calls fn(w, k) for every k in [0, n) on up to workers()
// goroutines; w is the calling worker's number, below workers(), so fn
// may use state of its own per worker. Which worker takes which k is not
// fixed: fn must write only what belongs to k.
func each(n int, fn func(w, k int)) {
	nw := min(workers(), n)
	if nw <= 1 {
		for k := range n {
			fn(0, k)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range nw {
		wg.Go(func() {
			for {
				k := int(next.Add(1)) - 1
				if k >= n {
					return
				}
				fn(w, k)
			}
		})
	}
	wg.Wait()
}

// articleBatch is how many articles have their text at once while their
// terms and queries are made on every core.
const articleBatch = 64

// withBodies gives the targets at positions their text a batch at a time,
// reading texts one at a time and in order (they come from the state),
// then calls work(k, t) for each target of the batch on every core (k is
// its index in positions), then done(k), if given, one at a time, in
// order.
func withBodies(targets []Target, positions []int, work func(k int, t Target), done func(k int) error) error {
	ts := make([]Target, min(articleBatch, len(positions)))
	for start := 0; start < len(positions); start += articleBatch {
		batch := positions[start:min(start+articleBatch, len(positions))]
		for k, i := range batch {
			t, err := targets[i].withBody()
			if err != nil {
				return err
			}
			ts[k] = t
		}
		each(len(batch), func(_, k int) { work(start+k, ts[k]) })
		for k := range batch {
			ts[k] = Target{} // its text, read for this batch only
			if done == nil {
				continue
			}
			if err := done(start + k); err != nil {
				return err
			}
		}
	}
	return nil
}
