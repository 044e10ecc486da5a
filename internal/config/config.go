package config

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/braid-feeds/braid/feed/render"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/braid-feeds/braid/internal/state/dsn"
	"github.com/braid-feeds/braid/internal/urls"
)

// ErrInvalid wraps every error about the config's content, so callers can
// tell a bad config (exit 1, keep the old one) from an I/O failure.
var ErrInvalid = errors.New("invalid config")

// Config is braid's whole configuration.
type Config struct {
	Site     Site     `yaml:"site"`
	Content  string   `yaml:"content"`
	Out      string   `yaml:"out"`
	State    string   `yaml:"state"`
	Formats  []string `yaml:"formats"`
	Schedule string   `yaml:"schedule"`
	// ScheduleMinPeriod is the shortest gap between two cycles the
	// schedule may ask for. A schedule firing more often fetches every
	// source again and again for nothing; tests lower it.
	ScheduleMinPeriod Duration `yaml:"schedule_min_period"`
	// ContentMaxBytes caps one article file: a local file is read whole,
	// so without a cap one huge (or endless) file would exhaust memory.
	ContentMaxBytes int64    `yaml:"content_max_bytes"`
	Sources         []Source `yaml:"sources"`
	Related         Related  `yaml:"related"`
	Fetch           Fetch    `yaml:"fetch"`
	// RunAtStart makes `braid run` run a cycle as soon as it starts,
	// since cron's @every waits a full period first.
	RunAtStart bool   `yaml:"run_at_start"`
	Listen     string `yaml:"listen"` // address `braid run` and `braid serve` listen on
	WebSub     WebSub `yaml:"websub"`

	// Path is the file the config was read from; relative paths in it are
	// resolved against its folder.
	Path string `yaml:"-"`
	// lines remembers where keys were, so Validate can name the line.
	lines map[string]int
	// decodeBad holds lines whose value already failed to decode, so
	// Validate does not report them a second time.
	decodeBad map[int]bool
}

// Site describes the publishing site.
type Site struct {
	Title       string `yaml:"title"`
	URL         string `yaml:"url"`
	FeedsURL    string `yaml:"feeds_url"` // where out/ is served; default: url
	Description string `yaml:"description"`
	Language    string `yaml:"language"`
	Author      Author `yaml:"author"`
}

// Author is the site's default author.
type Author struct {
	Name  string `yaml:"name"`
	Email string `yaml:"email"`
}

// Source is one external feed.
type Source struct {
	Name string `yaml:"name"`
	URL  string `yaml:"url"`
	// Every fetches this source at most this often (0: every cycle).
	Every Duration `yaml:"every"`
	// Weight multiplies the relatedness scores of this source's items.
	Weight float64 `yaml:"weight"`
	// Include and Exclude are RE2 regular expressions matched against an
	// item's title and text: with Include, only matching items are
	// candidates; an Exclude match removes the item.
	Include []string `yaml:"include"`
	Exclude []string `yaml:"exclude"`
	// PublicURL is shown to readers instead of URL, which may hold
	// credentials; Private shows the source's name only.
	PublicURL string `yaml:"public_url"`
	Private   bool   `yaml:"private"`
	// Line is where the source is declared, for messages.
	Line int `yaml:"-"`
}

// WebSub lets readers hear of new items at once.
type WebSub struct {
	Hub string `yaml:"hub"` // hub URL; empty: no WebSub
}

// Related tunes relatedness.
type Related struct {
	MaxItems int      `yaml:"max_items"`
	MinScore float64  `yaml:"min_score"`
	MaxAge   Duration `yaml:"max_age"`
	// MaxItemBytes caps a related item's content and summary (each),
	// cut on an HTML boundary: every article feed it relates to carries
	// a copy, so one huge external item must not multiply into them.
	MaxItemBytes int `yaml:"max_item_bytes"`
}

