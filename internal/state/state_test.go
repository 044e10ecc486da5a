package state

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/braid-feeds/braid/feed"
)

func TestArticleFirstSeenIsStableAcrossReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "state.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	got, err := s.ArticleFirstSeen(ctx, "a", t0)
	if err != nil || !got.Equal(t0) {
		t.Fatalf("%v %v", got, err)
	}
	s.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, _ = s.ArticleFirstSeen(ctx, "a", t0.Add(48*time.Hour))
	if !got.Equal(t0) {
		t.Errorf("first seen moved to %v", got)
	}
}

func TestSourceItemsKeptUnlessReplaced(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Source(ctx, "wire"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	t0 := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	items := []Item{
		{Item: feed.Item{ID: "2", Title: "Two"}, FirstSeen: t0, Hash: "h2"},
		{Item: feed.Item{ID: "1", Title: "One"}, FirstSeen: t0, Hash: "h1"},
	}
	src := Source{Name: "wire", URL: "https://w.example/f", ETag: `"x"`, Status: "ok", LastSuccess: t0,
		Feed: feed.Origin{Title: "Wire"}}
	if err := s.SaveSource(ctx, src, items); err != nil {
		t.Fatal(err)
	}
	src.Status, src.Failures, src.Error = "failed", 1, "HTTP 500"
	if err := s.SaveSource(ctx, src, nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.Items(ctx, "wire")
	if err != nil || len(got) != 2 || got[0].ID != "2" || got[1].Title != "One" || !got[0].FirstSeen.Equal(t0) {
		t.Fatalf("items after a failure: %+v %v", got, err)
	}
	back, err := s.Source(ctx, "wire")
	if err != nil || back.Failures != 1 || back.ETag != `"x"` || !back.LastSuccess.Equal(t0) || back.Feed.Title != "Wire" {
		t.Errorf("source: %+v %v", back, err)
	}
	if err := s.PruneSources(ctx, []string{"other"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Items(ctx, "wire"); len(got) != 0 {
		t.Errorf("items of a removed source kept: %d", len(got))
	}
}
