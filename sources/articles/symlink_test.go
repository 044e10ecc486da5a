package articles

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestSymlinks lays out a content folder with every kind of symlink and
// checks the rule: a link to a file inside is read, links outside (file
// or folder) are not followed and get a note naming them, a link to a
// folder inside is skipped silently (its articles are read once, where
// they are).
func TestSymlinks(t *testing.T) {
	base := t.TempDir()
	content := filepath.Join(base, "content")
	outside := filepath.Join(base, "elsewhere")
	writeFile(t, content, "real.md", "---\ntitle: Real\n---\nBody.\n")
	writeFile(t, content, "desk/inner.md", "---\ntitle: Inner\n---\nBody.\n")
	writeFile(t, outside, "secret.md", "---\ntitle: Secret\n---\nNot the site's.\n")
	writeFile(t, outside, "tree/other.md", "---\ntitle: Other\n---\nNot the site's.\n")
	links := map[string]string{
		"alias.md":    filepath.Join(content, "desk", "inner.md"), // file inside: read
		"leak.md":     filepath.Join(outside, "secret.md"),        // file outside: note
		"archive":     filepath.Join(outside, "tree"),             // folder outside: note
		"desk-again":  filepath.Join(content, "desk"),             // folder inside: silent
		"gone.md":     filepath.Join(base, "missing.md"),          // dangling: note
		"relative.md": filepath.Join("..", "elsewhere", "secret.md"),
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(content, name)); err != nil {
			t.Skipf("symlinks unavailable: %v", err)
		}
	}
	arts, problems, err := LoadAll(context.Background(), content)
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, a := range arts {
		slugs = append(slugs, a.Slug)
	}
	if want := []string{"alias", "inner", "real"}; !slices.Equal(slugs, want) {
		t.Errorf("articles %v, want %v", slugs, want)
	}
	noted := map[string]string{}
	for _, p := range problems {
		if p.Key == KeySymlink {
			if p.Severity != SeverityNote {
				t.Errorf("%s: severity %v, want note", p.Path, p.Severity)
			}
			noted[filepath.Base(p.Path)] = p.Msg
		}
	}
	tests := []struct{ name, want string }{
		{"leak.md", "symlink to file " + filepath.Join(outside, "secret.md") + " outside the content folder is not followed"},
		{"relative.md", "outside the content folder is not followed"},
		{"archive", "symlink to folder " + filepath.Join(outside, "tree") + " outside the content folder is not followed"},
		{"gone.md", "symlink cannot be followed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(noted[tt.name], tt.want) {
				t.Errorf("note %q, want it to say %q", noted[tt.name], tt.want)
			}
		})
	}
	if len(noted) != len(tests) {
		t.Errorf("notes for %v, want exactly %d", noted, len(tests))
	}
	if Errors(problems) != nil {
		t.Errorf("symlinks made errors: %v", Errors(problems))
	}
}
