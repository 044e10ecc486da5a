package state

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/braid-feeds/braid/feed"
)

// TestMigrateKeepsSources: a state file of schema 1 (before hints were
// kept) opens, keeps its sources and items (through every migration,
// the items table's rebuild included), and round-trips the new fields.
func TestMigrateKeepsSources(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{schema[0], `PRAGMA user_version = 1`,
		`INSERT INTO sources(name, url, etag, status, failures) VALUES('wire', 'https://w.example/f', '"e"', 'ok', 0)`,
		`INSERT INTO items(source, id, position, first_seen, hash, data) VALUES('wire', 'i1', 0, 1700000000, 'h', '{"ID":"i1","Title":"One"}')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	src, err := s.Source(ctx, "wire")
	if err != nil || src.ETag != `"e"` || !src.HintNext.IsZero() || src.TTL != 0 {
		t.Fatalf("after migration: %+v %v", src, err)
	}
	if n, err := s.ItemCounts(ctx); err != nil || n["wire"] != 1 {
		t.Errorf("item counts %v %v", n, err)
	}
	// Migration 8 rebuilt the items table: the row came along.
	if items, err := s.Items(ctx, "wire"); err != nil || len(items) != 1 || items[0].Title != "One" || items[0].Hash != "h" ||
		!items[0].FirstSeen.Equal(time.Unix(1700000000, 0)) {
		t.Errorf("items after migration: %+v %v", items, err)
	}

	t0 := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	src.HintNext, src.TTL, src.NextFetch = t0.Add(time.Hour), 90*time.Minute, t0.Add(2*time.Hour)
	src.MovedTo, src.Gone, src.ErrorClass = "https://w.example/new", true, "http_status"
	if err := s.SaveSource(ctx, src, []Item{{Item: feed.Item{ID: "i2"}, FirstSeen: t0}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Source(ctx, "wire")
	if err != nil || !got.HintNext.Equal(src.HintNext) || got.TTL != src.TTL || !got.NextFetch.Equal(src.NextFetch) ||
		got.MovedTo != src.MovedTo || !got.Gone || got.ErrorClass != "http_status" {
		t.Errorf("round trip: %+v %v", got, err)
	}
}

// TestSaveSourceConcurrently: sources are fetched in parallel and each
// saves its own outcome; the store serialises the writes itself, so
// every one lands with its items and none fails on a busy database.
func TestSaveSourceConcurrently(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const n = 16
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			name := fmt.Sprint("s", i)
			items := []Item{{Item: feed.Item{ID: name + "-1"}}, {Item: feed.Item{ID: name + "-2"}}}
			errs[i] = s.SaveSource(ctx, Source{Name: name, URL: "https://x.example/" + name, Failures: i}, items)
		})
	}
	wg.Wait()
	counts, err := s.ItemCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		name := fmt.Sprint("s", i)
		t.Run(name, func(t *testing.T) {
			if errs[i] != nil {
				t.Fatalf("save: %v", errs[i])
			}
			src, err := s.Source(ctx, name)
			if err != nil || src.Failures != i || counts[name] != 2 {
				t.Errorf("stored %+v (%v), %d items", src, err, counts[name])
			}
		})
	}
}
