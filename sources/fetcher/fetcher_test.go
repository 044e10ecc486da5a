package fetcher

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const body = `<?xml version="1.0"?><rss version="2.0"><channel><title>W</title></channel></rss>`

// TestFetch drives one Fetch per case against a test server on
// 127.0.0.1 and checks what comes back: body, 304, typed errors,
// attempts and where permanent redirects led.
func TestFetch(t *testing.T) {
	gz := func() []byte {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		io.WriteString(zw, body)
		zw.Close()
		return b.Bytes()
	}()
	tests := []struct {
		name     string
		h        http.HandlerFunc
		v        Validators
		opt      Options
		wantErr  error
		class    string
		notMod   bool
		body     string
		attempts int
		movedTo  string // path
	}{
		{name: "200", h: func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) }, body: body, attempts: 1},
		{name: "gzip is undone", h: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gz)
		}, body: body, attempts: 1},
		{name: "gzip label on a plain body", h: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			io.WriteString(w, body)
		}, body: body, attempts: 1},
		{name: "conditional 304", v: Validators{ETag: `"1"`}, notMod: true, attempts: 1, h: func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("If-None-Match") != `"1"` {
				http.Error(w, "unconditional", 400)
				return
			}
			w.WriteHeader(http.StatusNotModified)
		}},
		{name: "304 to an unconditional request", h: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotModified) },
			wantErr: ErrHTTPStatus, class: ClassHTTP, attempts: 1},
		{name: "500 retried", h: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) },
			wantErr: ErrHTTPStatus, class: ClassHTTP, attempts: 3},
		{name: "no retries when told", opt: Options{Retries: -1}, h: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) },
			wantErr: ErrHTTPStatus, class: ClassHTTP, attempts: 1},
		{name: "404 not retried", h: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(404) },
			wantErr: ErrHTTPStatus, class: ClassHTTP, attempts: 1},
		{name: "410 is gone", h: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(410) },
			wantErr: ErrGone, class: ClassHTTP, attempts: 1},
		{name: "too large by Content-Length", opt: Options{MaxBytes: 10}, h: func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) },
			wantErr: ErrTooLarge, class: ClassTooLarge, attempts: 1},
		{name: "too large after gunzip", opt: Options{MaxBytes: 10}, h: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gz)
		}, wantErr: ErrTooLarge, class: ClassTooLarge, attempts: 1},
		{name: "corrupt gzip", h: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(append([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}, "not deflate"...))
		}, wantErr: ErrCorrupt, class: ClassParse, attempts: 1},
		{name: "unsupported encoding", h: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "br")
			io.WriteString(w, "x")
		}, wantErr: ErrUnsupportedEncoding, class: ClassNotAFeed, attempts: 1},
		{name: "301 then 200 records the move", body: body, attempts: 1, movedTo: "/new", h: func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/feed" {
				http.Redirect(w, r, "/new", http.StatusMovedPermanently)
				return
			}
			io.WriteString(w, body)
		}},
		{name: "redirect loop", wantErr: ErrRedirectLoop, class: ClassRedirect, attempts: 1, h: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, map[string]string{"/feed": "/a", "/a": "/feed"}[r.URL.Path], http.StatusFound)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				tt.h(w, r)
			}))
			defer srv.Close()
			opt := tt.opt
			opt.RetryBase = time.Millisecond
			f := New(opt)
			defer f.CloseIdleConnections()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			r, err := f.Fetch(ctx, srv.URL+"/feed", tt.v)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("err %v, want %v", err, tt.wantErr)
			}
			if c := Classify(err); c != tt.class {
				t.Errorf("class %q, want %q", c, tt.class)
			}
			if r.NotModified != tt.notMod || (err == nil && string(r.Body) != tt.body) {
				t.Errorf("not modified %v, body %q", r.NotModified, r.Body)
			}
			if r.Attempts != tt.attempts || (tt.class != ClassRedirect && tt.movedTo == "" && int(hits.Load()) != tt.attempts) {
				t.Errorf("%d attempts, %d requests; want %d", r.Attempts, hits.Load(), tt.attempts)
			}
			if want := map[bool]string{true: srv.URL + tt.movedTo}[tt.movedTo != ""]; r.MovedTo != want {
				t.Errorf("moved to %q, want %q", r.MovedTo, want)
			}
		})
	}
}

func TestRequestHeaders(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.WriteHeader(http.StatusNotModified)
	}))
	defer srv.Close()
	f := New(Options{UserAgent: UserAgent("1.2.3", "https://news.example.com/")})
	defer f.CloseIdleConnections()
	v := Validators{ETag: `"e"`, LastModified: "Wed, 18 Nov 2026 10:00:00 GMT"}
	if _, err := f.Fetch(context.Background(), srv.URL, v); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{
		"User-Agent": "braid/1.2.3 (+https://news.example.com/)", "If-None-Match": v.ETag,
		"If-Modified-Since": v.LastModified, "Accept-Encoding": "gzip",
	} {
		if got.Get(k) != want {
			t.Errorf("%s: %q, want %q", k, got.Get(k), want)
		}
	}
	if !strings.HasPrefix(got.Get("Accept"), "application/rss+xml") {
		t.Errorf("Accept %q", got.Get("Accept"))
	}
}

// TestPooledDecompressors: the gzip and buffered readers go back to pools
// after each body, so bodies fetched at once and one after another, among
// corrupt, truncated and plain ones, must each come back whole and alone:
// nothing of one body may show in another.
func TestPooledDecompressors(t *testing.T) {
	zip := func(s string) []byte {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		io.WriteString(zw, s)
		zw.Close()
		return b.Bytes()
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, _ := strconv.Atoi(r.URL.Query().Get("i"))
		w.Header().Set("Content-Encoding", "gzip")
		switch i % 4 {
		case 0, 1:
			w.Write(zip(strings.Repeat(fmt.Sprintf("body %d;", i), 1+i*97)))
		case 2:
			z := zip(strings.Repeat("cut short ", 5000))
			w.Write(z[:len(z)/2])
		case 3:
			fmt.Fprintf(w, "plain body %d", i)
		}
	}))
	defer srv.Close()
	f := New(Options{Retries: -1})
	defer f.CloseIdleConnections()
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			r, err := f.Fetch(ctx, fmt.Sprintf("%s/feed?i=%d", srv.URL, i), Validators{})
			var want string
			switch i % 4 {
			case 0, 1:
				want = strings.Repeat(fmt.Sprintf("body %d;", i), 1+i*97)
			case 2:
				if !errors.Is(err, ErrCorrupt) {
					t.Errorf("body %d, truncated gzip: err %v, want ErrCorrupt", i, err)
				}
				return
			case 3:
				want = fmt.Sprintf("plain body %d", i)
			}
			if err != nil || string(r.Body) != want {
				t.Errorf("body %d: err %v, %d bytes, want %d", i, err, len(r.Body), len(want))
			}
		})
	}
	wg.Wait()
}
