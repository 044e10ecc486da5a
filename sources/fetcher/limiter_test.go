package fetcher

import (
	"context"
	"testing"
)

func TestHostKey(t *testing.T) {
	for in, want := range map[string]string{
		"https://Feeds.Example.com/a":     "feeds.example.com",
		"https://feeds.example.com:443/a": "feeds.example.com",
		"http://feeds.example.com:80/a":   "feeds.example.com",
		"http://127.0.0.1:8080/feed":      "127.0.0.1:8080",
		"http://[::1]:8080/feed":          "::1:8080",
		"/srv/feeds/wire.xml":             "",
	} {
		if got := HostKey(in); got != want {
			t.Errorf("HostKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLimiter(t *testing.T) {
	ctx := context.Background()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	l := NewLimiter(2, 1)
	a, err := l.Acquire(ctx, "a.example")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := l.Acquire(ctx, "b.example")
	if _, err := l.Acquire(cancelled, "c.example"); err == nil {
		t.Fatal("a third global slot was handed out")
	}
	a.Demote()
	c, err := l.Acquire(ctx, "c.example") // would block forever without the demotion
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Acquire(cancelled, "a.example"); err == nil {
		t.Error("a demoted source gave up its host slot")
	}
	a.Release()
	a.Release() // a second release gives back nothing
	c.Release()
	d, err := l.Acquire(ctx, "a.example")
	if err != nil {
		t.Fatal(err)
	}
	d.Release()
	b.Release()
	if len(l.global) != 0 {
		t.Errorf("%d global slots leaked", len(l.global))
	}
}
