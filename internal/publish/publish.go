// Package publish writes generated files into the output folder so that a
// reader (a web server, a feed reader polling the folder) never sees half a
// file, and a file whose bytes did not change keeps its mtime, which is
// what HTTP caches and rsync-style deploys key on.
//
// Every write goes through github.com/google/renameio (temp file in the
// same folder, fsync, rename) with an os.Root on the output folder, so a
// symlink planted inside out/ can never send a write outside it.
package publish

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/google/renameio/v2"
)

// Dir publishes into one output folder.
type Dir struct {
	root      *os.Root
	dir       string
	Written   int      // files whose content changed
	Unchanged int      // files left alone
	Changed   []string // slash-separated paths of the files written
}

// New returns a publisher for dir, creating it if needed. Close it when done.
func New(dir string) (*Dir, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	return &Dir{root: root, dir: dir}, nil
}

// Close releases the output folder.
func (d *Dir) Close() error { return d.root.Close() }

// Root is the output folder.
func (d *Dir) Root() string { return d.dir }

// Write publishes data at rel (a slash-separated path under the root),
// atomically; identical content is not rewritten.
func (d *Dir) Write(ctx context.Context, rel string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("publish: %s: %w", rel, err)
	}
	clean := path.Clean(rel)
	if !fs.ValidPath(clean) || clean == "." {
		return fmt.Errorf("publish: %q is outside the output folder", rel)
	}
	if old, err := d.root.ReadFile(clean); err == nil && bytes.Equal(old, data) {
		d.Unchanged++
		return nil
	}
	if err := d.mkdir(path.Dir(clean)); err != nil {
		return fmt.Errorf("publish: %s: %w", rel, err)
	}
	err := renameio.WriteFile(clean, data, 0o644, renameio.WithRoot(d.root), renameio.WithStaticPermissions(0o644))
	if err != nil {
		return fmt.Errorf("publish: %s: %w", rel, err)
	}
	d.Written++
	d.Changed = append(d.Changed, clean)
	return nil
}

// mkdir makes the folders of a path under the root. A symlink where a
// folder should be is replaced by a real folder: out/ is braid's, and
// following the link could write feeds anywhere on the machine.
func (d *Dir) mkdir(dir string) error {
	if dir == "." {
		return nil
	}
	if err := d.mkdir(path.Dir(dir)); err != nil {
		return err
	}
	info, err := d.root.Lstat(dir)
	switch {
	case err == nil && info.IsDir():
		return nil
	case err == nil && info.Mode()&fs.ModeSymlink != 0:
		if err := d.root.Remove(dir); err != nil {
			return err
		}
	case err == nil:
		return fmt.Errorf("%s is a file, not a folder", dir)
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	return d.root.Mkdir(dir, 0o755)
}

// tempName matches renameio's temporary files ("." + name + digits) and the
// ".name.tmp-N" files of braid before it used renameio.
var tempName = regexp.MustCompile(`^\..+(\.tmp-[0-9]+|[0-9]{6,})$`)

// CleanTemp removes temporary files left by a process killed mid-write.
// The caller must hold the site's lock: a running cycle's temp files look
// the same as a dead one's.
func (d *Dir) CleanTemp() error {
	return CleanTemp(d.dir, 0)
}

// CleanTemp removes temporary files of atomic writes under dir that are
// older than age. Writers that hold no lock (a config edit) pass an age
// no write could last, so they never delete a live writer's file.
func CleanTemp(dir string, age time.Duration) error {
	cutoff := time.Now().Add(-age)
	return filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !tempName.MatchString(e.Name()) {
			return nil
		}
		if info, err := e.Info(); err == nil && (age == 0 || info.ModTime().Before(cutoff)) {
			os.Remove(p)
		}
		return nil
	})
}

// WriteFile replaces one file atomically, outside any output folder (the
// config, an OPML export), and removes leftovers of earlier writes of the
// same file that a killed process left behind.
func WriteFile(name string, data []byte, perm fs.FileMode) error {
	dir, base := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "."+base) && tempName.MatchString(e.Name()) {
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleAfter {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
	if err := renameio.WriteFile(name, data, perm, renameio.WithExistingPermissions()); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	return nil
}

// staleAfter is how old a temp file must be before WriteFile takes it for a
// dead process's: no write of a config file lasts this long.
const staleAfter = 10 * time.Minute
