package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func write(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const minimal = `site:
  title: T
  url: https://news.example.com
`

func TestLoadDefaultsAndPaths(t *testing.T) {
	p := write(t, minimal+"sources:\n  - name: A\n    url: feeds/a.xml\n  - name: B\n    url: https://b.example/feed\n")
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(p)
	if c.Content != filepath.Join(dir, "content") || c.Out != filepath.Join(dir, "out") || c.State != filepath.Join(dir, ".braid/state.db") {
		t.Errorf("paths not resolved against the config folder: %q %q %q", c.Content, c.Out, c.State)
	}
	if c.Sources[0].URL != filepath.Join(dir, "feeds/a.xml") || c.Sources[1].URL != "https://b.example/feed" {
		t.Errorf("source urls: %q %q", c.Sources[0].URL, c.Sources[1].URL)
	}
	if c.Related.MaxItems != 20 || time.Duration(c.Related.MaxAge) != 720*time.Hour || len(c.Formats) != 3 {
		t.Errorf("defaults not applied: %+v %v", c.Related, c.Formats)
	}
	if c.Sources[1].Line != 7 {
		t.Errorf("source line = %d, want 7", c.Sources[1].Line)
	}
}

func TestInvalid(t *testing.T) {
	tests := []struct {
		name, body string
		want       []string // substrings of the error
	}{
		{"unknown key names its line", minimal + "related:\n  max_item: 3\n", []string{"config.yaml:5", "unknown key", "max_item"}},
		{"unknown top-level key", minimal + "sorces: []\n", []string{"config.yaml:4", "sorces"}},
		{"missing title", "site:\n  url: https://x.example\n", []string{"site.title", "is required"}},
		{"relative site url", "site:\n  title: T\n  url: /news\n", []string{"config.yaml:3", "site.url", "absolute"}},
		{"bad schedule", minimal + "schedule: \"61 * * * *\"\n", []string{"config.yaml:4", "schedule"}},
		{"bare CRON_TZ", minimal + "schedule: \"CRON_TZ=UTC\"\n", []string{"schedule", "no schedule"}},
		{"duplicate source", minimal + "sources:\n  - {name: A, url: a.xml}\n  - {name: A, url: b.xml}\n", []string{"config.yaml:6", "sources[1].name", "already"}},
		{"source without url", minimal + "sources:\n  - name: A\n", []string{"sources[0].url", "is required"}},
		{"ftp source", minimal + "sources:\n  - {name: A, url: \"ftp://x/y\"}\n", []string{"sources[0].url"}},
		{"bad format", minimal + "formats: [rss, rdf]\n", []string{"formats[1]", "rdf"}},
		{"bad duration", minimal + "related:\n  max_age: soon\n", []string{"config.yaml:5", "related.max_age", "soon"}},
		{"bad duration hides nothing", "site:\n  url: /news\nfetch:\n  timeout: soon\n  concurrency: 0\nrelated:\n  max_item: 3\n  max_age: later\n", []string{
			"config.yaml:2: invalid config: site.url", "site.title: is required",
			"config.yaml:4: invalid config: fetch.timeout: invalid duration \"soon\"",
			"config.yaml:5: invalid config: fetch.concurrency: must be at least 1",
			"config.yaml:7: invalid config: unknown key \"max_item\"",
			"config.yaml:8: invalid config: related.max_age: invalid duration \"later\"",
		}},
		{"wrong type and bad value together", minimal + "fetch:\n  concurrency: many\n  per_host: 0\n", []string{"config.yaml:5", "fetch.concurrency", "config.yaml:6", "fetch.per_host"}},
		{"min_score out of scale", minimal + "related:\n  min_score: 3\n", []string{"related.min_score", "between 0 and 1"}},
		{"mysql state", minimal + "state: mysql://root@db/braid\n", []string{"config.yaml:4", "state", `scheme "mysql"`}},
		{"redis state", minimal + "state: \"redis://cache:6379/0\"\n", []string{"config.yaml:4", "state", "postgres://"}},
		{"not yaml", "site: [\n", []string{"config.yaml"}},
		{"empty file", "", []string{"site.title", "site.url"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(write(t, tt.body))
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error does not wrap ErrInvalid: %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestStateKey: a path is resolved against the config's folder; a
// postgres URL is kept as written.
func TestStateKey(t *testing.T) {
	for _, tc := range []struct{ value, want string }{
		{"data/state.db", "data/state.db"},
		{"/var/lib/braid/state.db", "/var/lib/braid/state.db"},
		{"postgres://braid@db.example:5432/braid?sslmode=require", "postgres://braid@db.example:5432/braid?sslmode=require"},
		{"postgresql://braid@127.0.0.1/braid", "postgresql://braid@127.0.0.1/braid"},
	} {
		t.Run(tc.value, func(t *testing.T) {
			p := write(t, minimal+"state: \""+tc.value+"\"\n")
			c, err := Load(p)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.want
			if !strings.Contains(want, "://") && !filepath.IsAbs(want) {
				want = filepath.Join(filepath.Dir(p), want)
			}
			if c.State != want {
				t.Errorf("state = %q, want %q", c.State, want)
			}
		})
	}
}

func TestSchedules(t *testing.T) {
	for _, spec := range []string{"*/30 * * * *", "0 */5 * * * *", "@every 10m", "@hourly", "CRON_TZ=Europe/Berlin 0 6 * * *"} {
		if _, err := ParseSchedule(spec); err != nil {
			t.Errorf("%q: %v", spec, err)
		}
	}
	for _, spec := range []string{"", "CRON_TZ=UTC", "TZ=UTC   ", "* * *", "@every nope", "CRON_TZ=Nowhere/City 0 6 * * *"} {
		if _, err := ParseSchedule(spec); err == nil {
			t.Errorf("%q accepted", spec)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{"30d": 720 * time.Hour, "90m": 90 * time.Minute, "0s": 0} {
		got, err := ParseDuration(in)
		if err != nil || got != want {
			t.Errorf("%q = %v, %v; want %v", in, got, err, want)
		}
	}
}

// TestEveryProblemOnce checks that a value that fails to decode is
// reported once, not again by validation, and that problems come in file
// order.
func TestEveryProblemOnce(t *testing.T) {
	_, err := Load(write(t, minimal+"fetch:\n  timeout: soon\n  concurrency: 0\n"))
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d problems, want 2:\n%v", len(lines), err)
	}
	if !strings.Contains(lines[0], ":5: invalid config: fetch.timeout") || !strings.Contains(lines[1], ":6: invalid config: fetch.concurrency") {
		t.Errorf("problems:\n%v", err)
	}
}
