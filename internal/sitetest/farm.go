package sitetest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// Farm serves n feeds at /0 … /n-1 on 127.0.0.1 and counts the requests
// each gets: what fleet tests need to see that a source is fetched once,
// not once per node.
type Farm struct {
	URL  string // the server's base URL
	hits []atomic.Int64
}

// NewFarm starts a farm whose feed i is body(i), served as RSS.
func NewFarm(t testing.TB, n int, body func(i int) string) *Farm {
	t.Helper()
	f := &Farm{hits: make([]atomic.Int64, n)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var i int
		if _, err := fmt.Sscanf(r.URL.Path, "/%d", &i); err != nil || i < 0 || i >= n {
			http.NotFound(w, r)
			return
		}
		f.hits[i].Add(1)
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, body(i))
	}))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

// Len is how many feeds the farm serves.
func (f *Farm) Len() int { return len(f.hits) }

// Hits is how many requests feed i got since the last Take.
func (f *Farm) Hits(i int) int64 { return f.hits[i].Load() }

// Take returns every feed's request count and resets them.
func (f *Farm) Take() []int64 {
	out := make([]int64, len(f.hits))
	for i := range f.hits {
		out[i] = f.hits[i].Swap(0)
	}
	return out
}
