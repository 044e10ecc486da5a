// Package scaffold holds the example site `braid init` writes: a config
// with every key explained, two linked articles (one Markdown, one
// plain-text export) and a local source feed, so `braid generate` works
// at once, offline, and shows every part of braid on something small.
//
// The files are embedded, not generated, so what a user gets is exactly
// what is reviewed here, and tests can load it with the real config and
// article readers.
package scaffold

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

//go:embed site
var site embed.FS

// ErrExists is wrapped by Write's error when a file it would create is
// already there.
var ErrExists = errors.New("would overwrite existing files")

// Files returns the paths the scaffold creates, relative to the target
// folder, slash-separated and sorted.
func Files() []string {
	var out []string
	_ = fs.WalkDir(site, "site", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, strings.TrimPrefix(p, "site/"))
		}
		return err
	})
	sort.Strings(out)
	return out
}

// Read returns the content of one scaffold file (a path from Files).
func Read(name string) ([]byte, error) {
	b, err := site.ReadFile(path.Join("site", name))
	if err != nil {
		return nil, fmt.Errorf("scaffold: %w", err)
	}
	return b, nil
}

// Write creates the example site in dir (made if missing) and returns
// the paths it created, in the order of Files.
//
// It never overwrites: when any of the files exists, it writes nothing
// and its error, which wraps ErrExists, names each of them. A person who
// runs init twice, or in the wrong folder, must not lose a config or an
// article. Files are created with O_EXCL, so a file appearing between the
// check and the write is not overwritten either; if a write fails, the
// files created so far are removed again, so a second try starts clean.
func Write(dir string) ([]string, error) {
	names := Files()
	var clash []string
	for _, n := range names {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if _, err := os.Lstat(p); err == nil {
			clash = append(clash, p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			// A parent that is a file, or no permission: say so now
			// rather than half-way through.
			return nil, fmt.Errorf("scaffold: %w", err)
		}
	}
	if len(clash) > 0 {
		return nil, fmt.Errorf("scaffold: %w: %s", ErrExists, strings.Join(clash, ", "))
	}

	var created []string
	var madeDirs []string
	undo := func() {
		for i := len(created) - 1; i >= 0; i-- {
			os.Remove(created[i])
		}
		for i := len(madeDirs) - 1; i >= 0; i-- {
			os.Remove(madeDirs[i]) // only succeeds when empty
		}
	}
	for _, n := range names {
		p := filepath.Join(dir, filepath.FromSlash(n))
		newDirs, err := mkdirAll(filepath.Dir(p))
		madeDirs = append(madeDirs, newDirs...)
		if err != nil {
			undo()
			return nil, fmt.Errorf("scaffold: %w", err)
		}
		data, err := Read(n)
		if err != nil {
			undo()
			return nil, err
		}
		if err := writeNew(p, data); err != nil {
			undo()
			if errors.Is(err, fs.ErrExist) {
				return nil, fmt.Errorf("scaffold: %w: %s", ErrExists, p)
			}
			return nil, fmt.Errorf("scaffold: %w", err)
		}
		created = append(created, p)
	}
	return created, nil
}

// writeNew writes a file that must not exist yet.
func writeNew(p string, data []byte) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(p)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(p)
		return err
	}
	return nil
}

// mkdirAll is os.MkdirAll that reports which folders it made, so a
// failed Write can remove them again.
func mkdirAll(dir string) ([]string, error) {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	// Outermost first, so removing in reverse empties inner ones first.
	for i, j := 0, len(missing)-1; i < j; i, j = i+1, j-1 {
		missing[i], missing[j] = missing[j], missing[i]
	}
	return missing, nil
}
