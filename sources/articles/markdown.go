package articles

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"gopkg.in/yaml.v3"

	"github.com/braid-feeds/braid/feed"
)

// markdown renders article bodies. Raw HTML stays in goldmark's default
// safe mode (it is omitted, not passed through): articles are trusted,
// but a pasted embed should not become part of every reader's feed.
var markdown = goldmark.New(goldmark.WithExtensions(extension.GFM))

// ParseMarkdown parses a Markdown article with YAML front matter between
// "---" lines at the top: title (required), date, updated, author, credit,
// tags, summary, slug, url, previous, next and related. Unknown keys are
// errors. Dates are RFC 3339 or 2006-01-02[ 15:04[:05]] (UTC when no zone
// is given); impossible ones (before year 1000) are errors. A "# Title"
// opening the body is dropped, as the title is published on its own. A
// file without front matter takes its title from a "# Heading" on its
// first line (and says so in a note). Every problem in the front matter
// is reported, each with path, line and key.
func ParseMarkdown(path string, data []byte) (Article, error) {
	src, enc, err := decodeSource(path, data)
	if err != nil {
		return Article{}, err
	}
	lines := strings.Split(cleanSource(src), "\n")
	fm, fmLine, bodyStart, errs, err := splitFrontMatter(path, lines)
	if err != nil {
		return Article{}, err
	}
	a := Article{Path: path, Format: FormatMarkdown, Encoding: enc}
	if enc != "" {
		a.Notes = append(a.Notes, note(path, 0, "", "not UTF-8: read as %s", enc))
	}
	r := &fmReader{path: path, fmLine: fmLine, errs: errs}
	r.title(&a, &fm, lines)
	r.dates(&a, &fm)
	r.plain(&a, &fm)
	r.slug(&a, &fm)
	r.links(&a, &fm)
	r.related(&a, &fm)
	if len(r.errs) > 0 {
		return Article{}, errors.Join(r.errs...)
	}
	body := []byte(strings.Join(lines[bodyStart:], "\n"))
	if err := renderMarkdown(&a, body); err != nil {
		return Article{}, invalid(path, 0, "rendering body: %v", err)
	}
	return a, nil
}

// splitFrontMatter decodes the front matter block, if any. fmLine is the
// line of its opening "---" (1-based; 0 without one), bodyStart the index
// of the first body line. A value of the wrong type is returned in errs,
// not as err: yaml.v3 decoded the other keys, and they are checked too, so
// an unknown key does not hide a bad date.
func splitFrontMatter(path string, lines []string) (fm frontMatter, fmLine, bodyStart int, errs []error, err error) {
	if len(lines) == 0 || strings.TrimRight(lines[0], " \t") != "---" {
		return fm, 0, 0, nil, nil
	}
	end := -1
	for i := 1; i < len(lines); i++ {
		if l := strings.TrimRight(lines[i], " \t"); l == "---" || l == "..." {
			end = i
			break
		}
	}
	if end < 0 {
		return fm, 0, 0, nil, invalid(path, 1, "front matter has no closing ---")
	}
	if err := decodeFrontMatter(path, 1, strings.Join(lines[1:end], "\n"), &fm); err != nil {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return fm, 0, 0, nil, err
		}
		errs = append(errs, err)
	}
	return fm, 1, end + 1, errs, nil
}

// fmReader reads front matter values into an article, collecting every
// problem with the line of its key.
type fmReader struct {
	path   string
	fmLine int
	errs   []error
}

func (r *fmReader) bad(n *yaml.Node, key, format string, args ...any) {
	line := r.fmLine
	if n != nil && n.Line > 0 {
		line = n.Line + r.fmLine
	}
	r.errs = append(r.errs, &Error{Path: r.path, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)})
}

