package cycle

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/feed/render"
	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/publish"
	"github.com/braid-feeds/braid/internal/state/dsn"
)

// unit is one thing a cycle renders into out/: an article's feed (in
// every configured format), the site-wide feed, the index page or the
// OPML list. Its hash covers exactly what its files are rendered from, so
// an unchanged hash with its files in place means nothing to render.
type unit struct {
	publish.Unit
	// build gathers what the unit's files are made from, and returns
	// draw, which renders them from that alone. build may read the
	// state and fill in shared items (an article's text, its
	// neighbours'), so units are built one at a time; draws run side by
	// side.
	build func() (draw func() ([]publish.File, error), err error)
	// last: the index page and the OPML list, which link to the feeds:
	// written only once the feeds before them are in place.
	last bool
}

// Unit names as the state records them.
const (
	unitSite  = "site"
	unitIndex = "index"
	unitOPML  = "opml"
)

func unitFeed(slug string) string { return "feed:" + slug }

// feedUnit is one feed as a unit; dir is the article's slug, "" for the
// site-wide feed. f may lack the text of kept items; full builds the feed
// with it, and is called only when the unit is written.
func feedUnit(cfg *config.Config, version, name, dir string, f *feed.Feed, full func() (*feed.Feed, error)) unit {
	u := unit{Unit: publish.Unit{Name: name}, build: func() (func() ([]publish.File, error), error) {
		ff, err := full()
		if err != nil {
			return nil, err
		}
		return func() ([]publish.File, error) { return renderFeed(cfg, dir, ff) }, nil
	}}
	h := newUnitHash(cfg, version)
	// The feed as built is what every format renders from; hashing it
	// rather than the inputs it was built from (article, neighbours,
	// related items, channel) keeps the hash exact whatever feed building
	// does with them. Score and FirstSeen are left out: no format shows
	// them, and the scores of every item move whenever the pool changes.
	// An external item's text is hashed as its Digest (with the bound on
	// item size, in newUnitHash), so a feed hashes the same whether its
	// kept items were read with their text or without.
	enc := json.NewEncoder(h)
	ch := f.Channel
	enc.Encode(&ch)
	for i := range f.Items {
		it := f.Items[i]
		it.Score, it.FirstSeen = 0, time.Time{}
		hashItem(h, &it)
	}
	u.Hash = hex.EncodeToString(h.Sum(nil))
	for _, fm := range render.Formats {
		if cfg.HasFormat(fm.Name) {
			u.Paths = append(u.Paths, path.Join(dir, fm.File))
		}
	}
	return u
}

// dataUnit is a unit rendered from one value (the index page's data, the
// OPML entries) to one file.
func dataUnit(cfg *config.Config, version, name, rel string, data any, render func() ([]byte, error)) unit {
	h := newUnitHash(cfg, version)
	json.NewEncoder(h).Encode(data)
	draw := func() ([]publish.File, error) {
		b, err := render()
		if err != nil {
			return nil, fmt.Errorf("render %s: %w", rel, err)
		}
		return []publish.File{{Path: rel, Data: b}}, nil
	}
	return unit{Unit: publish.Unit{Name: name, Hash: hex.EncodeToString(h.Sum(nil)), Paths: []string{rel}}, last: true,
		build: func() (func() ([]publish.File, error), error) { return draw, nil }}
}

// newUnitHash starts a unit's hash with what every unit depends on: the
// braid version (rendering may change between versions) and the formats
// published (which files a unit has, and the links the index shows).
func newUnitHash(cfg *config.Config, version string) hash.Hash {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00bound %d\x00", version, cfg.Related.MaxItemBytes)
	for _, fm := range render.Formats {
		if cfg.HasFormat(fm.Name) {
			fmt.Fprintf(h, "%s\x00", fm.Name)
		}
	}
	return h
}

// outputsKey names the output folder in the state. With a state file it
// is the folder relative to the file's, so moving a whole site keeps its
// records; with a shared database each node has its own out/, so the
// host's name is part of it.
func outputsKey(cfg *config.Config) string {
	out, err := filepath.Abs(cfg.Out)
	if err != nil {
		out = filepath.Clean(cfg.Out)
	}
	if dsn.IsURL(cfg.State) {
		host, _ := os.Hostname()
		return host + ":" + filepath.ToSlash(out)
	}
	if st, err := filepath.Abs(cfg.State); err == nil {
		if rel, err := filepath.Rel(filepath.Dir(st), out); err == nil {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(out)
}
