package sources

import (
	"context"
	"net/url"
	"strings"
	"sync"
)

// limiter hands out request slots: at most perHost to one host, at most
// total overall. A source takes its host slot first and a global slot
// second, so a global slot is only ever held by a source that can use it
// at once: sources piled up behind a slow host wait on that host's slots,
// not on the global ones, and every other host keeps being fetched.
type limiter struct {
	global  chan struct{}
	perHost int

	mu    sync.Mutex
	hosts map[string]chan struct{}
}

func newLimiter(total, perHost int) *limiter {
	return &limiter{global: make(chan struct{}, total), perHost: perHost, hosts: map[string]chan struct{}{}}
}

func (l *limiter) host(h string) chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.hosts[h]
	if c == nil {
		c = make(chan struct{}, l.perHost)
		l.hosts[h] = c
	}
	return c
}

// acquire waits for a slot for host ("" for local files: no host limit)
// and returns the function that gives it back.
func (l *limiter) acquire(ctx context.Context, host string) (release func(), err error) {
	var hc chan struct{}
	if host != "" {
		hc = l.host(host)
		select {
		case hc <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	select {
	case l.global <- struct{}{}:
	case <-ctx.Done():
		if hc != nil {
			<-hc
		}
		return nil, ctx.Err()
	}
	return func() {
		<-l.global
		if hc != nil {
			<-hc
		}
	}, nil
}

// hostKey is what per_host counts: host and port, lower case. A port
// is a separate server as far as load goes (and it keeps test servers on
// 127.0.0.1 apart); the default port is dropped so "host" and "host:443"
// are one.
func hostKey(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return ""
	}
	h := strings.ToLower(u.Hostname())
	if p := u.Port(); p != "" && !(p == "80" && u.Scheme == "http") && !(p == "443" && u.Scheme == "https") {
		h += ":" + p
	}
	return h
}
