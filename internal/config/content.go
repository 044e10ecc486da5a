package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ContentError checks the config's content folder. Its error names the
// config file, the line and the key, and the folder as the config wrote
// it: a bare "stat contnet: no such file or directory" tells a newcomer
// neither where the name came from nor which key to fix.
func (c *Config) ContentError() error {
	return ContentError(c.Path, c.Line("content"), c.Content)
}

// ContentError is Config.ContentError for a config that may not load
// (braid check reports both): path is the config file, line the line of
// its content key (0: unknown), content the resolved folder.
func ContentError(path string, line int, content string) error {
	fi, err := os.Stat(content)
	if err == nil && fi.IsDir() {
		return nil
	}
	loc := path
	if line > 0 {
		loc = fmt.Sprintf("%s:%d", path, line)
	}
	shown := asWritten(path, content)
	switch {
	case err == nil:
		return fmt.Errorf("config: %s: content: %q is not a folder", loc, shown)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("config: %s: content: folder %q does not exist", loc, shown)
	}
	return fmt.Errorf("config: %s: content: folder %q: %w", loc, shown, err)
}

// asWritten turns a folder resolved against the config's own folder back
// into the relative form the config most likely holds.
func asWritten(cfgPath, dir string) string {
	rel, err := filepath.Rel(filepath.Dir(cfgPath), dir)
	if err != nil || strings.HasPrefix(rel, "..") {
		return dir
	}
	return filepath.ToSlash(rel)
}
