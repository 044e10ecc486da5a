package sources

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/internal/urls"
	"github.com/braid-feeds/braid/sources/fetcher"
	"github.com/braid-feeds/braid/sources/parser"
)

// Fetcher fetches sources and keeps their state.
type Fetcher struct {
	opt    Options
	store  Store
	http   *fetcher.Fetcher
	parser *parser.Parser
	log    *slog.Logger
	counts map[string]int // with DeferStored: items each source holds
	// known, with DeferStored outside a fleet: every source's state,
	// read in one query (a query per source was a twentieth of a cycle
	// with one change); a fleet node reads each when it claims it.
	known map[string]state.Source
	// parsing holds a token per feed being parsed, one per core.
	parsing chan struct{}
}

// stored is what the state holds of a source's items: decoded, or with
// DeferStored only counted, to be decoded if a fetch brings a new feed
// (reconciling needs them).
type stored struct {
	items []state.Item
	n     int
	lazy  bool
}

func decoded(items []state.Item) stored { return stored{items: items, n: len(items)} }

// New returns a Fetcher recording outcomes in store.
func New(opt Options, store Store) *Fetcher {
	fo := fetcher.Options{
		UserAgent: opt.UserAgent, MaxBytes: opt.MaxBytes, ConnectTimeout: opt.ConnectTimeout,
		PerHost: opt.PerHost, Retries: opt.Retries, RetryBase: opt.RetryBase,
		Client: opt.Client, Now: opt.Now,
	}.WithDefaults()
	opt.UserAgent, opt.MaxBytes, opt.ConnectTimeout, opt.PerHost = fo.UserAgent, fo.MaxBytes, fo.ConnectTimeout, fo.PerHost
	opt.Retries, opt.RetryBase, opt.Now = fo.Retries, fo.RetryBase, fo.Now
	opt = withDefaults(opt)
	return &Fetcher{opt: opt, store: store, http: fetcher.New(fo), parser: parser.New(), log: opt.Logger,
		parsing: make(chan struct{}, runtime.GOMAXPROCS(0))}
}

// withDefaults fills in the options only this package uses.
func withDefaults(opt Options) Options {
	if opt.Concurrency <= 0 {
		opt.Concurrency = 16
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 20 * time.Second
	}
	if opt.SlowAfter <= 0 {
		opt.SlowAfter = 2 * time.Second
	}
	if opt.BackoffBase <= 0 {
		opt.BackoffBase = 15 * time.Minute
	}
	if opt.MaxBackoff <= 0 {
		opt.MaxBackoff = 24 * time.Hour
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	return opt
}

// FetchAll fetches every source, at most Concurrency at once (sources
// slower than SlowAfter stop counting) and PerHost per host, and returns
// results in the order of specs. Sources not in specs are dropped from
// the state. The error is for state failures only; a failed source is a
// Result with Err set and its last good items.
func (f *Fetcher) FetchAll(ctx context.Context, specs []Spec) ([]Result, error) {
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.Name
	}
	if err := f.store.PruneSources(ctx, names); err != nil {
		return nil, err
	}
	if f.opt.DeferStored {
		var err error
		if f.counts, err = f.store.ItemCounts(ctx); err != nil {
			return nil, err
		}
		if f.opt.Fleet == nil {
			all, err := f.store.Sources(ctx)
			if err != nil {
				return nil, err
			}
			f.known = make(map[string]state.Source, len(all))
			for _, st := range all {
				f.known[st.Name] = st
			}
		}
	}
	defer f.http.CloseIdleConnections()
	lim := fetcher.NewLimiter(f.opt.Concurrency, f.opt.PerHost)
	// Fetching stops at the cycle's deadline; reading and saving the
	// state does not, so what was fetched (and each timeout) is kept.
	fctx := ctx
	if f.opt.CycleTimeout > 0 {
		var cancel context.CancelFunc
		fctx, cancel = context.WithTimeoutCause(ctx, f.opt.CycleTimeout, ErrCycleTimeout)
		defer cancel()
	}
	if f.opt.Fleet != nil {
		return f.fetchFleet(ctx, fctx, specs, lim)
	}
	results := make([]Result, len(specs))
	errs := make([]error, len(specs))
	g := newGate(4 * f.opt.Concurrency)
	var wg sync.WaitGroup
	for _, i := range byHost(specs, f.known) {
		leave := g.enter()
		wg.Go(func() {
			defer leave()
			results[i], errs[i] = f.fetchOne(ctx, fctx, specs[i], lim, leave)
		})
	}
	wg.Wait()
	return results, errors.Join(errs...)
}

// node is the name recorded as the source's FetchedBy: "" when one braid
// does all the work.
func (f *Fetcher) node() string {
	if f.opt.Fleet == nil {
		return ""
	}
	return f.opt.Fleet.Node
}

// fetchOne is one source's plan → fetch → apply → save. The returned
// error is only for state failures; fetch failures are in Result.Err.
// slow, when not nil, is called once the fetch has been slow for
// SlowAfter.
func (f *Fetcher) fetchOne(ctx, fctx context.Context, s Spec, lim *fetcher.Limiter, slow func()) (Result, error) {
	st, prev, err := f.load(ctx, s.Name)
	if err != nil {
		return Result{Name: s.Name, Status: StatusFailed, Err: err}, err
	}
	return f.fetchLoaded(ctx, fctx, s, st, prev, lim, slow)
}