// Fetch bounds how sources are fetched.
type Fetch struct {
	// Timeout is one deadline per source per cycle, covering every
	// attempt including retries.
	Timeout Duration `yaml:"timeout"`
	// ConnectTimeout bounds the TCP connect and the TLS handshake of one
	// attempt, so an unreachable host fails fast and leaves time to retry.
	ConnectTimeout Duration `yaml:"connect_timeout"`
	// MaxBytes caps a body after decompression.
	MaxBytes int64 `yaml:"max_bytes"`
	// Concurrency is sources fetched at once. The default, 64, comes from
	// bench/fetch.sh (500 sources at 50 ms on 50 hosts, two cores): a
	// first cycle is CPU-bound from 32 on, but an unchanged cycle, the
	// usual one, is latency-bound and a third faster at 64 than at 32;
	// beyond 64, PerHost is the bound. Politeness stays PerHost's job.
	Concurrency int `yaml:"concurrency"`
	// PerHost caps requests in flight to one host, so braid is polite to
	// publishers and a slow host only delays its own sources.
	PerHost   int    `yaml:"per_host"`
	UserAgent string `yaml:"user_agent"`
	// RespectHints honours RSS <ttl>, Cache-Control max-age and Expires.
	// Retry-After and 410 are always honoured.
	RespectHints bool `yaml:"respect_hints"`
	// CycleTimeout bounds all fetching of one cycle; sources unfinished
	// by then count as timed out and keep their last good items. Zero:
	// derived from the schedule (see CycleFetchTimeout).
	CycleTimeout Duration `yaml:"cycle_timeout"`
}

// Duration is a time.Duration written as "720h", "90m" or "30s" in YAML.
type Duration time.Duration

// UnmarshalYAML accepts Go duration strings and a "d" suffix for days.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	// Problems are returned as a *yaml.TypeError: yaml.v3 then records
	// them and keeps decoding, so a bad duration does not hide the rest
	// of the config's problems (any other error aborts the decode).
	var s string
	if err := n.Decode(&s); err != nil {
		return err
	}
	v, err := ParseDuration(s)
	if err != nil {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %v", n.Line, err)}}
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration back as a string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// ParseDuration is time.ParseDuration plus whole days ("30d").
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n, ok := strings.CutSuffix(s, "d"); ok {
		var days int
		if _, err := fmt.Sscanf(n, "%d", &days); err == nil && fmt.Sprint(days) == n {
			return time.Duration(days) * 24 * time.Hour, nil
		}
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q (use e.g. 30s, 90m, 720h or 30d)", s)
	}
	return v, nil
}

// Default is the config every file starts from.
func Default() Config {
	return Config{
		Content:           "content",
		Out:               "out",
		State:             ".braid/state.db",
		Formats:           render.FormatNames(),
		Schedule:          "*/30 * * * *",
		ScheduleMinPeriod: Duration(DefaultScheduleMinPeriod),
		ContentMaxBytes:   DefaultContentMaxBytes,
		RunAtStart:        true,
		Listen:            "127.0.0.1:8080",
		Related: Related{
			MaxItems:     20,
			MinScore:     DefaultMinScore,
			MaxAge:       Duration(720 * time.Hour),
			MaxItemBytes: DefaultMaxItemBytes,
		},
		Fetch: Fetch{
			Timeout:        Duration(20 * time.Second),
			ConnectTimeout: Duration(10 * time.Second),
			MaxBytes:       10 << 20,
			Concurrency:    64,
			PerHost:        2,
			RespectHints:   true,
		},
	}
}

// Defaults of the bounds, documented in the README's config reference.
const (
	DefaultScheduleMinPeriod = time.Minute
	DefaultContentMaxBytes   = 4 << 20
	DefaultMaxItemBytes      = 32 << 10
)

// DefaultMinScore is the shipped relatedness threshold; the scale is
// documented in feed/related.
const DefaultMinScore = 0.13

// Load reads, decodes and validates the config at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("config: %w (create one with `braid init`, or point --config at yours)", err)
	}
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes and validates config bytes; path is used for messages and
// to resolve relative paths. Every problem is reported at once: values of
// the wrong type, unknown keys and failed validations are joined into one
// error, each naming its file:line and key. Only YAML that does not parse
// at all stops at its first error.
func Parse(path string, data []byte) (*Config, error) {
	c := Default()
	c.Path = path
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlErr(path, err, nil)
	}
	c.lines = map[string]int{}
	collectLines(&root, "", c.lines)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	// An empty file decodes as io.EOF: keep the defaults and let Validate
	// say what is missing.
	var errs []error
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return nil, yamlErr(path, err, c.lines)
		}
		// yaml.v3 decoded everything else: validate it too, but do not
		// report a key twice.
		errs = append(errs, yamlErr(path, err, c.lines))
		c.decodeBad = yamlLines(te.Errors)
	}
	for i := range c.Sources {
		c.Sources[i].Line = c.lines[fmt.Sprintf("sources[%d]", i)]
		if c.lines[fmt.Sprintf("sources[%d].weight", i)] == 0 {
			c.Sources[i].Weight = 1
		}
	}
	errs = append(errs, c.Validate())
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	c.resolvePaths()
	return &c, nil
}

