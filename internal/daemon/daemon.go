package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/robfig/cron/v3"

	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/cycle"
	"github.com/braid-feeds/braid/internal/serve"
	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/internal/websub"
)

// Options configure the daemon.
type Options struct {
	ConfigPath string
	Listen     string // overrides the config's listen; "" keeps it
	Version    string
	Logger     *slog.Logger
	// Reload delivers SIGHUP: reload the config and run a cycle.
	Reload <-chan os.Signal
	// ShutdownTimeout bounds everything after the stop signal.
	ShutdownTimeout time.Duration
	// Ready, when set, receives the listening address once serving.
	Ready chan<- string
	// Cycle replaces cycle.Run (tests inject panics with it).
	Cycle func(context.Context, *config.Config, cycle.Options) (*cycle.Summary, error)
	// Node names this daemon in a fleet sharing a PostgreSQL state; ""
	// lets cycle.NodeName choose ($BRAID_NODE, else the host name).
	Node string
	// FullGCPercent and HeapFloor are cycle.Options' for every cycle.
	FullGCPercent int
	HeapFloor     uint64
}

// Daemon is a running `braid run`.
type Daemon struct {
	ctx     context.Context // the daemon's life: cycles stop with it
	opt     Options
	log     *slog.Logger
	cfg     atomic.Pointer[config.Config]
	store   *state.Store // nil while a shared state could not be reached
	node    string
	metrics *Metrics
	pings   *websub.Queue
	handler *serve.Handler

	// rerun is a reload cycle that arrived while a cycle was running: it
	// runs as soon as that one ends, so a new config never waits a whole
	// schedule period.
	rerun atomic.Bool

	running sync.Mutex // held while a cycle runs: cycles never overlap
	wg      sync.WaitGroup

	started     time.Time
	lastSuccess atomic.Int64 // unix nanos of the last cycle that published
	lastErr     atomic.Pointer[string]

	retry retrier
}

// Run loads the config, serves the output folder and runs cycles until ctx
// is done. It returns nil after a clean shutdown.
func Run(ctx context.Context, opt Options) error {
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.ShutdownTimeout <= 0 {
		opt.ShutdownTimeout = 10 * time.Second
	}
	if opt.Cycle == nil {
		opt.Cycle = cycle.Run
	}
	cfg, err := config.Load(opt.ConfigPath)
	if err != nil {
		return err
	}
	d := &Daemon{ctx: ctx, opt: opt, log: opt.Logger, pings: websub.NewQueue(), started: time.Now(), node: cycle.NodeName(opt.Node)}
	d.cfg.Store(cfg)
	if err := d.openState(ctx, cfg); err != nil {
		return err
	}
	defer func() {
		if d.store != nil {
			d.store.Close()
		}
	}()

	listen := cfg.Listen
	if opt.Listen != "" {
		listen = opt.Listen
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("daemon: listen on %s: %w", listen, err)
	}
	reg := prometheus.NewRegistry()
	d.metrics = NewMetrics(reg)
	period := config.PeriodOf(cfg.Schedule)
	d.handler = serve.NewHandler(serve.Options{
		Root: cfg.Out, MaxAge: period, Health: d.health, Ready: d.ready, Registry: reg, Logger: d.log,
	})
	srv := serve.NewServer(listen, d.handler)
	serveDone := make(chan error, 1)
	serveCtx, stopServing := context.WithCancel(context.WithoutCancel(ctx))
	defer stopServing()
	go func() { serveDone <- serve.Serve(serveCtx, srv, ln, opt.ShutdownTimeout) }()
	d.log.Info("serving", "addr", ln.Addr().String(), "out", cfg.Out, "schedule", cfg.Schedule, "node", d.node)
	if opt.Ready != nil {
		opt.Ready <- ln.Addr().String()
	}

	c := cron.New(
		cron.WithLocation(time.UTC),
		cron.WithLogger(cronLogger{d.log}),
		// Order matters (see notes): Recover inside SkipIfStillRunning,
		// or one panic blocks the job forever.
		cron.WithChain(cron.SkipIfStillRunning(cronLogger{d.log}), cron.Recover(cronLogger{d.log})),
	)
	entry, err := d.schedule(c, cfg.Schedule)
	if err != nil {
		return fmt.Errorf("daemon: schedule %q: %w", cfg.Schedule, err)
	}
	c.Start()
	if cfg.RunAtStart {
		d.goCycle(ctx, "start")
	}

loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-opt.Reload:
			if newEntry, ok := d.reload(c, entry); ok {
				entry = newEntry
				d.goCycle(ctx, "reload")
			}
		case err := <-serveDone:
			// The server died on its own: nothing left to do.
			c.Stop()
			return err
		}
	}

	d.log.Info("shutting down", "deadline", opt.ShutdownTimeout)
	deadline := time.NewTimer(opt.ShutdownTimeout)
	defer deadline.Stop()
	stopped := c.Stop() // no new cycles; ctx is done, so fetches are cancelled
	d.retry.close()
	done := make(chan struct{})
	go func() { <-stopped.Done(); d.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-deadline.C:
		d.log.Warn("a cycle did not finish before the shutdown deadline; its writes are atomic, so nothing is half written")
	}
	stopServing()
	if err := <-serveDone; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// goCycle runs a cycle outside cron (at start, after a reload).
