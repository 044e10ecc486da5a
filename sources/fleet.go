package sources

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/sources/fetcher"
)

// Fleet makes this Fetcher one node of several sharing one state: each due
// source is fetched by the node that claims its lease; every other node
// uses the items the claimer saved.
type Fleet struct {
	// Node names this node in leases and in the state's FetchedBy.
	Node string
	// Lease is how long a claim keeps other nodes off a source. A little
	// under the schedule period: long enough that the other nodes' cycles
	// of this period find it taken, short enough that the next period's
	// first cycle finds it free.
	Lease time.Duration
	// Batch is how many sources a node claims at a time; it claims the
	// next batch when half of one is done, so a faster node takes more.
	// Default 4 × Concurrency.
	Batch  int
	Claims Claimer
}

// Claimer hands out leases on sources; *state.Store is one.
type Claimer interface {
	ClaimDue(ctx context.Context, node string, names []string, now time.Time, lease time.Duration, limit int) ([]string, error)
	Release(ctx context.Context, node, name string) error
}

// StatusLeased: another node of the fleet holds the source's lease this
// period, so it fetches it; the items it last saved are used.
const StatusLeased = "leased"

// loaded is a source as phase one of a fleet cycle found it.
type loaded struct {
	st   state.Source
	prev stored
	at   time.Time // when it was read
}

// fetchFleet plans every source from the shared state, claims the due
// ones in batches and fetches what it claimed. The error is the first
// state failure only: with the database gone every source fails the
// same way, and one clear line says so.
// fctx is ctx with the cycle's fetch deadline: past it what is being
// fetched, or claimed afterwards, times out.
func (f *Fetcher) fetchFleet(ctx, fctx context.Context, specs []Spec, lim *fetcher.Limiter) ([]Result, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	results := make([]Result, len(specs))
	found := make([]*loaded, len(specs))
	var wg sync.WaitGroup
	for i, s := range specs {
		wg.Go(func() {
			l, res, err := f.planOne(ctx, s)
			if err != nil {
				cancel(err)
				return
			}
			results[i], found[i] = res, l
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	var due []int
	for i, l := range found {
		if l != nil {
			due = append(due, i)
		}
	}
	fetched, err := f.claimAndFetch(ctx, fctx, specs, due, found, lim, results)
	for _, i := range due {
		if !fetched[i] {
			l := found[i]
			results[i] = f.done(ctx, specs[i], Result{Name: specs[i].Name, Status: StatusLeased, Class: l.st.ErrorClass, MovedTo: l.st.MovedTo}, l.st, l.prev)
		}
	}
	return results, err
}

// planOne loads a source and plans it: a held source's result is final; a
// due one comes back loaded, to be claimed.
func (f *Fetcher) planOne(ctx context.Context, s Spec) (*loaded, Result, error) {
	st, prev, err := f.load(ctx, s.Name)
	if err != nil {
		return nil, Result{}, err
	}
	p := plan(st, s, f.opt.Now().UTC(), f.opt.IgnoreHints)
	if p.hold != "" {
		return nil, f.done(ctx, s, held(s, p), p.st, prev), nil
	}
	return &loaded{st: st, prev: prev, at: time.Now()}, Result{}, nil
}

// claimAndFetch claims the due sources batch by batch until none is left
// to claim, and fetches each claimed one. It reports which it fetched.
func (f *Fetcher) claimAndFetch(ctx, fctx context.Context, specs []Spec, due []int, found []*loaded, lim *fetcher.Limiter, results []Result) (map[int]bool, error) {
	fl := f.opt.Fleet
	batch := fl.Batch
	if batch <= 0 {
		batch = 4 * f.opt.Concurrency
	}
	byName := make(map[string]int, len(due))
	left := make([]string, 0, len(due))
	for _, i := range due {
		byName[specs[i].Name] = i
		left = append(left, specs[i].Name)
	}
	fetched := map[int]bool{}
	errs := make([]error, len(specs))
	done := make(chan struct{}, len(due))
	var wg sync.WaitGroup
	var claimErr error
	running := 0
	// Past the cycle's deadline claiming goes on: what this node claims then
	// times out at once and is recorded so, keeping its last good items,
	// instead of passing for "fetched by another node".
	for len(left) > 0 && ctx.Err() == nil {
		want := batch - running
		// A window of the names, not all of them: each claim sends and
		// scans only a few times what it may take.
		window := left[:min(len(left), 4*want)]
		got, err := fl.Claims.ClaimDue(ctx, fl.Node, window, f.opt.Now(), fl.Lease, want)
		if err != nil {
			claimErr = err
			break
		}
		for _, n := range got {
			i := byName[n]
			fetched[i] = true
			running++
			wg.Go(func() {
				results[i], errs[i] = f.fetchClaimed(ctx, fctx, specs[i], found[i], lim)
				done <- struct{}{}
			})
		}
		if len(got) < want {
			// What the window still holds is leased to, or being claimed
			// by, other nodes.
			left = left[len(window):]
		} else {
			took := make(map[string]bool, len(got))
			for _, n := range got {
				took[n] = true
			}
			left = slices.DeleteFunc(left, func(n string) bool { return took[n] })
		}
		for running > batch/2 {
			<-done
			running--
		}
	}
	wg.Wait()
	return fetched, firstError(claimErr, errs)
}

// fetchClaimed fetches a source this node holds the lease of. The state
// read when planning is still the source's latest unless the lease of
// another node that fetched it since has had time to expire: read it
// again only then. A cycle cancelled before the fetch ended gives the
// lease back, so another node need not wait for it to expire.
func (f *Fetcher) fetchClaimed(ctx, fctx context.Context, s Spec, l *loaded, lim *fetcher.Limiter) (Result, error) {
	var res Result
	var err error
	if time.Since(l.at) < f.opt.Fleet.Lease/2 {
		res, err = f.fetchLoaded(ctx, fctx, s, l.st, l.prev, lim, nil)
	} else {
		res, err = f.fetchOne(ctx, fctx, s, lim, nil)
	}
	if res.Class == ClassCancelled {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		_ = f.opt.Fleet.Claims.Release(rctx, f.opt.Fleet.Node, s.Name)
	}
	return res, err
}

func firstError(first error, errs []error) error {
	if first != nil {
		return first
	}
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
