package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/braid-feeds/braid/internal/state/pgtest"
)

// braidBin is the real binary, built once for the tests that need a
// process of their own (signals, kills, a daemon).
var braidBin string

func TestMain(m *testing.M) {
	// Run as "braid" inside a script, the test binary is braid itself.
	testscript.Main(withBinary{m}, map[string]func(){"braid": main})
}

// withBinary builds the real binary around the test run.
type withBinary struct{ m *testing.M }

func (w withBinary) Run() int {
	dir, err := os.MkdirTemp("", "braid-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	braidBin = filepath.Join(dir, "braid")
	if runtime.GOOS == "windows" {
		braidBin += ".exe"
	}
	build := exec.Command("go", "build", "-o", braidBin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building braid:", err)
		return 1
	}
	return pgtest.Main(w.m)
}

// TestScripts runs the CLI scripts in testdata/script, the way the Go
// command tests itself: each is a txtar archive of files and commands.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits": cmdExits,
		},
		Setup: func(env *testscript.Env) error {
			// The shipped example site, for scripts that need real articles.
			env.Setenv("REPO", filepath.Join(mustGetwd(t), "..", ".."))
			return nil
		},
	})
}

// cmdExits runs braid and checks its exit code, which `! exec` cannot:
// exits CODE ARGS...
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: exits CODE [braid arguments]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: %v", err)
	}
	err = ts.Exec("braid", args[1:]...)
	got := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		got = ee.ExitCode()
	case err != nil:
		ts.Fatalf("exits: %v", err)
	}
	if got != want {
		ts.Fatalf("braid exited %d, want %d", got, want)
	}
}

func mustGetwd(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}

// braid runs the real binary and returns its stdout, stderr and exit code.
func braid(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return braidIn(t, "", nil, args...)
}