var (
	yamlLineRE    = regexp.MustCompile(`^line (\d+): (.*)$`)
	yamlUnknownRE = regexp.MustCompile(`field (\S+) not found in type \S+`)
)

// yamlErr turns yaml.v3's errors into one "file:line: key: message" per
// problem, in words a user knows ("unknown key", not Go type names). lines
// (nil before the YAML parsed) names the key set on a line.
func yamlErr(path string, err error, lines map[string]int) error {
	msgs := []string{strings.TrimPrefix(err.Error(), "yaml: ")}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	errs := make([]error, 0, len(msgs))
	for _, m := range msgs {
		loc := path
		if g := yamlLineRE.FindStringSubmatch(m); g != nil {
			loc, m = path+":"+g[1], g[2]
			n, _ := strconv.Atoi(g[1])
			if key := keyAt(lines, n); key != "" && !yamlUnknownRE.MatchString(m) {
				m = key + ": " + m
			}
		}
		m = yamlUnknownRE.ReplaceAllString(m, `unknown key "$1"`)
		errs = append(errs, fmt.Errorf("config: %s: %w: %s", loc, ErrInvalid, m))
	}
	return errors.Join(errs...)
}

// yamlLines is the set of lines yaml.v3's messages blame.
func yamlLines(msgs []string) map[int]bool {
	out := map[int]bool{}
	for _, m := range msgs {
		if g := yamlLineRE.FindStringSubmatch(m); g != nil {
			n, _ := strconv.Atoi(g[1])
			out[n] = true
		}
	}
	return out
}

// keyAt is the most specific key path set on line n ("" if none); of keys
// sharing a line (a flow mapping) the first in sort order, so messages are
// stable.
func keyAt(lines map[string]int, n int) string {
	best := ""
	for k, l := range lines {
		if l != n {
			continue
		}
		if len(k) > len(best) || len(k) == len(best) && k < best {
			best = k
		}
	}
	return best
}

// collectLines records the line of every key path ("site.url",
// "sources[2].name").
func collectLines(n *yaml.Node, prefix string, out map[string]int) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			collectLines(c, prefix, out)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if prefix != "" {
				k = prefix + "." + k
			}
			out[k] = n.Content[i].Line
			collectLines(n.Content[i+1], k, out)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			k := fmt.Sprintf("%s[%d]", prefix, i)
			out[k] = c.Line
			collectLines(c, k, out)
		}
	}
}

// Line returns the line a key path was set on, or 0.
func (c *Config) Line(key string) int { return c.lines[key] }

func (c *Config) resolvePaths() {
	dir := filepath.Dir(c.Path)
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	c.Content = abs(c.Content)
	c.Out = abs(c.Out)
	if !dsn.IsURL(c.State) { // a postgres:// URL is not a path
		c.State = abs(c.State)
	}
	for i := range c.Sources {
		if !urls.IsHTTP(c.Sources[i].URL) {
			c.Sources[i].URL = abs(strings.TrimPrefix(c.Sources[i].URL, "file://"))
		}
	}
}

// FeedsBase is the absolute URL out/ is served at, without a trailing slash.
func (c *Config) FeedsBase() string {
	if c.Site.FeedsURL != "" {
		return strings.TrimRight(c.Site.FeedsURL, "/")
	}
	return strings.TrimRight(c.Site.URL, "/")
}

// HasFormat reports whether a format (a name from render.Formats) is enabled.
func (c *Config) HasFormat(format string) bool {
	for _, f := range c.Formats {
		if f == format {
			return true
		}
	}
	return false
}

// yamlMsg is yaml.v3's error as one line, without its "yaml: " prefix.
func yamlMsg(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return strings.Join(te.Errors, "; ")
	}
	return strings.TrimPrefix(err.Error(), "yaml: ")
}
