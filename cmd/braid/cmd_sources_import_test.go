package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/opml"
)

const importOPML = `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Reader export</title></head>
  <body>
    <outline text="News" title="News">
      <outline type="rss" text="Wire" xmlUrl="https://wire.example.com/top.xml" htmlUrl="https://wire.example.com/"/>
      <outline text="Deeper">
        <outline type="rss" title="Markets" text="ignored" xmlUrl="https://markets.example.com/feed.atom"/>
      </outline>
    </outline>
    <outline type="rss" text="Example Wire" xmlUrl="https://other.example.com/feed"/>
    <outline type="rss" text="Wire, again" xmlUrl="http://WWW.wire.example.com/top.xml/?utm_source=reader"/>
    <outline type="rss" text="The local example" xmlUrl="file://{dir}/feeds/example.xml"/>
    <outline type="rss" text="Relative" xmlUrl="feeds/other.xml"/>
  </body>
</opml>
`

func TestSourcesImport(t *testing.T) {
	dir := initSite(t)
	cfg := filepath.Join(dir, "config.yaml")
	before, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "reader.opml")
	putFile(t, file, strings.ReplaceAll(importOPML, "{dir}", dir))

	stdout, stderr, code := braid(t, "sources", "import", file, "--config", cfg)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"3 added, 2 skipped, 1 ignored", "added    Example Wire (2)", "skipped  Wire, again", "ignored  Relative"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	after, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	inserted := insertedLines(t, string(before), string(after))
	if len(inserted) != 6 || !strings.HasPrefix(inserted[0], "  - name: Wire") {
		t.Errorf("inserted lines:\n%s", strings.Join(inserted, ""))
	}
	c, err := config.Load(cfg)
	if err != nil {
		t.Fatalf("the imported config does not load: %v", err)
	}
	var names []string
	for _, s := range c.Sources {
		names = append(names, s.Name)
	}
	if want := []string{"Example Wire", "Wire", "Markets", "Example Wire (2)"}; !reflect.DeepEqual(names, want) {
		t.Errorf("sources %v, want %v", names, want)
	}

	// Again: everything is there already, and the file is left alone.
	stdout, _, code = braid(t, "sources", "import", file, "--config", cfg)
	if code != 0 || !strings.Contains(stdout, "0 added, 5 skipped") {
		t.Errorf("second import: exit %d\n%s", code, stdout)
	}
	if again, _ := os.ReadFile(cfg); string(again) != string(after) {
		t.Error("a second import changed the config")
	}
}

// insertedLines checks that after is before with one run of lines
// inserted, every old line byte for byte in place, and returns the run.
func insertedLines(t *testing.T, before, after string) []string {
	t.Helper()
	b, a := strings.SplitAfter(before, "\n"), strings.SplitAfter(after, "\n")
	p := 0
	for p < len(b) && p < len(a) && b[p] == a[p] {
		p++
	}
	s := 0
	for s < len(b)-p && s < len(a)-p && b[len(b)-1-s] == a[len(a)-1-s] {
		s++
	}
	if p+s != len(b) {
		t.Fatalf("old lines were changed, not only added to:\n--- before\n%s--- after\n%s", before, after)
	}
	return a[p : len(a)-s]
}

func TestSourcesImportFailures(t *testing.T) {
	tests := []struct {
		name string
		opml string // "" for no file
		args []string
		code int
		want []string
	}{
		{"malformed OPML", "<opml version=\"2.0\"><body>\n<outline text=\"a\" xmlUrl=\"https://a.example.com/?a&b\"/></body></opml>", nil, 1, []string{"{file}:2: invalid OPML"}},
		{"not OPML", `<rss version="2.0"><channel/></rss>`, nil, 1, []string{"{file}", "opml"}},
		{"missing file", "", nil, 1, []string{"{file}"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := initSite(t)
			cfg := filepath.Join(dir, "config.yaml")
			before, _ := os.ReadFile(cfg)
			file := filepath.Join(t.TempDir(), "subs.opml")
			if tt.opml != "" {
				putFile(t, file, tt.opml)
			}
			args := tt.args
			if args == nil {
				args = []string{"sources", "import", file}
			}
			stdout, stderr, code := braid(t, append(args, "-c", cfg)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			for _, w := range tt.want {
				if w = strings.ReplaceAll(w, "{file}", file); !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s%s", w, stdout, stderr)
				}
			}
			if after, _ := os.ReadFile(cfg); string(after) != string(before) {
				t.Error("the config was changed")
			}
		})
	}
}

func TestSourcesExport(t *testing.T) {
	dir := initSite(t)
	cfg := filepath.Join(dir, "config.yaml")
	if _, _, err := config.AddSources(cfg, []config.Source{
		{Name: "Wire & Co <Top>", URL: "https://wire.example.com/top.xml?a=1&b=2"},
		{Name: "Markets", URL: "https://markets.example.com/feed.atom"},
	}); err != nil {
		t.Fatal(err)
	}
	want := []opml.Feed{
		{Name: "Example Wire", URL: "file://" + filepath.ToSlash(filepath.Join(dir, "feeds", "example.xml"))},
		{Name: "Wire & Co <Top>", URL: "https://wire.example.com/top.xml?a=1&b=2"},
		{Name: "Markets", URL: "https://markets.example.com/feed.atom"},
	}

	// A relative --config: local files must still come out absolute.
	stdout, stderr, code := braidIn(t, dir, nil, "sources", "export", "--config", "config.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got, err := opml.Parse(strings.NewReader(stdout))
	if err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("exported %+v\nwant %+v", got, want)
	}
	if !strings.Contains(stdout, "<title>Example News sources</title>") {
		t.Errorf("no head title:\n%s", stdout)
	}

	out := filepath.Join(t.TempDir(), "sources.opml")
	if _, stderr, code := braid(t, "sources", "export", "-c", cfg, "-o", out); code != 0 {
		t.Fatalf("-o: exit %d: %s", code, stderr)
	}
	if data, _ := os.ReadFile(out); string(data) != stdout {
		t.Error("the file differs from stdout: output is not deterministic")
	}

	// Importing the export back adds nothing: local files included.
	stdout, stderr, code = braid(t, "sources", "import", out, "-c", cfg)
	if code != 0 || !strings.Contains(stdout, "0 added, 3 skipped") {
		t.Errorf("re-import: exit %d\n%s%s", code, stdout, stderr)
	}

	if _, stderr, code := braid(t, "sources", "export", "-c", cfg, "extra"); code != 2 {
		t.Errorf("an argument: exit %d: %s", code, stderr)
	}
	if _, stderr, code := braid(t, "sources", "export", "-c", filepath.Join(dir, "none.yaml")); code != 1 || !strings.Contains(stderr, "none.yaml") {
		t.Errorf("missing config: exit %d: %s", code, stderr)
	}
}
