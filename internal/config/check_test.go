package config

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	const head = "site:\n  title: T\n  url: https://n.example.com\n"
	tests := []struct {
		name        string
		body        string // "" for no file
		loads       bool
		wantContent string // relative to the config's folder; "" for none
		wantSiteURL string
		wantErrs    []string // {path} is the config file
	}{
		{
			name: "valid", body: head + "content: articles\n", loads: true,
			wantContent: "articles", wantSiteURL: "https://n.example.com",
		},
		{
			name: "missing local feed named by line", body: head + "sources:\n  - name: L\n    url: feeds/none.xml\n  - name: W\n    url: HTTPS://w.example.com/f\n",
			loads: true, wantContent: "content", wantSiteURL: "https://n.example.com",
			wantErrs: []string{"config: {path}:6: sources[0].url: local feed file:"},
		},
		{
			name: "invalid config still gives the content folder", body: head + "content: posts\nrelatd: 1\nformats: [gopher]\n",
			wantContent: "posts", wantSiteURL: "https://n.example.com",
			wantErrs: []string{`{path}:5: invalid config: unknown key "relatd"`},
		},
		{
			name: "no file", wantErrs: []string{"config.yaml"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "config.yaml")
			if tt.body != "" {
				p = write(t, tt.body)
			}
			r := Check(p)
			if (r.Config != nil) != tt.loads {
				t.Fatalf("loaded %v, want %v (err %v)", r.Config != nil, tt.loads, r.Err)
			}
			wantContent := ""
			if tt.wantContent != "" {
				wantContent = filepath.Join(filepath.Dir(p), tt.wantContent)
			}
			if r.Content != wantContent || r.SiteURL != tt.wantSiteURL {
				t.Errorf("content %q, site %q; want %q, %q", r.Content, r.SiteURL, wantContent, tt.wantSiteURL)
			}
			if len(tt.wantErrs) == 0 && r.Err != nil {
				t.Errorf("unexpected problems: %v", r.Err)
			}
			for _, w := range tt.wantErrs {
				if w = strings.ReplaceAll(w, "{path}", p); r.Err == nil || !strings.Contains(r.Err.Error(), w) {
					t.Errorf("problems %v lack %q", r.Err, w)
				}
			}
			if tt.name == "missing local feed named by line" && !errors.Is(r.Err, fs.ErrNotExist) {
				t.Errorf("a missing feed file does not wrap fs.ErrNotExist: %v", r.Err)
			}
		})
	}
}
