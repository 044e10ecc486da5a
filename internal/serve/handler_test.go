package serve

import (
	"strings"
	"testing"
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

func TestHTTPRequestsMetric(t *testing.T) {
	root := t.TempDir()
	put(t, root, "rss.xml", "x")
	reg := newRegistry()
	base, c := start(t, Options{Root: root, Registry: reg})
	// A second handler on the same registry shares its collector.
	_ = NewHandler(Options{Root: root, Registry: reg})
	fetch(t, c, "GET", base+"/rss.xml", nil)
	fetch(t, c, "GET", base+"/missing.xml", nil)
	_, body := fetch(t, c, "GET", base+"/metrics", nil)
	for _, want := range []string{`braid_http_requests_total{code="200"} 1`, `braid_http_requests_total{code="404"} 1`} {
		if !strings.Contains(body, want) {
			t.Errorf("missing %q", want)
		}
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
