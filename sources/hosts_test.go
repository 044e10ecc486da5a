package sources

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
		if got := hostKey(in); got != want {
			t.Errorf("hostKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLimiter(t *testing.T) {
	ctx := context.Background()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	l := newLimiter(2, 1)
	a, err := l.acquire(ctx, "a.example")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := l.acquire(ctx, "b.example")
	if _, err := l.acquire(cancelled, "c.example"); err == nil {
		t.Fatal("a third global slot was handed out")
	}
	a.demote()
	c, err := l.acquire(ctx, "c.example") // would block forever without the demotion
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.acquire(cancelled, "a.example"); err == nil {
		t.Error("a demoted source gave up its host slot")
	}
	a.release()
	a.release() // a second release gives back nothing
	c.release()
	d, err := l.acquire(ctx, "a.example")
	if err != nil {
		t.Fatal(err)
	}
	d.release()
	b.release()
	if len(l.global) != 0 {
		t.Errorf("%d global slots leaked", len(l.global))
	}
}
