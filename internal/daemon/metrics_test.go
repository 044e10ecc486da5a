package daemon

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/braid-feeds/braid/internal/serve"
)

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestMetricsEndpoint(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "rss.xml"), []byte("x"), 0o644)
	reg := prometheus.NewRegistry()
	// The daemon builds its metrics before and after the handler, maybe
	// more than once (restarts of its loop): all must share the registry.
	m := NewMetrics(reg)
	srv := httptest.NewServer(serve.NewHandler(serve.Options{Root: root, Registry: reg}))
	defer srv.Close()
	_ = serve.NewHandler(serve.Options{Root: root, Registry: reg})
	if again := NewMetrics(reg); again.cycles != m.cycles {
		t.Error("second NewMetrics did not reuse the registered collectors")
	}

	get(t, srv.URL+"/rss.xml")
	get(t, srv.URL+"/missing.xml")
	m.CycleDone(2*time.Second, "ok", 3, time.Unix(1700000000, 0))
	m.CycleDone(0, "skipped", 0, time.Now())
	m.Fetch("hn", "ok")
	m.Fetch("hn", "error")
	m.ItemsHeld("hn", 42)
	m.ItemsHeld("gone", 1)
	m.ForgetSource("gone")

	resp, body := get(t, srv.URL+"/metrics")
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

// TestFetchedBy: one series per source, naming the node that fetched it
// last; a source fetched by a braid alone has none.
func TestFetchedBy(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	srv := httptest.NewServer(serve.NewHandler(serve.Options{Root: t.TempDir(), Registry: reg}))
	defer srv.Close()
	for _, tc := range []struct {
		name, node string
		want       []string
		not        []string
	}{
		{"first fetch", "node-a", []string{`braid_source_fetched_by{node="node-a",source="wire"} 1`}, nil},
		{"taken over", "node-b", []string{`braid_source_fetched_by{node="node-b",source="wire"} 1`}, []string{`node="node-a"`}},
		{"alone", "", nil, []string{`braid_source_fetched_by{`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m.FetchedBy("wire", tc.node)
			_, body := get(t, srv.URL+"/metrics")
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("missing %s", w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(body, n) {
					t.Errorf("still has %s", n)
				}
			}
		})
	}
}
