// Package sitetest lays out whole braid sites for tests from txtar
// archives: a config, its articles and its feeds in one file a reader can
// take in at a glance, the way Hugo's integration tests describe sites.
package sitetest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// Write extracts the txtar archive at path into a new temporary folder and
// returns that folder. Pairs in vars replace "{{KEY}}" in every file, for
// what only the test knows (an httptest server's URL).
func Write(t testing.TB, path string, vars ...string) string {
	t.Helper()
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return WriteArchive(t, ar, vars...)
}

// WriteArchive is Write for an archive already in memory.
func WriteArchive(t testing.TB, ar *txtar.Archive, vars ...string) string {
	t.Helper()
	if len(vars)%2 != 0 {
		t.Fatalf("sitetest: vars must come in pairs, got %d", len(vars))
	}
	pairs := make([]string, 0, len(vars))
	for i := 0; i < len(vars); i += 2 {
		pairs = append(pairs, "{{"+vars[i]+"}}", vars[i+1])
	}
	r := strings.NewReplacer(pairs...)
	dir := t.TempDir()
	for _, f := range ar.Files {
		name := filepath.Join(dir, filepath.FromSlash(f.Name))
		if !strings.HasPrefix(name, dir+string(filepath.Separator)) {
			t.Fatalf("sitetest: %s leaves the site folder", f.Name)
		}
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(r.Replace(string(f.Data))), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
