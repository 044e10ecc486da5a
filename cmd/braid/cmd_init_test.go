package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
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

var initSlugs = []string{"korvel-harbour-tram-approved", "brisa-rail-korvel-tram-contract"}

func TestInitThenGenerate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mysite")
	stdout, stderr, code := braid(t, "init", dir)
	if code != 0 {
		t.Fatalf("init: exit %d: %s", code, stderr)
	}
	for _, want := range []string{filepath.Join(dir, "config.yaml"), filepath.Join(dir, "feeds", "example.xml"), "cd " + dir, "braid generate", "braid check"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("init output lacks %q:\n%s", want, stdout)
		}
	}

	cfg := filepath.Join(dir, "config.yaml")
	if out, errs, code := braid(t, "check", "-c", cfg); code != 0 {
		t.Fatalf("check of a fresh site: exit %d\n%s%s", code, out, errs)
	}
	if out, errs, code := braid(t, "generate", "-c", cfg); code != 0 {
		t.Fatalf("generate: exit %d\n%s%s", code, out, errs)
	}
	related := 0
	for _, slug := range initSlugs {
		f := parseFeed(t, filepath.Join(dir, "out", slug, "atom.xml"))
		for _, it := range f.Items {
			for _, c := range it.Categories {
				if c == "related" {
					related++
				}
			}
		}
	}
	if related == 0 {
		t.Error("no related item in either article's feed")
	}
}

func TestInitRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	if _, stderr, code := braid(t, "init", dir); code != 0 {
		t.Fatal(stderr)
	}
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte("# mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	art := filepath.Join(dir, "content", "korvel-harbour-tram-approved.md")
	if err := os.Remove(art); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := braid(t, "init", dir)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(stderr, cfg) || !strings.Contains(stderr, filepath.Join(dir, "feeds", "example.xml")) {
		t.Errorf("the message does not name the existing files: %s", stderr)
	}
	if data, _ := os.ReadFile(cfg); string(data) != "# mine\n" {
		t.Error("config.yaml was overwritten")
	}
	if _, err := os.Stat(art); err == nil {
		t.Error("a missing file was written although others exist")
	}
}

func TestInitArguments(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string // in stdout or stderr
	}{
		{"default is the current folder", []string{"init"}, 0, "braid generate"},
		{"two folders", []string{"init", "a", "b"}, 2, "at most one folder"},
		{"unknown flag", []string{"init", "--force"}, 2, "unknown flag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			stdout, stderr, code := braidIn(t, dir, nil, tt.args...)
			if code != tt.code || !strings.Contains(stdout+stderr, tt.want) {
				t.Errorf("exit %d, want %d; output lacks %q?\n%s%s", code, tt.code, tt.want, stdout, stderr)
			}
			_, err := os.Stat(filepath.Join(dir, "config.yaml"))
			if (err == nil) != (tt.code == 0) {
				t.Errorf("config.yaml written: %v, want %v", err == nil, tt.code == 0)
			}
			if tt.code == 0 && strings.Contains(stdout, "cd ") {
				t.Errorf("suggests a cd into the current folder:\n%s", stdout)
			}
		})
	}
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
