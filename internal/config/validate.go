package config

import (
	"errors"
	"fmt"
	"github.com/braid-feeds/braid/feed/render"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/braid-feeds/braid/internal/state/dsn"
	"github.com/braid-feeds/braid/internal/urls"
)

// Validate checks every key and reports all problems at once, each naming
// its key and line.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		loc := c.Path
		if l := c.Line(key); l > 0 {
			if c.decodeBad[l] {
				return
			}
			loc = fmt.Sprintf("%s:%d", c.Path, l)
		}
		errs = append(errs, fmt.Errorf("config: %s: %w: %s: %s", loc, ErrInvalid, key, fmt.Sprintf(format, args...)))
	}
	if strings.TrimSpace(c.Site.Title) == "" {
		bad("site.title", "is required")
	}
	if c.Site.URL == "" {
		bad("site.url", "is required")
	} else if !absHTTP(c.Site.URL) {
		bad("site.url", "must be an absolute http(s) URL, got %q", c.Site.URL)
	}
	if c.Site.FeedsURL != "" && !absHTTP(c.Site.FeedsURL) {
		bad("site.feeds_url", "must be an absolute http(s) URL, got %q", c.Site.FeedsURL)
	}
	if c.Site.Author.Email != "" && !strings.Contains(c.Site.Author.Email, "@") {
		bad("site.author.email", "%q is not an email address", c.Site.Author.Email)
	}
	for key, v := range map[string]string{"content": c.Content, "out": c.Out, "state": c.State} {
		if strings.TrimSpace(v) == "" {
			bad(key, "must not be empty")
		}
	}
	if _, err := dsn.Parse(c.State); err != nil {
		bad("state", "%v", err)
	}
	if len(c.Formats) == 0 {
		bad("formats", "needs at least one of %s", strings.Join(render.FormatNames(), ", "))
	}
	seenFormat := map[string]bool{}
	for i, f := range c.Formats {
		if _, ok := render.FormatByName(f); !ok {
			bad(fmt.Sprintf("formats[%d]", i), "unknown format %q (want one of %s)", f, strings.Join(render.FormatNames(), ", "))
		}
		if seenFormat[f] {
			bad(fmt.Sprintf("formats[%d]", i), "format %q listed twice", f)
		}
		seenFormat[f] = true
	}
	if c.ScheduleMinPeriod < Duration(time.Second) {
		bad("schedule_min_period", "%v", errMinPeriod)
	} else if err := checkSchedule(c.Schedule, time.Duration(c.ScheduleMinPeriod)); err != nil {
		bad("schedule", "%v", err)
	}
	if c.ContentMaxBytes <= 0 {
		bad("content_max_bytes", "must be positive")
	}
	if c.Related.MaxItemBytes < 1024 {
		bad("related.max_item_bytes", "must be at least 1024, got %d", c.Related.MaxItemBytes)
	}
	if c.Fetch.CycleTimeout < 0 {
		bad("fetch.cycle_timeout", "must not be negative")
	}
	names := map[string]int{}
	for i, s := range c.Sources {
		key := fmt.Sprintf("sources[%d]", i)
		if strings.TrimSpace(s.Name) == "" {
			bad(key+".name", "is required")
		} else if j, dup := names[s.Name]; dup {
			bad(key+".name", "%q is already the name of sources[%d]", s.Name, j)
		} else {
			names[s.Name] = i
		}
		switch {
		case strings.TrimSpace(s.URL) == "":
			bad(key+".url", "is required")
		case strings.Contains(s.URL, "://") && !absHTTP(s.URL) && !strings.HasPrefix(s.URL, "file://"):
			bad(key+".url", "must be an http(s) URL or a file path, got %q", urls.Redact(s.URL))
		}
		if s.PublicURL != "" && !absHTTP(s.PublicURL) {
			bad(key+".public_url", "must be an absolute http(s) URL, got %q", urls.Redact(s.PublicURL))
		}
	}
	if c.Related.MaxItems < 0 {
		bad("related.max_items", "must be 0 or more, got %d", c.Related.MaxItems)
	}
	if c.Related.MinScore < 0 || c.Related.MinScore > 1 {
		bad("related.min_score", "must be between 0 and 1, got %g", c.Related.MinScore)
	}
	if c.Related.MaxAge < 0 {
		bad("related.max_age", "must not be negative")
	}
	if c.Fetch.Timeout <= 0 {
		bad("fetch.timeout", "must be positive")
	}
	if c.Fetch.MaxBytes <= 0 {
		bad("fetch.max_bytes", "must be positive")
	}
	if c.Fetch.Concurrency <= 0 {
		bad("fetch.concurrency", "must be at least 1")
	}
	if c.Fetch.ConnectTimeout <= 0 {
		bad("fetch.connect_timeout", "must be positive")
	}
	if c.Fetch.PerHost <= 0 {
		bad("fetch.per_host", "must be at least 1")
	}
	if c.Fetch.UserAgent != "" && strings.ContainsAny(c.Fetch.UserAgent, "\r\n") {
		bad("fetch.user_agent", "must be one line")
	}
	c.validateMore(bad)
	return errors.Join(errs...)
}

// validateMore checks the daemon's, WebSub's and per-source relatedness
// keys.
func (c *Config) validateMore(bad func(key, format string, args ...any)) {
	for i, s := range c.Sources {
		key := fmt.Sprintf("sources[%d]", i)
		if s.Every < 0 {
			bad(key+".every", "must not be negative")
		}
		if s.Weight < 0 {
			bad(key+".weight", "must be 0 or more, got %g", s.Weight)
		}
		for j, re := range s.Include {
			if _, err := regexp.Compile(re); err != nil {
				bad(fmt.Sprintf("%s.include[%d]", key, j), "invalid regular expression: %v", err)
			}
		}
		for j, re := range s.Exclude {
			if _, err := regexp.Compile(re); err != nil {
				bad(fmt.Sprintf("%s.exclude[%d]", key, j), "invalid regular expression: %v", err)
			}
		}
	}
	if c.WebSub.Hub != "" && !absHTTP(c.WebSub.Hub) {
		bad("websub.hub", "must be an absolute http(s) URL, got %q", c.WebSub.Hub)
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		bad("listen", "must be host:port (e.g. 127.0.0.1:8080 or :8080), got %q", c.Listen)
	}
}

func absHTTP(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// scheduleParser accepts 5 or 6 fields and descriptors (@every 10m).
var scheduleParser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour |
	cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSchedule parses a cron spec the way the daemon will. It refuses a
// bare "CRON_TZ=Zone" up front because robfig/cron panics on it.
func ParseSchedule(spec string) (sched cron.Schedule, err error) {
	s := strings.TrimSpace(spec)
	if s == "" {
		return nil, errors.New("is required")
	}
	if strings.HasPrefix(s, "CRON_TZ=") || strings.HasPrefix(s, "TZ=") {
		if i := strings.IndexAny(s, " \t"); i < 0 || strings.TrimSpace(s[i:]) == "" {
			return nil, fmt.Errorf("%q names a time zone but no schedule", spec)
		}
	}
	defer func() {
		// The library has panicked on odd specs before; never let a
		// config value take the process down.
		if r := recover(); r != nil {
			sched, err = nil, fmt.Errorf("invalid schedule %q: %v", spec, r)
		}
	}()
	sched, err = scheduleParser.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("invalid schedule %q: %v", spec, err)
	}
	return sched, nil
}
