package state

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/internal/state/pgtest"
)

// TestPostgresOutage: while the database is down every call fails with a
// clear state: error; once it is back the same Store works again and
// holds exactly what was saved before the outage.
func TestPostgresOutage(t *testing.T) {
	ctx := context.Background()
	c, dsn := pgtest.Private(t, "outage")
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t0 := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	before := Source{Name: "wire", URL: "https://w.example/f", Status: "ok", LastSuccess: t0}
	items := []Item{{Item: feed.Item{ID: "a"}, FirstSeen: t0, Hash: "h"}}
	if err := s.SaveSource(ctx, before, items); err != nil {
		t.Fatal(err)
	}

	if err := c.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	after := before
	after.Status, after.FetchedBy = "not_modified", "node-a"
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"SaveSource", func() error { return s.SaveSource(ctx, after, nil) }},
		{"Source", func() error { _, err := s.Source(ctx, "wire"); return err }},
		{"ClaimDue", func() error { _, err := s.ClaimDue(ctx, "n", []string{"wire"}, t0, time.Minute, 0); return err }},
		{"ClaimPing", func() error { _, err := s.ClaimPing(ctx, "u", "h"); return err }},
	} {
		err := tc.call()
		if err == nil || !strings.HasPrefix(err.Error(), "state: ") {
			t.Errorf("%s with the database down: %v, want a state: error", tc.name, err)
		}
	}

	if err := c.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := s.Source(ctx, "wire")
	if err != nil || !reflect.DeepEqual(got, before) {
		t.Errorf("after the outage: %+v %v", got, err)
	}
	if err := s.SaveSource(ctx, after, nil); err != nil {
		t.Errorf("saving after the outage: %v", err)
	}
	if its, err := s.Items(ctx, "wire"); err != nil || len(its) != 1 {
		t.Errorf("items after the outage: %+v %v", its, err)
	}
}
