package sources

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/sources/fetcher"
)

// TestMisbehaviour serves a good feed, then one misbehaviour, and checks
// that the source fails with the right class, that the failure is in the
// state, and that its last good items survive and still render.
func TestMisbehaviour(t *testing.T) {
	short := func(o *Options) { o.Timeout = 300 * time.Millisecond }
	tests := []struct {
		name     string
		bad      http.HandlerFunc
		opt      func(*Options)
		class    string
		sentinel error
		attempts int // requests in the bad cycle; 0: not checked
	}{
		{name: "500 is retried twice", bad: status(500), class: ClassHTTP, sentinel: ErrHTTPStatus, attempts: 3},
		{name: "429 without Retry-After is retried", bad: status(429), class: ClassHTTP, attempts: 3},
		{name: "404 is not retried", bad: status(404), class: ClassHTTP, attempts: 1},
		{name: "hanging server", bad: hang, opt: short, class: ClassTimeout, attempts: 1},
		{name: "slow drip", bad: drip, opt: short, class: ClassTimeout, attempts: 1},
		{name: "malformed XML", bad: feedOK(goodFeed[:len(goodFeed)/2]), class: ClassParse, sentinel: ErrParse, attempts: 1},
		{name: "mismatched end tag, no items", class: ClassParse, sentinel: ErrParse,
			bad: feedOK(`<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><item><title>a</title></channel></rss>`)},
		{name: "HTML page", bad: feedOK("<!DOCTYPE html><html><head><title>Blocked</title></head><body><p>Are you a robot?</p></body></html>",
			"Content-Type", "text/html"), class: ClassNotAFeed, sentinel: ErrNotAFeed},
		{name: "empty body", bad: feedOK(""), class: ClassNotAFeed, sentinel: ErrNotAFeed},
		{name: "binary junk", bad: feedOK("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), class: ClassNotAFeed},
		{name: "20 MiB body with Content-Length", bad: bigBody(20<<20, true), class: ClassTooLarge, sentinel: ErrTooLarge},
		{name: "20 MiB body chunked", bad: bigBody(20<<20, false), class: ClassTooLarge, sentinel: ErrTooLarge},
		{name: "gzip bomb", bad: bomb, class: ClassTooLarge, sentinel: ErrTooLarge},
		{name: "corrupt gzip", class: ClassParse, bad: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(append([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}, "not deflate at all"...))
		}},
		{name: "redirect loop", class: ClassRedirect, sentinel: ErrRedirectLoop, attempts: 1, bad: func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/feed" {
				http.Redirect(w, r, "/a", http.StatusFound)
				return
			}
			http.Redirect(w, r, "/feed", http.StatusMovedPermanently)
		}},
		{name: "endless redirects", class: ClassRedirect, sentinel: ErrTooManyRedirects, bad: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.Path+"x", http.StatusFound)
		}},
		{name: "redirect without Location", class: ClassRedirect, bad: status(http.StatusFound)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mods []func(*Options)
			if tt.opt != nil {
				mods = append(mods, tt.opt)
			}
			e := newEnv(t, mods...)
			srv, sc := serve(t, feedOK(goodFeed), tt.bad)
			spec := Spec{Name: "wire", URL: srv.URL + "/feed"}

			first := e.one(spec)
			if first.Status != StatusOK || len(first.Items) != 2 {
				t.Fatalf("first cycle: %s %v, %d items", first.Status, first.Err, len(first.Items))
			}
			okAt := e.clock.Now()
			e.clock.Add(time.Hour)

			r := e.one(spec)
			if r.Status != StatusFailed || r.Err == nil {
				t.Fatalf("status %s err %v, want failed", r.Status, r.Err)
			}
			if r.Class != tt.class {
				t.Errorf("class %q, want %q (err %v)", r.Class, tt.class, r.Err)
			}
			if tt.sentinel != nil && !errors.Is(r.Err, tt.sentinel) {
				t.Errorf("err %v is not %v", r.Err, tt.sentinel)
			}
			if !strings.HasPrefix(r.Err.Error(), "sources: wire: ") {
				t.Errorf("err %q lacks the source prefix", r.Err)
			}
			if tt.attempts > 0 && r.Attempts != tt.attempts {
				t.Errorf("%d attempts, want %d", r.Attempts, tt.attempts)
			}
			if got := sc.count() - 1; tt.attempts > 0 && tt.class != ClassRedirect && got != tt.attempts {
				t.Errorf("%d requests, want %d", got, tt.attempts)
			}
			if !slices.Equal(ids(r.Items), ids(first.Items)) {
				t.Errorf("last good items lost: %v, had %v", ids(r.Items), ids(first.Items))
			}
			checkOutput(t, r.Items)

			st := e.state("wire")
			if st.Status != StatusFailed || st.ErrorClass != tt.class || st.Failures != 1 || st.Error == "" {
				t.Errorf("state: status %q class %q failures %d error %q", st.Status, st.ErrorClass, st.Failures, st.Error)
			}
			if !st.LastSuccess.Equal(okAt) || !st.LastAttempt.Equal(e.clock.Now()) {
				t.Errorf("state: last success %v (want %v), last attempt %v", st.LastSuccess, okAt, st.LastAttempt)
			}
			if !st.NextFetch.IsZero() {
				t.Errorf("a first failure must not back off across cycles; next fetch %v", st.NextFetch)
			}
			items, _ := e.store.Items(context.Background(), "wire")
			if len(items) != 2 {
				t.Errorf("state holds %d items, want the 2 last good ones", len(items))
			}
		})
	}
}

