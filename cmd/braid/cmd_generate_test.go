package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

// serveFile serves one feed file over loopback HTTP, with a content type.
func serveFile(t *testing.T, path, ctype string) *httptest.Server {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ctype)
		w.Write(data)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// site lays out a temporary site: the repository's example articles and a
// config whose sources are the given URLs (name → URL).
func site(t *testing.T, sources [][2]string, extra string) (dir, cfg string) {
	t.Helper()
	dir = t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "content"), os.DirFS("../../content")); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("site:\n  title: Test News\n  url: https://news.example.com\n  language: en\nrelated:\n  max_age: 0s\n")
	b.WriteString(extra)
	b.WriteString("sources:\n")
	for _, s := range sources {
		b.WriteString("  - name: " + s[0] + "\n    url: " + s[1] + "\n")
	}
	cfg = filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, cfg
}

func allFormatsServed(t *testing.T) [][2]string {
	return [][2]string{
		{"Wire", serveFile(t, "../../examples/wire.xml", "application/rss+xml").URL + "/wire.xml"},
		{"Markets", serveFile(t, "../../examples/markets.atom", "application/atom+xml").URL + "/feed.atom"},
		{"Tech", serveFile(t, "../../examples/tech.json", "application/feed+json").URL + "/feed.json"},
		{"Digest", serveFile(t, "testdata/rdf.xml", "application/rdf+xml").URL + "/rdf"},
	}
}

func parseFeed(t *testing.T, path string) *gofeed.Feed {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := gofeed.NewParser().Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return f
}

func titles(f *gofeed.Feed) map[string]bool {
	m := map[string]bool{}
	for _, it := range f.Items {
		m[it.Title] = true
	}
	return m
}

func TestGenerateEndToEnd(t *testing.T) {
	dir, cfg := site(t, allFormatsServed(t), "")
	stdout, stderr, code := braid(t, "generate", "--config", cfg)
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "4 ok, 0 not modified, 0 not due, 0 failed") {
		t.Errorf("summary: %q", stdout)
	}
	out := filepath.Join(dir, "out")
	slugs := []string{"halden-strata-battery-platform", "vantrix-estmarch-regulators", "atlas-bank-tavora-aid"}
	for _, slug := range slugs {
		for _, name := range []string{"rss.xml", "atom.xml", "feed.json"} {
			f := parseFeed(t, filepath.Join(out, slug, name))
			roles := map[string]int{}
			for _, it := range f.Items {
				if it.GUID == "" {
					t.Errorf("%s/%s: item %q without id", slug, name, it.Title)
				}
				for _, c := range it.Categories {
					roles[strings.TrimPrefix(c, "role:")]++ // JSON Feed tags carry a prefix
				}
			}
			if roles["article"] != 1 || roles["related"] == 0 {
				t.Errorf("%s/%s: roles %v", slug, name, roles)
			}
		}
	}

	// Every format of every source reached the right article, and the
	// unrelated items reached none.
	halden := titles(parseFeed(t, filepath.Join(out, "halden-strata-battery-platform", "atom.xml")))
	for _, want := range []string{
		"Halden Strata Suppliers Race to Ship Floor-Mounted Battery Cells",         // RSS 1.0
		"Halden Motors Confirms Norrvik Plant Refit for Strata Cars",               // RSS 2.0
		"Estmarch Regulators Order Vantrix Exchange to Hand Over Customer Records", // next
	} {
		if !halden[want] {
			t.Errorf("halden feed lacks %q", want)
		}
	}
	for _, slug := range slugs {
		got := titles(parseFeed(t, filepath.Join(out, slug, "rss.xml")))
		for _, bad := range []string{"Protecting Winter Vegetables From the First Frost", "River Bank Rovers Win Cup Final on Penalties", "Recipe: Slow-Roasted Tomato and Fennel Soup"} {
			if got[bad] {
				t.Errorf("%s: unrelated item %q selected", slug, bad)
			}
		}
	}

	// RSS names the external feed of a related item with <source url>.
	rss, _ := os.ReadFile(filepath.Join(out, "halden-strata-battery-platform", "rss.xml"))
	if !bytes.Contains(rss, []byte(`<source url="https://digest.example.net/rdf">`)) && !bytes.Contains(rss, []byte(`<source url="http://127.0.0.1`)) {
		t.Errorf("no <source url> for the RSS 1.0 item:\n%s", rss)
	}
	if bytes.Contains(rss, []byte("<script")) || bytes.Contains(rss, []byte("&lt;script")) {
		t.Error("script survived sanitizing")
	}

	// Site-wide files.
	for _, name := range []string{"rss.xml", "atom.xml", "feed.json", "index.html", "feeds.opml"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Error(err)
		}
	}
	var opml struct {
		Outlines []struct {
			XMLURL string `xml:"xmlUrl,attr"`
		} `xml:"body>outline"`
	}
	data, _ := os.ReadFile(filepath.Join(out, "feeds.opml"))
	if err := xml.Unmarshal(data, &opml); err != nil || len(opml.Outlines) != 4 {
		t.Errorf("feeds.opml: %v, %d outlines", err, len(opml.Outlines))
	}
	index, _ := os.ReadFile(filepath.Join(out, "index.html"))
	if n := bytes.Count(index, []byte(`rel="alternate"`)); n < 12 {
		t.Errorf("index.html has %d autodiscovery links, want ≥ 12", n)
	}
	var jf map[string]any
	data, _ = os.ReadFile(filepath.Join(out, "feed.json"))
	if err := json.Unmarshal(data, &jf); err != nil || jf["version"] != "https://jsonfeed.org/version/1.1" {
		t.Errorf("site feed.json: %v %v", err, jf["version"])
	}
}

