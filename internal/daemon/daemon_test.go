package daemon

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/cycle"
)

func writeConfig(t *testing.T, schedule string) string {
	t.Helper()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "content"), 0o755)
	os.WriteFile(filepath.Join(dir, "content", "a.md"), []byte("---\ntitle: A Story\ndate: 2026-01-02\n---\nBody text.\n"), 0o644)
	cfg := filepath.Join(dir, "config.yaml")
	os.WriteFile(cfg, []byte("site:\n  title: T\n  url: https://news.example.com\nschedule: \""+schedule+"\"\n"), 0o644)
	return cfg
}

// TestPanicInACycleIsSurvived injects a panic into every other cycle: the
// daemon logs it, counts it, keeps serving and runs the next cycle.
func TestPanicInACycleIsSurvived(t *testing.T) {
	cfg := writeConfig(t, "@every 1s")
	var calls atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{
			ConfigPath: cfg, Listen: "127.0.0.1:0", Ready: ready,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Cycle: func(ctx context.Context, c *config.Config, o cycle.Options) (*cycle.Summary, error) {
				if calls.Add(1)%2 == 1 {
					panic("injected failure")
				}
				return cycle.Run(ctx, c, o)
			},
		})
	}()
	addr := <-ready
	deadline := time.Now().Add(10 * time.Second)
	for calls.Load() < 4 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d cycles ran", calls.Load())
		}
		time.Sleep(50 * time.Millisecond)
	}
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `braid_cycles_total{outcome="panic"}`) {
		t.Errorf("panics not counted:\n%s", body)
	}
	if resp, err := http.Get("http://" + addr + "/a/rss.xml"); err != nil || resp.StatusCode != 200 {
		t.Errorf("not serving after panics: %v %v", err, resp)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(12 * time.Second):
		t.Fatal("no shutdown")
	}
}

func TestHealthTurnsUnhealthyWhenCyclesStopSucceeding(t *testing.T) {
	d := &Daemon{started: time.Now().Add(-time.Hour)}
	c, err := config.Parse("x.yaml", []byte("site:\n  title: T\n  url: https://n.example\nschedule: \"@every 1m\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	d.cfg.Store(c)
	if ok, reason := d.health(); ok || !strings.Contains(reason, "no cycle") {
		t.Errorf("health before any success: %v %q", ok, reason)
	}
	d.lastSuccess.Store(time.Now().Add(-30 * time.Second).UnixNano())
	if ok, _ := d.health(); !ok {
		t.Error("unhealthy right after a success")
	}
	d.lastSuccess.Store(time.Now().Add(-5 * time.Minute).UnixNano())
	msg := "boom"
	d.lastErr.Store(&msg)
	if ok, reason := d.health(); ok || !strings.Contains(reason, "boom") {
		t.Errorf("health after 5 periods: %v %q", ok, reason)
	}
}

func TestSchedulePeriod(t *testing.T) {
	for spec, want := range map[string]time.Duration{"@every 10m": 10 * time.Minute, "*/30 * * * *": 30 * time.Minute, "@hourly": time.Hour, "*/5 * * * * *": 5 * time.Second} {
		if got := schedulePeriod(spec); got != want {
			t.Errorf("%q: %v, want %v", spec, got, want)
		}
	}
}
