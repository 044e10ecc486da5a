package publish

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestRemoveTakesOnlyTheFileAndItsEmptyFolder: a stale feed leaves, its
// folder too once empty, and a folder holding someone else's file stays.
func TestRemoveTakesOnlyTheFileAndItsEmptyFolder(t *testing.T) {
	ctx := context.Background()
	d, root := openTemp(t)
	for _, rel := range []string{"gone/rss.xml", "kept/rss.xml"} {
		if err := d.Write(ctx, rel, []byte("feed")); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(root, "kept", "notes.txt"), []byte("mine"), 0o644)
	for _, tc := range []struct {
		rel      string
		goneDir  bool
		wantFile string
	}{
		{"gone/rss.xml", true, ""},
		{"kept/rss.xml", false, "kept/notes.txt"},
		{"never/there.xml", true, ""},
	} {
		t.Run(tc.rel, func(t *testing.T) {
			if err := d.Remove(ctx, tc.rel); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(root, tc.rel)); !os.IsNotExist(err) {
				t.Errorf("%s still there: %v", tc.rel, err)
			}
			_, err := os.Stat(filepath.Dir(filepath.Join(root, tc.rel)))
			if gone := os.IsNotExist(err); gone != tc.goneDir {
				t.Errorf("folder gone %v, want %v", gone, tc.goneDir)
			}
			if tc.wantFile != "" {
				if _, err := os.Stat(filepath.Join(root, tc.wantFile)); err != nil {
					t.Errorf("someone else's file removed: %v", err)
				}
			}
		})
	}
	if err := d.Remove(ctx, "../outside"); err == nil {
		t.Error("a path outside out/ was accepted")
	}
	if err := d.Sync(ctx); err != nil {
		t.Errorf("sync: %v", err)
	}
}

// TestWriteModeIgnoresUmask: feeds are for every reader whatever the
// umask of the process that wrote them.
func TestWriteModeIgnoresUmask(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	d, root := openTemp(t)
	if err := d.Write(context.Background(), "rss.xml", []byte("feed")); err != nil {
		t.Fatal(err)
	}
	if err := d.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(root, "rss.xml"))
	if err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, %v", info.Mode(), err)
	}
}

// TestWriteReplacesAFileSymlinkInsteadOfFollowingIt: a symlink planted
// where a feed goes is replaced by the feed; its target is untouched.
func TestWriteReplacesAFileSymlinkInsteadOfFollowingIt(t *testing.T) {
	root := t.TempDir()
	target := filepath.Join(t.TempDir(), "passwd")
	os.WriteFile(target, []byte("precious"), 0o644)
	if err := os.Symlink(target, filepath.Join(root, "rss.xml")); err != nil {
		t.Fatal(err)
	}
	d, _ := New(root)
	defer d.Close()
	if err := d.Write(context.Background(), "rss.xml", []byte("feed")); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(target); string(got) != "precious" {
		t.Errorf("target overwritten: %q", got)
	}
	if info, err := os.Lstat(filepath.Join(root, "rss.xml")); err != nil || !info.Mode().IsRegular() {
		t.Errorf("rss.xml is not a regular file: %v %v", info, err)
	}
}