// snapshot maps every output file to its bytes and mtime.
func snapshot(t *testing.T, dir string) map[string][2]string {
	t.Helper()
	m := map[string][2]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, _ := os.ReadFile(p)
		info, _ := d.Info()
		m[p] = [2]string{string(data), info.ModTime().Format(time.RFC3339Nano)}
		return nil
	})
	return m
}

func TestGenerateTwiceIsByteIdenticalAndUntouched(t *testing.T) {
	dir, cfg := site(t, allFormatsServed(t), "")
	if _, stderr, code := braid(t, "generate", "-c", cfg); code != 0 {
		t.Fatal(stderr)
	}
	first := snapshot(t, filepath.Join(dir, "out"))
	time.Sleep(20 * time.Millisecond) // make a rewrite visible in mtimes
	stdout, stderr, code := braid(t, "generate", "-c", cfg)
	if code != 0 {
		t.Fatal(stderr)
	}
	if !strings.Contains(stdout, "0 written") {
		t.Errorf("second run rewrote files: %s", stdout)
	}
	second := snapshot(t, filepath.Join(dir, "out"))
	if len(first) != len(second) || len(first) < 14 {
		t.Fatalf("file count %d then %d", len(first), len(second))
	}
	for p, a := range first {
		b := second[p]
		if a[0] != b[0] {
			t.Errorf("%s: bytes differ", p)
		}
		if a[1] != b[1] {
			t.Errorf("%s: rewritten (mtime %s → %s)", p, a[1], b[1])
		}
	}
}

func TestGenerateKeepsGoingWhenASourceFails(t *testing.T) {
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	defer broken.Close()
	srcs := append(allFormatsServed(t)[:1], [2]string{"Broken Wire", broken.URL + "/feed"})
	dir, cfg := site(t, srcs, "fetch:\n  timeout: 2s\n")
	stdout, stderr, code := braid(t, "generate", "--config", cfg)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "Broken Wire") || !strings.Contains(stderr, "500") {
		t.Errorf("stderr does not name the failed source and reason: %q", stderr)
	}
	if !strings.Contains(stdout, "1 failed") {
		t.Errorf("summary: %q", stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "halden-strata-battery-platform", "atom.xml")); err != nil {
		t.Error(err)
	}
}

func TestGenerateRefusesBadInput(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir, cfg string)
		want  []string
	}{
		{"unknown config key", func(t *testing.T, dir, cfg string) {
			appendFile(t, cfg, "relatd:\n  max_items: 3\n")
		}, []string{"config.yaml:8", "unknown key", "relatd"}},
		{"invalid config value", func(t *testing.T, dir, cfg string) {
			appendFile(t, cfg, "formats: [rss, gopher]\n")
		}, []string{"config.yaml:8", "formats[1]"}},
		{"article without title", func(t *testing.T, dir, cfg string) {
			os.WriteFile(filepath.Join(dir, "content", "broken.md"), []byte("---\ndate: 2026-01-02\n---\nbody\n"), 0o644)
		}, []string{"broken.md", "title"}},
		{"article with a bad front matter key", func(t *testing.T, dir, cfg string) {
			os.WriteFile(filepath.Join(dir, "content", "odd.md"), []byte("---\ntitle: Odd\nsubtitle: x\n---\nbody\n"), 0o644)
		}, []string{"odd.md:3", "subtitle"}},
		{"output not writable", func(t *testing.T, dir, cfg string) {
			os.WriteFile(filepath.Join(dir, "out"), []byte("a file where the folder should be"), 0o644)
		}, []string{"out"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, cfg := site(t, nil, "")
			tt.setup(t, dir, cfg)
			_, stderr, code := braid(t, "generate", "--config", cfg)
			if code != 1 {
				t.Fatalf("exit %d, want 1; stderr: %s", code, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
		})
	}
}

func appendFile(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.WriteString(text)
}

func TestGenerateOutputModes(t *testing.T) {
	_, cfg := site(t, allFormatsServed(t), "")
	stdout, stderr, code := braid(t, "generate", "-c", cfg)
	if code != 0 || !strings.Contains(stderr, "braid: fetching sources\n") || !strings.Contains(stdout, "articles; sources:") {
		t.Errorf("plain mode: %d\nstdout %q\nstderr %q", code, stdout, stderr)
	}
	stdout, stderr, code = braid(t, "generate", "-c", cfg, "--quiet")
	if code != 0 || stdout != "" || stderr != "" {
		t.Errorf("quiet mode printed: %q %q", stdout, stderr)
	}
	stdout, _, code = braid(t, "generate", "-c", cfg, "--json")
	var sum struct {
		Articles     int `json:"articles"`
		FilesWritten int `json:"files_written"`
		Sources      []struct {
			Name, Status string
		} `json:"sources"`
	}
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil || code != 0 || sum.Articles != 3 || len(sum.Sources) != 4 {
		t.Errorf("json mode: %v %d %+v\n%s", err, code, sum, stdout)
	}
}

// TestShippedConfig guards the default a newcomer runs first.
func TestShippedConfig(t *testing.T) {
	stdout, stderr, code := braid(t, "check", "-c", "../../config.yaml")
	if code != 0 || !strings.Contains(stdout, "3 articles are valid") {
		t.Fatalf("check of the shipped config: %d\n%s%s", code, stdout, stderr)
	}
	data, _ := os.ReadFile("../../config.yaml")
	for _, want := range []string{"title: Example News", "examples/wire.xml", "examples/markets.atom", "examples/tech.json"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("shipped config.yaml lacks %q", want)
		}
	}
}
