package publish

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWriteAtomicAndSkipsUnchanged(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	d, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Write(ctx, "a/rss.xml", []byte("one")); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(root, "a", "rss.xml")
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	if err := d.Write(ctx, "a/rss.xml", []byte("one")); err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(p); !info.ModTime().Equal(old) {
		t.Errorf("unchanged file rewritten: mtime %v", info.ModTime())
	}
	if err := d.Write(ctx, "a/rss.xml", []byte("two")); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); string(got) != "two" {
		t.Errorf("content %q", got)
	}
	if d.Written != 2 || d.Unchanged != 1 {
		t.Errorf("written %d unchanged %d", d.Written, d.Unchanged)
	}
	entries, _ := os.ReadDir(filepath.Join(root, "a"))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func TestWriteRefusesEscapes(t *testing.T) {
	d, _ := New(t.TempDir())
	for _, rel := range []string{"../x", "/etc/x", "a/../../x", ".", ""} {
		if err := d.Write(context.Background(), rel, []byte("x")); err == nil {
			t.Errorf("%q accepted", rel)
		}
	}
}

func TestCleanTempRemovesLeftovers(t *testing.T) {
	root := t.TempDir()
	d, _ := New(root)
	left := filepath.Join(root, "a", ".rss.xml.tmp-123")
	os.MkdirAll(filepath.Dir(left), 0o755)
	os.WriteFile(left, []byte("half a feed"), 0o644)
	keep := filepath.Join(root, "a", "rss.xml")
	os.WriteFile(keep, []byte("whole"), 0o644)
	if err := d.CleanTemp(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(left); !os.IsNotExist(err) {
		t.Error("leftover temp file kept")
	}
	if _, err := os.Stat(keep); err != nil {
		t.Error(err)
	}
}

func TestWriteFailsOnUnwritableFolder(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "a"), []byte("file, not folder"), 0o644)
	d, _ := New(root)
	err := d.Write(context.Background(), "a/rss.xml", []byte("x"))
	if err == nil || !strings.HasPrefix(err.Error(), "publish:") {
		t.Errorf("err = %v", err)
	}
}
