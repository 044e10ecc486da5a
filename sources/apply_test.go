package sources

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"testing"
	"time"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/sources/parser"
)

// TestApply: what each kind of outcome does to a source's stored state
// and result, as plain values.
func TestApply(t *testing.T) {
	at := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	const u = "https://wire.example/feed"
	pol := policy{authority: "news.example.com", timeout: 20 * time.Second, backoffBase: 15 * time.Minute,
		maxBackoff: 24 * time.Hour, jitter: func(d time.Duration) time.Duration { return d }}
	origin := feed.Origin{Name: "wire", Title: "Wire", URL: u}
	stored := state.Source{Name: "wire", URL: u, ETag: `"old"`, TTL: 20 * time.Minute, Feed: origin,
		Failures: 2, ErrorClass: ClassHTTP, Error: "HTTP 500", NextFetch: at.Add(-time.Minute), LastSuccess: at.Add(-48 * time.Hour)}
	prev := []state.Item{{Item: feed.Item{ID: "https://wire.example/1", Link: "https://wire.example/1", Title: "One"}, FirstSeen: at.Add(-time.Hour)}}
	fresh := parser.Feed{Origin: origin, TTL: 30 * time.Minute, Items: []feed.Item{
		{GUID: "g-2", Link: "https://wire.example/2", Title: "Two"},
		{Link: "https://wire.example/1", Title: "One"},
	}}
	hdr := func(kv ...string) http.Header {
		h := http.Header{}
		for i := 0; i+1 < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	tests := []struct {
		name  string
		st    state.Source
		o     outcome
		check func(t *testing.T, a applied)
	}{
		{name: "ok stores reconciled items, validators and ttl, and heals",
			o: outcome{feed: fresh, header: hdr("ETag", `"new"`, "Last-Modified", "Fri, 20 Nov 2026 11:00:00 GMT"), code: 200, attempts: 1, wire: 900},
			check: func(t *testing.T, a applied) {
				st := a.st
				if a.res.Status != StatusOK || st.Status != StatusOK || st.Failures != 0 || st.ErrorClass != "" || st.Error != "" ||
					!st.NextFetch.IsZero() || !st.LastSuccess.Equal(at) || st.ETag != `"new"` || st.TTL != 30*time.Minute || st.HTTPStatus != 200 {
					t.Errorf("state %+v, result %+v", st, a.res)
				}
				if !st.HintNext.Equal(at.Add(30 * time.Minute)) {
					t.Errorf("hint from the ttl: %v", st.HintNext)
				}
				if len(a.items) != 2 || a.items[1].ID != "https://wire.example/1" || !a.items[1].FirstSeen.Equal(at.Add(-time.Hour)) {
					t.Errorf("items %+v", a.items)
				}
				if a.res.Attempts != 1 || a.res.Bytes != 900 {
					t.Errorf("result counts %+v", a.res)
				}
			}},
		{name: "empty feed keeps the stored items", o: outcome{feed: parser.Feed{Origin: origin}, header: hdr()},
			check: func(t *testing.T, a applied) {
				if a.res.Status != StatusOK || a.items != nil {
					t.Errorf("%s, %d items to store", a.res.Status, len(a.items))
				}
			}},
		{name: "304 keeps items and validators, hints from the stored ttl", o: outcome{notModified: true, header: hdr(), code: 304},
			check: func(t *testing.T, a applied) {
				if a.res.Status != StatusNotModified || a.items != nil || a.st.ETag != `"old"` || a.st.Failures != 0 ||
					!a.st.HintNext.Equal(at.Add(20*time.Minute)) {
					t.Errorf("state %+v", a.st)
				}
			}},
		{name: "304 with its own max-age", o: outcome{notModified: true, header: hdr("Cache-Control", "max-age=300")},
			check: func(t *testing.T, a applied) {
				if !a.st.HintNext.Equal(at.Add(5 * time.Minute)) {
					t.Errorf("hint %v", a.st.HintNext)
				}
			}},
		{name: "local file: its hash is the validator, no hints", o: outcome{feed: fresh, etag: "sha256:ab"},
			check: func(t *testing.T, a applied) {
				if a.st.ETag != "sha256:ab" || a.st.LastModified != "" || !a.st.HintNext.IsZero() {
					t.Errorf("state %+v", a.st)
				}
			}},
		{name: "permanent redirect recorded on success", o: outcome{feed: fresh, header: hdr(), movedTo: "https://new.example/feed"},
			check: func(t *testing.T, a applied) {
				if a.st.MovedTo != "https://new.example/feed" || a.res.MovedTo != a.st.MovedTo {
					t.Errorf("moved %q / %q", a.st.MovedTo, a.res.MovedTo)
				}
			}},
		{name: "redirect back to the configured URL clears it", st: state.Source{MovedTo: "https://new.example/feed"},
			o: outcome{feed: fresh, header: hdr(), movedTo: u},
			check: func(t *testing.T, a applied) {
				if a.st.MovedTo != "" || a.res.MovedTo != "" {
					t.Errorf("moved %q", a.st.MovedTo)
				}
			}},
		{name: "redirect then failure is not recorded", o: outcome{err: &StatusError{Code: 404}, movedTo: "https://new.example/feed"},
			check: func(t *testing.T, a applied) {
				if a.st.MovedTo != "" {
					t.Errorf("moved %q", a.st.MovedTo)
				}
			}},
		{name: "temporary failure: third in a row backs off 30m", o: outcome{err: &StatusError{Code: 500}, code: 500, attempts: 3},
			check: func(t *testing.T, a applied) {
				st := a.st
				if a.res.Status != StatusFailed || a.res.Class != ClassHTTP || st.Failures != 3 || !st.NextFetch.Equal(at.Add(30*time.Minute)) ||
					!a.res.NextFetch.Equal(st.NextFetch) || a.items != nil || !st.LastSuccess.Equal(at.Add(-48*time.Hour)) || st.ETag != `"old"` {
					t.Errorf("state %+v, result %+v", st, a.res)
				}
				if want := "sources: wire: HTTP 500 Internal Server Error (3 attempts)"; a.res.Err.Error() != want || st.Error != "HTTP 500 Internal Server Error (3 attempts)" {
					t.Errorf("error %q / %q", a.res.Err, st.Error)
				}
			}},
		{name: "first failure does not back off", st: state.Source{Failures: -2}, o: outcome{err: &StatusError{Code: 404}},
			check: func(t *testing.T, a applied) {
				if a.st.Failures != 1 || !a.st.NextFetch.IsZero() {
					t.Errorf("failures %d next %v", a.st.Failures, a.st.NextFetch)
				}
			}},
		{name: "Retry-After beyond the backoff wins", o: outcome{err: &StatusError{Code: 503, RetryAfter: at.Add(2 * time.Hour)}},
			check: func(t *testing.T, a applied) {
				if !a.st.NextFetch.Equal(at.Add(2 * time.Hour)) {
					t.Errorf("next %v", a.st.NextFetch)
				}
			}},
		{name: "backoff is capped", st: state.Source{Failures: 40}, o: outcome{err: &StatusError{Code: 500}},
			check: func(t *testing.T, a applied) {
				if !a.st.NextFetch.Equal(at.Add(24 * time.Hour)) {
					t.Errorf("next %v", a.st.NextFetch)
				}
			}},
		{name: "410 is gone", o: outcome{err: &StatusError{Code: http.StatusGone}, code: 410},
			check: func(t *testing.T, a applied) {
				if a.res.Status != StatusGone || a.st.Status != StatusGone || !a.st.Gone || !errors.Is(a.res.Err, ErrGone) || a.st.HTTPStatus != 410 {
					t.Errorf("state %+v, result %+v", a.st, a.res)
				}
			}},
		{name: "the source's own deadline is named", o: outcome{err: context.DeadlineExceeded, deadline: true},
			check: func(t *testing.T, a applied) {
				if a.res.Class != ClassTimeout || a.res.Err.Error() != "sources: wire: context deadline exceeded (fetch.timeout is 20s)" {
					t.Errorf("%s: %v", a.res.Class, a.res.Err)
				}
			}},
		{name: "parse failure", o: outcome{err: fmt.Errorf("%w: truncated", parser.ErrParse)},
			check: func(t *testing.T, a applied) {
				if a.res.Class != ClassParse || a.st.ErrorClass != ClassParse || a.items != nil {
					t.Errorf("%+v", a.res)
				}
			}},
		{name: "cancelled: nothing saved, nothing counted", o: outcome{cancelled: context.Canceled, attempts: 1},
			check: func(t *testing.T, a applied) {
				if a.save || a.res.Status != StatusFailed || a.res.Class != ClassCancelled || a.st.Failures != 2 ||
					!errors.Is(a.res.Err, context.Canceled) || !a.st.LastAttempt.IsZero() {
					t.Errorf("save %v, state %+v, result %+v", a.save, a.st, a.res)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := stored
			st.MovedTo = tt.st.MovedTo
			st.Failures += tt.st.Failures
			tt.o.at = at
			a := apply(Spec{Name: "wire", URL: u}, st, prev, tt.o, pol)
			if a.save == (tt.o.cancelled != nil) {
				t.Errorf("save %v", a.save)
			}
			if a.save && !a.st.LastAttempt.Equal(at) {
				t.Errorf("last attempt %v", a.st.LastAttempt)
			}
			tt.check(t, a)
		})
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"not a feed", parser.ErrNotAFeed, ClassNotAFeed},
		{"parse", fmt.Errorf("%w: eof", parser.ErrParse), ClassParse},
		{"missing file", fmt.Errorf("open: %w", &fsPathError), ClassFile},
		{"too large file", fmt.Errorf("%w: more", ErrTooLarge), ClassTooLarge},
		{"http", &StatusError{Code: 404}, ClassHTTP},
		{"cancelled", context.Canceled, ClassCancelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classify(tt.err); got != tt.want {
				t.Errorf("classify(%v) = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
}

var fsPathError = fs.PathError{Op: "open", Path: "/srv/feeds/wire.xml", Err: fs.ErrNotExist}