// TestBodies feeds odd but usable bodies through the whole path.
func TestBodies(t *testing.T) {
	cp1251Title := []byte{0xcd, 0xee, 0xe2, 0xee, 0xf1, 0xf2, 0xe8} // "Новости"
	future := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.RFC1123Z)
	tests := []struct {
		name    string
		h       http.HandlerFunc
		n       int // items expected
		check   func(t *testing.T, items []feed.Item, now time.Time)
		wantTTL time.Duration
	}{
		{name: "invalid UTF-8 is replaced, not fatal", n: 2,
			h: feedOK(strings.Replace(goodFeed, "Harbour", "Harb\xffour\xc3", 1)),
			check: func(t *testing.T, items []feed.Item, _ time.Time) {
				if !slices.ContainsFunc(items, func(it feed.Item) bool { return it.Title == "Harb\uFFFDour\uFFFD cranes arrive" }) {
					t.Errorf("titles: %q / %q", items[0].Title, items[1].Title)
				}
			}},
		{name: "windows-1251 declared only in the header", n: 1,
			h: feedOK(`<?xml version="1.0"?><rss version="2.0"><channel><title>`+string(cp1251Title)+`</title><item><title>`+
				string(cp1251Title)+`</title><link>https://ru.example/1</link></item></channel></rss>`,
				"Content-Type", "application/rss+xml; charset=windows-1251"),
			check: func(t *testing.T, items []feed.Item, _ time.Time) {
				if items[0].Title != "Новости" || items[0].Origin.Title != "Новости" {
					t.Errorf("title %q, feed %q", items[0].Title, items[0].Origin.Title)
				}
			}},
		{name: "windows-1251 in header and declaration is decoded once", n: 1,
			h: feedOK(`<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><title>t</title><item><title>`+
				string(cp1251Title)+`</title><link>https://ru.example/1</link></item></channel></rss>`,
				"Content-Type", "text/xml; charset=windows-1251"),
			check: func(t *testing.T, items []feed.Item, _ time.Time) {
				if items[0].Title != "Новости" {
					t.Errorf("title %q", items[0].Title)
				}
			}},
		{name: "UTF-8 mislabelled ISO-8859-1 stays UTF-8", n: 1,
			h: feedOK(rssDoc("", item{title: "Café Zürich", link: "https://x.example/1"}), "Content-Type", "text/xml; charset=ISO-8859-1"),
			check: func(t *testing.T, items []feed.Item, _ time.Time) {
				if items[0].Title != "Café Zürich" {
					t.Errorf("title %q", items[0].Title)
				}
			}},
		{name: "billion laughs stays unexpanded", n: 1,
			h: feedOK(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
				`<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">` +
				`<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>` +
				`<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title><link>https://x.example/lol</link><description>&lol9;</description></item></channel></rss>`),
			check: func(t *testing.T, items []feed.Item, _ time.Time) {
				if len(items[0].Title)+len(items[0].Summary) > 100 {
					t.Errorf("entity expanded: %d bytes", len(items[0].Title)+len(items[0].Summary))
				}
			}},
		{name: "duplicate GUIDs keep the first", n: 2,
			h: feedOK(rssDoc("", twoItems[0], item{guid: "g-1", title: "Same guid, other title", link: "https://wire.example/1b"}, twoItems[1])),
			check: func(t *testing.T, items []feed.Item, _ time.Time) {
				if items[0].Title != twoItems[0].title {
					t.Errorf("kept %q", items[0].Title)
				}
			}},
		{name: "missing and future dates take the first-seen time", n: 2,
			h: feedOK(rssDoc("", item{guid: "a", title: "Undated", link: "https://x.example/a"},
				item{guid: "b", title: "From the future", link: "https://x.example/b", date: future})),
			check: func(t *testing.T, items []feed.Item, now time.Time) {
				for _, it := range items {
					if it.Published.After(now) || it.Published.IsZero() || !it.Published.Equal(it.FirstSeen) {
						t.Errorf("%q: published %v, first seen %v, now %v", it.Title, it.Published, it.FirstSeen, now)
					}
				}
				if items[0].Published.Equal(items[1].Published) {
					t.Errorf("undated items share one time %v", items[0].Published)
				}
			}},
		{name: "gzip", n: 2, h: gzipped(goodFeed)},
		{name: "control characters dropped", n: 2, h: feedOK(strings.Replace(goodFeed, "Six", "Si\x01x\x0b", 1))},
		{name: "script sanitized", n: 1,
			h: feedOK(rssDoc("", item{title: "x<script>alert(1)</script>", link: "https://x.example/s", desc: `<p onclick="x()">hi</p><script>steal()</script><a href="/rel">r</a>`})),
			check: func(t *testing.T, items []feed.Item, _ time.Time) {
				if !strings.Contains(items[0].Summary, `href="https://x.example/rel"`) {
					t.Errorf("relative link not resolved: %q", items[0].Summary)
				}
			}},
		{name: "ttl is kept", n: 2, h: feedOK(rssDoc("<ttl>90</ttl>", twoItems...)), wantTTL: 90 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(o *Options) { o.IgnoreHints = true })
			srv, _ := serve(t, tt.h)
			r := e.one(Spec{Name: "s", URL: srv.URL + "/feed"})
			if r.Status != StatusOK {
				t.Fatalf("status %s: %v", r.Status, r.Err)
			}
			if len(r.Items) != tt.n {
				t.Fatalf("%d items, want %d", len(r.Items), tt.n)
			}
			checkOutput(t, r.Items)
			if tt.check != nil {
				tt.check(t, r.Items, e.clock.Now())
			}
			if st := e.state("s"); st.TTL != tt.wantTTL {
				t.Errorf("ttl %v, want %v", st.TTL, tt.wantTTL)
			}
		})
	}
}

