package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// braidBin is the real binary, built once for the end-to-end tests.
var braidBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "braid-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	braidBin = filepath.Join(dir, "braid")
	if runtime.GOOS == "windows" {
		braidBin += ".exe"
	}
	build := exec.Command("go", "build", "-o", braidBin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building braid:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// braid runs the real binary and returns its stdout, stderr and exit code.
func braid(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return braidIn(t, "", nil, args...)
}
