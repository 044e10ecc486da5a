package serve

import (
	"io"
	"net/http"
	"testing"
)

// BenchmarkServe measures one client on loopback against a 50-item feed;
// it is the per-request cost, not the server's throughput under
// concurrency (bench/loadgen measures that).
func BenchmarkServe(b *testing.B) {
	root := b.TempDir()
	put(b, root, "rss.xml", feed50(1))
	base, c := start(b, Options{Root: root, MaxAge: 0})
	url := base + "/rss.xml"
	resp, _ := fetch(b, c, "GET", url, map[string]string{"Accept-Encoding": "gzip"})
	gzTag := resp.Header.Get("ETag")
	for _, bc := range []struct {
		name string
		hdr  http.Header
		want int
	}{
		{"gzip", http.Header{"Accept-Encoding": {"gzip"}}, 200},
		{"identity", http.Header{}, 200},
		{"304", http.Header{"Accept-Encoding": {"gzip"}, "If-None-Match": {gzTag}}, 304},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req, err := http.NewRequest("GET", url, nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Header = bc.hdr
			var n int64
			b.ReportAllocs()
			for b.Loop() {
				resp, err := c.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				m, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != bc.want {
					b.Fatalf("status %d", resp.StatusCode)
				}
				n += m
			}
			b.SetBytes(n / int64(b.N))
		})
	}
}