func TestRequestHeadersAndConditionalGet(t *testing.T) {
	e := newEnv(t)
	const etag = `"v1"`
	const lm = "Wed, 18 Nov 2026 10:00:00 GMT"
	cond := func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		gzipped(goodFeed, "ETag", etag, "Last-Modified", lm)(w, r)
	}
	srv, sc := serve(t, cond)
	spec := Spec{Name: "wire", URL: srv.URL + "/feed"}
	first := e.one(spec)
	if first.Status != StatusOK {
		t.Fatalf("%s %v", first.Status, first.Err)
	}
	h := sc.header(0)
	if h.Get("User-Agent") != "braid/test (+https://news.example.com)" || !strings.HasPrefix(h.Get("Accept"), "application/rss+xml") ||
		h.Get("Accept-Encoding") != "gzip" || h.Get("If-None-Match") != "" {
		t.Errorf("first request headers: %v", h)
	}
	st := e.state("wire")
	if st.ETag != etag || st.LastModified != lm {
		t.Errorf("validators not stored: %q %q", st.ETag, st.LastModified)
	}
	e.clock.Add(time.Hour)
	second := e.one(spec)
	if h := sc.header(1); h.Get("If-None-Match") != etag || h.Get("If-Modified-Since") != lm {
		t.Errorf("conditional headers: %v", h)
	}
	if second.Status != StatusNotModified || !slices.Equal(ids(second.Items), ids(first.Items)) || second.Bytes != 0 {
		t.Errorf("304: %s, %d items, %d bytes", second.Status, len(second.Items), second.Bytes)
	}
	checkOutput(t, second.Items)
	if st := e.state("wire"); st.Status != StatusNotModified || !st.LastSuccess.Equal(e.clock.Now()) || st.ETag != etag {
		t.Errorf("state after 304: %+v", st)
	}
}

// TestSucceedFailNotModified is the story of a source that works, breaks,
// and comes back with nothing new.
func TestSucceedFailNotModified(t *testing.T) {
	e := newEnv(t)
	const etag = `"abc"`
	srv, sc := serve(t,
		feedOK(goodFeed, "ETag", etag),
		status(500),
		func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("If-None-Match") != etag {
				t.Errorf("third cycle not conditional: %v", r.Header)
			}
			w.WriteHeader(http.StatusNotModified)
		})
	spec := Spec{Name: "wire", URL: srv.URL}
	first := e.one(spec)
	e.clock.Add(time.Hour)
	e.opt.Retries = -1
	if r := e.one(spec); r.Status != StatusFailed || len(r.Items) != 2 {
		t.Fatalf("second: %s, %d items", r.Status, len(r.Items))
	}
	if st := e.state("wire"); st.Failures != 1 || st.ETag != etag {
		t.Errorf("after failure: failures %d etag %q", st.Failures, st.ETag)
	}
	e.clock.Add(time.Hour)
	third := e.one(spec)
	if third.Status != StatusNotModified || third.Err != nil || !slices.Equal(ids(third.Items), ids(first.Items)) {
		t.Fatalf("third: %s %v %v", third.Status, third.Err, ids(third.Items))
	}
	st := e.state("wire")
	if st.Failures != 0 || st.ErrorClass != "" || st.Error != "" || !st.LastSuccess.Equal(e.clock.Now()) {
		t.Errorf("state not healed: %+v", st)
	}
	if sc.count() != 3 {
		t.Errorf("%d requests, want 3", sc.count())
	}
}

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		name string
		code int
		// retryAfter returns the header value for the clock's now.
		retryAfter func(now time.Time) string
		wait       time.Duration
	}{
		{"503 with seconds", 503, func(time.Time) string { return "120" }, 120 * time.Second},
		{"429 with an HTTP date", 429, func(now time.Time) string { return now.Add(time.Hour).Format(http.TimeFormat) }, time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			var header string
			srv, sc := serve(t, feedOK(goodFeed),
				func(w http.ResponseWriter, r *http.Request) { status(tt.code, "Retry-After", header)(w, r) },
				feedOK(goodFeed))
			spec := Spec{Name: "wire", URL: srv.URL}
			first := e.one(spec)

			e.clock.Add(time.Hour)
			header = tt.retryAfter(e.clock.Now())
			failedAt := e.clock.Now()
			r := e.one(spec)
			if r.Status != StatusFailed || r.Class != ClassHTTP || r.Attempts != 1 {
				t.Fatalf("%s %s %d attempts: %v (a Retry-After beyond the deadline must not be retried now)", r.Status, r.Class, r.Attempts, r.Err)
			}
			if want := failedAt.Add(tt.wait); !r.NextFetch.Equal(want) || !e.state("wire").NextFetch.Equal(want) {
				t.Errorf("next fetch %v, want %v", r.NextFetch, want)
			}

			e.clock.Add(tt.wait / 2)
			s := e.one(spec)
			if s.Status != StatusSkipped || s.Err != nil || sc.count() != 2 || !slices.Equal(ids(s.Items), ids(first.Items)) {
				t.Fatalf("before Retry-After: %s %v, %d requests, %d items", s.Status, s.Err, sc.count(), len(s.Items))
			}
			checkOutput(t, s.Items)
			if st := e.state("wire"); st.Status != StatusFailed || st.Failures != 1 {
				t.Errorf("a skip must not rewrite the last outcome: %q %d", st.Status, st.Failures)
			}

			e.clock.Add(tt.wait/2 + time.Second)
			if r := e.one(spec); r.Status != StatusOK || sc.count() != 3 {
				t.Errorf("after Retry-After: %s %v, %d requests", r.Status, r.Err, sc.count())
			}
		})
	}
}

