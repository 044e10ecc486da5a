package config

import (
	"os"
	"path/filepath"
	"testing"
)

func TestContentError(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.yaml")
	if err := os.Mkdir(filepath.Join(dir, "content"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "file.md"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, content string
		line          int
		want          string // "" for no error
	}{
		{"present", "content", 4, ""},
		{"missing, with line", "contnet", 4, `config: ` + cfgPath + `:4: content: folder "contnet" does not exist`},
		{"missing, no line", "contnet", 0, `config: ` + cfgPath + `: content: folder "contnet" does not exist`},
		{"a file", "file.md", 7, `config: ` + cfgPath + `:7: content: "file.md" is not a folder`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ContentError(cfgPath, tt.line, filepath.Join(dir, tt.content))
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || err.Error() != tt.want):
				t.Errorf("got %v\nwant %s", err, tt.want)
			}
		})
	}
}
