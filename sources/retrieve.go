package sources

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"time"

	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/internal/urls"
	"github.com/braid-feeds/braid/sources/fetcher"
	"github.com/braid-feeds/braid/sources/parser"
)

// outcome is what fetching one source came to, as plain values: the
// input of apply.
type outcome struct {
	at        time.Time // when the fetch started: the source's last attempt
	err       error     // why it failed (fetching or parsing); nil for ok and 304
	cancelled error     // braid is stopping: no outcome of the source's own
	deadline  bool      // the source's own deadline ran out

	notModified bool
	body        []byte // until parsed
	contentType string
	feed        parser.Feed // what a fresh body parsed to

	header   http.Header // nil for local files
	etag     string      // a local file's content hash
	movedTo  string      // where permanent redirects led this time
	code     int
	attempts int
	wire     int64
}

// fetch waits for a slot, then gets and parses the source under its
// one deadline.
func (f *Fetcher) fetch(ctx context.Context, name, target string, st state.Source, haveItems bool, lim *fetcher.Limiter, onSlow func()) outcome {
	sl, err := lim.Acquire(ctx, fetcher.HostKey(target))
	if err != nil {
		return outcome{cancelled: err}
	}
	defer sl.Release()
	slow := time.AfterFunc(f.opt.SlowAfter, func() {
		sl.Demote()
		if onSlow != nil {
			onSlow()
		}
	})
	defer slow.Stop()
	// The deadline starts now, with the first request, not while the
	// source waited for a slot behind others.
	fctx, cancel := context.WithTimeout(ctx, f.opt.Timeout)
	defer cancel()
	at := f.opt.Now().UTC()
	o := f.retrieve(fctx, target, st, haveItems)
	o.at = at
	if ctx.Err() != nil {
		// braid is stopping: this is no failure of the source, and must
		// not count towards its backoff.
		o.cancelled = ctx.Err()
		return o
	}
	o.deadline = fctx.Err() != nil
	if o.err == nil && !o.notModified {
		// Parsing is CPU work: more parses at once than cores only adds
		// parse trees in memory (64 at the default concurrency), not speed.
		select {
		case f.parsing <- struct{}{}:
		case <-ctx.Done():
			o.cancelled = ctx.Err()
			return o
		}
		o.feed, o.err = f.parser.Parse(name, feedURL(target, o.movedTo), o.contentType, o.body)
		<-f.parsing
		o.body = nil
	}
	return o
}

// retrieve gets a source's bytes: over HTTP, conditionally when the
// state has validators, or from a local file.
func (f *Fetcher) retrieve(ctx context.Context, target string, st state.Source, haveItems bool) outcome {
	if !urls.IsHTTP(target) {
		return f.readLocal(ctx, target, st.ETag, haveItems)
	}
	r, err := f.http.Fetch(ctx, target, fetcher.Validators{ETag: st.ETag, LastModified: st.LastModified})
	o := outcome{err: err, header: r.Header, movedTo: r.MovedTo, code: r.Code, attempts: r.Attempts, wire: r.Wire}
	if err == nil {
		o.notModified, o.body, o.contentType = r.NotModified, r.Body, r.Header.Get("Content-Type")
	}
	return o
}

// feedURL is what the feed's relative links resolve against: where it
// was fetched (after permanent redirects), or a local file's file: URL.
func feedURL(target, movedTo string) string {
	u := target
	if movedTo != "" {
		u = movedTo
	}
	if urls.IsHTTP(u) {
		return u
	}
	abs, _ := filepath.Abs(u)
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
}