func TestRedirects(t *testing.T) {
	tests := []struct {
		name      string
		chain     map[string]int // path → redirect code to the next path (/old→/mid→/new)
		wantMoved string
	}{
		{"301 is recorded", map[string]int{"/old": 301}, "/mid"},
		{"308 is recorded", map[string]int{"/old": 308}, "/mid"},
		{"302 is followed, not recorded", map[string]int{"/old": 302}, ""},
		{"307 is followed, not recorded", map[string]int{"/old": 307}, ""},
		{"301 then 302 records the 301", map[string]int{"/old": 301, "/mid": 302}, "/mid"},
		{"302 then 301 records nothing", map[string]int{"/old": 302, "/mid": 301}, ""},
		{"301 then 301 records the end", map[string]int{"/old": 301, "/mid": 301}, "/new"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			var mu sync.Mutex
			hits := map[string]int{}
			next := map[string]string{"/old": "/mid", "/mid": "/new"}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				hits[r.URL.Path]++
				mu.Unlock()
				if code, ok := tt.chain[r.URL.Path]; ok {
					http.Redirect(w, r, next[r.URL.Path], code)
					return
				}
				feedOK(goodFeed)(w, r)
			}))
			defer srv.Close()
			spec := Spec{Name: "wire", URL: srv.URL + "/old"}
			want := ""
			if tt.wantMoved != "" {
				want = srv.URL + tt.wantMoved
			}
			r := e.one(spec)
			if r.Status != StatusOK || r.MovedTo != want || e.state("wire").MovedTo != want {
				t.Fatalf("%s %v, moved to %q (state %q), want %q", r.Status, r.Err, r.MovedTo, e.state("wire").MovedTo, want)
			}
			if r.Items[0].Origin.URL == srv.URL+"/new" && want != srv.URL+"/new" {
				t.Errorf("origin names a temporary URL: %q", r.Items[0].Origin.URL)
			}
			e.clock.Add(time.Hour)
			r = e.one(spec)
			mu.Lock()
			defer mu.Unlock()
			wantOld := 2
			if want != "" {
				wantOld = 1 // the second cycle went straight to the new URL
			}
			if r.Status != StatusOK || hits["/old"] != wantOld || r.MovedTo != want {
				t.Errorf("second cycle: %s, /old asked %d times (want %d), moved %q", r.Status, hits["/old"], wantOld, r.MovedTo)
			}
		})
	}

	t.Run("301 to a broken URL is not recorded", func(t *testing.T) {
		e := newEnv(t)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/old" {
				http.Redirect(w, r, "/new", http.StatusMovedPermanently)
				return
			}
			http.NotFound(w, r)
		}))
		defer srv.Close()
		r := e.one(Spec{Name: "wire", URL: srv.URL + "/old"})
		if r.Status != StatusFailed || r.MovedTo != "" || e.state("wire").MovedTo != "" {
			t.Errorf("%s, moved %q", r.Status, r.MovedTo)
		}
	})
}

func TestGone(t *testing.T) {
	e := newEnv(t)
	srv, sc := serve(t, feedOK(goodFeed), status(http.StatusGone), feedOK(goodFeed))
	spec := Spec{Name: "wire", URL: srv.URL + "/feed"}
	first := e.one(spec)
	e.clock.Add(time.Hour)
	r := e.one(spec)
	if r.Status != StatusGone || !errors.Is(r.Err, ErrGone) || r.Class != ClassHTTP || r.Attempts != 1 {
		t.Fatalf("%s %s %v (%d attempts)", r.Status, r.Class, r.Err, r.Attempts)
	}
	if !slices.Equal(ids(r.Items), ids(first.Items)) {
		t.Errorf("a gone source keeps contributing its last items")
	}
	if st := e.state("wire"); !st.Gone || st.Status != StatusGone || st.HTTPStatus != 410 {
		t.Errorf("state: gone %v status %q http %d", st.Gone, st.Status, st.HTTPStatus)
	}
	for range 3 {
		e.clock.Add(48 * time.Hour)
		r = e.one(spec)
		if r.Status != StatusGone || !errors.Is(r.Err, ErrGone) || len(r.Items) != 2 {
			t.Errorf("later cycle: %s %v", r.Status, r.Err)
		}
	}
	if sc.count() != 2 {
		t.Errorf("a gone source was fetched again: %d requests", sc.count())
	}
	spec.URL = srv.URL + "/feed-v2"
	if r := e.one(spec); r.Status != StatusOK || sc.count() != 3 {
		t.Errorf("changed URL: %s %v, %d requests", r.Status, r.Err, sc.count())
	}
	if st := e.state("wire"); st.Gone {
		t.Error("still gone after the URL changed")
	}
}

