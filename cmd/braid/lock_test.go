package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestSecondGenerateIsTurnedAway starts two real `braid generate` on one
// site while a slow source holds the first one's cycle open: the second
// exits 1 at once, naming the first's pid; with --wait it runs once the
// first is done. Every published file is whole afterwards.
func TestSecondGenerateIsTurnedAway(t *testing.T) {
	wire, err := os.ReadFile("../../examples/wire.xml")
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) == 1 {
			select {
			case <-release:
			case <-r.Context().Done():
				return
			}
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(wire)
	}))
	defer srv.Close()
	dir, cfg := site(t, [][2]string{{"Wire", srv.URL + "/wire.xml"}}, "fetch:\n  timeout: 30s\n")

	first := exec.Command(braidBin, "generate", "-q", "--config", cfg)
	var firstErr bytes.Buffer
	first.Stderr = &firstErr
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	defer first.Process.Kill()
	deadline := time.Now().Add(20 * time.Second)
	for requests.Load() == 0 { // the first cycle holds the lock and waits on the source
		if time.Now().After(deadline) {
			t.Fatal("the first generate never fetched")
		}
		time.Sleep(10 * time.Millisecond)
	}

	second := exec.Command(braidBin, "generate", "-q", "--config", cfg)
	out, err := second.CombinedOutput()
	want := fmt.Sprintf("another braid (pid %d) is running a cycle on this site", first.Process.Pid)
	if code := exitCodeOf(err); code != 1 || !strings.Contains(string(out), want) {
		t.Errorf("second generate: exit %d, output %q; want exit 1 and %q", code, out, want)
	}

	// A waiting one runs after the first.
	waiting := exec.Command(braidBin, "generate", "-q", "--wait", "30s", "--config", cfg)
	var waitOut bytes.Buffer
	waiting.Stdout, waiting.Stderr = &waitOut, &waitOut
	if err := waiting.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	close(release)
	if err := first.Wait(); err != nil {
		t.Fatalf("first generate: %v\n%s", err, firstErr.String())
	}
	if err := waiting.Wait(); err != nil {
		t.Fatalf("generate --wait: %v\n%s", err, waitOut.String())
	}
	checkWhole(t, dir)
}

func exitCodeOf(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}
