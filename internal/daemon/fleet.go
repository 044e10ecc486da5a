package daemon

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/cycle"
	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/internal/state/dsn"
)

// openState opens the state at start. A shared state (a postgres:// URL)
// that cannot be reached does not stop the daemon: it serves its last
// output and tries again each cycle, and /healthz says so after two
// periods. A SQLite file that cannot be opened is a setup error.
func (d *Daemon) openState(ctx context.Context, cfg *config.Config) error {
	st, err := state.Open(ctx, cfg.State)
	if err == nil {
		d.store = st
		return nil
	}
	if !dsn.IsURL(cfg.State) {
		return err
	}
	msg := err.Error()
	d.lastErr.Store(&msg)
	d.log.Error("state unreachable at start: serving the last output, trying again each cycle", "error", err)
	return nil
}

// cycle runs one cycle on the state, opening it first if the daemon
// started without it.
func (d *Daemon) cycle(ctx context.Context, cfg *config.Config) (*cycle.Summary, error) {
	if d.store == nil {
		st, err := state.Open(ctx, cfg.State)
		if err != nil {
			return nil, fmt.Errorf("daemon: %w", err)
		}
		d.store = st
	}
	return d.opt.Cycle(ctx, cfg, cycle.Options{
		Version: d.opt.Version, Store: d.store, Logger: d.log, WebSub: d.pings, Node: d.node,
		FullGCPercent: d.opt.FullGCPercent, HeapFloor: d.opt.HeapFloor,
	})
}

// retrier runs a failed cycle again before its next scheduled time, after
// a wait that doubles with each failure in a row (from retryBase, up to
// half a period), so a database that comes back is used soon without a
// dead one being hammered.
type retrier struct {
	mu       sync.Mutex
	failures int
	timer    *time.Timer
	closed   bool
}

const retryBase = 5 * time.Second

// failed schedules run after the next wait, and returns the wait; zero
// when the retrier is closed or a retry is already pending. run must not
// block: it is called with the retrier locked.
func (r *retrier) failed(period time.Duration, run func()) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures++
	if r.closed || r.timer != nil {
		return 0
	}
	wait := retryBase << min(r.failures-1, 10)
	wait = min(wait, period/2)
	r.timer = time.AfterFunc(wait, func() {
		// Under the lock, so that once close returns no run starts:
		// shutdown waits for the cycles it knows of.
		r.mu.Lock()
		defer r.mu.Unlock()
		r.timer = nil
		if !r.closed {
			run()
		}
	})
	return wait
}

func (r *retrier) succeeded() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = 0
	if r.timer != nil {
		r.timer.Stop()
		r.timer = nil
	}
}

// close cancels a pending retry; none is scheduled after it.
func (r *retrier) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	if r.timer != nil {
		r.timer.Stop()
		r.timer = nil
	}
}
