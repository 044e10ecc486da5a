package sources

import (
	"context"
	"flag"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/braid-feeds/braid/bench/feedgen"
	"github.com/braid-feeds/braid/internal/state"
)

var (
	benchN       = flag.Int("bench.sources", 100, "sources in BenchmarkFetchAll")
	benchLatency = flag.Duration("bench.latency", 50*time.Millisecond, "latency added to every answer in BenchmarkFetchAll")
	benchConc    = flag.Int("bench.concurrency", 16, "fetch.concurrency in BenchmarkFetchAll")
)

// BenchmarkFetchAll measures FetchAll alone (no relatedness, no
// rendering) over generated feeds served with added latency from
// several test servers (4 feeds each, so per_host applies), beside the
// naive sequential gofeed loop over the same URLs. bench/fetch.sh
// measures whole `braid generate` runs; BENCHMARKS.md has both.
//
//	go test ./sources -run - -bench FetchAll -bench.sources 500 -bench.concurrency 16
func BenchmarkFetchAll(b *testing.B) {
	n := *benchN
	fs := feedgen.NewServer(n, 20, *benchLatency)
	var specs []Spec
	var urls []string
	for i := 0; i < n; i += 4 {
		srv := httptest.NewServer(fs)
		b.Cleanup(srv.Close)
		for j := i; j < min(i+4, n); j++ {
			u := srv.URL + feedgen.URLPath(j)
			specs = append(specs, Spec{Name: fmt.Sprint("feed ", j), URL: u})
			urls = append(urls, u)
		}
	}
	ctx := context.Background()
	open := func(b *testing.B) *state.Store {
		st, err := state.Open(ctx, filepath.Join(b.TempDir(), "state.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		return st
	}
	report := func(b *testing.B, res []Result, wantStatus string) {
		var bytes int64
		for _, r := range res {
			if r.Status != wantStatus {
				b.Fatalf("%s: %s %v", r.Name, r.Status, r.Err)
			}
			bytes += r.Bytes
		}
		st := fs.Stats(true)
		b.ReportMetric(float64(bytes), "body-bytes/op")
		b.ReportMetric(float64(st.Requests[200]+st.Requests[304])/float64(b.N), "requests/op")
	}

	b.Run(fmt.Sprintf("sources=%d/concurrency=%d/cycle1", n, *benchConc), func(b *testing.B) {
		st := open(b)
		fs.Stats(true)
		var res []Result
		for b.Loop() {
			// Forget everything: every feed is new to this cycle.
			if err := st.PruneSources(ctx, nil); err != nil {
				b.Fatal(err)
			}
			var err error
			if res, err = New(Options{Concurrency: *benchConc}, st).FetchAll(ctx, specs); err != nil {
				b.Fatal(err)
			}
		}
		report(b, res, StatusOK)
	})
	b.Run(fmt.Sprintf("sources=%d/concurrency=%d/cycle2-unchanged", n, *benchConc), func(b *testing.B) {
		st := open(b)
		if _, err := New(Options{Concurrency: *benchConc}, st).FetchAll(ctx, specs); err != nil {
			b.Fatal(err)
		}
		fs.Stats(true)
		var res []Result
		for b.Loop() {
			var err error
			if res, err = New(Options{Concurrency: *benchConc}, st).FetchAll(ctx, specs); err != nil {
				b.Fatal(err)
			}
		}
		report(b, res, StatusNotModified)
	})
	b.Run(fmt.Sprintf("sources=%d/naive", n), func(b *testing.B) {
		for b.Loop() {
			for _, u := range urls {
				if _, err := gofeed.NewParser().ParseURL(u); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
