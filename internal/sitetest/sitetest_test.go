package sitetest

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/tools/txtar"
)

func TestWriteArchive(t *testing.T) {
	ar := txtar.Parse([]byte("comment\n-- config.yaml --\nurl: {{URL}}\n-- content/a.md --\n# A\n"))
	dir := WriteArchive(t, ar, "URL", "http://127.0.0.1:1/")
	for name, want := range map[string]string{"config.yaml": "url: http://127.0.0.1:1/\n", "content/a.md": "# A\n"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(got) != want {
			t.Errorf("%s: %q, %v; want %q", name, got, err, want)
		}
	}
}
