// Package publish writes generated files into the output folder so that a
// reader (a web server, a feed reader polling the folder) never sees half a
// file, and a file whose bytes did not change keeps its mtime, which is
// what HTTP caches and rsync-style deploys key on.
package publish

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Dir publishes into one output folder.
type Dir struct {
	root      string
	Written   int      // files whose content changed
	Unchanged int      // files left alone
	Changed   []string // slash-separated paths of the files written
}

// New returns a publisher for root, creating it if needed.
func New(root string) (*Dir, error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	return &Dir{root: root}, nil
}

// Root is the output folder.
func (d *Dir) Root() string { return d.root }

// Write publishes data at rel (a slash-separated path under the root). It
// writes a temporary file in the same folder, syncs it and renames it over
// the target, so the swap is atomic; identical content is not rewritten.
func (d *Dir) Write(ctx context.Context, rel string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("publish: %s: %w", rel, err)
	}
	clean := filepath.Clean(filepath.FromSlash(rel))
	if filepath.IsAbs(clean) || clean == "." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) || clean == ".." {
		return fmt.Errorf("publish: %q is outside the output folder", rel)
	}
	target := filepath.Join(d.root, clean)
	if old, err := os.ReadFile(target); err == nil && bytes.Equal(old, data) {
		d.Unchanged++
		return nil
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("publish: %w", err)
	}
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("publish: write %s: %w", target, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("publish: sync %s: %w", target, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("publish: close %s: %w", target, err)
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	ok = true
	d.Written++
	d.Changed = append(d.Changed, filepath.ToSlash(clean))
	return syncDir(dir)
}

// syncDir makes the rename durable; without it a power cut can lose the
// new directory entry even though the data was synced.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer f.Close()
	_ = f.Sync() // not supported everywhere; the rename already happened
	return nil
}

// CleanTemp removes temporary files left by a process killed mid-write.
func (d *Dir) CleanTemp() error {
	return filepath.WalkDir(d.root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if !e.IsDir() && strings.HasPrefix(e.Name(), ".") && strings.Contains(e.Name(), ".tmp-") {
			os.Remove(p)
		}
		return nil
	})
}
