package articles

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// writeFile writes content to name in a fresh temporary directory and
// returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func parseFile(t *testing.T, name, content string) (Article, string, error) {
	t.Helper()
	path := writeFile(t, t.TempDir(), name, content)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a, err := parserFor(path)(path, data)
	return a, path, err
}

func TestParseMarkdown(t *testing.T) {
	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		name, file, src string
		check           func(t *testing.T, a Article)
	}{
		{
			name: "all keys",
			file: "ignored-name.md",
			src: `---
title: "  Storm Barrier   Tested "
date: 2026-01-10
updated: "2026-01-11 07:45"
author: Pia Lund
credit: Coast Post
tags:
  - weather
  - Weather
  - " floods "
summary: A short   summary.
slug: storm-barrier
url: https://news.example/storm-barrier/
previous: winter-tides
next: Dredging Resumes
related:
  include: [barrier]
  exclude: [cricket, " "]
  min_score: 0.3
---
Body text.
`,
			check: func(t *testing.T, a Article) {
				min := 0.3
				want := Article{
					Format: "markdown", Slug: "storm-barrier", Title: "Storm Barrier Tested",
					Date: utc("2026-01-10T00:00:00Z"), Updated: utc("2026-01-11T07:45:00Z"),
					Author: "Pia Lund", Credit: "Coast Post", Tags: []string{"weather", "floods"},
					Summary: "A short summary.", URL: "https://news.example/storm-barrier/",
					Previous: "winter-tides", Next: "Dredging Resumes", PreviousLine: 14, NextLine: 15,
					Text: "Body text.", HTML: "<p>Body text.</p>",
					Related: Rules{Include: []string{"barrier"}, Exclude: []string{"cricket"}, MinScore: &min},
				}
				a.Path = ""
				if !reflect.DeepEqual(a, want) {
					t.Errorf("got  %+v\nwant %+v", a, want)
				}
			},
		},
		{
			name: "slug from file name through feed.Slug",
			file: "Honda’s Three New EV Platforms by 2030.md",
			src:  "---\ntitle: Honda\n---\n",
			check: func(t *testing.T, a Article) {
				if a.Slug != "hondas-three-new-ev-platforms-by-2030" {
					t.Errorf("slug %q", a.Slug)
				}
			},
		},
		{
			name: "date forms",
			file: "d.markdown",
			src:  "---\ntitle: T\ndate: 2026-02-03T04:05:06\nupdated: 2026-02-03T05:00:00-02:00\n---\n",
			check: func(t *testing.T, a Article) {
				if !a.Date.Equal(utc("2026-02-03T04:05:06Z")) || !a.Updated.Equal(utc("2026-02-03T07:00:00Z")) {
					t.Errorf("date %v updated %v", a.Date, a.Updated)
				}
			},
		},
		{
			name: "title heading dropped, headings, summary cut",
			file: "h.md",
			src:  "---\ntitle: Tide Tables\n---\n\n# Tide tables!\n\n" + strings.Repeat("word ", 100) + "\n\n## Low Water\n\ntext\n\n### Detail\n\nmore\n",
			check: func(t *testing.T, a Article) {
				if strings.Contains(a.HTML, "<h1") || strings.Contains(a.Text, "Tide tables") {
					t.Errorf("title rendered twice: %s", a.HTML)
				}
				if !reflect.DeepEqual(a.Headings, []string{"Low Water", "Detail"}) {
					t.Errorf("headings %q", a.Headings)
				}
				if !strings.HasSuffix(a.Summary, "word…") || len([]rune(a.Summary)) > summaryLimit+1 {
					t.Errorf("summary %q", a.Summary)
				}
			},
		},
		{
			name: "other h1 kept, raw html omitted",
			file: "r.md",
			src:  "---\ntitle: A\n---\n# B\n\n<script>alert(1)</script>\n\nx <b>y</b>\n",
			check: func(t *testing.T, a Article) {
				if !strings.Contains(a.HTML, "<h1>B</h1>") || strings.Contains(a.HTML, "<script") || strings.Contains(a.HTML, "<b>") {
					t.Errorf("html %s", a.HTML)
				}
				if a.Text != "B\n\nx y" {
					t.Errorf("text %q", a.Text)
				}
			},
		},
		{
			name: "CRLF and BOM",
			file: "c.md",
			src:  "\ufeff---\r\ntitle: Windows\r\ntags: a, b\r\n---\r\nLine one\r\nline two\r\n",
			check: func(t *testing.T, a Article) {
				if a.Title != "Windows" || a.Text != "Line one line two" || !reflect.DeepEqual(a.Tags, []string{"a", "b"}) {
					t.Errorf("%+v", a)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _, err := parseFile(t, tt.file, tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if a.Format != FormatMarkdown {
				t.Errorf("format %q", a.Format)
			}
			tt.check(t, a)
		})
	}
}

func TestParseMarkdownErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // substrings of the error, after "<path>"
	}{
		{"unknown key", "---\ntitle: T\n\nauthors: [x]\n---\n", []string{`:4: front matter: unknown key "authors"`}},
		{"unknown nested key", "---\ntitle: T\nrelated:\n  include: [a]\n  minscore: 1\n---\n", []string{`:5: front matter: unknown key "minscore"`}},
		{"bad date", "---\ntitle: T\nauthor: A\ndate: 3 March 2026\n---\n", []string{`:4: date "3 March 2026" is not a date`}},
		{"bad updated and url together", "---\ntitle: T\nupdated: soon\nurl: /relative/\n---\n", []string{`:3: updated "soon"`, `:4: url "/relative/" is not an absolute http(s) URL`}},
		{"updated before date", "---\ntitle: T\ndate: 2026-05-02\nupdated: 2026-05-01\n---\n", []string{`:4: updated 2026-05-01T00:00:00Z is before date`}},
		{"missing title", "---\nauthor: A\n---\nbody\n", []string{`:1: missing title`}},
		{"empty title", "---\ntitle: \"  \"\n---\nbody\n", []string{`:2: missing title`}},
		{"empty front matter", "---\n---\nbody\n", []string{`:1: missing title`}},
		{"no front matter, no heading", "Just a paragraph.\n\n# Late Heading\n", []string{`:1: missing title: no front matter`, `no "# Title" heading`}},
		{"level two heading is not a title", "## Section\n\nbody\n", []string{`:1: missing title`}},
		{"unknown key and bad date both", "---\ntitle: T\nsubtitle: x\ndate: someday\n---\n", []string{`:3: front matter: unknown key "subtitle"`, `:4: date "someday" is not a date`}},
		{"year zero", "---\ntitle: T\ndate: 0000-01-01\n---\n", []string{`:3: date "0000-01-01" is not a real date (year 0)`}},
		{"Go zero time", "---\ntitle: T\nupdated: 0001-01-01T00:00:00Z\n---\n", []string{`:3: updated "0001-01-01T00:00:00Z" is not a real date (year 1)`}},
		{"unclosed front matter", "---\ntitle: T\n", []string{`:1: front matter has no closing ---`}},
		{"yaml syntax", "---\ntitle: T\ntags: [a, b\n---\n", []string{`:3: front matter: did not find expected ',' or ']'`}},
		{"yaml tab on first line", "---\n\ttitle: T\n---\n", []string{`:2: front matter: found character that cannot start any token`}},
		{"yaml scanner error", "---\ntitle: T\n\ttags: x\n---\n", []string{`:3: front matter: found a tab character`}},
		{"title not a string", "---\ntitle: [a]\n---\n", []string{`:2: title: must be a single value`}},
		{"bad slug", "---\ntitle: T\nslug: Not A Slug\n---\n", []string{`:3: slug "Not A Slug" is not a URL slug`, `"not-a-slug"`}},
		{"bad min score", "---\ntitle: T\nrelated:\n  min_score: 2\n---\n", []string{`:4: related.min_score "2"`}},
		{"duplicate key", "---\ntitle: T\ntitle: U\n---\n", []string{`:3: front matter: mapping key "title" already defined at line 2`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, path, err := parseFile(t, "bad.md", tt.src)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("%v does not wrap ErrInvalid", err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "articles: "+path+":") {
				t.Errorf("error %q does not start with the path", msg)
			}
			for _, w := range tt.want {
				if strings.HasPrefix(w, ":") {
					w = path + w
				}
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
		})
	}
}

