package articles

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	"github.com/braid-feeds/braid/internal/localfile"
)

// LoadAll reads every article under dir: *.md and *.markdown files as
// Markdown, *.txt files as plain-text exports (extensions in any case).
// Subfolders are read too, so a site can group articles by year or desk;
// files and folders whose names start with "." are skipped. A symlink to
// a file inside dir is read; symlinks leading outside dir, and symlinks to
// folders, are not followed (a note of Key KeySymlink names each one
// that leads outside). Articles are sorted by path.
//
// A bad file never stops the site: LoadAll returns the articles that were
// read, and every problem of every file (unreadable, not text, invalid,
// a slug already used) as a Problem of SeverityError, plus the notes of
// the articles it read (encoding assumed, title from a heading). Of two
// files sharing a slug the first by path is kept. The error is only for
// what stops everything: a content folder that cannot be walked, or ctx.
func LoadAll(ctx context.Context, dir string) ([]Article, []Problem, error) {
	return LoadAllMax(ctx, dir, DefaultMaxBytes)
}

// DefaultMaxBytes is the size cap of one article file LoadAll uses.
const DefaultMaxBytes = 4 << 20

// LoadAllMax is LoadAll with a size cap per file (config
// content_max_bytes). Only regular files are read: a FIFO or a symlink to
// a device is a problem of that file, never a hang of the whole site.
func LoadAllMax(ctx context.Context, dir string, maxBytes int64) ([]Article, []Problem, error) {
	return LoadAllCached(ctx, dir, maxBytes, nil)
}

// Cache keeps parsed articles between runs, by path and the bytes they
// were parsed from: parsing is a function of the two, so an unchanged
// file need not be parsed again (Markdown rendering is most of what an
// unchanged cycle of a big site costs). Get returns the article parsed
// from exactly those bytes, if kept; Put keeps one.
type Cache interface {
	Get(path string, data []byte) (Article, bool)
	Put(path string, data []byte, a Article)
}

// LoadAllCached is LoadAllMax with a parse cache (nil: none). Files that
// do not parse are never cached: their problems are found again.
func LoadAllCached(ctx context.Context, dir string, maxBytes int64, cache Cache) ([]Article, []Problem, error) {
	paths, problems, err := articlePaths(ctx, dir)
	if err != nil {
		return nil, nil, err
	}
	var arts []Article
	slugs := map[string]string{} // slug -> path
	for _, path := range paths {
		if err := ctx.Err(); err != nil {
			return nil, nil, fmt.Errorf("articles: %w", err)
		}
		data, err := localfile.Read(ctx, path, maxBytes)
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return nil, nil, fmt.Errorf("articles: %w", ctxErr)
			}
			problems = append(problems, Problem{Severity: SeverityError, Path: path, Msg: fmt.Sprintf("cannot read: %v", unwrapPath(err))})
			continue
		}
		a, err := parseCached(cache, path, data)
		if err != nil {
			problems = append(problems, problemsOf(path, err)...)
			continue
		}
		if other, dup := slugs[a.Slug]; dup {
			problems = append(problems, Problem{Severity: SeverityError, Path: path, Key: "slug", Msg: fmt.Sprintf("slug %q is already used by %s", a.Slug, other)})
			continue
		}
		slugs[a.Slug] = path
		problems = append(problems, a.Notes...)
		arts = append(arts, a)
	}
	return arts, problems, nil
}

func parseCached(cache Cache, path string, data []byte) (Article, error) {
	if cache == nil {
		return parserFor(path)(path, data)
	}
	if a, ok := cache.Get(path, data); ok {
		return a, nil
	}
	a, err := parserFor(path)(path, data)
	if err == nil {
		cache.Put(path, data, a)
	}
	return a, err
}

// articlePaths lists the article files under dir, sorted, with a note
// for each symlink it did not follow (see symlinkProblem).
func articlePaths(ctx context.Context, dir string) ([]string, []Problem, error) {
	var paths []string
	var problems []Problem
	root, rootErr := filepath.EvalSymlinks(dir)
	walkErr := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if path != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if path != dir && d.Type()&fs.ModeSymlink != 0 {
			if p, skip := symlinkProblem(root, path); skip {
				if p != nil {
					problems = append(problems, *p)
				}
				return nil
			}
		}
		if d.IsDir() || parserFor(path) == nil {
			return nil
		}
		paths = append(paths, path)
		return nil
	})
	if walkErr == nil {
		walkErr = rootErr
	}
	if walkErr != nil {
		return nil, nil, fmt.Errorf("articles: %w", walkErr)
	}
	sort.Strings(paths)
	return paths, problems, nil
}

// unwrapPath drops the path from an *fs.PathError, which the Problem
// names already.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// parserFor picks the parser for a file by its extension; nil for files
// that are not articles.
func parserFor(path string) func(string, []byte) (Article, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".md", ".markdown":
		return ParseMarkdown
	case ".txt":
		return ParseText
	}
	return nil
}
