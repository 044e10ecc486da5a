package sources

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzFetch serves arbitrary bodies (plain or gzip, with any
// Content-Type) over HTTP and runs them through the whole fetch-and-parse
// path. It must never panic, and whatever items come out must be valid
// UTF-8 with no script left in their HTML.
func FuzzFetch(f *testing.F) {
	f.Add([]byte(goodFeed), "application/rss+xml", false)
	f.Add([]byte(goodFeed), "text/xml; charset=windows-1251", true)
	f.Add([]byte(rssDoc("<ttl>5</ttl>", item{title: "<script>x</script>", link: "/rel", desc: `<img src=x onerror=alert(1)><script>y</script>`})), "", false)
	f.Add([]byte("<!DOCTYPE html><html><body>no</body></html>"), "text/html", false)
	f.Add([]byte("\xEF\xBB\xBF<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title>\xff</title><link href=\"http://x/\"/></entry></feed>"), "", false)
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[{"id":"1","url":"https://x.example/1","content_html":"<script>z</script>"}]}`), "application/feed+json", false)
	for _, p := range []string{"wire.xml", "markets.atom", "tech.json"} {
		if b, err := os.ReadFile(filepath.Join("..", "examples", p)); err == nil {
			f.Add(b, "", false)
		}
	}

	var mu sync.Mutex
	var body []byte
	var ctype string
	var gz bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		b, ct, z := body, ctype, gz
		mu.Unlock()
		if ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		if z {
			w.Header().Set("Content-Encoding", "gzip")
			zw := gzip.NewWriter(w)
			zw.Write(b)
			zw.Close()
			return
		}
		w.Write(b)
	}))
	defer srv.Close()
	fe := New(Options{MaxBytes: 1 << 20, Timeout: 5 * time.Second, Retries: -1}, nil)

	f.Fuzz(func(t *testing.T, b []byte, ct string, z bool) {
		if strings.ContainsAny(ct, "\r\n\x00") || !utf8.ValidString(ct) {
			ct = ""
		}
		mu.Lock()
		body, ctype, gz = b, ct, z
		mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		res, err := fe.get(ctx, srv.URL+"/feed", validators{})
		if err != nil {
			return
		}
		p, err := parseBody(fe.parser, "fuzz", srv.URL+"/feed", res.header.Get("Content-Type"), res.body)
		if err != nil {
			return
		}
		for _, it := range p.items {
			for _, s := range []string{it.ID, it.GUID, it.Link, it.Title, it.Summary, it.ContentHTML, p.origin.Title} {
				if !utf8.ValidString(s) {
					t.Fatalf("invalid UTF-8: %q", s)
				}
			}
			for _, s := range []string{it.Summary, it.ContentHTML} {
				if bytes.Contains(bytes.ToLower([]byte(s)), []byte("<script")) {
					t.Fatalf("script survived: %q", s)
				}
			}
			if !isHTTPURL(it.Link) {
				t.Fatalf("item link %q is not absolute http(s)", it.Link)
			}
		}
	})
}
