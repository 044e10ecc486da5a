package sources

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/state"
)

// Spec is one configured source.
type Spec struct {
	Name string
	URL  string // http(s) URL or local file path
}

// Options bound and identify fetching.
type Options struct {
	UserAgent   string
	Timeout     time.Duration // per source, all attempts included
	MaxBytes    int64         // body cap after decompression
	Concurrency int
	// TagAuthority is the host used in tag: ids of items that have no
	// URL of their own (the site's host).
	TagAuthority string
	Client       *http.Client
	Now          func() time.Time
}

// Status of one source after a cycle.
const (
	StatusOK          = "ok"
	StatusNotModified = "not_modified"
	StatusFailed      = "failed"
)

// Result is what one source contributed to a cycle.
type Result struct {
	Name   string
	Status string
	Err    error       // why it failed; its last good items are still in Items
	Items  []feed.Item // current items, or the last good ones on failure
	Origin feed.Origin
}

// Sentinel errors callers and tests branch on.
var (
	ErrTooLarge   = errors.New("response too large")
	ErrNotAFeed   = errors.New("not a feed")
	ErrParse      = errors.New("parse error")
	ErrHTTPStatus = errors.New("http status")
)

// StatusError is a non-2xx answer.
type StatusError struct {
	Code int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("HTTP %d %s", e.Code, http.StatusText(e.Code))
}

// Unwrap lets errors.Is(err, ErrHTTPStatus) match.
func (e *StatusError) Unwrap() error { return ErrHTTPStatus }

// Temporary reports whether retrying later may help.
func (e *StatusError) Temporary() bool {
	return e.Code == http.StatusTooManyRequests || e.Code == http.StatusRequestTimeout || e.Code >= 500
}

// Fetcher fetches sources and keeps their state.
type Fetcher struct {
	opt    Options
	store  *state.Store
	parser *gofeed.Parser
}

// New returns a Fetcher writing to store.
func New(opt Options, store *state.Store) *Fetcher {
	if opt.Client == nil {
		opt.Client = &http.Client{}
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Concurrency <= 0 {
		opt.Concurrency = 16
	}
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = 10 << 20
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 20 * time.Second
	}
	p := gofeed.NewParser()
	// The image scan parses every item's HTML for nothing we use.
	p.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	return &Fetcher{opt: opt, store: store, parser: p}
}