// TestMarkdownErrorKeys checks every front matter problem carries its key,
// so check can name it.
func TestMarkdownErrorKeys(t *testing.T) {
	_, _, err := parseFile(t, "k.md", "---\ntitle: T\nsubtitle: x\ndate: someday\nurl: /rel/\n---\n")
	var keys []string
	for _, p := range problemsOf("k.md", err) {
		keys = append(keys, fmt.Sprintf("%d:%s", p.Line, p.Key))
	}
	if got := strings.Join(keys, " "); got != "3:subtitle 4:date 5:url" {
		t.Errorf("line:key of problems = %q", got)
	}
}

func TestMarkdownTitleFromHeading(t *testing.T) {
	tests := []struct {
		name, src, title, text string
	}{
		{"plain", "# Harbour Lights Return\n\nThe lamps are back.\n", "Harbour Lights Return", "The lamps are back."},
		{"blank lines first, inline markup", "\n\n# The *Quiet* Quay\n\nBody.\n", "The Quiet Quay", "Body."},
		{"closing hashes", "# Night Ferry #\n\nBody.\n", "Night Ferry", "Body."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, path, err := parseFile(t, "h.md", tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if a.Title != tt.title || a.Text != tt.text {
				t.Errorf("title %q text %q", a.Title, a.Text)
			}
			if len(a.Notes) != 1 || a.Notes[0].Severity != SeverityNote || a.Notes[0].Path != path || a.Notes[0].Key != "title" ||
				!strings.Contains(a.Notes[0].Msg, "taken from the first heading") {
				t.Errorf("notes = %+v", a.Notes)
			}
		})
	}
}

func TestParseMarkdownErrorLineStruct(t *testing.T) {
	_, path, err := parseFile(t, "x.md", "---\ntitle: T\nwhatever: 1\n---\n")
	var e *Error
	if !errors.As(err, &e) || e.Path != path || e.Line != 3 {
		t.Fatalf("got %#v", err)
	}
}
