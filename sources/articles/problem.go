package articles

import (
	"errors"
	"fmt"
)

// Severity says what a Problem did to the site.
type Severity int

const (
	// SeverityError: the file was not published (no title, front matter
	// that does not parse, not text...). generate exits 1 naming it.
	SeverityError Severity = iota
	// SeverityWarning: the file was published, but one of its links was
	// overruled or ignored (a contradiction, a cycle, a self link).
	SeverityWarning
	// SeverityNote: information worth showing in check (an encoding
	// assumed, a title taken from a heading, "did you mean").
	SeverityNote
)

func (s Severity) String() string {
	switch s {
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	}
	return "note"
}

// Problem is one thing wrong with, or worth saying about, one article
// file. Problems of every file are returned together, so one run reports
// them all.
type Problem struct {
	Severity Severity
	Path     string // the file
	Line     int    // 1-based; 0 when no single line is to blame
	Key      string // front matter key, or "previous"/"next"; "" when none
	Msg      string // says, for link problems, the other file and line too

}

// String is "articles: path:line: msg", the form of Error.
func (p Problem) String() string { return p.Err().Error() }

// Err is the problem as an *Error (matching ErrInvalid), for callers that
// want an error value.
func (p Problem) Err() error {
	return &Error{Path: p.Path, Line: p.Line, Key: p.Key, Msg: p.Msg}
}

// Errors joins the problems of SeverityError as one error (nil if none):
// what made files unpublishable.
func Errors(ps []Problem) error {
	var errs []error
	for _, p := range ps {
		if p.Severity == SeverityError {
			errs = append(errs, p.Err())
		}
	}
	return errors.Join(errs...)
}

// problemsOf flattens what a parser returned into problems of
// SeverityError; anything that is not an *Error is blamed on path.
func problemsOf(path string, err error) []Problem {
	if err == nil {
		return nil
	}
	if fe, ok := err.(*frontMatterTypeError); ok {
		return problemsOf(path, fe.err)
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []Problem
		for _, e := range j.Unwrap() {
			out = append(out, problemsOf(path, e)...)
		}
		return out
	}
	var e *Error
	if errors.As(err, &e) {
		return []Problem{{Severity: SeverityError, Path: e.Path, Line: e.Line, Key: e.Key, Msg: e.Msg}}
	}
	return []Problem{{Severity: SeverityError, Path: path, Msg: fmt.Sprint(err)}}
}

func note(path string, line int, key, format string, args ...any) Problem {
	return Problem{Severity: SeverityNote, Path: path, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)}
}

func warning(path string, line int, key, format string, args ...any) Problem {
	return Problem{Severity: SeverityWarning, Path: path, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)}
}
