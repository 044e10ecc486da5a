package articles

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestLoadAllBounds: files that are not regular or are over the cap are
// problems of their own; the other articles are still read.
func TestLoadAllBounds(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "ok.md", "---\ntitle: Fine\n---\nBody.\n")
	writeFile(t, dir, "big.md", "---\ntitle: Big\n---\n"+strings.Repeat("word ", 300))
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.md"), 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "zero.txt")); err != nil {
		t.Fatal(err)
	}
	arts, problems, err := LoadAllMax(context.Background(), dir, 1024)
	if err != nil {
		t.Fatal(err)
	}
	if len(arts) != 1 || arts[0].Title != "Fine" {
		t.Errorf("articles %v, want only Fine", arts)
	}
	want := map[string]string{"big.md": "file too large", "fifo.md": "not a regular file", "zero.txt": "outside the content folder is not followed"}
	for _, p := range problems {
		name := filepath.Base(p.Path)
		if w, ok := want[name]; ok && strings.Contains(p.Msg, w) {
			delete(want, name)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing problems %v in %v", want, problems)
	}
}
