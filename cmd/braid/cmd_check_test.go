package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// initSite scaffolds a site with `braid init` and returns its folder.
func initSite(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if _, stderr, code := braid(t, "init", dir); code != 0 {
		t.Fatalf("init: %s", stderr)
	}
	return dir
}

func putFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func addToFile(t *testing.T, path, body string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	putFile(t, path, string(data)+body)
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		args  []string
		code  int
		want  []string // lines (or parts of lines) in the output, {dir} replaced
	}{
		{
			name: "a good site",
			code: 0,
			want: []string{"ok: {dir}/config.yaml and 2 articles are valid", `note: {dir}/content/brisa-rail-korvel-tram-contract.txt: next "Korvel Orders`},
		},
		{
			name: "unknown config key and bad front matter, both reported",
			setup: func(t *testing.T, dir string) {
				addToFile(t, filepath.Join(dir, "config.yaml"), "relatd:\n  max_items: 3\n")
				putFile(t, filepath.Join(dir, "content", "bad.md"), "---\ntitle: Bad\ndate: 2026-01-02\nauthr: Someone\n---\nBody.\n")
			},
			code: 1,
			want: []string{`{dir}/config.yaml:62: invalid config: unknown key "relatd"`, `{dir}/content/bad.md:4: front matter: unknown key "authr"`, "2 problems"},
		},
		{
			name: "every config value problem at once",
			setup: func(t *testing.T, dir string) {
				p := filepath.Join(dir, "config.yaml")
				data, _ := os.ReadFile(p)
				s := strings.Replace(string(data), "url: https://news.example.com ", "url: /relative ", 1)
				s = strings.Replace(s, "min_score: 0.13", "min_score: 5   ", 1)
				putFile(t, p, s)
			},
			code: 1,
			want: []string{"{dir}/config.yaml:10: invalid config: site.url", "{dir}/config.yaml:49: invalid config: related.min_score", "2 problems"},
		},
		{
			name: "duplicate slugs and a neighbour naming itself",
			setup: func(t *testing.T, dir string) {
				putFile(t, filepath.Join(dir, "content", "copy.md"), "---\ntitle: Copy\nslug: korvel-harbour-tram-approved\n---\nx\n")
				putFile(t, filepath.Join(dir, "content", "self.md"), "---\ntitle: Self\nnext: self\n---\nx\n")
			},
			code: 1,
			want: []string{`{dir}/content/korvel-harbour-tram-approved.md: slug "korvel-harbour-tram-approved" is already used by {dir}/content/copy.md`,
				`{dir}/content/self.md:3: next "self" ignored: it is the article itself`},
		},
		{
			name:  "a missing local source file",
			setup: func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "feeds", "example.xml")) },
			code:  1,
			want:  []string{"{dir}/config.yaml:39: sources[0].url: local feed file", "example.xml"},
		},
		{
			name:  "no config",
			setup: func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "config.yaml")) },
			code:  1,
			want:  []string{"config.yaml", "braid init"},
		},
		{name: "an argument", args: []string{"extra"}, code: 2, want: []string{"takes no arguments"}},
		{name: "an unknown flag", args: []string{"--strict"}, code: 2, want: []string{"unknown flag"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := initSite(t)
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			args := append([]string{"check", "-c", filepath.Join(dir, "config.yaml")}, tt.args...)
			stdout, stderr, code := braid(t, args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			for _, w := range tt.want {
				w = strings.ReplaceAll(w, "{dir}", dir)
				if !strings.Contains(stdout+stderr, w) {
					t.Errorf("output lacks %q", w)
				}
			}
			if t.Failed() {
				t.Logf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
			}
			for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
				if strings.Contains(l, "\n") {
					t.Errorf("problem spans lines: %q", l)
				}
			}
		})
	}
}

func TestCheckSources(t *testing.T) {
	wire, err := os.ReadFile("../../examples/wire.xml")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/broken" {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(wire)
	}))
	defer srv.Close()

	tests := []struct {
		name    string
		sources string
		code    int
		want    [][]string // each: the parts of one output line
	}{
		{
			name:    "one ok, one failing",
			sources: "  - {name: Good Wire, url: '" + srv.URL + "/wire'}\n  - {name: Bad Wire, url: '" + srv.URL + "/broken'}\n",
			code:    1,
			want:    [][]string{{"Good Wire", "ok", "12", "HTTP 200"}, {"Bad Wire", "failed", "0", "HTTP 500"}, {"1 failed source"}},
		},
		{
			name:    "all ok, local and remote",
			sources: "  - {name: Good Wire, url: '" + srv.URL + "/wire'}\n  - {name: Local, url: local.xml}\n",
			code:    0,
			want:    [][]string{{"Good Wire", "ok", "12", "HTTP 200"}, {"Local", "ok", "12", "local file"}, {"ok: "}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			putFile(t, filepath.Join(dir, "local.xml"), string(wire))
			putFile(t, filepath.Join(dir, "content", "a.md"), "---\ntitle: A\n---\nText.\n")
			putFile(t, filepath.Join(dir, "config.yaml"),
				"site:\n  title: T\n  url: https://news.example.com\nfetch:\n  timeout: 5s\nsources:\n"+tt.sources)
			tmp := t.TempDir() // the throwaway state goes here, and must be gone after
			stdout, stderr, code := braidIn(t, dir, []string{"TMPDIR=" + tmp}, "check", "--sources")
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			lines := strings.Split(stdout+stderr, "\n")
			for _, parts := range tt.want {
				found := false
				for _, l := range lines {
					ok := true
					for _, p := range parts {
						ok = ok && strings.Contains(l, p)
					}
					found = found || ok
				}
				if !found {
					t.Errorf("no line with %q", parts)
				}
			}
			for _, p := range []string{".braid", "out"} {
				if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
					t.Errorf("check created %s in the site", p)
				}
			}
			if left, _ := os.ReadDir(tmp); len(left) != 0 {
				t.Errorf("throwaway state left behind: %v", left)
			}
			if t.Failed() {
				t.Logf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
			}
		})
	}
}
