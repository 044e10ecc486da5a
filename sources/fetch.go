package sources

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/internal/state"
)

// Spec is one configured source.
type Spec struct {
	Name string
	URL  string // http(s) URL or local file path
	// Every fetches the source at most this often (config sources[].every);
	// zero fetches it every cycle. Server hints and backoff still apply.
	Every time.Duration
}

// Options bound and identify fetching. Zero values mean the defaults
// documented on each field, which are also config's defaults.
type Options struct {
	UserAgent string
	// Timeout is one deadline per source per cycle, all attempts and
	// retries included. It starts when the source's first request can go
	// out (after waiting for a slot). Default 20s.
	Timeout time.Duration
	// ConnectTimeout bounds TCP connect and TLS handshake. Default 10s.
	ConnectTimeout time.Duration
	// MaxBytes caps a body after decompression. Default 10 MiB.
	MaxBytes int64
	// Concurrency caps requests in flight; PerHost caps them per host.
	// Defaults 16 and 2.
	Concurrency int
	PerHost     int
	// IgnoreHints ignores RSS <ttl>, Cache-Control max-age and Expires
	// (config fetch.respect_hints: false). Retry-After and 410 are
	// honoured regardless.
	IgnoreHints bool
	// Retries of a temporary failure within the cycle: 0 means the
	// default (2), negative means none.
	Retries int
	// RetryBase is the first in-cycle retry delay, doubled for the next.
	// Default 1s.
	RetryBase time.Duration
	// BackoffBase and MaxBackoff shape the wait across cycles after
	// repeated failures. Defaults 15m and 24h.
	BackoffBase time.Duration
	MaxBackoff  time.Duration
	// TagAuthority is the host used in tag: ids of items that have no
	// URL of their own (the site's host).
	TagAuthority string
	// SlowAfter is how long a source counts against Concurrency: one
	// still running after that (a dead or hanging host) gives its global
	// slot to the next source, keeping its host slot. Default 2s.
	SlowAfter time.Duration
	// Client replaces the HTTP client (its redirect policy is replaced:
	// fetch follows redirects itself).
	Client *http.Client
	Now    func() time.Time
}

// Status of one source after a cycle.
const (
	StatusOK          = "ok"
	StatusNotModified = "not_modified"
	StatusFailed      = "failed"
	// StatusSkipped: not fetched this cycle because its next allowed
	// fetch is in the future (Retry-After, failure backoff or the
	// publisher's caching hints); its last good items are used.
	StatusSkipped = "skipped"
	// StatusGone: the source answered 410 (now or in an earlier cycle)
	// and is not fetched until its URL changes in the config; its last
	// good items are still used.
	StatusGone = "gone"
)

// Result is what one source contributed to a cycle.
type Result struct {
	Name   string
	Status string
	Err    error       // why it failed or is gone; its last good items are still in Items
	Items  []feed.Item // current items, or the last good ones
	Origin feed.Origin
	// Class is the failure class (ClassTimeout, …) of Err, or for a
	// skipped source of its last failure, if any.
	Class string
	// MovedTo is set when the source answered a permanent redirect (now
	// or before) and is now fetched there: the config should be updated.
	MovedTo string
	// NextFetch is when the source may be fetched again (zero: any time).
	NextFetch time.Time
	Attempts  int   // requests made this cycle, retries included
	Bytes     int64 // body bytes received over the network (compressed)
}

// Fetcher fetches sources and keeps their state.
type Fetcher struct {
	opt       Options
	store     *state.Store
	parser    *gofeed.Parser
	client    *http.Client
	ownClient bool
}

// New returns a Fetcher writing to store.
func New(opt Options, store *state.Store) *Fetcher {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Concurrency <= 0 {
		opt.Concurrency = 16
	}
	if opt.PerHost <= 0 {
		opt.PerHost = 2
	}
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = 10 << 20
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 20 * time.Second
	}
	if opt.ConnectTimeout <= 0 {
		opt.ConnectTimeout = 10 * time.Second
	}
	switch {
	case opt.Retries == 0:
		opt.Retries = 2
	case opt.Retries < 0:
		opt.Retries = 0
	}
	if opt.RetryBase <= 0 {
		opt.RetryBase = time.Second
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
	if strings.TrimSpace(opt.UserAgent) == "" {
		opt.UserAgent = "braid"
	}
	f := &Fetcher{opt: opt, store: store, parser: newParser()}
	if opt.Client != nil {
		c := *opt.Client
		c.CheckRedirect = noRedirects
		f.client = &c
	} else {
		f.client = newClient(opt.ConnectTimeout, opt.PerHost)
		f.client.CheckRedirect = noRedirects
		f.ownClient = true
	}
	return f
}