func TestBackoffAcrossCycles(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Retries = -1 })
	srv, sc := serve(t, status(404))
	spec := Spec{Name: "wire", URL: srv.URL}

	e.one(spec)
	if st := e.state("wire"); st.Failures != 1 || !st.NextFetch.IsZero() {
		t.Fatalf("first failure: %d, next %v", st.Failures, st.NextFetch)
	}
	e.clock.Add(time.Minute)
	e.one(spec)
	st := e.state("wire")
	if d := st.NextFetch.Sub(e.clock.Now()); st.Failures != 2 || d < 11*time.Minute || d > 19*time.Minute {
		t.Fatalf("second failure: %d failures, backs off %v (want 15m ± 25%%)", st.Failures, d)
	}
	e.clock.Add(5 * time.Minute)
	if r := e.one(spec); r.Status != StatusSkipped || r.Class != ClassHTTP || sc.count() != 2 {
		t.Errorf("inside backoff: %s %s, %d requests", r.Status, r.Class, sc.count())
	}
	prev := time.Duration(0)
	for i := range 12 {
		e.clock.Add(25 * time.Hour)
		e.one(spec)
		st := e.state("wire")
		d := st.NextFetch.Sub(e.clock.Now())
		if d > 24*time.Hour {
			t.Fatalf("failure %d backs off %v, over the 24h cap", st.Failures, d)
		}
		if i < 3 && d < prev/2 {
			t.Errorf("backoff did not grow: %v after %v", d, prev)
		}
		prev = d
	}

	t.Run("jitter spreads sources of one host", func(t *testing.T) {
		e := newEnv(t, func(o *Options) { o.Retries = -1 })
		srv, _ := serve(t, status(500))
		var specs []Spec
		for i := range 20 {
			specs = append(specs, Spec{Name: fmt.Sprint("s", i), URL: fmt.Sprintf("%s/%d", srv.URL, i)})
		}
		e.cycle(specs...)
		e.clock.Add(time.Minute)
		e.cycle(specs...)
		seen := map[time.Time]bool{}
		for _, s := range specs {
			seen[e.state(s.Name).NextFetch] = true
		}
		if len(seen) < 5 {
			t.Errorf("20 sources back off to only %d distinct times", len(seen))
		}
	})
}

func TestHints(t *testing.T) {
	tests := []struct {
		name string
		h    http.HandlerFunc
		wait time.Duration // 0: no hint
	}{
		{"Cache-Control max-age", feedOK(goodFeed, "Cache-Control", "public, max-age=600"), 10 * time.Minute},
		{"Expires", feedOK(goodFeed, "Expires", newClock().Now().Add(time.Hour).Format(http.TimeFormat),
			"Date", newClock().Now().Format(http.TimeFormat)), time.Hour},
		{"RSS ttl", feedOK(rssDoc("<ttl>30</ttl>", twoItems...)), 30 * time.Minute},
		{"max-age beats ttl", feedOK(rssDoc("<ttl>30</ttl>", twoItems...), "Cache-Control", "max-age=60"), time.Minute},
		{"no-cache means none", feedOK(rssDoc("<ttl>30</ttl>", twoItems...), "Cache-Control", "no-cache"), 0},
		{"a year is capped at a day", feedOK(goodFeed, "Cache-Control", "max-age=31536000"), 24 * time.Hour},
		{"no hints", feedOK(goodFeed), 0},
	}
	for _, tt := range tests {
		for _, respect := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/respect=%v", tt.name, respect), func(t *testing.T) {
				e := newEnv(t, func(o *Options) { o.IgnoreHints = !respect })
				srv, sc := serve(t, tt.h)
				spec := Spec{Name: "wire", URL: srv.URL}
				e.one(spec)
				st := e.state("wire")
				want := time.Time{}
				if tt.wait > 0 {
					want = e.clock.Now().Add(tt.wait)
				}
				if !st.HintNext.Equal(want) {
					t.Errorf("hint %v, want %v", st.HintNext, want)
				}
				e.clock.Add(tt.wait / 2)
				r := e.one(spec)
				skipped := respect && tt.wait > 0
				if (r.Status == StatusSkipped) != skipped || (sc.count() == 1) != skipped {
					t.Errorf("within the hint: %s, %d requests; want skipped=%v", r.Status, sc.count(), skipped)
				}
				if len(r.Items) != 2 {
					t.Errorf("%d items", len(r.Items))
				}
			})
		}
	}
}

func TestHintsOn304(t *testing.T) {
	e := newEnv(t)
	srv, _ := serve(t, feedOK(rssDoc("<ttl>20</ttl>", twoItems...), "ETag", `"1"`),
		status(http.StatusNotModified), status(http.StatusNotModified, "Cache-Control", "max-age=300"))
	spec := Spec{Name: "wire", URL: srv.URL}
	e.one(spec)
	e.clock.Add(21 * time.Minute)
	if r := e.one(spec); r.Status != StatusNotModified || !e.state("wire").HintNext.Equal(e.clock.Now().Add(20*time.Minute)) {
		t.Errorf("a 304 keeps the stored ttl: %s, hint %v", r.Status, e.state("wire").HintNext)
	}
	e.clock.Add(21 * time.Minute)
	if r := e.one(spec); r.Status != StatusNotModified || !e.state("wire").HintNext.Equal(e.clock.Now().Add(5*time.Minute)) {
		t.Errorf("a 304's own max-age wins: %s, hint %v", r.Status, e.state("wire").HintNext)
	}
}

func TestNetworkFailures(t *testing.T) {
	t.Run("connection refused", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		e := newEnv(t)
		r := e.one(Spec{Name: "down", URL: "http://" + addr + "/feed"})
		if r.Status != StatusFailed || r.Class != ClassConnect || r.Attempts != 3 {
			t.Errorf("%s %s %d attempts: %v", r.Status, r.Class, r.Attempts, r.Err)
		}
		if st := e.state("down"); st.ErrorClass != ClassConnect {
			t.Errorf("state class %q", st.ErrorClass)
		}
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		srv := httptest.NewUnstartedServer(feedOK(goodFeed))
		srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake failure is the point
		srv.StartTLS()
		defer srv.Close()
		e := newEnv(t)
		r := e.one(Spec{Name: "tls", URL: srv.URL})
		if r.Status != StatusFailed || r.Class != ClassTLS || r.Attempts != 1 {
			t.Errorf("%s %s %d attempts: %v", r.Status, r.Class, r.Attempts, r.Err)
		}
	})
	t.Run("DNS errors", func(t *testing.T) {
		nx := &net.DNSError{Err: "no such host", Name: "feeds.invalid", IsNotFound: true}
		tmp := &net.DNSError{Err: "server misbehaving", Name: "feeds.example", IsTemporary: true}
		if c := classify(fmt.Errorf("get: %w", nx)); c != ClassDNS || fetcher.Temporary(nx) {
			t.Errorf("NXDOMAIN: %s", c)
		}
		if c := classify(tmp); c != ClassDNS || !fetcher.Temporary(tmp) {
			t.Errorf("temporary DNS: %s", c)
		}
	})
}

