package sources

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/braid-feeds/braid/internal/sitetest"
	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/internal/state/pgtest"
)

// newFarm serves n feeds of one story each and counts requests per feed.
func newFarm(t *testing.T, n int) *sitetest.Farm {
	return sitetest.NewFarm(t, n, func(i int) string {
		return rssDoc("", item{guid: fmt.Sprintf("g-%d", i), title: fmt.Sprintf("Story %d", i),
			link: fmt.Sprintf("https://wire.example/%d", i), date: twoItems[0].date})
	})
}

// farmSpecs are the farm's feeds as sources.
func farmSpecs(f *sitetest.Farm) []Spec {
	out := make([]Spec, f.Len())
	for i := range out {
		out[i] = Spec{Name: fmt.Sprintf("s%03d", i), URL: fmt.Sprintf("%s/%d", f.URL, i)}
	}
	return out
}

func fleetOpt(e *env, node string, st *state.Store) Options {
	o := e.opt
	o.Fleet = &Fleet{Node: node, Lease: time.Minute, Batch: 8, Claims: st}
	return o
}

// TestFleet: nodes sharing a state fetch each due source once per lease
// between them, report the others' sources as leased with the items the
// fetcher saved, record who fetched, and take a source over once its
// lease has expired.
func TestFleet(t *testing.T) {
	for _, backend := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "state.db") }},
		{"postgres", func(t *testing.T) string { return pgtest.URL(t) }},
	} {
		t.Run(backend.name, func(t *testing.T) {
			e := newEnv(t)
			dsn := backend.dsn(t)
			nodes := make([]*state.Store, 3)
			for i := range nodes {
				st, err := state.Open(context.Background(), dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				nodes[i] = st
			}
			fm := newFarm(t, 60)
			specs := farmSpecs(fm)
			run := func(i int) []Result {
				res, err := New(fleetOpt(e, fmt.Sprintf("node-%d", i), nodes[i]), nodes[i]).FetchAll(context.Background(), specs)
				if err != nil {
					t.Errorf("node-%d: %v", i, err)
				}
				return res
			}

			// All three at once: every source fetched exactly once.
			var wg sync.WaitGroup
			all := make([][]Result, 3)
			for i := range 3 {
				wg.Go(func() { all[i] = run(i) })
			}
			wg.Wait()
			for i, n := range fm.Take() {
				if n != 1 {
					t.Errorf("source %d requested %d times by three nodes in one lease, want 1", i, n)
				}
			}
			fetchedBy := map[string]string{}
			for i, res := range all {
				for _, r := range res {
					if r.Status == StatusOK {
						fetchedBy[r.Name] = fmt.Sprintf("node-%d", i)
					}
				}
			}
			if len(fetchedBy) != len(specs) {
				t.Fatalf("%d sources fetched, want %d", len(fetchedBy), len(specs))
			}
			for name, node := range fetchedBy {
				if got := e.stateIn(nodes[0], name).FetchedBy; got != node {
					t.Errorf("%s: FetchedBy %q, want %q", name, got, node)
				}
			}

			// Within the lease, a node fetches nothing and uses what the
			// others saved.
			again := run(0)
			if n := sum(fm.Take()); n != 0 {
				t.Errorf("%d requests within the lease, want 0", n)
			}
			for _, r := range again {
				if r.Status != StatusLeased || len(r.Items) != 1 || r.Items[0].Title == "" {
					t.Errorf("%s within the lease: %s with %d items", r.Name, r.Status, len(r.Items))
				}
			}

			// Past the lease, one node takes every source over.
			e.clock.Add(2 * time.Minute)
			for _, r := range run(1) {
				if r.Status != StatusOK {
					t.Errorf("%s after the lease: %s %v", r.Name, r.Status, r.Err)
				}
			}
			for i, n := range fm.Take() {
				if n != 1 {
					t.Errorf("source %d requested %d times after the lease, want 1", i, n)
				}
			}
		})
	}
}

// TestFleetDeadDatabase: with the state unreachable, a fleet cycle fails
// at once with one error, not one per source.
func TestFleetDeadDatabase(t *testing.T) {
	e := newEnv(t)
	dead, err := state.Open(context.Background(), filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	dead.Close()
	fm := newFarm(t, 50)
	_, err = New(fleetOpt(e, "node-a", dead), dead).FetchAll(context.Background(), farmSpecs(fm))
	if err == nil {
		t.Fatal("no error with the state closed")
	}
	if n := strings.Count(err.Error(), "\n"); n != 0 {
		t.Errorf("error has %d lines, want 1: %v", n+1, err)
	}
	if n := sum(fm.Take()); n != 0 {
		t.Errorf("%d requests without a state to record them in", n)
	}
}

func (e *env) stateIn(st *state.Store, name string) state.Source {
	e.t.Helper()
	s, err := st.Source(context.Background(), name)
	if err != nil {
		e.t.Fatalf("state of %s: %v", name, err)
	}
	return s
}

func sum(xs []int64) int64 {
	var n int64
	for _, x := range xs {
		n += x
	}
	return n
}

// TestFleetCycleTimeout: a node alone in a fleet whose cycle deadline
// passes before it has claimed every due source reports the rest as timed
// out, keeping their last good items, never as fetched by another node.
func TestFleetCycleTimeout(t *testing.T) {
	e := newEnv(t)
	st, err := state.Open(context.Background(), filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	release := make(chan struct{})
	defer close(release)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	var specs []Spec
	for i := range 40 {
		specs = append(specs, Spec{Name: fmt.Sprintf("s%03d", i), URL: fmt.Sprintf("%s/%d", slow.URL, i)})
	}
	opt := fleetOpt(e, "node-a", st)
	opt.Concurrency, opt.PerHost, opt.CycleTimeout = 4, 4, 200*time.Millisecond
	opt.Fleet.Batch = 4
	res, err := New(opt, st).FetchAll(context.Background(), specs)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Status == StatusLeased {
			t.Errorf("%s reported as fetched by another node; no other node exists", r.Name)
		} else if !errors.Is(r.Err, ErrCycleTimeout) {
			t.Errorf("%s: %s, %v; want a cycle timeout", r.Name, r.Status, r.Err)
		}
	}
}
