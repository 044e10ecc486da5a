package cycle

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/feed/render"
	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/heapfloor"
	"github.com/braid-feeds/braid/internal/lock"
	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/internal/state/dsn"
	"github.com/braid-feeds/braid/internal/websub"
	"github.com/braid-feeds/braid/sources"
)

// ErrOutput wraps failures to write the output folder.
var ErrOutput = errors.New("cannot write output")

// Options are what a cycle needs besides the config.
type Options struct {
	Version string
	Store   *state.Store
	// Logger hears of each phase and of each source's outcome, at debug
	// level, and of problems worth a warning; nil: discard.
	Logger *slog.Logger
	Now    func() time.Time
	// WebSub queues publish pings; the daemon keeps one across cycles so
	// failed pings are retried. Nil: a fresh queue for this cycle.
	WebSub *websub.Queue
	// HTTPClient sends WebSub pings; nil: a client with a timeout.
	HTTPClient *http.Client
	// Progress, when set, hears of each phase and of each source done.
	Progress func(Progress)
	// Node names this node when the state is shared (PostgreSQL); ""
	// falls back to NodeName's choice.
	Node string
	// Lease is how long this node's claim on a source lasts; zero:
	// LeaseFor the config's schedule.
	Lease time.Duration
	// LockWait is how long to wait for another process's cycle on the
	// same site to end; 0: fail at once with ErrBusy.
	LockWait time.Duration
	// FullGCPercent is the garbage collector's target (as GOGC) while a
	// full cycle runs: one with no kept scores to go on, a site's first
	// or the first after scoring changed, which holds every item and
	// article at once. 0 leaves the collector alone.
	FullGCPercent int
	// HeapFloor is the heap size below which the collector does not
	// run during a cycle (heapfloor): a cycle starts with little live
	// and collected every few megabytes. 0: no floor.
	HeapFloor uint64
}

// ErrBusy: another process holds the site's lock. The error's message
// names it: "another braid (pid N) is running a cycle on this site".
var ErrBusy = lock.ErrHeld

// LockPath is the site's lock file: beside an SQLite state file, or beside
// the output folder when the state is a database URL (each node of a fleet
// has its own out/, and the database coordinates the nodes).
func LockPath(cfg *config.Config) string {
	if dsn.IsURL(cfg.State) {
		return lock.PathFor(filepath.Clean(cfg.Out))
	}
	return lock.PathFor(cfg.State)
}

// Run runs one cycle, phase by phase:
//
//	gather   read the articles and fetch the sources; when anything
//	         changed, collect their items (decoded only then)
//	select   score the candidates against each article
//	build    merge each article with its neighbours and related items
//	publish  render every format and write what changed into out/
//	announce tell the WebSub hub which feeds changed
//
// It returns an error only when nothing could be published (bad articles,
// unwritable output, state failure); failed sources are reported in the
// Summary. Each error says the phase it came from.
func Run(ctx context.Context, cfg *config.Config, opt Options) (*Summary, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	// One cycle at a time per site: two would race on out/ and the state.
	l, err := acquire(ctx, cfg, opt.LockWait)
	if err != nil {
		return nil, err
	}
	defer l.Release()
	c := &run{cfg: cfg, opt: opt, start: opt.Now(), sum: &Summary{}}
	c.now = c.start.UTC().Truncate(time.Second)
	defer c.collector(ctx)()

	if err := c.gather(ctx); err != nil {
		return nil, fmt.Errorf("gather: %w", err)
	}
	// Nothing that goes into the output changed since the last cycle that
	// published, and the output is all there: skip select, build and
	// publish, which are most of an unchanged cycle's cost.
	if c.unchanged(ctx) {
		c.progress(PhaseWrite)
		return c.finish(ctx)
	}
	if err := c.collect(ctx); err != nil {
		return nil, fmt.Errorf("gather: %w", err)
	}
	c.progress(PhaseScore)
	if err := c.selectRelated(ctx); err != nil {
		return nil, fmt.Errorf("select: %w", err)
	}
	feeds := c.build()
	c.progress(PhaseWrite)
	if err := c.publish(ctx, feeds); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	return c.finish(ctx)
}

// collector sets the garbage collector's target for this cycle, and
// returns what gives the previous one back.
func (c *run) collector(ctx context.Context) (restore func()) {
	percent := 0 // the one in force
	if c.opt.FullGCPercent > 0 && c.full(ctx) {
		percent = c.opt.FullGCPercent
	}
	switch {
	case c.opt.HeapFloor > 0:
		return heapfloor.Start(c.opt.HeapFloor, percent).Stop
	case percent > 0:
		prev := debug.SetGCPercent(percent)
		return func() { debug.SetGCPercent(prev) }
	}
	return func() {}
}

// full reports whether the state keeps no scores this cycle can go on
// from. A state it cannot read says no: the cycle then fails on it
// properly, in the phase that needs it.
func (c *run) full(ctx context.Context) bool {
	key, err := c.opt.Store.ScoresKey(ctx, outputsKey(c.cfg))
	return err == nil && !strings.HasPrefix(key, c.memoPrefix())
}

func acquire(ctx context.Context, cfg *config.Config, wait time.Duration) (*lock.Lock, error) {
	p := LockPath(cfg)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, fmt.Errorf("cycle: lock: %w", err)
	}
	return lock.Acquire(ctx, p, wait)
}

// run is one cycle's working state, passed from phase to phase.
type run struct {
	cfg   *config.Config
	opt   Options
	start time.Time
	now   time.Time
	sum   *Summary

	local    []articleFeed        // gather: the articles with their neighbours
	artcache *articleCache        // gather: kept parses, for the text of those read without it
	results  []sources.Result     // gather: each source's outcome
	pool     []feed.Item          // gather: every source's items, before dedupe
	texts    *texts               // gather: the text of kept items, read when needed
	prints   *freshPrints         // gather: fingerprints of the items saved this cycle
	health   []render.IndexSource // gather: the index page's source table
	fp       string               // gather: what the output is made from
	hashes   map[string]string    // publish: content hash of each changed feed, by URL
	related  [][]feed.Item        // select: each article's related items
	vectors  *vectorSink          // select: where item vectors are written
	cands    int                  // select: candidates after dedupe
}

func (c *run) progress(phase string) {
	c.opt.Logger.Debug("cycle phase", "phase", phase, "sources_done", len(c.results), "failed", len(c.sum.Failed))
	if c.opt.Progress == nil {
		return
	}
	c.opt.Progress(Progress{Phase: phase, SourcesDone: len(c.results), SourcesTotal: len(c.cfg.Sources), Failed: len(c.sum.Failed)})
}

// finish completes the summary and announces the changed feeds.
func (c *run) finish(ctx context.Context) (*Summary, error) {
	c.sum.Duration = c.opt.Now().Sub(c.start)
	c.announce(ctx)
	return c.sum, nil
}

// announce tells the WebSub hub about the feeds that changed, and retries
// the pings that failed before. A failed ping is reported in the summary,
// not as an error: the feeds were published.
func (c *run) announce(ctx context.Context) {
	if c.cfg.WebSub.Hub == "" {
		return
	}
	q := c.opt.WebSub
	if q == nil {
		q = websub.NewQueue()
	}
	q.Add(c.claimPings(ctx, c.sum.Changed)...)
	client := c.opt.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	c.sum.PingErr = q.Flush(ctx, client, c.cfg.WebSub.Hub, userAgent(c.cfg, c.opt.Version))
}