// TestSlowHostDelaysOnlyItsOwn: the slow host's handler blocks until the
// other host has been asked. With host slots taken before global ones,
// the other host always gets a global slot; were it the other way round,
// sources queued on the slow host could hold every global slot.
func TestSlowHostDelaysOnlyItsOwn(t *testing.T) {
	fastAsked := make(chan struct{})
	var once sync.Once
	var inFlight, maxInFlight atomic.Int32
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := maxInFlight.Load()
			if n <= m || maxInFlight.CompareAndSwap(m, n) {
				break
			}
		}
		select {
		case <-fastAsked:
		case <-r.Context().Done():
			return
		}
		feedOK(goodFeed)(w, r)
	}))
	defer slow.Close()
	fast := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(fastAsked) })
		feedOK(goodFeed)(w, r)
	}))
	defer fast.Close()

	e := newEnv(t, func(o *Options) { o.Concurrency, o.PerHost, o.Timeout = 3, 2, 5*time.Second })
	var specs []Spec
	for i := range 6 {
		specs = append(specs, Spec{Name: fmt.Sprint("slow", i), URL: fmt.Sprintf("%s/%d", slow.URL, i)})
	}
	specs = append(specs, Spec{Name: "fast", URL: fast.URL})
	for _, r := range e.cycle(specs...) {
		if r.Status != StatusOK {
			t.Errorf("%s: %s %v", r.Name, r.Status, r.Err)
		}
	}
	if m := maxInFlight.Load(); m > 2 {
		t.Errorf("%d requests at once to one host, per_host is 2", m)
	}
}

func TestLocalFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "wire.xml")
	if err := os.WriteFile(path, []byte(goodFeed), 0o644); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	spec := Spec{Name: "local", URL: path}
	first := e.one(spec)
	if first.Status != StatusOK || len(first.Items) != 2 || !strings.HasPrefix(first.Origin.URL, "https://wire.example") {
		t.Fatalf("%s %v %d items origin %q", first.Status, first.Err, len(first.Items), first.Origin.URL)
	}
	checkOutput(t, first.Items)
	if r := e.one(spec); r.Status != StatusNotModified || len(r.Items) != 2 {
		t.Errorf("unchanged file: %s", r.Status)
	}
	os.WriteFile(path, []byte(goodFeed[:100]), 0o644)
	if r := e.one(spec); r.Status != StatusFailed || r.Class != ClassParse || len(r.Items) != 2 {
		t.Errorf("broken file: %s %s, %d items", r.Status, r.Class, len(r.Items))
	}
	e.clock.Add(25 * time.Hour)
	if r := e.one(spec); r.Status != StatusFailed {
		t.Errorf("still broken file reported %s", r.Status)
	}
	os.Remove(path)
	e.clock.Add(25 * time.Hour)
	if r := e.one(spec); r.Status != StatusFailed || r.Class != ClassFile || len(r.Items) != 2 {
		t.Errorf("missing file: %s %s %v", r.Status, r.Class, r.Err)
	}
}

func TestRemovedSourceIsDropped(t *testing.T) {
	e := newEnv(t)
	srv, _ := serve(t, feedOK(goodFeed))
	e.cycle(Spec{Name: "a", URL: srv.URL + "/a"}, Spec{Name: "b", URL: srv.URL + "/b"})
	e.cycle(Spec{Name: "a", URL: srv.URL + "/a"})
	if _, err := e.store.Source(context.Background(), "b"); !errors.Is(err, state.ErrNotFound) {
		t.Errorf("removed source still in state: %v", err)
	}
	if items, _ := e.store.Items(context.Background(), "b"); len(items) != 0 {
		t.Errorf("removed source's items remain: %d", len(items))
	}
}

func TestItemIdentityAcrossCycles(t *testing.T) {
	e := newEnv(t)
	edited := rssDoc("", item{guid: "g-1", title: twoItems[0].title, link: twoItems[0].link, date: twoItems[0].date, desc: "<p>Seven cranes.</p>"}, twoItems[1])
	srv, _ := serve(t, feedOK(goodFeed), feedOK(edited), feedOK(rssDoc("")))
	spec := Spec{Name: "wire", URL: srv.URL}
	first := e.one(spec)
	seen := map[string]time.Time{}
	for _, it := range first.Items {
		seen[it.ID] = it.FirstSeen
	}
	e.clock.Add(time.Hour)
	second := e.one(spec)
	if !slices.Equal(ids(first.Items), ids(second.Items)) {
		t.Fatalf("ids changed: %v → %v", ids(first.Items), ids(second.Items))
	}
	for _, it := range second.Items {
		if !it.FirstSeen.Equal(seen[it.ID]) {
			t.Errorf("%q first seen moved to %v", it.Title, it.FirstSeen)
		}
		edited := strings.Contains(it.Summary, "Seven")
		if edited != it.Updated.Equal(e.clock.Now()) {
			t.Errorf("%q: updated %v (edited %v)", it.Title, it.Updated, edited)
		}
	}
	e.clock.Add(time.Hour)
	if r := e.one(spec); r.Status != StatusOK || len(r.Items) != 2 {
		t.Errorf("an empty feed erased items: %s, %d items", r.Status, len(r.Items))
	}
}

