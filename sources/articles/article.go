// Package articles reads the site's own articles, the anchors of the feeds
// braid publishes.
//
// Articles arrive in two shapes because news sites have two histories:
// pieces written for braid in Markdown with YAML front matter, and pieces
// exported from an old CMS as plain text. Both become the same Article, so
// the rest of braid never asks where an article came from.
//
// The two shapes are treated differently on purpose. Front matter is
// written by a person, so parsing is strict: an unknown key or a date that
// does not parse is an error with its file and line, because a typo that
// is silently ignored ends up as a wrong feed nobody notices. Exports are
// written by a machine and carry page chrome (comment forms, "Previous
// article" links, share buttons), so parsing is forgiving: the chrome is
// recognised, used where it means something (neighbours, credit) and
// dropped so it is never republished.
//
// Dates are left zero when a file gives none, and neighbours are linked in
// a separate step (Chain), because both depend on state the caller keeps
// (when an article was first seen), not on the files alone.
//
// Local input never breaks a site: LoadAll returns the good articles and
// a Problem for every bad file (and notes, such as an encoding assumed),
// and Chain resolves contradictory previous/next links by fixed rules
// into one consistent sequence, reporting what it overruled.
package articles

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Article is one local article, parsed from Markdown or a plain-text
// export.
type Article struct {
	Path     string    // file it was read from
	Format   string    // "markdown" or "text"
	Slug     string    // front matter slug, else from the file name
	Title    string    //
	Date     time.Time // zero when the file gives none
	Updated  time.Time // zero when the file gives none
	Author   string    //
	Credit   string    // outlet credited ("Credit by X" line, or front matter credit)
	Tags     []string  //
	Summary  string    // plain text; the first paragraph, shortened, when the file gives none
	URL      string    // front matter url; "" when unset
	Previous string    // neighbour named by the file: slug or title; "" if none
	Next     string    //
	// PreviousLine and NextLine are the lines naming the neighbours (0
	// when unnamed), so link problems can point at them.
	PreviousLine int
	NextLine     int
	// Encoding is the character encoding the file was read in: "" for
	// UTF-8, else one of the Encoding constants.
	Encoding string
	// Notes are things worth telling the author that did not stop the
	// file (an encoding assumed, a title taken from a heading), each a
	// Problem of SeverityNote.
	Notes    []Problem
	Headings []string // section headings, in order
	Text     string   // plain text of the body, headings included, blocks joined by "\n\n"
	HTML     string   // body rendered to HTML, without the title
	Related  Rules    // front matter related rules
}

// Rules tune which external items count as related to one article.
type Rules struct {
	Include  []string
	Exclude  []string
	MinScore *float64 // nil when the article does not override the default
}

// Formats of an Article.
const (
	FormatMarkdown = "markdown"
	FormatText     = "text"
)

// ErrInvalid is wrapped by every error about the content of an article
// file (as opposed to failing to read it), so callers can tell a file to
// fix from a disk to check with errors.Is.
var ErrInvalid = errors.New("invalid article")

// Error is a problem with the content of one article file. It matches
// ErrInvalid with errors.Is.
type Error struct {
	Path string
	Line int    // 1-based; 0 when no single line is to blame
	Key  string // front matter key to blame; "" when none
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("articles: %s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("articles: %s: %s", e.Path, e.Msg)
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *Error) Unwrap() error { return ErrInvalid }

func invalid(path string, line int, format string, args ...any) error {
	return &Error{Path: path, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// summaryLimit is roughly how long a derived summary may be, in runes.
const summaryLimit = 300

// summarize shortens a paragraph to about summaryLimit runes, cutting on a
// word boundary and marking the cut with an ellipsis.
func summarize(s string) string {
	s = collapseSpace(s)
	if utf8.RuneCountInString(s) <= summaryLimit {
		return s
	}
	// Byte offset of the rune at summaryLimit.
	end, n := 0, 0
	for i := range s {
		if n == summaryLimit {
			end = i
			break
		}
		n++
	}
	cut := s[:end]
	if sp := strings.LastIndexByte(cut, ' '); sp > len(cut)/2 {
		cut = cut[:sp]
	}
	cut = strings.TrimRightFunc(cut, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) && r != ')' && r != '"' && r != '”' && r != '’'
	})
	return cut + "…"
}

// collapseSpace trims s and turns every run of white space into one space.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// cleanSource makes decoded text safe to parse line by line and to
// publish in XML: invalid UTF-8 replaced, a leading byte order mark
// dropped, CRLF and lone CR turned into LF, other control characters
// (which XML 1.0 forbids) removed.
func cleanSource(text string) string {
	s := strings.ToValidUTF8(text, "\uFFFD")
	s = strings.TrimPrefix(s, "\uFEFF")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n', r == '\t':
			return r
		case unicode.IsControl(r), r == '\uFEFF', r == '\uFFFE', r == '\uFFFF':
			return -1
		}
		return r
	}, s)
}