// FetchAll fetches every source, at most Concurrency at once (sources
// slower than SlowAfter stop counting) and PerHost per host, and returns
// results in the order of specs. Sources not in
// specs are dropped from the state. The error is for state failures only;
// a failed source is a Result with Err set and its last good items.
func (f *Fetcher) FetchAll(ctx context.Context, specs []Spec) ([]Result, error) {
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.Name
	}
	if err := f.store.PruneSources(ctx, names); err != nil {
		return nil, err
	}
	if f.ownClient {
		// Idle keep-alive connections would otherwise outlive the cycle
		// in a long-running daemon.
		defer f.client.CloseIdleConnections()
	}
	lim := newLimiter(f.opt.Concurrency, f.opt.PerHost)
	results := make([]Result, len(specs))
	var wg sync.WaitGroup
	var mu sync.Mutex // one writer to SQLite at a time, and saveErr
	var saveErr error
	for i, s := range specs {
		wg.Go(func() {
			r, err := f.fetchOne(ctx, s, lim, &mu)
			results[i] = r
			if err != nil {
				mu.Lock()
				saveErr = errors.Join(saveErr, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return results, saveErr
}

// fetched is what one source's fetch produced before parsing.
type fetched struct {
	notModified bool
	body        []byte
	contentType string
	header      http.Header // nil for local files
	movedTo     string
	etag        string // a local file's content hash, recorded on success
	code        int
	attempts    int
	wire        int64
}

// fetchOne fetches one source and records the outcome. The returned error
// is only for state failures; fetch failures are in Result.Err.
func (f *Fetcher) fetchOne(ctx context.Context, s Spec, lim *limiter, mu *sync.Mutex) (Result, error) {
	res := Result{Name: s.Name}
	mu.Lock()
	st, err := f.store.Source(ctx, s.Name)
	var prev []state.Item
	if err == nil || errors.Is(err, state.ErrNotFound) {
		prev, err = f.store.Items(ctx, s.Name)
	}
	mu.Unlock()
	if err != nil {
		res.Status, res.Err = StatusFailed, err
		return res, err
	}
	if st.URL != s.URL {
		// A changed URL in the config is a new source as far as
		// validators, redirects, backoff and gone go; its items stay
		// until the new URL delivers.
		st = state.Source{Name: s.Name, Feed: st.Feed}
	}
	st.URL = s.URL
	res.MovedTo = st.MovedTo
	keep := func() {
		res.Origin = st.Feed
		res.Items = toFeedItems(prev, st.Feed)
	}

	now := f.opt.Now().UTC()
	if st.Gone {
		res.Status, res.Class = StatusGone, st.ErrorClass
		res.Err = fmt.Errorf("sources: %s: %w: answered HTTP 410 on %s; remove it or change its URL in the config",
			s.Name, ErrGone, st.LastAttempt.Format(time.DateOnly))
		keep()
		return res, nil
	}
	next := f.nextAllowed(&st)
	if s.Every > 0 && !st.LastAttempt.IsZero() && st.LastAttempt.Add(s.Every).After(next) {
		next = st.LastAttempt.Add(s.Every)
	}
	if now.Before(next) {
		res.Status, res.Class, res.NextFetch = StatusSkipped, st.ErrorClass, next
		keep()
		return res, nil
	}

	target := s.URL
	if st.MovedTo != "" {
		target = st.MovedTo
	}
	sl, err := lim.acquire(ctx, hostKey(target))
	if err != nil {
		res.Status, res.Class, res.Err = StatusFailed, ClassCancelled, fmt.Errorf("sources: %s: %w", s.Name, err)
		keep()
		return res, nil
	}
	defer sl.release()
	slow := time.AfterFunc(f.opt.SlowAfter, sl.demote)
	defer slow.Stop()
	// The deadline starts now, with the first request, not while the
	// source waited for a slot behind others.
	fctx, cancel := context.WithTimeout(ctx, f.opt.Timeout)
	defer cancel()
	now = f.opt.Now().UTC()
	st.LastAttempt = now

	var fe fetched
	if isHTTPURL(target) {
		fe, err = f.fetchURL(fctx, target, &st)
	} else {
		fe, err = f.readLocal(target, &st, len(prev) > 0)
	}
	res.Attempts, res.Bytes = fe.attempts, fe.wire
	if ctx.Err() != nil {
		// braid is stopping: this is no failure of the source, and must
		// not count towards its backoff.
		res.Status, res.Class, res.Err = StatusFailed, ClassCancelled, fmt.Errorf("sources: %s: %w", s.Name, ctx.Err())
		keep()
		return res, nil
	}
	if fe.code != 0 {
		st.HTTPStatus = fe.code
	}

	var items []state.Item // nil: keep the stored ones
	var ttl time.Duration
	switch {
	case err != nil:
	case fe.notModified:
		res.Status = StatusNotModified
		ttl = st.TTL
	default:
		feedURL := target
		if fe.movedTo != "" {
			feedURL = fe.movedTo
		}
		if !isHTTPURL(feedURL) {
			abs, _ := filepath.Abs(feedURL)
			feedURL = (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
		}
		var p parsed
		p, err = parseBody(f.parser, s.Name, feedURL, fe.contentType, fe.body)
		if err != nil {
			break
		}
		// An empty feed erases nothing: a publisher's glitch must not
		// wipe what readers were shown. Old items age out with
		// related.max_age.
		if len(p.items) > 0 {
			items = reconcile(f.opt.TagAuthority, s.Name, prev, p.items, now)
		}
		st.Feed = p.origin
		st.TTL, ttl = p.ttl, p.ttl
		if fe.header != nil {
			st.ETag, st.LastModified = fe.header.Get("ETag"), fe.header.Get("Last-Modified")
		} else {
			st.ETag, st.LastModified = fe.etag, ""
		}
		res.Status = StatusOK
	}

	if err == nil {
		st.Status, st.Error, st.ErrorClass = res.Status, "", ""
		st.Failures, st.LastSuccess, st.NextFetch, st.HintNext = 0, now, time.Time{}, time.Time{}
		if fe.header != nil {
			if d := freshness(fe.header, ttl, now); d > 0 {
				st.HintNext = now.Add(d)
			}
		}
		if fe.movedTo != "" && fe.movedTo != st.MovedTo {
			// Recorded only once the new place answered with a feed
			// (or a 304): a permanent redirect to a broken page must not
			// replace a URL that may come back.
			st.MovedTo = fe.movedTo
		}
		if st.MovedTo == s.URL {
			st.MovedTo = ""
		}
		res.MovedTo = st.MovedTo
	} else {
		f.failed(&st, &res, err, now)
		if res.Class == ClassTimeout && fctx.Err() != nil {
			err = fmt.Errorf("%w (fetch.timeout is %v)", err, f.opt.Timeout)
		}
		if fe.attempts > 1 {
			err = fmt.Errorf("%w (%d attempts)", err, fe.attempts)
		}
		res.Err = fmt.Errorf("sources: %s: %w", s.Name, err)
		st.Error = err.Error()
	}

	mu.Lock()
	serr := f.store.SaveSource(ctx, st, items)
	mu.Unlock()
	if items != nil {
		prev = items
	}
	keep()
	return res, serr
}

// failed records a failure: its class, the count, and when the source may
// be asked again. A 410 makes the source gone.
func (f *Fetcher) failed(st *state.Source, res *Result, err error, now time.Time) {
	class := classify(err)
	res.Status, res.Class = StatusFailed, class
	st.ErrorClass = class
	st.Failures++
	st.NextFetch = time.Time{}
	if d := f.backoff(st.Failures); d > 0 {
		st.NextFetch = now.Add(d)
	}
	var se *StatusError
	if errors.As(err, &se) && se.RetryAfter.After(st.NextFetch) {
		st.NextFetch = se.RetryAfter
	}
	if errors.Is(err, ErrGone) {
		st.Gone = true
		res.Status = StatusGone
	}
	st.Status = res.Status
	res.NextFetch = st.NextFetch
}

// nextAllowed is when the source may be fetched again: a server's
// Retry-After and failure backoff always count; the publisher's caching
// hints only when respected.
func (f *Fetcher) nextAllowed(st *state.Source) time.Time {
	next := st.NextFetch
	if !f.opt.IgnoreHints && st.HintNext.After(next) {
		next = st.HintNext
	}
	return next
}

// fetchURL fetches an http(s) source, conditionally when the state has
// validators.
func (f *Fetcher) fetchURL(ctx context.Context, target string, st *state.Source) (fetched, error) {
	r, attempts, wire, err := f.fetchHTTP(ctx, target, validators{etag: st.ETag, lastModified: st.LastModified})
	fe := fetched{attempts: attempts, wire: wire, code: r.code, header: r.header, movedTo: r.movedTo}
	if err != nil {
		return fe, err
	}
	if r.notModified && st.ETag == "" && st.LastModified == "" {
		// A 304 to an unconditional request has nothing to reuse.
		return fe, &StatusError{Code: http.StatusNotModified}
	}
	fe.notModified = r.notModified
	fe.body = r.body
	fe.contentType = r.header.Get("Content-Type")
	return fe, nil
}

// readLocal reads a local feed file under the same size cap. Its content
// hash stands in for an ETag: an unchanged file is "not modified" and is
// not parsed again.
func (f *Fetcher) readLocal(path string, st *state.Source, haveItems bool) (fetched, error) {
	fe := fetched{attempts: 1}
	body, err := readFile(path, f.opt.MaxBytes)
	if err != nil {
		return fe, err
	}
	sum := sha256.Sum256(body)
	etag := "sha256:" + hex.EncodeToString(sum[:16])
	if etag == st.ETag && haveItems {
		fe.notModified = true
		return fe, nil
	}
	fe.etag, fe.body = etag, body
	return fe, nil
}

func readFile(path string, max int64) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return readAll(fh, max)
}

// toFeedItems turns stored items into pool items carrying their origin
// and first-seen time.
func toFeedItems(items []state.Item, origin feed.Origin) []feed.Item {
	out := make([]feed.Item, 0, len(items))
	o := &origin // shared: nothing downstream modifies an origin
	for _, it := range items {
		fi := it.Item
		fi.FirstSeen = it.FirstSeen
		fi.Origin = o
		out = append(out, fi)
	}
	return out
}

// UserAgent is the honest default User-Agent: product, version, and where
// publishers can find out who is fetching.
func UserAgent(version, siteURL string) string {
	return strings.TrimSpace(fmt.Sprintf("braid/%s (+%s)", version, siteURL))
}