func TestDedupeAcrossSources(t *testing.T) {
	e := newEnv(t)
	a, _ := serve(t, feedOK(rssDoc("", item{title: "Cranes arrive", link: "https://wire.example/cranes/?utm_source=rss"})))
	b, _ := serve(t, feedOK(rssDoc("", item{title: "Cranes Arrive!", link: "HTTPS://Wire.example/cranes"})))
	var pool []feed.Item
	for _, r := range e.cycle(Spec{Name: "a", URL: a.URL}, Spec{Name: "b", URL: b.URL}) {
		pool = append(pool, r.Items...)
	}
	if got, _ := feed.Dedupe(pool); len(got) != 1 {
		t.Errorf("%d items after dedupe, want 1", len(got))
	}
}

func TestCancelledCycleCountsNoFailure(t *testing.T) {
	e := newEnv(t)
	arrived := make(chan struct{})
	srv, _ := serve(t, feedOK(goodFeed), func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		hang(w, r)
	})
	spec := Spec{Name: "wire", URL: srv.URL}
	e.one(spec)
	// Cancel once the request is in flight: the Ctrl-C case.
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
	}()
	res, err := New(e.opt, e.store).FetchAll(ctx, []Spec{spec})
	if err != nil {
		t.Fatal(err)
	}
	if r := res[0]; !errors.Is(r.Err, context.Canceled) || r.Class != ClassCancelled || len(r.Items) != 2 {
		t.Errorf("%s %s %v", r.Status, r.Class, r.Err)
	}
	if st := e.state("wire"); st.Failures != 0 || st.Status != StatusOK {
		t.Errorf("a cancelled cycle counted as a failure: %+v", st)
	}
}

// TestSpecsInOrder: results come back in config order whatever finished
// first.
func TestSpecsInOrder(t *testing.T) {
	e := newEnv(t)
	slow, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		feedOK(goodFeed)(w, r)
	})
	var specs []Spec
	for i := range 10 {
		specs = append(specs, Spec{Name: fmt.Sprint("s", i), URL: fmt.Sprintf("%s/%d", slow.URL, i)})
	}
	for i, r := range e.cycle(specs...) {
		if r.Name != specs[i].Name {
			t.Errorf("result %d is %s", i, r.Name)
		}
	}
}

// TestDeadHostsDoNotStallTheCycle: more hanging sources than global
// slots. They hang until the healthy source has been asked; once they
// have been slow for SlowAfter they give their global slot up, so the
// healthy source is reached within their deadline and everyone answers.
// Were slow sources to keep their slots, the healthy one would wait
// until they all timed out.
func TestDeadHostsDoNotStallTheCycle(t *testing.T) {
	hang, opener := askedFirst()
	e := newEnv(t, func(o *Options) { o.Concurrency, o.SlowAfter, o.Timeout = 2, 20*time.Millisecond, 5*time.Second })
	var specs []Spec
	for i := range 10 {
		srv := httptest.NewServer(hang)
		t.Cleanup(srv.Close)
		specs = append(specs, Spec{Name: fmt.Sprint("dead", i), URL: srv.URL})
	}
	good := httptest.NewServer(opener)
	t.Cleanup(good.Close)
	specs = append(specs, Spec{Name: "good", URL: good.URL})
	for _, r := range e.cycle(specs...) {
		if r.Status != StatusOK {
			t.Errorf("%s: %s %v", r.Name, r.Status, r.Err)
		}
	}
}

// TestDeferStored: with DeferStored, a source that keeps what the state
// held (304, a failure, not due) leaves its items there (Stored, no
// Items) and LoadStored reads exactly what a fetcher without the option
// returns; a new feed is still reconciled with the stored items (ids and
// first-seen times kept) and returned.
func TestDeferStored(t *testing.T) {
	const etag = `"v1"`
	more := append(slices.Clone(twoItems), item{guid: "g-3", title: "Dredging resumes", link: "https://wire.example/3",
		date: "Wed, 18 Nov 2026 10:00:00 +0000", desc: "<p>The channel reopens.</p>"})
	steps := func() []http.HandlerFunc {
		return []http.HandlerFunc{
			feedOK(goodFeed, "ETag", etag),
			func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotModified) },
			status(500),
			feedOK(rssDoc("", more...), "ETag", `"v2"`),
			func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotModified) },
		}
	}
	plain := newEnv(t, func(o *Options) { o.Retries = -1 })
	lazy := newEnv(t, func(o *Options) { o.Retries = -1; o.DeferStored = true })
	srvA, _ := serve(t, steps()...)
	srvB, _ := serve(t, steps()...)
	wantStored := []bool{false, true, true, false, true}
	for i, stored := range wantStored {
		want := plain.one(Spec{Name: "wire", URL: srvA.URL})
		got := lazy.one(Spec{Name: "wire", URL: srvB.URL})
		if got.Stored != stored || (stored && got.Items != nil) {
			t.Fatalf("step %d (%s): Stored %v with %d items; want Stored %v", i, got.Status, got.Stored, len(got.Items), stored)
		}
		loaded, withText := []Result{got}, []Result{got}
		if err := LoadStored(context.Background(), lazy.store, loaded, false); err != nil {
			t.Fatal(err)
		}
		if err := LoadStored(context.Background(), lazy.store, withText, true); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(noOrigin(withText[0].Items), noOrigin(want.Items)) {
			t.Fatalf("step %d: deferred, read with text: %v, plain %v", i, ids(withText[0].Items), ids(want.Items))
		}
		got = loaded[0]
		if stored {
			// Read without their text, which Items gives back.
			kept, err := lazy.store.Items(context.Background(), "wire")
			if err != nil {
				t.Fatal(err)
			}
			for j := range got.Items {
				if got.Items[j].Digest == "" || got.Items[j].Summary != "" || got.Items[j].ContentHTML != "" {
					t.Fatalf("step %d: kept item %d read with its text, or without a digest: %+v", i, j, got.Items[j])
				}
				got.Items[j].Summary, got.Items[j].ContentHTML = kept[j].Summary, kept[j].ContentHTML
			}
		}
		if got.Status != want.Status || !reflect.DeepEqual(noOrigin(got.Items), noOrigin(want.Items)) {
			t.Fatalf("step %d: deferred %s %v, plain %s %v", i, got.Status, ids(got.Items), want.Status, ids(want.Items))
		}
		plain.clock.Add(time.Hour)
		lazy.clock.Add(time.Hour)
	}
}

