package fetcher

import (
	"context"
	"net/url"
	"strings"
	"sync"
)

// Limiter hands out request slots: at most perHost to one host, at most
// total overall. A source takes its host Slot first and a global Slot
// second, so a global Slot is only ever held by a source that can use it
// at once: sources piled up behind a slow host wait on that host's slots,
// not on the global ones, and every other host keeps being fetched.
type Limiter struct {
	global  chan struct{}
	perHost int

	mu    sync.Mutex
	hosts map[string]chan struct{}
}

// NewLimiter lets total requests run at once, perHost of them to one host.
func NewLimiter(total, perHost int) *Limiter {
	return &Limiter{global: make(chan struct{}, total), perHost: perHost, hosts: map[string]chan struct{}{}}
}

func (l *Limiter) host(h string) chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.hosts[h]
	if c == nil {
		c = make(chan struct{}, l.perHost)
		l.hosts[h] = c
	}
	return c
}

// Slot is one source's permission to fetch.
type Slot struct {
	l      *Limiter
	host   chan struct{}
	mu     sync.Mutex
	global bool // still holds a global Slot
}

// Acquire waits for a Slot for host ("" for local files: no host limit).
func (l *Limiter) Acquire(ctx context.Context, host string) (*Slot, error) {
	s := &Slot{l: l}
	if host != "" {
		s.host = l.host(host)
		select {
		case s.host <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	select {
	case l.global <- struct{}{}:
		s.global = true
	case <-ctx.Done():
		if s.host != nil {
			<-s.host
		}
		return nil, ctx.Err()
	}
	return s, nil
}

// Demote gives the global Slot back early, keeping the host Slot. A
// source still waiting for its answer after a while (a dead host, a
// server that hangs or drips) costs only a socket, and holding a global
// Slot for its whole deadline would make the cycle grow with the number
// of bad sources: twenty dead hosts would stall sixteen slots for twenty
// seconds each. Its host stays limited as before.
func (s *Slot) Demote() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.global {
		<-s.l.global
		s.global = false
	}
}

// Release gives back whatever the Slot still holds; calling it again
// does nothing.
func (s *Slot) Release() {
	s.Demote()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.host != nil {
		<-s.host
		s.host = nil
	}
}

// HostKey is what per_host counts: host and port, lower case. A port
// is a separate server as far as load goes (and it keeps test servers on
// 127.0.0.1 apart); the default port is dropped so "host" and "host:443"
// are one.
func HostKey(rawURL string) string {
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
