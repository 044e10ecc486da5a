package sources

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/braid-feeds/braid/internal/state"
)

// TestEveryLimitsFetches: a source with every: 1h is fetched once in the
// hour, contributes its stored items in between, and is fetched again
// after the hour.
func TestEveryLimitsFetches(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://t.example/</link><description>d</description>
<item><title>One</title><link>https://t.example/1</link><guid>https://t.example/1</guid></item></channel></rss>`))
	}))
	defer srv.Close()
	ctx := context.Background()
	st, err := state.Open(ctx, filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	f := New(Options{UserAgent: "test", Now: func() time.Time { return now }}, st)
	spec := []Spec{{Name: "hourly", URL: srv.URL + "/feed", Every: time.Hour}}
	for i, step := range []struct {
		advance time.Duration
		status  string
		hits    int64
	}{{0, StatusOK, 1}, {10 * time.Minute, StatusSkipped, 1}, {40 * time.Minute, StatusSkipped, 1}, {15 * time.Minute, StatusOK, 2}} {
		now = now.Add(step.advance)
		res, err := f.FetchAll(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		if res[0].Status != step.status || hits.Load() != step.hits || len(res[0].Items) != 1 {
			t.Errorf("step %d: status %s, %d requests, %d items; want %s, %d, 1", i, res[0].Status, hits.Load(), len(res[0].Items), step.status, step.hits)
		}
	}
}

// TestIDsSurviveALostStateFile: items whose GUID is not a URL get tag:
// ids dated by their own publication day, so a fresh state file on a
// later day gives the same ids and readers see nothing twice.
func TestIDsSurviveALostStateFile(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://t.example/</link><description>d</description>
<item><title>One</title><link>https://t.example/1</link><guid isPermaLink="false">item-1</guid><pubDate>Mon, 23 Nov 2026 10:00:00 +0000</pubDate></item></channel></rss>`))
	}))
	defer srv.Close()
	ids := func(now time.Time) string {
		st, err := state.Open(context.Background(), filepath.Join(t.TempDir(), "state.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		f := New(Options{UserAgent: "test", TagAuthority: "news.example.com", Now: func() time.Time { return now }}, st)
		res, err := f.FetchAll(context.Background(), []Spec{{Name: "T", URL: srv.URL}})
		if err != nil || len(res[0].Items) != 1 {
			t.Fatal(err, res)
		}
		return res[0].Items[0].ID
	}
	a := ids(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	b := ids(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	if a != b || a != "tag:news.example.com,2026-11-23:braid/t/"+a[len(a)-20:] {
		t.Errorf("ids %q and %q", a, b)
	}
}
