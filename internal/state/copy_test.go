package state

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/internal/state/pgtest"
)

// fill gives s rows in every table.
func fill(t *testing.T, s *Store, sources, itemsEach int) {
	t.Helper()
	ctx := context.Background()
	t0 := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	var names []string
	for i := range sources {
		name := fmt.Sprintf("src-%03d", i)
		names = append(names, name)
		src := Source{Name: name, URL: "https://w.example/" + name, ETag: `"e"`, Status: "ok", LastSuccess: t0,
			TTL: time.Hour, Failures: i % 3, Gone: i%7 == 0, FetchedBy: "node-a", Feed: feed.Origin{Title: name}}
		var items []Item
		for j := range itemsEach {
			items = append(items, Item{Item: feed.Item{ID: fmt.Sprintf("%s/%d", name, j), Title: "<i>ü</i>", Summary: "<p>s\x00</p>", ContentHTML: "<div>c \xff</div>",
				Published: t0}, FirstSeen: t0.Add(time.Duration(j) * time.Minute), Hash: "h"})
		}
		if err := s.SaveSource(ctx, src, items); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ArticleFirstSeen(ctx, "article-"+name, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ClaimPing(ctx, "https://news.example/"+name+".xml", "h"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.ClaimDue(ctx, "node-a", names, t0, time.Minute, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.SetMeta(ctx, "fingerprint", "abc"); err != nil {
		t.Fatal(err)
	}
	outs := make([]Output, 0, sources)
	for i := range sources {
		outs = append(outs, Output{Path: fmt.Sprintf("s%d/rss.xml", i), Unit: fmt.Sprintf("feed:s%d", i), Hash: "h"})
	}
	if err := s.SaveOutputs(ctx, "/srv/out", outs, nil); err != nil {
		t.Fatal(err)
	}
	// Kept scores are bytes, NULs and all: they must survive both
	// backends' binary columns.
	rows := make([]ScoreRow, 0, sources)
	for i := range sources {
		rows = append(rows, ScoreRow{Slug: fmt.Sprintf("a%d", i), Digest: "d", Query: []byte{0, byte(i), 0xff}, Matches: []byte(`[]`), Terms: []byte("bridg\x00harbour")})
	}
	vecs := make([]ItemVector, 0, sources)
	for i := range sources {
		vecs = append(vecs, ItemVector{ID: fmt.Sprintf("i%d", i), Hash: 1<<63 | uint64(i), Vec: []byte{0, byte(i)}, Print: []byte{byte(i), 0}})
	}
	cached := make([]CachedArticle, 0, sources)
	for i := range sources {
		cached = append(cached, CachedArticle{Path: fmt.Sprintf("content/a%d.md", i), Sum: "s", Data: []byte(`{"Title":"T"}`)})
	}
	if err := s.SaveArticleCache(ctx, "/srv/out", cached, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.KeepItemVectors(ctx, "/srv/out", 1, vecs); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveScores(ctx, "/srv/out", ScoreUpdate{Key: "k1", Gen: 1, DF: []byte{3, 'k', 'e', 'y', 7}, Docs: 120, Set: rows}); err != nil {
		t.Fatal(err)
	}
}

// dump returns every row of every table, in a fixed order.
func dump(t *testing.T, s *Store) map[string][][]any {
	t.Helper()
	out := map[string][][]any{}
	for _, tb := range tables {
		cols := strings.Join(tb.cols, ", ")
		rows, err := s.query(context.Background(), `SELECT `+cols+` FROM `+tb.name+` ORDER BY `+cols)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			vals := make([]any, len(tb.cols))
			ptrs := make([]any, len(vals))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				// An empty BLOB scans as nil from one driver and as an
				// empty slice from the other: the same bytes.
				if b, ok := v.([]byte); ok && len(b) == 0 {
					vals[i] = []byte{}
				}
			}
			out[tb.name] = append(out[tb.name], vals)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestCopyRoundTrip: SQLite → PostgreSQL → SQLite keeps every row, and
// copying into a store that has rows replaces them.
func TestCopyRoundTrip(t *testing.T) {
	ctx := context.Background()
	open := func(dsn string) *Store {
		s, err := Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	orig := open(filepath.Join(t.TempDir(), "a.db"))
	fill(t, orig, 120, 5)
	pg := open(pgtest.URL(t))
	fill(t, pg, 3, 1) // to be replaced
	back := open(filepath.Join(t.TempDir(), "b.db"))

	want := dump(t, orig)
	for _, step := range []struct{ from, to *Store }{{orig, pg}, {pg, back}} {
		counts, err := Copy(ctx, step.from, step.to)
		if err != nil {
			t.Fatal(err)
		}
		wantCounts := Counts{"articles": 120, "sources": 120, "items": 600, "meta": 1, "leases": 120, "pings": 120, "outputs": 120, "score_sets": 1, "scores": 120, "score_items": 120, "article_cache": 120}
		if !reflect.DeepEqual(counts, wantCounts) {
			t.Errorf("%s → %s counts %v, want %v", step.from.Backend(), step.to.Backend(), counts, wantCounts)
		}
		if got := dump(t, step.to); !reflect.DeepEqual(got, want) {
			t.Errorf("%s → %s: rows differ", step.from.Backend(), step.to.Backend())
		}
	}
	src, err := back.Source(ctx, "src-007")
	if err != nil || !src.Gone || src.FetchedBy != "node-a" || src.TTL != time.Hour {
		t.Errorf("source after the round trip: %+v %v", src, err)
	}
}