func (r *fmReader) title(a *Article, fm *frontMatter, lines []string) {
	title, ok, err := scalar(&fm.Title)
	switch {
	case err != nil:
		r.bad(&fm.Title, "title", "title: %v", err)
		return
	case ok && collapseSpace(title) != "":
		a.Title = collapseSpace(title)
		return
	case r.fmLine != 0:
		r.bad(&fm.Title, "title", "missing title")
		return
	}
	if h, line := headingTitle(lines); h != "" {
		a.Title = h
		a.Notes = append(a.Notes, note(r.path, line, "title", "no front matter: title %q taken from the first heading", h))
		return
	}
	r.errs = append(r.errs, invalid(r.path, 1, "missing title: no front matter (a --- block with title: at the top) and no \"# Title\" heading on the first line"))
}

func (r *fmReader) dates(a *Article, fm *frontMatter) {
	a.Date = frontMatterTime(&fm.Date, "date", r.bad)
	a.Updated = frontMatterTime(&fm.Updated, "updated", r.bad)
	if !a.Date.IsZero() && !a.Updated.IsZero() && a.Updated.Before(a.Date) {
		r.bad(&fm.Updated, "updated", "updated %s is before date %s", a.Updated.Format(time.RFC3339), a.Date.Format(time.RFC3339))
	}
}

// plain reads the keys that need no checking beyond their type.
func (r *fmReader) plain(a *Article, fm *frontMatter) {
	a.Author = collapseSpace(fm.Author)
	a.Credit = collapseSpace(fm.Credit)
	tags, err := stringList(&fm.Tags)
	if err != nil {
		r.bad(&fm.Tags, "tags", "tags: %v", err)
	}
	a.Tags = tags
	a.Summary = collapseSpace(fm.Summary)
	if u, ok, err := scalar(&fm.URL); err != nil {
		r.bad(&fm.URL, "url", "url: %v", err)
	} else if ok {
		a.URL = strings.TrimSpace(u)
		if p, err := url.Parse(a.URL); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			r.bad(&fm.URL, "url", "url %q is not an absolute http(s) URL", a.URL)
		}
	}
}

func (r *fmReader) slug(a *Article, fm *frontMatter) {
	if s, ok, err := scalar(&fm.Slug); err != nil {
		r.bad(&fm.Slug, "slug", "slug: %v", err)
	} else if ok {
		a.Slug = strings.TrimSpace(s)
		if want := feed.Slug(a.Slug); a.Slug != want {
			if want == "" {
				r.bad(&fm.Slug, "slug", "slug %q has no letters or digits", a.Slug)
			} else {
				r.bad(&fm.Slug, "slug", "slug %q is not a URL slug (lowercase letters, digits, dashes); did you mean %q?", a.Slug, want)
			}
		}
	}
	if a.Slug == "" && len(r.errs) == 0 {
		var err error
		if a.Slug, err = slugFromPath(r.path); err != nil {
			r.errs = append(r.errs, err)
		}
	}
}

func (r *fmReader) links(a *Article, fm *frontMatter) {
	a.Previous, a.PreviousLine = frontMatterLink(&fm.Previous, "previous", r.fmLine, r.bad)
	a.Next, a.NextLine = frontMatterLink(&fm.Next, "next", r.fmLine, r.bad)
}

func (r *fmReader) related(a *Article, fm *frontMatter) {
	a.Related.Include = cleanList(fm.Related.Include)
	a.Related.Exclude = cleanList(fm.Related.Exclude)
	s, ok, err := scalar(&fm.Related.MinScore)
	if err != nil {
		r.bad(&fm.Related.MinScore, "related.min_score", "related.min_score: %v", err)
		return
	}
	if !ok {
		return
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > 1 {
		r.bad(&fm.Related.MinScore, "related.min_score", "related.min_score %q is not a number between 0 and 1", s)
		return
	}
	a.Related.MinScore = &f
}

// frontMatterLink reads previous or next: the neighbour's slug or title
// and the line naming it.
func frontMatterLink(n *yaml.Node, key string, fmLine int, bad func(*yaml.Node, string, string, ...any)) (string, int) {
	s, ok, err := scalar(n)
	if err != nil {
		bad(n, key, "%s: %v", key, err)
		return "", 0
	}
	if s = collapseSpace(s); !ok || s == "" {
		return "", 0
	}
	return s, n.Line + fmLine
}

// headingTitle is the text of a "# Heading" on the first non-blank line,
// with its 1-based line; "" when the file does not start with one.
func headingTitle(lines []string) (string, int) {
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		src := []byte(l)
		doc := markdown.Parser().Parse(text.NewReader(src))
		if h, ok := doc.FirstChild().(*ast.Heading); ok && h.Level == 1 {
			if t := inlineText(h, src); t != "" && utf8.RuneCountInString(t) <= maxTitle {
				return t, i + 1
			}
		}
		return "", 0
	}
	return "", 0
}