func (d *Daemon) goCycle(ctx context.Context, why string) {
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		d.runCycle(ctx, why)
	}()
}

// runCycle runs one cycle unless one is already running, and survives a
// panic in it.
func (d *Daemon) runCycle(ctx context.Context, why string) {
	if ctx.Err() != nil {
		return
	}
	if !d.running.TryLock() {
		if why == "reload" {
			d.rerun.Store(true)
			d.log.Info("reload cycle queued: it runs when the current cycle ends")
			return
		}
		d.log.Warn("cycle skipped: the previous one is still running", "trigger", why)
		d.metrics.CycleDone(0, "skipped", 0, time.Time{})
		return
	}
	defer func() {
		d.running.Unlock()
		if d.rerun.CompareAndSwap(true, false) {
			d.goCycle(ctx, "reload")
		}
	}()
	cfg := d.cfg.Load()
	start := time.Now()
	defer func() {
		if r := recover(); r != nil {
			msg := fmt.Sprint(r)
			d.lastErr.Store(&msg)
			d.log.Error("cycle panicked", "trigger", why, "panic", msg, "stack", string(debug.Stack()))
			d.metrics.CycleDone(time.Since(start), "panic", 0, time.Time{})
		}
	}()
	sum, err := d.cycle(ctx, cfg)
	if err != nil {
		msg := err.Error()
		d.lastErr.Store(&msg)
		wait := d.retry.failed(config.PeriodOf(cfg.Schedule), func() { d.goCycle(ctx, "retry") })
		d.log.Error("cycle failed", "trigger", why, "retry_in", wait, "error", err)
		d.metrics.CycleDone(time.Since(start), "failed", 0, time.Time{})
		return
	}
	d.retry.succeeded()
	now := time.Now()
	d.lastSuccess.Store(now.UnixNano())
	d.lastErr.Store(nil)
	for _, f := range sum.Failed {
		d.log.Warn("source failed", "source", f.Name, "error", f.Err)
	}
	if sum.PingErr != nil {
		d.log.Warn("websub ping failed; will retry after the next cycle", "error", sum.PingErr)
	}
	for _, r := range sum.Sources {
		d.metrics.Fetch(r.Name, r.Status)
		d.metrics.ItemsHeld(r.Name, r.Items)
		d.metrics.FetchedBy(r.Name, r.FetchedBy)
	}
	d.metrics.CycleDone(sum.Duration, "ok", sum.Written, now)
	d.log.Info("cycle done", "trigger", why, "articles", sum.Articles, "sources_ok", sum.SourcesOK,
		"sources_not_modified", sum.NotModified, "sources_leased", sum.Leased, "sources_failed", len(sum.Failed), "items", sum.Items,
		"files_written", sum.Written, "files_unchanged", sum.Unchanged, "duration", sum.Duration.Round(time.Millisecond))
}

// reload reads the config again. A bad config is logged and the running
// one stays in force. A changed schedule replaces the cron entry.
func (d *Daemon) reload(c *cron.Cron, entry cron.EntryID) (cron.EntryID, bool) {
	cfg, err := config.Load(d.opt.ConfigPath)
	if err != nil {
		d.log.Error("reload refused: keeping the running config", "error", err)
		return entry, false
	}
	old := d.cfg.Load()
	if cfg.Schedule != old.Schedule {
		id, err := d.schedule(c, cfg.Schedule)
		if err != nil {
			d.log.Error("reload refused: keeping the running config", "error", err)
			return entry, false
		}
		c.Remove(entry)
		entry = id
	}
	for key, changed := range map[string]bool{"out": cfg.Out != old.Out, "state": cfg.State != old.State, "listen": cfg.Listen != old.Listen} {
		if changed {
			d.log.Warn("config key changed on reload but needs a restart to take effect", "key", key)
		}
	}
	if cfg.Out != old.Out || cfg.State != old.State {
		// Publishing elsewhere than we serve would split the site.
		cfg.Out, cfg.State = old.Out, old.State
	}
	d.cfg.Store(cfg)
	d.handler.SetMaxAge(config.PeriodOf(cfg.Schedule))
	d.log.Info("config reloaded", "path", d.opt.ConfigPath, "sources", len(cfg.Sources), "schedule", cfg.Schedule)
	return entry, true
}

// ready is /readyz: a load balancer should send readers here only once a
// cycle has published, or they get 404s for feeds not written yet.
func (d *Daemon) ready() (bool, string) {
	if d.lastSuccess.Load() == 0 {
		return false, "starting: no cycle has published yet " + reason(d.lastErr.Load())
	}
	return true, ""
}

// health is /healthz: healthy when the last successful cycle is at most
// two schedule periods old.
func (d *Daemon) health() (bool, string) {
	period := config.PeriodOf(d.cfg.Load().Schedule)
	last := d.lastSuccess.Load()
	if last == 0 {
		if time.Since(d.started) < 2*period {
			return true, "starting: no cycle has finished yet"
		}
		return false, "no cycle has succeeded since start " + reason(d.lastErr.Load())
	}
	age := time.Since(time.Unix(0, last))
	if age > 2*period {
		return false, fmt.Sprintf("last successful cycle %s ago, schedule period %s %s", age.Round(time.Second), period, reason(d.lastErr.Load()))
	}
	return true, "ok"
}

func reason(s *string) string {
	if s == nil {
		return ""
	}
	return "(last error: " + *s + ")"
}
