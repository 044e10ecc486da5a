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

func TestWriteNeverFollowsADirectorySymlinkOut(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(root, "story")); err != nil {
		t.Fatal(err)
	}
	d, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Write(context.Background(), "story/rss.xml", []byte("feed")); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("wrote through the symlink: %v", entries)
	}
	info, err := os.Lstat(filepath.Join(root, "story"))
	if err != nil || !info.IsDir() {
		t.Fatalf("story is not a real folder now: %v %v", info, err)
	}
	if got, _ := os.ReadFile(filepath.Join(root, "story", "rss.xml")); string(got) != "feed" {
		t.Errorf("content %q", got)
	}
}

func TestCleanTempRemovesRenameioLeftoversOnly(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "a"), 0o755)
	files := map[string]bool{ // name → removed
		".rss.xml8072337139876543210": true,
		".atom.xml.tmp-55":            true,
		"rss.xml":                     false,
		".well-known":                 false,
		"2026":                        false,
	}
	for name := range files {
		os.WriteFile(filepath.Join(root, "a", name), []byte("x"), 0o644)
	}
	if err := CleanTemp(root, 0); err != nil {
		t.Fatal(err)
	}
	for name, removed := range files {
		_, err := os.Stat(filepath.Join(root, "a", name))
		if gone := os.IsNotExist(err); gone != removed {
			t.Errorf("%s: removed %v, want %v", name, gone, removed)
		}
	}
}

func TestWriteFileKeepsFreshTempFilesOfOthers(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "config.yaml")
	fresh := filepath.Join(dir, ".config.yaml1234567890")
	stale := filepath.Join(dir, ".config.yaml9876543210")
	os.WriteFile(fresh, []byte("another writer's"), 0o644)
	os.WriteFile(stale, []byte("dead writer's"), 0o644)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(stale, old, old)
	if err := WriteFile(name, []byte("site: {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("a fresh temp file of another writer was removed")
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("a stale temp file was kept")
	}
	if got, _ := os.ReadFile(name); string(got) != "site: {}\n" {
		t.Errorf("content %q", got)
	}
}
