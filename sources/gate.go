package sources

import (
	"cmp"
	"slices"
	"sync"

	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/sources/fetcher"
)

// gate bounds how many sources have a goroutine at once. A goroutine per
// source, parked in the Limiter until its turn, cost its stack for the
// whole fetch: 1,000 sources held 18–27 MB of stacks, a fifth of a first
// cycle's peak RSS. Four goroutines per global slot keep every slot busy
// while the ones after them wait for their host.
type gate chan struct{}

func newGate(n int) gate { return make(gate, n) }

// enter waits for room and returns how to leave, which may be called more
// than once: a source leaves when it is done, or earlier when it has been
// slow for SlowAfter, as it gives up its global slot then and for the same
// reason: a few dead hosts must not stall everyone behind them.
func (g gate) enter() (leave func()) {
	g <- struct{}{}
	return sync.OnceFunc(func() { <-g })
}

// byHost is the order in which to start the sources: the first source of
// each host, in the order of specs, then the second of each, and so on.
// In the order of the config, a host with a hundred sources listed first
// would fill the gate with sources waiting for its per-host slots while
// every other host sat idle. The host is where plan will fetch from: the
// URL, or where it was last moved to.
func byHost(specs []Spec, known map[string]state.Source) []int {
	rank := make([]int, len(specs))
	first := make([]int, len(specs))
	seen := make(map[string][2]int, len(specs)) // host → first index, count
	for i, s := range specs {
		target := s.URL
		if st, ok := known[s.Name]; ok && st.URL == s.URL && st.MovedTo != "" {
			target = st.MovedTo
		}
		h := fetcher.HostKey(target)
		v, ok := seen[h]
		if !ok || h == "" {
			v = [2]int{i, 0} // local files have no host to wait for
		}
		rank[i], first[i] = v[1], v[0]
		v[1]++
		seen[h] = v
	}
	order := make([]int, len(specs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(rank[a], rank[b]), cmp.Compare(first[a], first[b]))
	})
	return order
}
