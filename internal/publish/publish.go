// Package publish writes generated files into the output folder so that a
// reader (a web server, a feed reader polling the folder) never sees half a
// file, and a file whose bytes did not change keeps its mtime, which is
// what HTTP caches and rsync-style deploys key on.
//
// Every write to the output folder goes to a temporary file created with
// O_EXCL in the file's own folder and is then renamed over the file, all
// through an os.Root on the output folder, so a symlink planted inside
// out/ can never send a write outside it. Files are not fsynced one by
// one: a cycle writes everything and then calls Sync once (syncfs on
// Linux) before the state records the cycle as published.
package publish

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/google/renameio/v2"
	"golang.org/x/sync/errgroup"
)

// Dir publishes into one output folder.
type Dir struct {
	root      *os.Root
	dir       string
	Written   int      // files whose content changed
	Unchanged int      // files left alone
	Changed   []string // slash-separated paths of the files written
	Removed   []string // slash-separated paths of the files removed

	dirs map[string]bool // folders written or removed in, for Sync
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
	return &Dir{root: root, dir: dir, dirs: map[string]bool{}}, nil
}

// Close releases the output folder.
func (d *Dir) Close() error { return d.root.Close() }

// Root is the output folder.
func (d *Dir) Root() string { return d.dir }

// Write publishes data at rel (a slash-separated path under the root),
// atomically; identical content is not rewritten.
func (d *Dir) Write(ctx context.Context, rel string, data []byte) error {
	return d.WriteAll(ctx, []File{{Path: rel, Data: data}})
}

// File is a file to publish: a slash-separated path under the root and
// its bytes.
type File struct {
	Path string
	Data []byte
}

// writers bounds the files written at once by WriteAll. Writing is
// system calls (create, write, rename), which run side by side on every
// core; a first cycle of 2,000 articles spent a third of its wall time
// writing 6,000 files one after another.
var writers = min(runtime.GOMAXPROCS(0), 8)

// WriteAll publishes files as Write does, several at a time, in no
// particular order: call it again for files that must appear only after
// these. Folders are made first, each once. Whatever the order files
// were written in, Changed lists them in the order given. A file that
// fails does not stop the others; the first error, in the order given,
// is returned.
func (d *Dir) WriteAll(ctx context.Context, files []File) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	clean := make([]string, len(files))
	for i, f := range files {
		clean[i] = path.Clean(f.Path)
		if !fs.ValidPath(clean[i]) || clean[i] == "." {
			return fmt.Errorf("publish: %q is outside the output folder", f.Path)
		}
	}
	errs := make([]error, len(files))
	made := map[string]error{}
	for i := range files {
		dir := path.Dir(clean[i])
		err, ok := made[dir]
		if !ok {
			err = d.mkdir(dir)
			made[dir] = err
		}
		errs[i] = err
	}
	changed := make([]bool, len(files))
	var g errgroup.Group
	g.SetLimit(writers)
	for i, f := range files {
		if errs[i] != nil {
			continue
		}
		g.Go(func() error {
			if old, err := d.root.ReadFile(clean[i]); err == nil && bytes.Equal(old, f.Data) {
				return nil
			}
			errs[i] = d.replace(clean[i], f.Data)
			changed[i] = errs[i] == nil
			return nil
		})
	}
	g.Wait()
	var first error
	for i := range files {
		switch {
		case errs[i] != nil:
			if first == nil {
				first = fmt.Errorf("publish: %s: %w", files[i].Path, errs[i])
			}
		case changed[i]:
			d.Written++
			d.Changed = append(d.Changed, clean[i])
			d.dirs[path.Dir(clean[i])] = true
		default:
			d.Unchanged++
		}
	}
	return first
}

// replace writes data to a new temporary file beside name and renames it
// over name: a reader sees the old file or the new one, never half of
// either. This is renameio.WriteFile without its fsync of every file —
// a cycle of thousands of feeds spent most of its write phase waiting for
// those — which Sync makes up for once per cycle. The temporary name is
// renameio's shape ("." + name + digits), so CleanTemp knows it.
func (d *Dir) replace(name string, data []byte) error {
	dir, base := path.Split(name)
	var (
		f   *os.File
		tmp string
		err error
	)
	for range 10 {
		tmp = dir + "." + base + strconv.FormatUint(rand.Uint64N(1e12)+1e12, 10)
		f, err = d.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return err
	}
	// The umask may have narrowed the mode; feeds are for every reader.
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = d.root.Rename(tmp, name)
	}
	if err != nil {
		d.root.Remove(tmp)
	}
	return err
}

// Remove deletes rel, a file braid wrote before and no longer publishes;
// a file already gone is not an error.
func (d *Dir) Remove(ctx context.Context, rel string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("publish: %s: %w", rel, err)
	}
	clean := path.Clean(rel)
	if !fs.ValidPath(clean) || clean == "." {
		return fmt.Errorf("publish: %q is outside the output folder", rel)
	}
	if err := d.root.Remove(clean); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("publish: %s: %w", rel, err)
	}
	d.Removed = append(d.Removed, clean)
	d.dirs[path.Dir(clean)] = true
	// The article's folder goes too once empty; a folder someone else
	// put files in stays.
	if dir := path.Dir(clean); dir != "." {
		d.root.Remove(dir)
	}
	return nil
}

// Sync makes every write and removal so far durable, at once: files,
// their renames and their folders. The cycle calls it before the state
// records what was published, so a crash loses at most the cycle in
// progress, which the next cycle writes again.
func (d *Dir) Sync(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("publish: sync: %w", err)
	}
	if d.Written == 0 && len(d.Removed) == 0 {
		return nil
	}
	if err := d.sync(); err != nil {
		return fmt.Errorf("publish: sync %s: %w", d.dir, err)
	}
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