// fetchLoaded is fetchOne from a state already read.
func (f *Fetcher) fetchLoaded(ctx, fctx context.Context, s Spec, st state.Source, prev stored, lim *fetcher.Limiter, slow func()) (Result, error) {
	p := plan(st, s, f.opt.Now().UTC(), f.opt.IgnoreHints)
	if p.hold != "" {
		return f.done(ctx, s, held(s, p), p.st, prev), nil
	}
	o := f.fetch(fctx, s.Name, p.target, p.st, prev.n > 0, lim, slow)
	if o.cancelled != nil && ctx.Err() == nil {
		// Only the cycle's deadline ran out, not braid: a timeout of
		// the source like any other.
		o = cycleTimedOut(o, f.opt.Now().UTC(), f.opt.CycleTimeout)
	}
	// Errors quote the URL (net/http's do): never store, log or show
	// its credentials.
	o.err = urls.RedactError(urls.RedactError(o.err, s.URL), p.target)
	o.cancelled = urls.RedactError(o.cancelled, s.URL)
	if prev.lazy && o.cancelled == nil && o.err == nil && !o.notModified {
		// A new feed: reconciling it needs the stored items.
		items, err := f.store.Items(ctx, s.Name)
		if err != nil {
			return Result{Name: s.Name, Status: StatusFailed, Err: err}, err
		}
		prev = decoded(items)
	}
	a := apply(s, p.st, prev.items, o, f.policy())
	if !a.save {
		return f.done(ctx, s, a.res, a.st, prev), nil
	}
	a.st.FetchedBy = f.node()
	err := f.store.SaveSource(ctx, a.st, a.items)
	if a.items != nil {
		prev = decoded(a.items)
	}
	res := f.done(ctx, s, a.res, a.st, prev)
	if err == nil && a.items != nil && f.opt.Saved != nil {
		f.opt.Saved(s.Name, res.Items)
		for i := range res.Items {
			res.Items[i].Summary, res.Items[i].ContentHTML = "", ""
		}
	}
	return res, err
}

// load reads what the state remembers of a source.
func (f *Fetcher) load(ctx context.Context, name string) (state.Source, stored, error) {
	var st state.Source
	var err error
	if f.known != nil {
		var ok bool
		if st, ok = f.known[name]; !ok {
			st = state.Source{Name: name} // as Source says of one it never saw
		}
	} else if st, err = f.store.Source(ctx, name); err != nil && !errors.Is(err, state.ErrNotFound) {
		return st, stored{}, err
	}
	if f.opt.DeferStored {
		return st, stored{n: f.counts[name], lazy: true}, nil
	}
	prev, err := f.store.Items(ctx, name)
	return st, decoded(prev), err
}

// LoadStored reads the items of the Results that left them in the state
// (Options.DeferStored), in one read. Without text they come without
// their summary and content: each item's Digest says what its text was,
// and the Store's Items gives it back when it is needed (a cycle needs
// the text of few kept items). That holds only while nothing else
// replaces the items: a node of a fleet, whose peers save sources while
// it runs, reads them with their text.
func LoadStored(ctx context.Context, store Store, results []Result, text bool) error {
	var names []string
	for i := range results {
		if r := &results[i]; r.Stored && r.Items == nil {
			names = append(names, r.Name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	items, err := store.ItemsOf(ctx, names, text)
	if err != nil {
		return err
	}
	for i := range results {
		if r := &results[i]; r.Stored && r.Items == nil {
			r.Items = StoredItems(items[r.Name], r.Origin)
			delete(items, r.Name) // let them go as they are copied
		}
	}
	return nil
}

// done completes a result with the items the source now contributes and
// logs its outcome.
func (f *Fetcher) done(ctx context.Context, s Spec, res Result, st state.Source, items stored) Result {
	res.Origin = PublicOrigin(st.Feed, s)
	res.Stored = items.lazy
	if !items.lazy {
		res.Items = StoredItems(items.items, res.Origin)
	}
	attrs := []slog.Attr{
		slog.String("source", res.Name), slog.String("status", res.Status),
		slog.Int("items", items.n), slog.Int("attempts", res.Attempts), slog.Int64("bytes", res.Bytes),
	}
	if res.Class != "" {
		attrs = append(attrs, slog.String("class", res.Class))
	}
	if !res.NextFetch.IsZero() {
		attrs = append(attrs, slog.Time("next_fetch", res.NextFetch))
	}
	if res.MovedTo != "" {
		attrs = append(attrs, slog.String("moved_to", urls.Redact(res.MovedTo)))
	}
	if res.Err != nil {
		attrs = append(attrs, slog.Any("error", res.Err))
	}
	f.log.LogAttrs(ctx, slog.LevelDebug, "source", attrs...)
	return res
}

func (f *Fetcher) policy() policy {
	return policy{
		authority: f.opt.TagAuthority, timeout: f.opt.Timeout,
		backoffBase: f.opt.BackoffBase, maxBackoff: f.opt.MaxBackoff, jitter: fetcher.Jitter,
	}
}

// cycleTimedOut turns a fetch cut short by the cycle's deadline into a
// timeout failure of the source, which keeps its last good items.
func cycleTimedOut(o outcome, now time.Time, d time.Duration) outcome {
	if o.at.IsZero() {
		o.at = now // it never got a slot
	}
	o.cancelled, o.body, o.notModified = nil, nil, false
	o.err = fmt.Errorf("%w (fetch.cycle_timeout is %v)", ErrCycleTimeout, d)
	return o
}
