package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/braid-feeds/braid/internal/state"
)

// TestKilledMidCycle SIGKILLs `braid generate` at points spread over a
// cycle whose sources answer slowly (so some are being fetched, some
// saved, some files written when the kill lands) and checks that the
// state file still opens and reads, and that every published file in
// out/ is whole. A last, uninterrupted run must then succeed.
func TestKilledMidCycle(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGKILL")
	}
	wire, err := os.ReadFile("../../examples/wire.xml")
	if err != nil {
		t.Fatal(err)
	}
	var specs []string
	for i := range 8 {
		delay := time.Duration(i) * 60 * time.Millisecond
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
			w.Header().Set("Content-Type", "application/rss+xml")
			// Every source differs a little, so each one saves items.
			w.Write(bytes.ReplaceAll(wire, []byte("wire.example/"), fmt.Appendf(nil, "wire%d.example/", i)))
		}))
		t.Cleanup(srv.Close)
		specs = append(specs, fmt.Sprintf("  - name: Source %d\n    url: %s/feed.xml\n", i, srv.URL))
	}
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "content"), os.DirFS("../../content")); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.yaml")
	conf := "site:\n  title: Test News\n  url: https://news.example.com\nrelated:\n  max_age: 0s\nfetch:\n  timeout: 5s\n  per_host: 1\n  concurrency: 3\nsources:\n" +
		strings.Join(specs, "")
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func() *exec.Cmd {
		cmd := exec.Command(braidBin, "generate", "--config", cfg)
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	start := time.Now()
	if err := run().Wait(); err != nil {
		t.Fatalf("first, whole cycle: %v", err)
	}
	whole := time.Since(start)
	checkWhole(t, dir)

	// Kill points spread over a whole cycle's length, as measured here,
	// so that some land while sources are saved and some while files
	// are written.
	for i := range 12 {
		after := whole * time.Duration(i) / 11
		t.Run(fmt.Sprint(after.Round(time.Millisecond)), func(t *testing.T) {
			cmd := run()
			time.Sleep(after)
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			checkWhole(t, dir)
		})
	}

	cmd := exec.Command(braidBin, "generate", "--config", cfg)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cycle after the kills: %v\n%s", err, out)
	}
	checkWhole(t, dir)
}

// checkWhole asserts the state file opens and reads, and every published
// file parses. Temporary files of an interrupted write (dot files) are
// not published: the next cycle removes them.
func checkWhole(t *testing.T, dir string) {
	t.Helper()
	ctx := context.Background()
	st, err := state.Open(ctx, filepath.Join(dir, ".braid", "state.db"))
	if err != nil {
		t.Fatalf("state does not open: %v", err)
	}
	srcs, err := st.Sources(ctx)
	if err != nil {
		t.Errorf("state sources unreadable: %v", err)
	}
	for _, s := range srcs {
		if _, err := st.Items(ctx, s.Name); err != nil {
			t.Errorf("items of %s unreadable: %v", s.Name, err)
		}
	}
	st.Close()

	n := 0
	err = filepath.WalkDir(filepath.Join(dir, "out"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		switch filepath.Ext(path) {
		case ".xml", ".opml":
			if err := wellFormed(data); err != nil {
				t.Errorf("%s is not whole: %v", path, err)
			}
		case ".json":
			if !json.Valid(data) {
				t.Errorf("%s is not whole JSON", path)
			}
		case ".html":
			if !bytes.Contains(data, []byte("</html>")) {
				t.Errorf("%s is cut short", path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Error("out/ is empty")
	}
}

func wellFormed(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
