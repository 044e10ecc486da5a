package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/braid-feeds/braid/internal/urls"
)

// Report is what Check found in a config file.
type Report struct {
	// Config is the loaded config, or nil when it does not load.
	Config *Config
	// Content and SiteURL are the config's, read leniently when it does
	// not load, so a broken config does not hide broken articles.
	// Content is "" when the file cannot be read at all.
	Content, SiteURL string
	// Err joins every problem, each naming its file and line.
	Err error
}

// Check loads the config at path and reports every problem at once:
// what Load refuses, and local feed files that do not exist, which a
// cycle would only warn about, every time.
func Check(path string) Report {
	cfg, err := Load(path)
	if err != nil {
		content, siteURL := lenient(path)
		return Report{Content: content, SiteURL: siteURL, Err: err}
	}
	return Report{Config: cfg, Content: cfg.Content, SiteURL: cfg.Site.URL, Err: cfg.missingLocalSources()}
}

// lenient reads the content folder and the site URL from a config that
// does not load, ignoring unknown keys and bad values: Load has reported
// those already.
func lenient(path string) (content, siteURL string) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", ""
	}
	c := Default()
	_ = yaml.Unmarshal(data, &c) // fills what it can
	if strings.TrimSpace(c.Content) == "" {
		c.Content = Default().Content
	}
	if !filepath.IsAbs(c.Content) {
		c.Content = filepath.Join(filepath.Dir(path), c.Content)
	}
	return c.Content, c.Site.URL
}

// missingLocalSources reports sources that are local files which do not
// exist.
func (c *Config) missingLocalSources() error {
	var errs []error
	for i, s := range c.Sources {
		if urls.IsHTTP(s.URL) {
			continue
		}
		if _, err := os.Stat(s.URL); err != nil {
			key := fmt.Sprintf("sources[%d].url", i)
			loc := c.Path
			if l := c.Line(key); l > 0 {
				loc = fmt.Sprintf("%s:%d", c.Path, l)
			}
			errs = append(errs, fmt.Errorf("config: %s: %s: local feed file: %w", loc, key, err))
		}
	}
	return errors.Join(errs...)
}
