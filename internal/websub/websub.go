package websub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// Queue holds feed URLs whose publish ping has not reached the hub yet.
// It is safe for concurrent use.
type Queue struct {
	mu      sync.Mutex
	pending map[string]bool
}

// NewQueue returns an empty queue.
func NewQueue() *Queue { return &Queue{pending: map[string]bool{}} }

// Add queues feed URLs for a ping.
func (q *Queue) Add(urls ...string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, u := range urls {
		q.pending[u] = true
	}
}

// Pending returns the queued URLs, sorted.
func (q *Queue) Pending() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make([]string, 0, len(q.pending))
	for u := range q.pending {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

// Flush pings the hub for every queued URL; the ones that fail stay
// queued. It returns the failures joined.
func (q *Queue) Flush(ctx context.Context, client *http.Client, hub, userAgent string) error {
	var errs []error
	for _, u := range q.Pending() {
		if err := Ping(ctx, client, hub, u, userAgent); err != nil {
			errs = append(errs, err)
			continue
		}
		q.mu.Lock()
		delete(q.pending, u)
		q.mu.Unlock()
	}
	return errors.Join(errs...)
}

// Ping sends one publish notification (hub.mode=publish, hub.url=feed).
// Hubs answer 2xx (usually 204) when they accept it.
func Ping(ctx context.Context, client *http.Client, hub, feedURL, userAgent string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	form := url.Values{"hub.mode": {"publish"}, "hub.url": {feedURL}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hub, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("websub: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", userAgent)
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("websub: ping %s for %s: %w", hub, feedURL, err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("websub: ping %s for %s: hub answered %s", hub, feedURL, resp.Status)
	}
	return nil
}