// slugFromPath derives a slug from the file name, without its extension.
func slugFromPath(path string) (string, error) {
	base := filepath.Base(path)
	slug := feed.Slug(strings.TrimSuffix(base, filepath.Ext(base)))
	if slug == "" {
		return "", invalid(path, 0, "cannot derive a slug from the file name %q; rename it or set a slug", base)
	}
	return slug, nil
}

// renderMarkdown fills Headings, Text, HTML and, when unset, Summary from
// the Markdown body.
func renderMarkdown(a *Article, body []byte) error {
	doc := markdown.Parser().Parse(text.NewReader(body))

	// A "# Title" opening the body repeats the front matter title; feeds
	// show the title already.
	if h, ok := doc.FirstChild().(*ast.Heading); ok && h.Level == 1 &&
		feed.NormalizeTitle(inlineText(h, body)) == feed.NormalizeTitle(a.Title) {
		doc.RemoveChild(doc, h)
	}

	var drop []ast.Node
	var blocks []string
	firstPara := ""
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			t := inlineText(n, body)
			if isBoilerplate(t) {
				// "## Leave a Reply" pasted from a page is chrome too.
				drop = append(drop, n)
				return ast.WalkSkipChildren, nil
			}
			if t != "" {
				blocks = append(blocks, t)
				if n.Level >= 2 {
					a.Headings = append(a.Headings, t)
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.Paragraph, *ast.TextBlock:
			t := inlineText(n, body)
			if isBoilerplate(t) {
				// Pasted page chrome is no more welcome here than in exports.
				drop = append(drop, n)
				return ast.WalkSkipChildren, nil
			}
			if t != "" {
				blocks = append(blocks, t)
				if _, para := n.(*ast.Paragraph); para && firstPara == "" {
					firstPara = t
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.CodeBlock, *ast.FencedCodeBlock:
			if t := strings.TrimSpace(string(n.Lines().Value(body))); t != "" {
				blocks = append(blocks, t)
			}
			return ast.WalkSkipChildren, nil
		case *east.TableHeader, *east.TableRow:
			var cells []string
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if t := inlineText(c, body); t != "" {
					cells = append(cells, t)
				}
			}
			if len(cells) > 0 {
				blocks = append(blocks, strings.Join(cells, " "))
			}
			return ast.WalkSkipChildren, nil
		case *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	for _, n := range drop {
		if p := n.Parent(); p != nil {
			p.RemoveChild(p, n)
		}
	}

	var buf bytes.Buffer
	if err := markdown.Renderer().Render(&buf, body, doc); err != nil {
		return err
	}
	a.HTML = strings.TrimSpace(buf.String())
	a.Text = strings.Join(blocks, "\n\n")
	if a.Summary == "" {
		a.Summary = summarize(firstPara)
	}
	return nil
}

// inlineText is the plain text of a node's inline content, with escapes
// and character references resolved and raw HTML left out.
func inlineText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			v := c.Value(src)
			if !c.IsRaw() {
				v = util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(v)))
			}
			b.Write(v)
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.AutoLink:
			b.Write(c.Label(src))
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return collapseSpace(b.String())
}