// noOrigin drops the items' origins (the two test servers' URLs differ).
func noOrigin(items []feed.Item) []feed.Item {
	out := slices.Clone(items)
	for i := range out {
		out[i].Origin = nil
	}
	return out
}

// TestSavedHandsOverText: with Saved, a source's new items reach the hook
// with their text once the state holds them, and the Result carries them
// without it (with their Digest, which the state's text matches); a
// source that keeps what it had (304) calls no hook.
func TestSavedHandsOverText(t *testing.T) {
	var heard [][]feed.Item
	e := newEnv(t, func(o *Options) {
		o.Retries = -1
		o.DeferStored = true
		o.Saved = func(name string, items []feed.Item) {
			if name != "wire" {
				t.Errorf("Saved(%q)", name)
			}
			heard = append(heard, slices.Clone(items))
		}
	})
	plain := newEnv(t, func(o *Options) { o.Retries = -1 })
	steps := func() []http.HandlerFunc {
		return []http.HandlerFunc{
			feedOK(goodFeed, "ETag", `"v1"`),
			func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotModified) },
		}
	}
	srv, _ := serve(t, steps()...)
	srvPlain, _ := serve(t, steps()...)

	want := plain.one(Spec{Name: "wire", URL: srvPlain.URL})
	got := e.one(Spec{Name: "wire", URL: srv.URL})
	if len(heard) != 1 || !reflect.DeepEqual(noOrigin(heard[0]), noOrigin(want.Items)) {
		t.Fatalf("the hook heard %d calls; want one with the items as fetched", len(heard))
	}
	if !slices.ContainsFunc(want.Items, func(it feed.Item) bool { return it.Summary != "" }) {
		t.Fatal("the fixture has no text to hand over")
	}
	kept, err := e.store.Items(context.Background(), "wire")
	if err != nil || len(kept) != len(got.Items) {
		t.Fatalf("state holds %d items (%v), result %d", len(kept), err, len(got.Items))
	}
	for i, it := range got.Items {
		if it.Summary != "" || it.ContentHTML != "" || it.Digest == "" || it.Digest != kept[i].Hash {
			t.Errorf("item %d came back with its text or without the state's digest: %+v", i, it)
		}
		if kept[i].Summary != want.Items[i].Summary || kept[i].ContentHTML != want.Items[i].ContentHTML {
			t.Errorf("item %d: the state's text is not the fetched text", i)
		}
	}
	e.clock.Add(time.Hour)
	if r := e.one(Spec{Name: "wire", URL: srv.URL}); r.Status != StatusNotModified || len(heard) != 1 {
		t.Errorf("after a 304 (%s): %d calls of the hook; want none more", r.Status, len(heard))
	}
}

// TestBusyHostDoesNotStallOthers: a host listed first with more sources
// than the sources let in at once (4 × Concurrency) must not keep the
// other hosts waiting. Host A answers none of its sources until host B
// has been asked; had B to wait for a turn behind A's sources, which A
// serves one at a time, everyone would time out.
func TestBusyHostDoesNotStallOthers(t *testing.T) {
	hang, opener := askedFirst()
	e := newEnv(t, func(o *Options) { o.Concurrency, o.PerHost, o.Timeout = 2, 1, 5*time.Second })
	a := httptest.NewServer(hang)
	t.Cleanup(a.Close)
	b := httptest.NewServer(opener)
	t.Cleanup(b.Close)
	var specs []Spec
	for i := range 20 {
		specs = append(specs, Spec{Name: fmt.Sprint("a", i), URL: fmt.Sprintf("%s/%d", a.URL, i)})
	}
	specs = append(specs, Spec{Name: "b", URL: b.URL})
	for i, r := range e.cycle(specs...) {
		if r.Name != specs[i].Name || r.Status != StatusOK {
			t.Errorf("result %d: %s %s %v", i, r.Name, r.Status, r.Err)
		}
	}
}

func TestByHost(t *testing.T) {
	specs := []Spec{
		{Name: "a1", URL: "https://a.example/1"},
		{Name: "a2", URL: "https://A.example:443/2"},
		{Name: "a3", URL: "https://a.example/3"},
		{Name: "b1", URL: "https://b.example/1"},
		{Name: "f1", URL: "testdata/one.xml"},
		{Name: "m", URL: "https://c.example/feed"}, // moved to a.example
		{Name: "f2", URL: "testdata/two.xml"},
		{Name: "b2", URL: "http://b.example/2"}, // the default port of either scheme: one host
	}
	known := map[string]state.Source{"m": {Name: "m", URL: "https://c.example/feed", MovedTo: "https://a.example/m"}}
	var got []string
	for _, i := range byHost(specs, known) {
		got = append(got, specs[i].Name)
	}
	want := []string{"a1", "b1", "f1", "f2", "a2", "b2", "a3", "m"}
	if !slices.Equal(got, want) {
		t.Errorf("byHost = %v, want %v", got, want)
	}
}
