package serve

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
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

func TestReadyz(t *testing.T) {
	ready := false
	base, c := start(t, Options{Root: t.TempDir(), Ready: func() (bool, string) {
		if !ready {
			return false, "starting: the first cycle has not published yet"
		}
		return true, ""
	}})
	resp, body := fetch(t, c, "GET", base+"/readyz", nil)
	if resp.StatusCode != 503 || body != "starting: the first cycle has not published yet\n" {
		t.Errorf("before the first cycle: %d %q", resp.StatusCode, body)
	}
	ready = true
	if resp, body := fetch(t, c, "GET", base+"/readyz", nil); resp.StatusCode != 200 || body != "ok\n" {
		t.Errorf("after the first cycle: %d %q", resp.StatusCode, body)
	}
}

func TestSetMaxAgeFollowsTheConfigInForce(t *testing.T) {
	root := t.TempDir()
	put(t, root, "rss.xml", "x")
	h := NewHandler(Options{Root: root, MaxAge: time.Hour})
	srv := httptest.NewServer(h)
	defer srv.Close()
	get := func() string {
		resp, err := http.Get(srv.URL + "/rss.xml")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.Header.Get("Cache-Control")
	}
	if got := get(); got != "public, max-age=3600" {
		t.Errorf("Cache-Control %q", got)
	}
	h.SetMaxAge(5 * time.Minute)
	if got := get(); got != "public, max-age=300" {
		t.Errorf("after SetMaxAge: Cache-Control %q", got)
	}
}

// TestMalformedRequestsNotCounted pins what the metric's Help text says:
// net/http answers a malformed request itself with 400, before any
// handler, so braid_http_requests_total does not count it.
func TestMalformedRequestsNotCounted(t *testing.T) {
	root := t.TempDir()
	put(t, root, "rss.xml", "x")
	base, c := start(t, Options{Root: root, Registry: newRegistry()})
	for _, tt := range []struct{ name, req string }{
		{"header without colon", "GET /rss.xml HTTP/1.1\r\nHost: test\r\nno colon here\r\n\r\n"},
		{"two hosts", "GET /rss.xml HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"},
		{"no host", "GET /rss.xml HTTP/1.1\r\n\r\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if code := rawRequest(t, base, tt.req); code != http.StatusBadRequest {
				t.Errorf("status %d, want 400 from net/http", code)
			}
		})
	}
	fetch(t, c, "GET", base+"/rss.xml", nil)
	_, body := fetch(t, c, "GET", base+"/metrics", nil)
	if !strings.Contains(body, `braid_http_requests_total{code="200"} 1`) {
		t.Errorf("the well-formed request was not counted:\n%s", body)
	}
	if !strings.Contains(body, `braid_http_requests_total{code="400"} 0`) {
		t.Error("malformed requests counted, but the Help text says they are not")
	}
	if !strings.Contains(body, "rejects before routing (malformed request line or headers: 400, 431) are not counted") {
		t.Error("the Help text does not say that malformed requests are not counted")
	}
}

// rawRequest writes req verbatim and returns the status of the answer.
func rawRequest(t *testing.T, base, req string) int {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
