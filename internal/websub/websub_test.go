package websub

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// hub is a WebSub hub on 127.0.0.1 that records every publish ping and
// answers with the status its answer function picks for the feed URL.
type hub struct {
	mu     sync.Mutex
	pings  []url.Values
	header []http.Header
	answer func(feed string) int
}

func (h *hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost {
		http.Error(w, "bad ping", http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	h.pings = append(h.pings, r.PostForm)
	h.header = append(h.header, r.Header.Clone())
	h.mu.Unlock()
	w.WriteHeader(h.answer(r.PostForm.Get("hub.url")))
}

// feeds lists the hub.url of every ping received, in order.
func (h *hub) feeds() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, p := range h.pings {
		out = append(out, p["hub.url"]...)
	}
	return out
}

func startHub(t *testing.T, answer func(feed string) int) (*hub, string) {
	t.Helper()
	h := &hub{answer: answer}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return h, srv.URL
}

func TestPingSendsThePublishForm(t *testing.T) {
	h, hubURL := startHub(t, func(string) int { return http.StatusNoContent })
	const feed = "https://news.example.com/feeds/a-story/atom.xml?x=1&y=2"
	if err := Ping(context.Background(), http.DefaultClient, hubURL, feed, "braid/test"); err != nil {
		t.Fatal(err)
	}
	if len(h.pings) != 1 {
		t.Fatalf("%d pings, want 1", len(h.pings))
	}
	want := url.Values{"hub.mode": {"publish"}, "hub.url": {feed}}
	if !reflect.DeepEqual(h.pings[0], want) {
		t.Errorf("form %v, want %v", h.pings[0], want)
	}
	if got := h.header[0].Get("Content-Type"); got != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type %q", got)
	}
	if got := h.header[0].Get("User-Agent"); got != "braid/test" {
		t.Errorf("User-Agent %q", got)
	}
}

func TestFlush(t *testing.T) {
	feeds := []string{"https://n.example.com/b/atom.xml", "https://n.example.com/a/rss.xml", "https://n.example.com/c/feed.json"}
	tests := []struct {
		name string
		// answers is the hub's status per flush; the same for every feed.
		answers     []int
		wantPending [][]string // after each flush
		wantErr     []bool
	}{
		{
			name:        "2xx clears the queue",
			answers:     []int{http.StatusNoContent},
			wantPending: [][]string{{}},
			wantErr:     []bool{false},
		},
		{
			name:        "200 is accepted too",
			answers:     []int{http.StatusOK},
			wantPending: [][]string{{}},
			wantErr:     []bool{false},
		},
		{
			name:        "failures stay queued and are retried on the next flush",
			answers:     []int{http.StatusServiceUnavailable, http.StatusAccepted},
			wantPending: [][]string{sorted(feeds), {}},
			wantErr:     []bool{true, false},
		},
		{
			name:        "a redirect is no acceptance",
			answers:     []int{http.StatusNotModified},
			wantPending: [][]string{sorted(feeds)},
			wantErr:     []bool{true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			round := 0
			h, hubURL := startHub(t, func(string) int {
				mu.Lock()
				defer mu.Unlock()
				return tt.answers[round]
			})
			q := NewQueue()
			q.Add(feeds...)
			q.Add(feeds[0]) // queued twice, pinged once
			for i := range tt.answers {
				mu.Lock()
				round = i
				mu.Unlock()
				err := q.Flush(context.Background(), http.DefaultClient, hubURL, "braid/test")
				if (err != nil) != tt.wantErr[i] {
					t.Errorf("flush %d: err = %v, want error %v", i, err, tt.wantErr[i])
				}
				if err != nil && !strings.HasPrefix(err.Error(), "websub: ") {
					t.Errorf("flush %d: error lacks the package prefix: %v", i, err)
				}
				if got := q.Pending(); !reflect.DeepEqual(got, tt.wantPending[i]) {
					t.Errorf("flush %d: pending %v, want %v", i, got, tt.wantPending[i])
				}
			}
			// Every flush pinged every feed still queued, once each.
			if got, want := len(h.feeds()), len(feeds)*len(tt.answers); got != want {
				t.Errorf("%d pings, want %d: %v", got, want, h.feeds())
			}
		})
	}
}

func TestFlushKeepsOnlyTheFailures(t *testing.T) {
	const bad = "https://n.example.com/bad/atom.xml"
	_, hubURL := startHub(t, func(feed string) int {
		if feed == bad {
			return http.StatusInternalServerError
		}
		return http.StatusNoContent
	})
	q := NewQueue()
	q.Add("https://n.example.com/good/atom.xml", bad)
	err := q.Flush(context.Background(), http.DefaultClient, hubURL, "braid/test")
	if err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "500") {
		t.Errorf("error %v does not name the failed feed and the status", err)
	}
	if got := q.Pending(); !reflect.DeepEqual(got, []string{bad}) {
		t.Errorf("pending %v, want only the failed feed", got)
	}
}

// TestPingWaitIsBounded: a hub that never answers costs the caller its
// deadline, not a hung cycle, and the ping stays queued.
func TestPingWaitIsBounded(t *testing.T) {
	tests := []struct {
		name string
		hub  func(t *testing.T) string
		want error
	}{
		{"hub never answers", func(t *testing.T) string {
			release := make(chan struct{})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-release:
				}
			}))
			t.Cleanup(srv.Close)
			t.Cleanup(func() { close(release) })
			return srv.URL
		}, context.DeadlineExceeded},
		{"hub unreachable", func(t *testing.T) string {
			srv := httptest.NewServer(http.NotFoundHandler())
			u := srv.URL
			srv.Close()
			return u
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			q := NewQueue()
			q.Add("https://n.example.com/a/atom.xml")
			err := q.Flush(ctx, http.DefaultClient, tt.hub(t), "braid/test")
			if err == nil {
				t.Fatal("no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
			if len(q.Pending()) != 1 {
				t.Errorf("the ping was dropped: pending %v", q.Pending())
			}
		})
	}
}

func TestPingRefusesABadHubURL(t *testing.T) {
	err := Ping(context.Background(), http.DefaultClient, "://no-scheme", "https://n.example.com/f", "braid/test")
	if err == nil || !strings.HasPrefix(err.Error(), "websub: ") {
		t.Errorf("err = %v, want a websub error", err)
	}
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