// FetchAll fetches every source, at most Concurrency at once, and returns
// results in the order of specs. Sources not in specs are dropped from the
// state.
func (f *Fetcher) FetchAll(ctx context.Context, specs []Spec) ([]Result, error) {
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.Name
	}
	if err := f.store.PruneSources(ctx, names); err != nil {
		return nil, err
	}
	results := make([]Result, len(specs))
	sem := make(chan struct{}, f.opt.Concurrency)
	var wg sync.WaitGroup
	var mu sync.Mutex // SQLite has one writer; keep saves in order
	var saveErr error
	for i, s := range specs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				results[i] = Result{Name: s.Name, Status: StatusFailed, Err: ctx.Err()}
				return
			}
			defer func() { <-sem }()
			r, err := f.fetchOne(ctx, s, &mu)
			results[i] = r
			if err != nil {
				mu.Lock()
				saveErr = errors.Join(saveErr, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return results, saveErr
}

// fetchOne fetches one source and records the outcome. The returned error
// is only for state failures; fetch failures are in Result.Err.
func (f *Fetcher) fetchOne(ctx context.Context, s Spec, mu *sync.Mutex) (Result, error) {
	mu.Lock()
	st, err := f.store.Source(ctx, s.Name)
	var prev []state.Item
	if err == nil || errors.Is(err, state.ErrNotFound) {
		prev, err = f.store.Items(ctx, s.Name)
	}
	mu.Unlock()
	if err != nil {
		return Result{Name: s.Name, Status: StatusFailed, Err: err}, err
	}
	if st.URL != s.URL {
		// A changed URL in the config is a new source as far as
		// validators go.
		st = state.Source{Name: s.Name, Feed: st.Feed}
	}
	st.URL = s.URL
	now := f.opt.Now().UTC()
	st.LastAttempt = now

	fctx, cancel := context.WithTimeout(ctx, f.opt.Timeout)
	defer cancel()
	body, origURL, notModified, ferr := f.get(fctx, s, &st)
	var items []state.Item
	res := Result{Name: s.Name}
	switch {
	case ferr != nil:
		res.Status, res.Err = StatusFailed, ferr
		st.Failures++
	case notModified:
		res.Status = StatusNotModified
	default:
		parsed, perr := f.parse(body)
		if perr != nil {
			res.Status, res.Err = StatusFailed, perr
			st.Failures++
			break
		}
		origin, fresh := convert(s.Name, origURL, parsed)
		items = reconcile(f.opt.TagAuthority, s.Name, prev, fresh, now)
		if items == nil {
			items = []state.Item{}
		}
		st.Feed = origin
		res.Status = StatusOK
	}
	st.Status = res.Status
	st.Error = ""
	if res.Err != nil {
		st.Error = res.Err.Error()
	} else {
		st.Failures = 0
		st.LastSuccess = now
	}
	mu.Lock()
	serr := f.store.SaveSource(ctx, st, items)
	mu.Unlock()
	if items == nil {
		items = prev
	}
	res.Origin = st.Feed
	for _, it := range items {
		fi := it.Item
		fi.FirstSeen = it.FirstSeen
		o := st.Feed
		fi.Origin = &o
		res.Items = append(res.Items, fi)
	}
	if res.Err != nil {
		res.Err = fmt.Errorf("sources: %s: %w", s.Name, res.Err)
	}
	return res, serr
}

func (f *Fetcher) parse(body []byte) (*gofeed.Feed, error) {
	parsed, err := f.parser.Parse(bytes.NewReader(body))
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return nil, ErrNotAFeed
		}
		return nil, fmt.Errorf("%w: %v", ErrParse, err)
	}
	return parsed, nil
}

// get returns the body of the source, or notModified for a 304.
func (f *Fetcher) get(ctx context.Context, s Spec, st *state.Source) (body []byte, feedURL string, notModified bool, err error) {
	if !isHTTPURL(s.URL) {
		body, err := readFile(s.URL, f.opt.MaxBytes)
		abs, _ := filepath.Abs(s.URL)
		return body, (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String(), false, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL, nil)
	if err != nil {
		return nil, "", false, err
	}
	req.Header.Set("User-Agent", f.opt.UserAgent)
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5")
	if st.ETag != "" {
		req.Header.Set("If-None-Match", st.ETag)
	}
	if st.LastModified != "" {
		req.Header.Set("If-Modified-Since", st.LastModified)
	}
	resp, err := f.opt.Client.Do(req)
	if err != nil {
		return nil, "", false, err
	}
	defer resp.Body.Close()
	st.HTTPStatus = resp.StatusCode
	if resp.StatusCode == http.StatusNotModified {
		return nil, s.URL, true, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, "", false, &StatusError{Code: resp.StatusCode}
	}
	body, err = readAll(resp.Body, f.opt.MaxBytes)
	if err != nil {
		return nil, "", false, err
	}
	st.ETag = resp.Header.Get("ETag")
	st.LastModified = resp.Header.Get("Last-Modified")
	return body, resp.Request.URL.String(), false, nil
}

func readFile(path string, max int64) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return readAll(fh, max)
}

// readAll reads at most max bytes and says so explicitly when there is
// more, instead of handing a truncated document to the parser.
func readAll(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max)
	}
	return b, nil
}

// UserAgent is the honest default User-Agent: product, version, and where
// publishers can find out who is fetching.
func UserAgent(version, siteURL string) string {
	return strings.TrimSpace(fmt.Sprintf("braid/%s (+%s)", version, siteURL))
}
