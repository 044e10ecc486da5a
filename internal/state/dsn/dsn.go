// Package dsn tells which state backend a `state:` value names. It has no
// dependencies so internal/config can validate the key without linking
// the database drivers.
package dsn

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Kind is a state backend.
type Kind int

// The backends.
const (
	SQLite   Kind = iota // a file path, the default
	Postgres             // a postgres:// or postgresql:// URL
)

func (k Kind) String() string {
	if k == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// ErrUnsupported is returned for a value that looks like a URL of a scheme
// braid cannot store state in: treating "mysql://…" as a file name would
// silently create a directory called "mysql:".
var ErrUnsupported = errors.New("unsupported state URL")

var urlLike = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://`)

// Parse returns the backend s names.
func Parse(s string) (Kind, error) {
	m := urlLike.FindString(s)
	if m == "" {
		return SQLite, nil
	}
	switch strings.ToLower(strings.TrimSuffix(m, "://")) {
	case "postgres", "postgresql":
		return Postgres, nil
	}
	return SQLite, fmt.Errorf("%w: scheme %q (want a file path or a postgres:// URL)", ErrUnsupported, strings.TrimSuffix(m, "://"))
}

// IsURL reports whether s is a URL rather than a path, so it must not be
// resolved against the config's folder.
func IsURL(s string) bool { return urlLike.MatchString(s) }
