package parser_test

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

	"github.com/braid-feeds/braid/internal/urls"
	"github.com/braid-feeds/braid/sources/fetcher"
	"github.com/braid-feeds/braid/sources/parser"
)

const seedRSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link><description>d</description><ttl>5</ttl>
<item><guid isPermaLink="false">g-1</guid><title>Harbour cranes arrive</title><link>https://wire.example/1</link>
<pubDate>Tue, 17 Nov 2026 10:00:00 +0000</pubDate><description><![CDATA[<p>Six cranes.</p>]]></description></item>
<item><title>&lt;script&gt;x&lt;/script&gt;</title><link>/rel</link><description><![CDATA[<img src=x onerror=alert(1)><script>y</script>]]></description></item>
</channel></rss>
`

// FuzzParse serves arbitrary bodies (plain or gzip, with any
// Content-Type) over HTTP through the fetcher and parses what arrives,
// as a cycle does. It must never panic, and whatever items come out must
// be valid UTF-8 with no script left in their HTML and an absolute
// http(s) link.
func FuzzParse(f *testing.F) {
	f.Add([]byte(seedRSS), "application/rss+xml", false)
	f.Add([]byte(seedRSS), "text/xml; charset=windows-1251", true)
	f.Add([]byte("<!DOCTYPE html><html><body>no</body></html>"), "text/html", false)
	f.Add([]byte("\xEF\xBB\xBF<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title>\xff</title><link href=\"http://x/\"/></entry></feed>"), "", false)
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[{"id":"1","url":"https://x.example/1","content_html":"<script>z</script>"}]}`), "application/feed+json", false)
	for _, pattern := range []string{"../../examples/*", "testdata/*"} {
		paths, _ := filepath.Glob(pattern)
		for _, p := range paths {
			if b, err := os.ReadFile(p); err == nil && !strings.HasSuffix(p, ".golden.json") {
				f.Add(b, "", false)
			}
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
	fe := fetcher.New(fetcher.Options{MaxBytes: 1 << 20, Retries: -1})
	p := parser.New()

	f.Fuzz(func(t *testing.T, b []byte, ct string, z bool) {
		if strings.ContainsAny(ct, "\r\n\x00") || !utf8.ValidString(ct) {
			ct = ""
		}
		mu.Lock()
		body, ctype, gz = b, ct, z
		mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		res, err := fe.Fetch(ctx, srv.URL+"/feed", fetcher.Validators{})
		if err != nil {
			return
		}
		out, err := p.Parse("fuzz", srv.URL+"/feed", res.Header.Get("Content-Type"), res.Body)
		if err != nil {
			return
		}
		for _, it := range out.Items {
			for _, s := range []string{it.ID, it.GUID, it.Link, it.Title, it.Summary, it.ContentHTML, out.Origin.Title} {
				if !utf8.ValidString(s) {
					t.Fatalf("invalid UTF-8: %q", s)
				}
			}
			for _, s := range []string{it.Summary, it.ContentHTML} {
				if bytes.Contains(bytes.ToLower([]byte(s)), []byte("<script")) {
					t.Fatalf("script survived: %q", s)
				}
			}
			if !urls.IsHTTP(it.Link) {
				t.Fatalf("item link %q is not absolute http(s)", it.Link)
			}
		}
	})
}
