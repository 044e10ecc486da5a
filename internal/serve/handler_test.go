package serve

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func TestHealthz(t *testing.T) {
	for _, tc := range []struct {
		name   string
		health func() (bool, string)
		code   int
		body   string
	}{
		{"no check", nil, 200, "ok\n"},
		{"healthy", func() (bool, string) { return true, "" }, 200, "ok\n"},
		{"unhealthy", func() (bool, string) { return false, "last cycle failed 3h ago: fetch timeout" }, 503,
			"last cycle failed 3h ago: fetch timeout\n"},
		{"unhealthy without reason", func() (bool, string) { return false, "" }, 503, "unhealthy\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base, c := start(t, Options{Root: t.TempDir(), Health: tc.health})
			resp, body := fetch(t, c, "GET", base+"/healthz", nil)
			if resp.StatusCode != tc.code || body != tc.body {
				t.Errorf("got %d %q, want %d %q", resp.StatusCode, body, tc.code, tc.body)
			}
			if resp.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", resp.Header.Get("Cache-Control"))
			}
		})
	}
}

func TestMetricsEndpoint(t *testing.T) {
	root := t.TempDir()
	put(t, root, "rss.xml", "x")
	reg := newRegistry()
	// The daemon builds its metrics before and after the handler, maybe
	// more than once (restarts of its loop): all must share the registry.
	m := NewMetrics(reg)
	base, c := start(t, Options{Root: root, Registry: reg})
	_ = NewHandler(Options{Root: root, Registry: reg})
	if again := NewMetrics(reg); again.cycles != m.cycles {
		t.Error("second NewMetrics did not reuse the registered collectors")
	}

	fetch(t, c, "GET", base+"/rss.xml", nil)
	fetch(t, c, "GET", base+"/missing.xml", nil)
	m.CycleDone(2*time.Second, "ok", 3, time.Unix(1700000000, 0))
	m.CycleDone(0, "skipped", 0, time.Now())
	m.Fetch("hn", "ok")
	m.Fetch("hn", "error")
	m.ItemsHeld("hn", 42)
	m.ItemsHeld("gone", 1)
	m.ForgetSource("gone")

	resp, body := fetch(t, c, "GET", base+"/metrics", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{
		`braid_http_requests_total{code="200"} 1`,
		`braid_http_requests_total{code="404"} 1`,
		`braid_cycle_duration_seconds_count 1`,
		`braid_cycles_total{outcome="ok"} 1`,
		`braid_cycles_total{outcome="skipped"} 1`,
		`braid_cycles_total{outcome="failed"} 0`,
		`braid_fetches_total{outcome="error",source="hn"} 1`,
		`braid_items_held{source="hn"} 42`,
		`braid_feeds_written_total 3`,
		`braid_last_success_timestamp_seconds 1.7e+09`,
	} {
		t.Run(want, func(t *testing.T) {
			if !strings.Contains(body, want) {
				t.Errorf("missing %q", want)
			}
		})
	}
	if strings.Contains(body, `source="gone"`) {
		t.Error("forgotten source still exported")
	}
}

func TestOwnRegistryHasProcessMetrics(t *testing.T) {
	base, c := start(t, Options{Root: t.TempDir()})
	_, body := fetch(t, c, "GET", base+"/metrics", nil)
	for _, want := range []string{"braid_http_requests_total", "go_goroutines"} {
		if !strings.Contains(body, want) {
			t.Errorf("missing %s", want)
		}
	}
}

func TestNilMetricsIsNoop(t *testing.T) {
	var m *Metrics
	m.CycleDone(time.Second, "ok", 1, time.Now())
	m.Fetch("s", "ok")
	m.ItemsHeld("s", 1)
	m.ForgetSource("s")
}

func TestConflictingRegistrationPanics(t *testing.T) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(prometheus.NewGauge(prometheus.GaugeOpts{Name: "braid_feeds_written_total", Help: "wrong kind"}))
	defer func() {
		if recover() == nil {
			t.Error("no panic on a conflicting registration")
		}
	}()
	NewMetrics(reg)
}
