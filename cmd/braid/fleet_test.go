package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/braid-feeds/braid/internal/sitetest"
	"github.com/braid-feeds/braid/internal/state/pgtest"
)

// newSourceFarm serves n small static feeds on one story and counts the
// requests each gets.
func newSourceFarm(t *testing.T, n int) *sitetest.Farm {
	return sitetest.NewFarm(t, n, func(i int) string {
		return fmt.Sprintf(`<?xml version="1.0"?><rss version="2.0"><channel><title>Source %d</title><link>https://s%d.example/</link><description>d</description>`+
			`<item><guid>https://s%d.example/harbour</guid><title>Harbour report %d</title><link>https://s%d.example/harbour</link>`+
			`<pubDate>Tue, 17 Nov 2026 10:00:00 +0000</pubDate><description>The harbour cranes and the tram.</description></item></channel></rss>`, i, i, i, i, i)
	})
}

func farmYAML(f *sitetest.Farm) string {
	var b strings.Builder
	for i := range f.Len() {
		fmt.Fprintf(&b, "  - {name: s%03d, url: '%s/%d'}\n", i, f.URL, i)
	}
	return b.String()
}

// fleetNode is one `braid run` process.
type fleetNode struct {
	name, cfg, out, addr string
	cmd                  *exec.Cmd
}

// startNode starts braid run and waits for it to say where it serves.
func startNode(t *testing.T, dir, name, conf string) *fleetNode {
	t.Helper()
	n := &fleetNode{name: name, cfg: filepath.Join(dir, name+".yaml"), out: filepath.Join(dir, "out-"+name)}
	if err := os.WriteFile(n.cfg, []byte(conf+"out: "+n.out+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	logf, err := os.Create(filepath.Join(dir, name+".log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { logf.Close() })
	n.cmd = exec.Command(braidBin, "run", "-c", n.cfg, "--node", name, "--listen", "127.0.0.1:0", "--log-format", "json")
	n.cmd.Stdout, n.cmd.Stderr = io.Discard, logf
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		n.cmd.Process.Signal(syscall.SIGTERM)
		n.cmd.Wait()
	})
	waitUntil(t, name+" to serve", func() bool {
		n.addr = logField(logf.Name(), "serving", "addr")
		return n.addr != ""
	})
	return n
}

// logField is field of the first JSON log record with message msg.
func logField(path, msg, field string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r map[string]any
		if json.Unmarshal(sc.Bytes(), &r) == nil && r["msg"] == msg {
			s, _ := r[field].(string)
			return s
		}
	}
	return ""
}

func (n *fleetNode) get(path string) (int, []byte) {
	resp, err := http.Get("http://" + n.addr + path)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// waitUntil polls cond. Its deadline only bounds a hang on a loaded
// machine; nothing is asserted about how long cond took.
func waitUntil(t *testing.T, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > 40*time.Second {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return time.Since(start)
}

// TestFleet runs three `braid run` nodes on one PostgreSQL over 300
// sources fetched every 2 s: together they ask each source about once a
// period (not three times), they serve byte-identical files, they say who
// fetched what, and when one is killed the others fetch its sources.
func TestFleet(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGKILL")
	}
	dsn := pgtest.URL(t)
	const period = 2 * time.Second
	farm := newSourceFarm(t, 300)
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "content"), 0o755)
	os.WriteFile(filepath.Join(dir, "content", "harbour.md"), []byte("---\ntitle: Harbour Cranes and the Tram\ndate: 2026-11-18\n---\nThe harbour cranes arrived and the tram line was approved.\n"), 0o644)
	conf := "site:\n  title: Fleet News\n  url: https://news.example.com\nstate: " + dsn + "\ncontent: " + filepath.Join(dir, "content") +
		"\nschedule: \"@every 2s\"\nschedule_min_period: 1s\nrun_at_start: true\nrelated:\n  max_age: 0s\nfetch:\n  concurrency: 16\n  per_host: 16\n  timeout: 5s\nsources:\n" + farmYAML(farm)
	var nodes []*fleetNode
	for _, name := range []string{"node-a", "node-b", "node-c"} {
		nodes = append(nodes, startNode(t, dir, name, conf))
	}
	waitUntil(t, "every source fetched once and every node ready", func() bool {
		for i := range farm.Len() {
			if farm.Hits(i) == 0 {
				return false
			}
		}
		for _, n := range nodes {
			if code, _ := n.get("/readyz"); code != http.StatusOK {
				return false
			}
		}
		return true
	})

	t.Run("each source about once a period", func(t *testing.T) {
		const periods = 5
		farm.Take()
		time.Sleep(periods * period)
		counts := farm.Take()
		var total int64
		for i, c := range counts {
			total += c
			if c < 1 || c > 2*periods {
				t.Errorf("source %d requested %d times in %d periods", i, c, periods)
			}
		}
		perSource := float64(total) / float64(len(counts))
		t.Logf("%d periods: %.2f requests per source (3 nodes each fetching all would be %d)", periods, perSource, 3*periods)
		if perSource > 1.6*periods {
			t.Errorf("%.2f requests per source in %d periods: the nodes are not sharing the work", perSource, periods)
		}
	})

	t.Run("identical bytes on every node", func(t *testing.T) {
		var paths []string
		filepath.WalkDir(nodes[0].out, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && !strings.HasPrefix(d.Name(), ".") {
				rel, _ := filepath.Rel(nodes[0].out, p)
				paths = append(paths, "/"+filepath.ToSlash(rel))
			}
			return nil
		})
		if len(paths) < 5 {
			t.Fatalf("node-a published only %v", paths)
		}
		waitUntil(t, "the nodes to serve the same bytes", func() bool {
			for _, p := range paths {
				code, want := nodes[0].get(p)
				for _, n := range nodes[1:] {
					if c, got := n.get(p); code != http.StatusOK || c != code || !bytes.Equal(got, want) {
						return false
					}
				}
			}
			return true
		})
	})

	t.Run("who fetched what", func(t *testing.T) {
		seen := map[string]bool{}
		for _, n := range nodes {
			_, metrics := n.get("/metrics")
			for _, m := range nodes {
				if bytes.Contains(metrics, []byte(`braid_source_fetched_by{node="`+m.name+`"`)) {
					seen[m.name] = true
				}
			}
		}
		// How the work splits depends on which node's cron fires first each
		// period (the fastest may take it all on a loaded machine); that it
		// is not done three times is what the requests per source show.
		// Here the metrics must name the fetchers.
		if len(seen) == 0 {
			t.Error("no node is named as a fetcher in /metrics")
		}
		t.Logf("nodes named as fetchers: %v", seen)
		out, errs, code := braid(t, "sources", "-c", nodes[0].cfg)
		if code != 0 || !strings.Contains(out, " NODE ") || !strings.Contains(out, "node-") {
			t.Errorf("braid sources (exit %d) lacks the NODE column:\n%.600s\n%s", code, out, errs)
		}
	})

	t.Run("a killed node's sources are taken over", func(t *testing.T) {
		if err := nodes[2].cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		nodes[2].cmd.Wait()
		farm.Take()
		took := waitUntil(t, "every source fetched after the kill", func() bool {
			for i := range farm.Len() {
				if farm.Hits(i) == 0 {
					return false
				}
			}
			return true
		})
		t.Logf("every source fetched again %v after the kill (period %v, lease %v)", took.Round(100*time.Millisecond), period, period*3/4)
		for _, n := range nodes[:2] {
			if code, _ := n.get("/healthz"); code != http.StatusOK {
				t.Errorf("%s unhealthy after the kill: %d", n.name, code)
			}
		}
	})
}
