package articles

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Load reads every article under dir: *.md and *.markdown files as
// Markdown, *.txt files as plain-text exports (extensions in any case).
// Subfolders are read too, so a site can group articles by year or desk;
// files and folders whose names start with "." are skipped. Articles are
// sorted by path.
//
// Load does not stop at the first bad file: every problem (unreadable
// files, invalid articles, two files with one slug) is returned together
// with errors.Join, alongside the articles that were read without one, so
// a caller can report everything at once. Of two files sharing a slug the
// first by path is kept.
func Load(ctx context.Context, dir string) ([]Article, error) {
	var paths []string
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
		if d.IsDir() || parserFor(path) == nil {
			return nil
		}
		paths = append(paths, path)
		return nil
	})
	if walkErr != nil {
		return nil, fmt.Errorf("articles: %w", walkErr)
	}
	sort.Strings(paths)

	var arts []Article
	var errs []error
	slugs := map[string]string{} // slug -> path
	for _, path := range paths {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("articles: %w", err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			errs = append(errs, fmt.Errorf("articles: %w", err))
			continue
		}
		a, err := parserFor(path)(path, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if other, dup := slugs[a.Slug]; dup {
			errs = append(errs, invalid(path, 0, "slug %q is already used by %s", a.Slug, other))
			continue
		}
		slugs[a.Slug] = path
		arts = append(arts, a)
	}
	return arts, errors.Join(errs...)
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
