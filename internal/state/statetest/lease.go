package statetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/braid-feeds/braid/internal/state"
)

const (
	fleetSources = 300
	fleetNodes   = 4
	period       = 2 * time.Second
)

func sourceNames(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("src-%03d", i)
	}
	return out
}

// claimPeriod has every node, each with its own Store, claim batches
// until nothing is left at now, and returns which node claimed what.
func claimPeriod(t *testing.T, stores []*state.Store, names []string, now time.Time) map[string][]string {
	t.Helper()
	var mu sync.Mutex
	byNode := map[string][]string{}
	var wg sync.WaitGroup
	for i, s := range stores {
		node := fmt.Sprintf("node-%d", i)
		wg.Go(func() {
			for {
				got, err := s.ClaimDue(context.Background(), node, names, now, period, 25)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				byNode[node] = append(byNode[node], got...)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return byNode
}

// exactlyOnce checks that every name was claimed by exactly one node.
func exactlyOnce(t *testing.T, byNode map[string][]string, names []string) {
	t.Helper()
	owner := map[string]string{}
	for node, got := range byNode {
		for _, n := range got {
			if prev, dup := owner[n]; dup {
				t.Errorf("%s claimed by %s and %s", n, prev, node)
			}
			owner[n] = node
		}
	}
	for _, n := range names {
		if owner[n] == "" {
			t.Errorf("%s claimed by nobody", n)
		}
	}
}

func testLeasesOneNodePerPeriod(t *testing.T, fresh NewDSN) {
	dsn := fresh(t)
	stores := make([]*state.Store, fleetNodes)
	for i := range stores {
		stores[i] = open(t, dsn)
	}
	names := sourceNames(fleetSources)
	start := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	for p := range 3 {
		now := start.Add(time.Duration(p) * period)
		byNode := claimPeriod(t, stores, names, now)
		exactlyOnce(t, byNode, names)
		// Within the period, nothing more is due for anyone.
		if again := claimPeriod(t, stores, names, now.Add(period-time.Millisecond)); len(again) != 0 {
			t.Errorf("period %d: claimed again before expiry: %v", p, again)
		}
		t.Logf("period %d: %d nodes claimed %d sources", p, len(byNode), fleetSources)
	}
}

// testLeaseTakeover: a node that claims and dies holds its sources only
// until its leases expire; then another node takes them.
func testLeaseTakeover(t *testing.T, fresh NewDSN) {
	ctx := context.Background()
	dsn := fresh(t)
	dead, alive := open(t, dsn), open(t, dsn)
	names := sourceNames(20)
	now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	got, err := dead.ClaimDue(ctx, "dead", names, now, period, 0)
	if err != nil || !slices.Equal(got, names) {
		t.Fatalf("dead claimed %v, %v", got, err)
	}
	dead.Close()
	for _, tc := range []struct {
		at   time.Duration
		want []string
	}{
		{period / 2, nil},
		{period - time.Millisecond, nil},
		{period, names},
		{period + time.Second, nil}, // now alive's, until period*2
	} {
		got, err := alive.ClaimDue(ctx, "alive", names, now.Add(tc.at), period, 0)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("at +%v: alive claimed %v, %v; want %v", tc.at, got, err, tc.want)
		}
	}
	leases, err := alive.Leases(ctx)
	if err != nil || len(leases) != len(names) || leases[0].Node != "alive" ||
		!leases[0].Expires.Equal(now.Add(2*period)) {
		t.Errorf("leases: %+v %v", leases, err)
	}
}

func testLeaseRelease(t *testing.T, fresh NewDSN) {
	ctx := context.Background()
	s := open(t, fresh(t))
	now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	names := []string{"a", "b"}
	if got, err := s.ClaimDue(ctx, "n1", names, now, time.Hour, 1); err != nil || !slices.Equal(got, []string{"a"}) {
		t.Fatalf("limit 1 claimed %v, %v", got, err)
	}
	// Only the holder can release.
	if err := s.Release(ctx, "n2", "a"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ClaimDue(ctx, "n2", names, now, time.Hour, 0); !slices.Equal(got, []string{"b"}) {
		t.Errorf("n2 claimed %v after a foreign release", got)
	}
	if err := s.Release(ctx, "n1", "a"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ClaimDue(ctx, "n2", names, now, time.Hour, 0); !slices.Equal(got, []string{"a"}) {
		t.Errorf("n2 claimed %v after n1 released a", got)
	}
}

// testClaimPing: of nodes publishing the same bytes at once, one pings.
func testClaimPing(t *testing.T, fresh NewDSN) {
	ctx := context.Background()
	dsn := fresh(t)
	stores := make([]*state.Store, fleetNodes)
	for i := range stores {
		stores[i] = open(t, dsn)
	}
	const feedURL = "https://news.example/feeds/a.xml"
	for _, tc := range []struct {
		hash string
		want int
	}{
		{"h1", 1},
		{"h1", 0},
		{"h2", 1},
		{"h1", 1}, // changed back: subscribers must hear of it
	} {
		var mu sync.Mutex
		won := 0
		var wg sync.WaitGroup
		for _, s := range stores {
			wg.Go(func() {
				ok, err := s.ClaimPing(ctx, feedURL, tc.hash)
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					won++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if won != tc.want {
			t.Errorf("hash %s: %d nodes won the ping, want %d", tc.hash, won, tc.want)
		}
	}
	if ok, err := stores[0].ClaimPing(ctx, "https://news.example/feeds/b.xml", "h1"); err != nil || !ok {
		t.Errorf("another feed with the same hash: %v %v", ok, err)
	}
}

func testPruneDropsLeases(t *testing.T, fresh NewDSN) {
	ctx := context.Background()
	s := open(t, fresh(t))
	now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	if _, err := s.ClaimDue(ctx, "n", []string{"gone", "kept"}, now, time.Hour, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.PruneSources(ctx, []string{"kept"}); err != nil {
		t.Fatal(err)
	}
	leases, err := s.Leases(ctx)
	if err != nil || len(leases) != 1 || leases[0].Source != "kept" {
		t.Errorf("leases after prune: %+v %v", leases, err)
	}
}
