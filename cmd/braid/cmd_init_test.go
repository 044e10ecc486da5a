package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/braid-feeds/braid/internal/scaffold"
)

// braidIn runs the real binary in a working folder, with extra
// environment variables.
func braidIn(t *testing.T, dir string, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(braidBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return out.String(), errb.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), 0
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"site":       "site",
		"a/b-c_d.e":  "a/b-c_d.e",
		"my site":    "'my site'",
		"it's":       `'it'\''s'`,
		"":           "''",
		"$HOME/site": "'$HOME/site'",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestInitHelpListsEveryFile keeps the help text true to the scaffold.
func TestInitHelpListsEveryFile(t *testing.T) {
	stdout, stderr, code := braid(t, "help", "init")
	if code != 0 {
		t.Fatal(stderr)
	}
	for _, f := range scaffold.Files() {
		if !strings.Contains(stdout, f) {
			t.Errorf("help does not list %s", f)
		}
	}
}
