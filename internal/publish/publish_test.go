package publish

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// openTemp opens a publisher on a fresh folder, closed when the test ends.
func openTemp(t *testing.T) (*Dir, string) {
	t.Helper()
	root := t.TempDir()
	d, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, root
}

func TestWriteAtomicAndSkipsUnchanged(t *testing.T) {
	ctx := context.Background()
	d, root := openTemp(t)
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

// TestWriteAllInOrderOfGiven: files written side by side are all whole,
// unchanged ones are left alone, Changed follows the order given, and a
// file that fails neither stops the others nor goes unreported.
func TestWriteAllInOrderOfGiven(t *testing.T) {
	ctx := context.Background()
	d, root := openTemp(t)
	if err := d.Write(ctx, "f007/rss.xml", []byte("feed 7 rss")); err != nil {
		t.Fatal(err)
	}
	// A file where a folder must be: every file under it fails.
	if err := os.WriteFile(filepath.Join(root, "blocked"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	var files []File
	var want []string
	for i := range 40 {
		for _, name := range []string{"rss.xml", "atom.xml", "feed.json"} {
			p := fmt.Sprintf("f%03d/%s", i, name)
			files = append(files, File{Path: p, Data: []byte(fmt.Sprintf("feed %d %s", i, strings.TrimSuffix(name, path.Ext(name))))})
			if p != "f007/rss.xml" {
				want = append(want, p)
			}
		}
		if i == 20 {
			files = append(files, File{Path: "blocked/rss.xml", Data: []byte("never")})
		}
	}
	d.Changed = nil
	err := d.WriteAll(ctx, files)
	if err == nil || !strings.Contains(err.Error(), "blocked/rss.xml") {
		t.Fatalf("WriteAll: %v, want an error naming blocked/rss.xml", err)
	}
	if !slices.Equal(d.Changed, want) {
		t.Errorf("Changed:\n%v\nwant, in the order given:\n%v", d.Changed, want)
	}
	if d.Written != 1+len(want) || d.Unchanged != 1 {
		t.Errorf("written %d unchanged %d, want %d and 1", d.Written, d.Unchanged, 1+len(want))
	}
	for _, f := range files {
		if f.Path == "blocked/rss.xml" {
			continue
		}
		if got, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f.Path))); err != nil || !bytes.Equal(got, f.Data) {
			t.Errorf("%s: %q, %v; want %q", f.Path, got, err, f.Data)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(root, "f*", ".*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
