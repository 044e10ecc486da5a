package articles

import (
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// frontMatter is the YAML header of a Markdown article. Values whose
// validation needs a line number are kept as nodes.
type frontMatter struct {
	Title    yaml.Node    `yaml:"title"`
	Date     yaml.Node    `yaml:"date"`
	Updated  yaml.Node    `yaml:"updated"`
	Author   string       `yaml:"author"`
	Credit   string       `yaml:"credit"`
	Tags     yaml.Node    `yaml:"tags"`
	Summary  string       `yaml:"summary"`
	Slug     yaml.Node    `yaml:"slug"`
	URL      yaml.Node    `yaml:"url"`
	Previous yaml.Node    `yaml:"previous"`
	Next     yaml.Node    `yaml:"next"`
	Related  relatedRules `yaml:"related"`
}

type relatedRules struct {
	Include  []string  `yaml:"include"`
	Exclude  []string  `yaml:"exclude"`
	MinScore yaml.Node `yaml:"min_score"`
}

// yamlLinePrefix is the position yaml.v3 puts before its messages, and
// yamlLine any other reference to a line in them.
var (
	yamlLinePrefix = regexp.MustCompile(`^line (\d+): `)
	yamlLine       = regexp.MustCompile(`line (\d+)`)
)

// yamlParserProblems are yaml.v3 syntax errors whose line is 0-based.
var yamlParserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// unknownField is how yaml.v3 words an unknown key under KnownFields.
var unknownField = regexp.MustCompile(`^field (.+) not found in type \S+$`)

// decodeFrontMatter decodes the YAML between the "---" lines. yaml.v3
// counts lines from the start of the YAML, which is line fmLine+1 of the
// file, so every line number in its errors is shifted by fmLine.
func decodeFrontMatter(path string, fmLine int, y string, fm *frontMatter) error {
	dec := yaml.NewDecoder(strings.NewReader(y))
	dec.KnownFields(true)
	err := dec.Decode(fm)
	if err == nil || errors.Is(err, io.EOF) {
		return nil
	}
	shift := func(msg string) (int, string, string) {
		msg = strings.TrimPrefix(msg, "yaml: ")
		// yaml.v3 leaves the line out for the first line of the YAML.
		line := 1
		if m := yamlLinePrefix.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = msg[len(m[0]):]
			if yamlParserProblems[msg] {
				// Parser (not scanner) errors count lines from 0.
				line++
			}
		}
		msg = yamlLine.ReplaceAllStringFunc(msg, func(s string) string {
			n, _ := strconv.Atoi(strings.TrimPrefix(s, "line "))
			return "line " + strconv.Itoa(n+fmLine)
		})
		key := ""
		if m := unknownField.FindStringSubmatch(msg); m != nil {
			key, msg = m[1], "unknown key "+strconv.Quote(m[1])
		}
		return line + fmLine, key, "front matter: " + msg
	}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		errs := make([]error, 0, len(te.Errors))
		for _, e := range te.Errors {
			line, key, msg := shift(e)
			errs = append(errs, &Error{Path: path, Line: line, Key: key, Msg: msg})
		}
		// Still a *yaml.TypeError to the caller, who then goes on to
		// check the keys that did decode.
		return &frontMatterTypeError{TypeError: te, err: errors.Join(errs...)}
	}
	line, key, msg := shift(err.Error())
	return &Error{Path: path, Line: line, Key: key, Msg: msg}
}

// frontMatterTypeError is yaml.v3's TypeError (the decode went on past
// it) carrying our own errors with file lines.
type frontMatterTypeError struct {
	*yaml.TypeError
	err error
}

func (e *frontMatterTypeError) Error() string { return e.err.Error() }

// Unwrap gives errors.As the yaml.TypeError and errors.Is our *Error
// values (and so ErrInvalid).
func (e *frontMatterTypeError) Unwrap() []error { return []error{e.TypeError, e.err} }

// scalar returns the value of a single-valued front matter key; ok is
// false when the key is absent or null.
func scalar(n *yaml.Node) (s string, ok bool, err error) {
	switch {
	case n.Kind == 0:
		return "", false, nil
	case n.Kind == yaml.AliasNode && n.Alias != nil:
		return scalar(n.Alias)
	case n.Kind != yaml.ScalarNode:
		return "", false, errors.New("must be a single value, not a list or map")
	case n.Tag == "!!null":
		return "", false, nil
	}
	return n.Value, true, nil
}

// stringList accepts a YAML list of strings or one comma-separated string.
func stringList(n *yaml.Node) ([]string, error) {
	switch n.Kind {
	case 0:
		return nil, nil
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil, nil
		}
		return cleanList(strings.Split(n.Value, ",")), nil
	case yaml.SequenceNode:
		var out []string
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return nil, errors.New("must be a list of words")
			}
			out = append(out, c.Value)
		}
		return cleanList(out), nil
	}
	return nil, errors.New("must be a list")
}

// cleanList trims entries and drops empty ones and case-insensitive
// repeats, keeping the first spelling.
func cleanList(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		s = collapseSpace(s)
		k := strings.ToLower(s)
		if s == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, s)
	}
	return out
}

// timeLayouts are the date forms front matter may use; those without a
// zone are UTC.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
}

func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// minYear is the earliest year a front matter date may have: earlier
// ones are placeholders (0001-01-01T00:00:00Z is Go's zero time, and
// would read as "no date") or typos, and RSS wants four-digit years.
const minYear = 1000

func frontMatterTime(n *yaml.Node, key string, bad func(*yaml.Node, string, string, ...any)) time.Time {
	s, ok, err := scalar(n)
	if err != nil {
		bad(n, key, "%s: %v", key, err)
		return time.Time{}
	}
	if !ok {
		return time.Time{}
	}
	t, ok := parseTime(s)
	if !ok {
		bad(n, key, "%s %q is not a date (use 2006-01-02, 2006-01-02 15:04 or RFC 3339)", key, s)
		return time.Time{}
	}
	if t.UTC().Year() < minYear {
		bad(n, key, "%s %q is not a real date (year %d)", key, s, t.UTC().Year())
		return time.Time{}
	}
	return t
}
