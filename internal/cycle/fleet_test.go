package cycle

import (
	"bytes"
	"context"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/internal/state/pgtest"
	"github.com/braid-feeds/braid/internal/websub"
)

// TestFleetNodesPublishTheSameSite: two nodes on one PostgreSQL state,
// each with its own out/, publish byte-identical files; one of them
// fetched the source and both say so; the hub hears of each feed once.
func TestFleetNodesPublishTheSameSite(t *testing.T) {
	dsn := pgtest.URL(t)
	h := &hub{}
	srv := httptest.NewServer(h)
	defer srv.Close()
	cfgA, _ := riverSite(t, "state: "+dsn+"\nrelated:\n  max_age: 0s\nsources:\n  - {name: Wire, url: feeds/wire.xml}\nwebsub:\n  hub: "+srv.URL+"/hub\n")
	cfgB := *cfgA
	cfgB.Out = t.TempDir()
	ctx := context.Background()
	open := func() *state.Store {
		st, err := state.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	stA, stB := open(), open()
	qA, qB := websub.NewQueue(), websub.NewQueue()
	for cycle := range 2 {
		sumA, err := Run(ctx, cfgA, Options{Store: stA, Node: "node-a", WebSub: qA})
		if err != nil {
			t.Fatal(err)
		}
		sumB, err := Run(ctx, &cfgB, Options{Store: stB, Node: "node-b", WebSub: qB})
		if err != nil {
			t.Fatal(err)
		}
		pings := h.take()
		switch cycle {
		case 0:
			if sumA.SourcesOK != 1 || sumB.Leased != 1 {
				t.Errorf("first cycle: node-a %s; node-b %s", sumA, sumB)
			}
			for _, s := range append(sumA.Sources, sumB.Sources...) {
				if s.FetchedBy != "node-a" {
					t.Errorf("%s fetched by %q, want node-a", s.Name, s.FetchedBy)
				}
			}
			if len(pings) != 12 || len(sumB.Changed) != 12 {
				t.Errorf("hub heard of %d feeds, node-b changed %d; want 12 pings for 12 feeds once", len(pings), len(sumB.Changed))
			}
		default:
			if len(pings) != 0 {
				t.Errorf("cycle %d pinged %v", cycle, pings)
			}
		}
		sameFiles(t, cfgA.Out, cfgB.Out)
	}
}

// sameFiles fails unless folders a and b hold the same files, byte for byte.
func sameFiles(t *testing.T, a, b string) {
	t.Helper()
	n := 0
	err := filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, p)
		x, _ := os.ReadFile(p)
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between the nodes (%v)", rel, err)
		}
		n++
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("walking %s: %d files, %v", a, n, err)
	}
}
