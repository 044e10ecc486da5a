package sources

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/sources/fetcher"
	"github.com/braid-feeds/braid/sources/parser"
)

// Spec is one configured source.
type Spec struct {
	Name string
	URL  string // http(s) URL or local file path
	// Every fetches the source at most this often (config sources[].every);
	// zero fetches it every cycle. Server hints and backoff still apply.
	Every time.Duration
	// PublicURL is shown to readers as the source's feed instead of URL,
	// which may hold credentials (config sources[].public_url); Private
	// shows its name only. Either way URL is also redacted wherever it is
	// shown or logged.
	PublicURL string
	Private   bool
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
	// DeferStored leaves the items a source keeps from the state (it
	// answered 304, was not due, failed, or was fetched by another node)
	// in the state: such a Result has Stored set and no Items, and
	// LoadStored reads them. A cycle that finds nothing changed then
	// never decodes them.
	DeferStored bool
	// Saved, when set, hears of a source's new items, text included, as
	// soon as the state holds them, in the goroutine that fetched them;
	// the Result then carries them without their summary and content,
	// which the state gives back (see feed.Item.Digest). A first cycle
	// held every new item's text until it was scored. Not for a fleet,
	// whose peers replace items while a cycle runs.
	Saved func(source string, items []feed.Item)
	// CycleTimeout bounds the whole of FetchAll (config
	// fetch.cycle_timeout); sources unfinished by then, waiting for a
	// slot or fetching, fail as timed out and keep their last good
	// items. Zero: no bound but the per-source Timeout.
	CycleTimeout time.Duration
	// Client replaces the HTTP client (its redirect policy is replaced:
	// fetch follows redirects itself).
	Client *http.Client
	Now    func() time.Time
	// Logger gets one debug line per source and cycle. Default: discard.
	Logger *slog.Logger
	// Fleet, when set, shares the work with other nodes on the same
	// state: this node fetches only the due sources it claims. Nil: one
	// braid fetches everything.
	Fleet *Fleet
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
	// Stored: the source keeps the items the state held, and they were
	// left there (Options.DeferStored): Items is nil until LoadStored.
	Stored bool
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

// Sentinel errors callers and tests branch on; they are the fetcher's
// and the parser's own, named here so callers need only this package.
var (
	ErrTooLarge         = fetcher.ErrTooLarge
	ErrHTTPStatus       = fetcher.ErrHTTPStatus
	ErrGone             = fetcher.ErrGone
	ErrRedirectLoop     = fetcher.ErrRedirectLoop
	ErrTooManyRedirects = fetcher.ErrTooManyRedirects
	ErrBadRedirect      = fetcher.ErrBadRedirect
	ErrNotAFeed         = parser.ErrNotAFeed
	ErrParse            = parser.ErrParse
	// ErrCycleTimeout: the cycle's fetch deadline ran out before the
	// source was done. It is a context.DeadlineExceeded, so it counts as
	// a timeout.
	ErrCycleTimeout = fmt.Errorf("sources: the cycle's fetch deadline ran out: %w", context.DeadlineExceeded)
)

// StatusError is a non-2xx answer.
type StatusError = fetcher.StatusError

// Failure classes, stored in state.Source.ErrorClass and shown by
// `braid sources`.
const (
	ClassDNS       = fetcher.ClassDNS
	ClassConnect   = fetcher.ClassConnect
	ClassTLS       = fetcher.ClassTLS
	ClassTimeout   = fetcher.ClassTimeout
	ClassHTTP      = fetcher.ClassHTTP
	ClassRedirect  = fetcher.ClassRedirect
	ClassTooLarge  = fetcher.ClassTooLarge
	ClassNotAFeed  = fetcher.ClassNotAFeed
	ClassParse     = fetcher.ClassParse
	ClassCancelled = fetcher.ClassCancelled
	ClassFile      = "file" // a local source could not be read
)

// UserAgent is the honest default User-Agent: product, version, and where
// publishers can find out who is fetching.
func UserAgent(version, siteURL string) string { return fetcher.UserAgent(version, siteURL) }
