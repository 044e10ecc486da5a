package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestLocalArticlesReadWithBounds: a FIFO, a symlink to /dev/zero and a
// 20 MB article each fail at once with an error naming the file, instead
// of hanging or eating memory. (Whether the other articles are still
// published is the cycle's per-file policy, sources/articles.LoadAll
// gives them; see TestLoadAllBounds.)
func TestLocalArticlesReadWithBounds(t *testing.T) {
	dir, cfg := site(t, nil, "")
	content := filepath.Join(dir, "content")
	if err := syscall.Mkfifo(filepath.Join(content, "fifo.md"), 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(content, "zero.md")); err != nil {
		t.Fatal(err)
	}
	big := "---\ntitle: Big\n---\n" + strings.Repeat("word ", 4<<20)
	if err := os.WriteFile(filepath.Join(content, "big.md"), []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := braid(t, "generate", "--config", cfg)
	if code == 0 {
		t.Errorf("exit 0 with broken files\n%s%s", stdout, stderr)
	}
	all := stdout + stderr
	for _, want := range []string{"fifo.md: cannot read: not a regular file", "zero.md", "symlink to file /dev/zero outside the content folder is not followed", "big.md: cannot read: file too large"} {
		if !strings.Contains(all, want) {
			t.Errorf("output does not say %q:\n%s", want, all)
		}
	}
}

// TestLocalSourceFIFO: a FIFO as a local source fails that source only;
// the site is published.
func TestLocalSourceFIFO(t *testing.T) {
	dir, cfg := site(t, [][2]string{{"Pipe", "feed.xml"}}, "")
	if err := syscall.Mkfifo(filepath.Join(dir, "feed.xml"), 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	stdout, stderr, _ := braid(t, "generate", "--config", cfg)
	if all := stdout + stderr; !strings.Contains(all, "Pipe") || !strings.Contains(all, "not a regular file") {
		t.Errorf("output does not name the source and why:\n%s", all)
	}
	for _, slug := range []string{"halden-strata-battery-platform", "vantrix-estmarch-regulators", "atlas-bank-tavora-aid"} {
		if _, err := os.Stat(filepath.Join(dir, "out", slug, "atom.xml")); err != nil {
			t.Errorf("the site was not published: %v", err)
		}
	}
}
