package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/braid-feeds/braid/internal/state/pgtest"
)

// syncBuffer is a log sink the daemon's goroutines share with the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// records returns the JSON log records with message msg.
func (s *syncBuffer) records(msg string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(s.b.String(), "\n") {
		var r map[string]any
		if json.Unmarshal([]byte(line), &r) == nil && r["msg"] == msg {
			out = append(out, r)
		}
	}
	return out
}

// waitLong polls cond until it holds, failing the test after a deadline
// generous enough for a loaded machine: it bounds a hang, it does not
// measure anything.
func waitLong(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestDatabaseOutage: a daemon on a PostgreSQL state that is down at
// start serves, logs one error per failed cycle and publishes once the
// database is back; when it goes away again the daemon keeps serving its
// last output and /healthz turns unhealthy after two periods, healthy
// again once cycles succeed.
func TestDatabaseOutage(t *testing.T) {
	ctx := context.Background()
	c, dsn := pgtest.Private(t, "outage")
	if err := c.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	cfg := writeConfig(t, "@every 1s")
	conf, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, append(conf, []byte("state: "+dsn+"\n")...), 0o644)

	logs := &syncBuffer{}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(runCtx, Options{ConfigPath: cfg, Listen: "127.0.0.1:0", Ready: ready, Node: "node-a",
			Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	}()
	base := "http://" + <-ready
	waitLong(t, "a failed cycle", func() bool { return len(logs.records("cycle failed")) >= 2 })
	for _, r := range logs.records("cycle failed") {
		msg, _ := r["error"].(string)
		if msg == "" || strings.Contains(msg, "\n") || !strings.Contains(msg, "state") {
			t.Errorf("cycle failure not one clear state error: %q", msg)
		}
	}
	if resp, _ := get(t, base+"/readyz"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz %d before anything was published", resp.StatusCode)
	}

	if err := c.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	waitLong(t, "a cycle after the database came back", func() bool {
		resp, _ := get(t, base+"/readyz")
		return resp.StatusCode == http.StatusOK
	})
	_, feed := get(t, base+"/a/atom.xml")

	if err := c.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	waitLong(t, "/healthz to turn unhealthy", func() bool {
		resp, _ := get(t, base+"/healthz")
		return resp.StatusCode == http.StatusServiceUnavailable
	})
	if resp, body := get(t, base+"/a/atom.xml"); resp.StatusCode != http.StatusOK || body != feed {
		t.Errorf("last output not served during the outage: %d", resp.StatusCode)
	}
	if err := c.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	waitLong(t, "/healthz to recover", func() bool {
		resp, _ := get(t, base+"/healthz")
		return resp.StatusCode == http.StatusOK
	})
	_, metrics := get(t, base+"/metrics")
	if !strings.Contains(metrics, `braid_cycles_total{outcome="failed"}`) {
		t.Error("failed cycles not counted")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}
