package scaffold

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/sources/articles"
)

func TestWriteCreatesAWorkingSite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "site") // missing parents are made
	created, err := Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, f := range Files() {
		want = append(want, filepath.Join(dir, filepath.FromSlash(f)))
	}
	if !reflect.DeepEqual(created, want) || len(created) != 4 {
		t.Errorf("created %v, want %v", created, want)
	}

	cfg, err := config.Load(filepath.Join(dir, "config.yaml"))
	if err != nil {
		t.Fatalf("config does not load: %v", err)
	}
	if len(cfg.Sources) != 1 {
		t.Fatalf("sources: %+v", cfg.Sources)
	}
	if _, err := os.Stat(cfg.Sources[0].URL); err != nil {
		t.Errorf("the example source is not a local file: %v", err)
	}

	arts, problems, err := articles.LoadAll(context.Background(), cfg.Content)
	if err != nil || len(problems) > 0 {
		t.Fatalf("articles do not load cleanly: %v %v", err, problems)
	}
	formats := map[string]string{}
	for _, a := range arts {
		formats[a.Format] = a.Slug
	}
	if len(arts) != 2 || formats[articles.FormatMarkdown] == "" || formats[articles.FormatText] == "" {
		t.Fatalf("want one Markdown and one text article, got %v", formats)
	}
	seq, problems := articles.Chain(arts, nil)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	prev, next := seq.Prev, seq.Next
	for i, a := range arts {
		switch a.Format {
		case articles.FormatMarkdown:
			if a.Next == "" || next[i] == nil || next[i].Article == nil || next[i].Slug != formats[articles.FormatText] {
				t.Errorf("the Markdown article's next is not the text article: %q → %+v", a.Next, next[i])
			}
		case articles.FormatText:
			if a.Credit == "" || len(a.Headings) == 0 {
				t.Errorf("the export lacks a credit or headings: %+v", a)
			}
			if prev[i] == nil || prev[i].Article == nil || prev[i].Slug != formats[articles.FormatMarkdown] {
				t.Errorf("the text article's previous is not the Markdown article: %+v", prev[i])
			}
			if strings.Contains(a.Text, "Please enter") || strings.Contains(a.Text, "Next article") {
				t.Error("the export's boilerplate was published")
			}
		}
	}
}

// TestConfigNamesEveryKey keeps `braid init`'s config complete: a key
// added to config.Config must be added (set or commented out) here too.
func TestConfigNamesEveryKey(t *testing.T) {
	data, err := Read("config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, key := range yamlKeys(reflect.TypeFor[config.Config](), "") {
		leaf := key[strings.LastIndex(key, ".")+1:]
		leaf = strings.TrimSuffix(leaf, "[]")
		re := regexp.MustCompile(`(?m)^\s*(#\s*)?(-\s+)?` + regexp.QuoteMeta(leaf) + `:`)
		if !re.MatchString(text) {
			t.Errorf("config.yaml does not mention %s", key)
		}
	}
}

// yamlKeys lists the key paths of a config struct ("site.author.name",
// "sources[].url").
func yamlKeys(typ reflect.Type, prefix string) []string {
	var out []string
	for f := range typ.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || name == "" || !f.IsExported() {
			continue
		}
		key := prefix + name
		out = append(out, key)
		ft := f.Type
		if ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct {
			out = append(out, yamlKeys(ft.Elem(), key+"[].")...)
		} else if ft.Kind() == reflect.Struct && ft != reflect.TypeFor[config.Duration]() {
			out = append(out, yamlKeys(ft, key+".")...)
		}
	}
	return out
}

// TestConfigStatesTheDefaults makes the values written in the config the
// real defaults, except where its comments say why not, so the file
// teaches the truth.
func TestConfigStatesTheDefaults(t *testing.T) {
	dir := t.TempDir()
	if _, err := Write(dir); err != nil {
		t.Fatal(err)
	}
	got, err := config.Load(filepath.Join(dir, "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	def := config.Default()
	for _, tt := range []struct {
		key       string
		got, want any
	}{
		{"content", got.Content, filepath.Join(dir, def.Content)},
		{"out", got.Out, filepath.Join(dir, def.Out)},
		{"state", got.State, filepath.Join(dir, def.State)},
		{"formats", got.Formats, def.Formats},
		{"schedule", got.Schedule, def.Schedule},
		{"run_at_start", got.RunAtStart, def.RunAtStart},
		{"listen", got.Listen, def.Listen},
		{"websub", got.WebSub, def.WebSub},
		{"related.max_items", got.Related.MaxItems, def.Related.MaxItems},
		{"related.min_score", got.Related.MinScore, def.Related.MinScore},
		{"fetch", got.Fetch, def.Fetch},
		{"site.feeds_url", got.Site.FeedsURL, def.Site.FeedsURL},
		{"sources[0].every", got.Sources[0].Every, config.Duration(0)},
		{"sources[0].weight", got.Sources[0].Weight, 1.0},
	} {
		t.Run(tt.key, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("%v, want the default %v", tt.got, tt.want)
			}
		})
	}
}

func TestWriteRefusesToOverwrite(t *testing.T) {
	tests := []struct {
		name     string
		existing []string // files made before Write
	}{
		{"config", []string{"config.yaml"}},
		{"an article and the feed", []string{"content/korvel-harbour-tram-approved.md", "feeds/example.xml"}},
		{"everything", Files()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tt.existing {
				p := filepath.Join(dir, filepath.FromSlash(f))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte("mine"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			before := tree(t, dir)
			created, err := Write(dir)
			if !errors.Is(err, ErrExists) {
				t.Fatalf("err = %v, want ErrExists", err)
			}
			if created != nil {
				t.Errorf("reported created files: %v", created)
			}
			for _, f := range tt.existing {
				if !strings.Contains(err.Error(), filepath.Join(dir, filepath.FromSlash(f))) {
					t.Errorf("error %q does not name %s", err, f)
				}
			}
			if after := tree(t, dir); !reflect.DeepEqual(after, before) {
				t.Errorf("files changed:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

func TestWriteIntoAFileFails(t *testing.T) {
	file := filepath.Join(t.TempDir(), "plain")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(file); err == nil || !strings.HasPrefix(err.Error(), "scaffold: ") {
		t.Errorf("err = %v", err)
	}
	if data, _ := os.ReadFile(file); string(data) != "x" {
		t.Error("the file was changed")
	}
}

// tree maps every file under dir to its content.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestFilesAreSortedAndReadable(t *testing.T) {
	files := Files()
	if !slices.IsSorted(files) {
		t.Errorf("not sorted: %v", files)
	}
	for _, f := range files {
		if b, err := Read(f); err != nil || len(b) == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	if _, err := Read("nope"); err == nil {
		t.Error("reading a missing file worked")
	}
}
