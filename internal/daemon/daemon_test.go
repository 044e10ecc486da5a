package daemon

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
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
	os.WriteFile(cfg, []byte("site:\n  title: T\n  url: https://news.example.com\nschedule: \""+schedule+"\"\nschedule_min_period: 1s\n"), 0o644)
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

// startDaemon runs a daemon on cfg with the given cycle until the test
// ends, and returns its address and reload channel.
func startDaemon(t *testing.T, cfg string, cyc func(context.Context, *config.Config, cycle.Options) (*cycle.Summary, error)) (string, chan os.Signal) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	reload := make(chan os.Signal, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{
			ConfigPath: cfg, Listen: "127.0.0.1:0", Ready: ready, Reload: reload,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Cycle: cyc,
		})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("no shutdown")
		}
	})
	return <-ready, reload
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestReloadDuringACycleRunsOnceItEnds: a SIGHUP while a cycle runs must
// not wait for the next scheduled cycle (an hour away here).
func TestReloadDuringACycleRunsOnceItEnds(t *testing.T) {
	cfg := writeConfig(t, "@every 1h")
	release := make(chan struct{})
	var calls atomic.Int64
	var schedules []string
	var mu sync.Mutex
	_, reload := startDaemon(t, cfg, func(ctx context.Context, c *config.Config, o cycle.Options) (*cycle.Summary, error) {
		mu.Lock()
		schedules = append(schedules, c.Schedule)
		mu.Unlock()
		if calls.Add(1) == 1 {
			<-release
		}
		return cycle.Run(ctx, c, o)
	})
	waitFor(t, "the first cycle", func() bool { return calls.Load() == 1 })
	data, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, []byte(strings.Replace(string(data), "@every 1h", "@every 2h", 1)), 0o644)
	reload <- syscall.SIGHUP
	time.Sleep(200 * time.Millisecond) // the reload is handled while the cycle still runs
	close(release)
	waitFor(t, "the reload cycle", func() bool { return calls.Load() == 2 })
	mu.Lock()
	defer mu.Unlock()
	if schedules[1] != "@every 2h" {
		t.Errorf("the queued cycle ran with schedule %q, not the reloaded config's", schedules[1])
	}
}

// TestReadyzAndMaxAgeFollowTheDaemon: /readyz is 503 until a cycle has
// published, and Cache-Control follows a reloaded schedule.
func TestReadyzAndMaxAgeFollowTheDaemon(t *testing.T) {
	cfg := writeConfig(t, "@every 1h")
	release := make(chan struct{})
	var calls atomic.Int64
	addr, reload := startDaemon(t, cfg, func(ctx context.Context, c *config.Config, o cycle.Options) (*cycle.Summary, error) {
		if calls.Add(1) == 1 {
			<-release
		}
		return cycle.Run(ctx, c, o)
	})
	status := func(path string) (int, string) {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Cache-Control")
	}
	if code, _ := status("/readyz"); code != 503 {
		t.Errorf("/readyz during the first cycle: %d, want 503", code)
	}
	if code, _ := status("/healthz"); code != 200 {
		t.Errorf("/healthz during the first cycle: %d, want 200 (liveness)", code)
	}
	close(release)
	waitFor(t, "readiness", func() bool { code, _ := status("/readyz"); return code == 200 })
	if _, cc := status("/a/rss.xml"); cc != "public, max-age=3600" {
		t.Errorf("Cache-Control %q", cc)
	}
	data, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, []byte(strings.Replace(string(data), "@every 1h", "@every 10m", 1)), 0o644)
	reload <- syscall.SIGHUP
	waitFor(t, "the new max-age", func() bool { _, cc := status("/a/rss.xml"); return cc == "public, max-age=600" })
}
