package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// changingFeed is a source whose newest item changes every time tick is
// called, so a test can watch a change travel from source to served feed.
type changingFeed struct {
	n atomic.Int64
}

func (c *changingFeed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := c.n.Load()
	w.Header().Set("Content-Type", "application/rss+xml")
	fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Live Wire</title><link>https://live.example/</link><description>d</description>
<item><title>Halden Strata Update %d: Norrvik Plant Adds Battery Floor Line</title><link>https://live.example/halden-strata-%d</link><guid>https://live.example/halden-strata-%d</guid>
<description>Halden Motors said the Strata battery platform floor cells are now made at Norrvik, update %d.</description><pubDate>Mon, 23 Nov 2026 10:00:00 +0000</pubDate></item>
</channel></rss>`, n, n, n, n)
}

// daemonProc is a running `braid run`.
type daemonProc struct {
	cmd    *exec.Cmd
	addr   string
	stderr *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func startDaemon(t *testing.T, cfg string, args ...string) *daemonProc {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(braidBin, append([]string{"run", "--config", cfg, "--listen", addr, "--log-format", "json"}, args...)...)
	buf := &syncBuffer{}
	cmd.Stderr = buf
	cmd.Stdout = buf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d := &daemonProc{cmd: cmd, addr: addr, stderr: buf}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
		if t.Failed() {
			t.Logf("daemon log:\n%s", buf.String())
		}
	})
	waitFor(t, 15*time.Second, "the first cycle to publish", func() bool {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		_, err = os.Stat(filepath.Join(filepath.Dir(cfg), "out", "index.html"))
		return err == nil
	})
	return d
}

func waitFor(t *testing.T, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s after %s", what, limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func get(t *testing.T, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	tr := &http.Transport{DisableCompression: true}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func liveSite(t *testing.T) (cfg string, src *changingFeed) {
	src = &changingFeed{}
	srv := httptest.NewServer(src)
	t.Cleanup(srv.Close)
	_, cfg = site(t, [][2]string{{"Live Wire", srv.URL + "/feed"}}, "schedule: \"@every 1s\"\nschedule_min_period: 1s\nfetch:\n  timeout: 3s\n")
	return cfg, src
}

func TestRunServesAndPicksUpChanges(t *testing.T) {
	cfg, src := liveSite(t)
	d := startDaemon(t, cfg)
	feedURL := "http://" + d.addr + "/halden-strata-battery-platform/rss.xml"
	waitFor(t, 10*time.Second, "update 0 in the served feed", func() bool {
		_, body := get(t, feedURL)
		return bytes.Contains(body, []byte("Halden Strata Update 0:"))
	})
	src.n.Store(1)
	waitFor(t, 10*time.Second, "update 1 to arrive", func() bool {
		_, body := get(t, feedURL)
		return bytes.Contains(body, []byte("Halden Strata Update 1:"))
	})

	resp, body := get(t, feedURL)
	if ct := resp.Header.Get("Content-Type"); ct != "application/rss+xml; charset=utf-8" {
		t.Errorf("content type %q", ct)
	}
	etag := resp.Header.Get("ETag")
	if etag == "" || resp.Header.Get("Last-Modified") == "" {
		t.Fatalf("no validators: %v", resp.Header)
	}
	if resp, _ := get(t, feedURL, "If-None-Match", etag); resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", resp.StatusCode)
	}
	resp, gz := get(t, feedURL, "Accept-Encoding", "gzip")
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("no gzip: %v", resp.Header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !bytes.Equal(plain, body) && !bytes.Contains(plain, []byte("Halden Strata Update")) {
		t.Error("gzip body differs")
	}
	if resp, _ := get(t, "http://"+d.addr+"/metrics"); resp.StatusCode != 200 {
		t.Errorf("/metrics: %d", resp.StatusCode)
	}
	if _, m := get(t, "http://"+d.addr+"/metrics"); !bytes.Contains(m, []byte("braid_cycles_total")) {
		t.Error("/metrics lacks braid_cycles_total")
	}
}

func TestRunReloadKeepsGoodConfigAndStopsCleanly(t *testing.T) {
	cfg, _ := liveSite(t)
	d := startDaemon(t, cfg)
	good, _ := os.ReadFile(cfg)
	if err := os.WriteFile(cfg, append(good, []byte("bogus_key: 1\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	d.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, 5*time.Second, "the reload to be refused", func() bool {
		return strings.Contains(d.stderr.String(), "reload refused")
	})
	if !strings.Contains(d.stderr.String(), "bogus_key") {
		t.Error("refusal does not name the bad key")
	}
	if rec := logRecord(t, d.stderr.String(), "reload refused"); !strings.Contains(fmt.Sprint(rec["error"]), "bogus_key") {
		t.Errorf("the refusal's error is not under the key \"error\": %v", rec)
	}
	if resp, _ := get(t, "http://"+d.addr+"/halden-strata-battery-platform/atom.xml"); resp.StatusCode != 200 {
		t.Errorf("not serving after a bad reload: %d", resp.StatusCode)
	}
	if resp, _ := get(t, "http://"+d.addr+"/healthz"); resp.StatusCode != 200 {
		t.Errorf("unhealthy after a bad reload: %d", resp.StatusCode)
	}

	start := time.Now()
	d.cmd.Process.Signal(syscall.SIGTERM)
	err := d.cmd.Wait()
	if err != nil {
		t.Errorf("exit after SIGTERM: %v", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("shutdown took %s", took)
	}
}

func TestRunNeverServesAPartialFeed(t *testing.T) {
	cfg, src := liveSite(t)
	d := startDaemon(t, cfg)
	feedURL := "http://" + d.addr + "/halden-strata-battery-platform/atom.xml"
	stop := time.Now().Add(4 * time.Second) // about four cycles
	go func() {
		for i := int64(2); time.Now().Before(stop); i++ {
			src.n.Store(i)
			time.Sleep(300 * time.Millisecond)
		}
	}()
	reads := 0
	for time.Now().Before(stop) {
		resp, body := get(t, feedURL)
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		dec := xml.NewDecoder(bytes.NewReader(body))
		for {
			_, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("read %d: invalid document: %v", reads, err)
			}
		}
		if !bytes.HasSuffix(bytes.TrimSpace(body), []byte("</feed>")) {
			t.Fatalf("read %d: truncated", reads)
		}
		reads++
	}
	t.Logf("%d whole reads during the cycles", reads)
}

func TestRunRefusesPathEscapes(t *testing.T) {
	cfg, _ := liveSite(t)
	d := startDaemon(t, cfg)
	for _, p := range []string{"/../config.yaml", "/%2e%2e/config.yaml", "/..%2fconfig.yaml", "/a/..%5c..%5cconfig.yaml", "/.braid/state.db", "/halden-strata-battery-platform/"} {
		conn, err := net.Dial("tcp", d.addr)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", p)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		conn.Close()
		if resp.StatusCode != 404 && resp.StatusCode != 400 {
			t.Errorf("%s: status %d", p, resp.StatusCode)
		}
		if bytes.Contains(body, []byte("site:")) {
			t.Errorf("%s: leaked the config", p)
		}
	}
}

// TestRunSurvivesAPanicInACycle runs the daemon as a real process whose
// every other cycle panics (testdata/panicky: the daemon package with a
// fault injected, so the shipped binary has no such hook).
func TestRunSurvivesAPanicInACycle(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "panicky")
	if out, err := exec.Command("go", "build", "-o", bin, "./testdata/panicky").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cfg, _ := liveSite(t)
	addr := freeAddr(t)
	cmd := exec.Command(bin, cfg, addr)
	logs := &syncBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	metric := func(name string) bool {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return bytes.Contains(body, []byte(name))
	}
	waitFor(t, 15*time.Second, "two panics and a good cycle", func() bool {
		return metric(`braid_cycles_total{outcome="panic"} 2`) && metric(`braid_cycles_total{outcome="ok"}`)
	})
	if !strings.Contains(logs.String(), "injected fault") {
		t.Error("the panic was not logged")
	}
	if resp, _ := get(t, "http://"+addr+"/halden-strata-battery-platform/atom.xml"); resp.StatusCode != 200 {
		t.Errorf("not serving after panics: %d", resp.StatusCode)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit after SIGTERM: %v\n%s", err, logs.String())
	}
}

// logRecord returns the first JSON log record whose message starts with
// msg.
func logRecord(t *testing.T, log, msg string) map[string]any {
	t.Helper()
	for _, line := range strings.Split(log, "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && strings.HasPrefix(fmt.Sprint(rec["msg"]), msg) {
			return rec
		}
	}
	t.Fatalf("no log record %q in:\n%s", msg, log)
	return nil
}
