package cycle

import (
	"context"
	"fmt"
	"maps"
	"path"
	"runtime"
	"slices"
	"strconv"

	"golang.org/x/sync/errgroup"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/feed/render"
	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/publish"
	"github.com/braid-feeds/braid/internal/state"
)

// publish renders the units whose inputs changed (or whose files are
// missing), writes them, removes the files of units that are gone, makes
// it all durable with one sync, and only then records the cycle in the
// state. Units are rendered and written a batch at a time: holding every
// rendered file of a first cycle at once was the largest part of its
// memory (60,000 files at 20,000 articles). A unit that cannot be
// rendered stops the cycle like a crash would: what was written is
// whole, and the marks below make the next cycle rewrite the rest.
//
// Before writing, the files about to change are recorded with an empty
// hash and the site fingerprint is cleared: a cycle killed halfway
// leaves them marked for rewriting, so the next cycle publishes what a
// fresh one would even if its inputs went back to what they were.
func (c *run) publish(ctx context.Context, feeds builtFeeds) error {
	key := outputsKey(c.cfg)
	prev, err := c.opt.Store.Outputs(ctx, key)
	if err != nil {
		return err
	}
	pub, err := publish.New(c.cfg.Out)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrOutput, err)
	}
	defer pub.Close()
	// Only a cycle killed while writing leaves temporary files, and such a
	// cycle leaves output rows without a hash (records(dirty, false)), or
	// none at all on a first cycle: walking every file of out/ for them
	// each cycle was a twentieth of a cycle with one change.
	if len(prev) == 0 || slices.ContainsFunc(prev, func(o state.Output) bool { return o.Hash == "" }) {
		_ = pub.CleanTemp()
	}
	units := c.units(feeds)
	p := pub.Plan(publishUnits(units), publishRecords(prev))
	dirty := make([]unit, len(p.Dirty))
	for i, k := range p.Dirty {
		dirty[i] = units[k]
	}
	c.hashes = map[string]string{}
	if len(dirty)+len(p.Stale) > 0 {
		if err := c.opt.Store.SetMeta(ctx, c.fingerprintKey(), ""); err != nil {
			return err
		}
		if err := c.opt.Store.SaveOutputs(ctx, key, records(dirty, false), nil); err != nil {
			return err
		}
		if err := c.writeAll(ctx, pub, dirty, p.Stale); err != nil {
			return err
		}
		if err := c.opt.Store.SaveOutputs(ctx, key, records(dirty, true), p.Stale); err != nil {
			return err
		}
	}
	if err := c.opt.Store.SetMeta(ctx, metaCandidates, strconv.Itoa(c.cands)); err != nil {
		return err
	}
	if err := c.opt.Store.SetMeta(ctx, c.fingerprintKey(), c.fp); err != nil {
		return err
	}
	c.sum.Written, c.sum.Unchanged, c.sum.Removed = pub.Written, pub.Unchanged+p.Clean, len(pub.Removed)
	c.sum.Changed = changedFeeds(c.cfg, pub.Changed)
	return nil
}

// renderBatch is how many units are rendered before they are written.
const renderBatch = 64

// writeAll renders and writes the units in order, a batch at a time
// (within a batch, the feeds side by side, then the index and OPML list),
// then removes the stale files (the index written just before no longer
// lists them), then syncs once. It notes each written feed's content
// hash.
func (c *run) writeAll(ctx context.Context, pub *publish.Dir, units []unit, stale []string) error {
	for len(units) > 0 {
		n := min(renderBatch, len(units))
		rendered, err := renderUnits(units[:n])
		if err != nil {
			return err
		}
		var feeds, last []publish.File
		for k, fs := range rendered {
			if units[k].last {
				last = append(last, fs...)
			} else {
				feeds = append(feeds, fs...)
			}
		}
		for _, batch := range [][]publish.File{feeds, last} {
			if err := pub.WriteAll(ctx, batch); err != nil {
				return fmt.Errorf("%w: %w", ErrOutput, err)
			}
		}
		maps.Copy(c.hashes, feedHashes(c.cfg, feeds))
		units = units[n:]
	}
	for _, rel := range stale {
		if err := pub.Remove(ctx, rel); err != nil {
			return fmt.Errorf("%w: %w", ErrOutput, err)
		}
	}
	if err := pub.Sync(ctx); err != nil {
		return fmt.Errorf("%w: %w", ErrOutput, err)
	}
	return nil
}

// records are the state's rows for the files of units: with their hash
// once written, with none while being written.
func records(units []unit, written bool) []state.Output {
	var out []state.Output
	for _, u := range units {
		h := ""
		if written {
			h = u.Hash
		}
		for _, p := range u.Paths {
			out = append(out, state.Output{Path: p, Unit: u.Name, Hash: h})
		}
	}
	return out
}

func publishUnits(units []unit) []publish.Unit {
	out := make([]publish.Unit, len(units))
	for i, u := range units {
		out[i] = u.Unit
	}
	return out
}

func publishRecords(prev []state.Output) []publish.Record {
	out := make([]publish.Record, len(prev))
	for i, o := range prev {
		out[i] = publish.Record{Path: o.Path, Unit: o.Unit, Hash: o.Hash}
	}
	return out
}

// renderUnits builds the units one at a time, then draws them side by
// side (rendering was a sequential eighth of a first cycle's writing):
// the files of each unit, in the order of units.
func renderUnits(units []unit) ([][]publish.File, error) {
	draws := make([]func() ([]publish.File, error), len(units))
	for k, u := range units {
		d, err := u.build()
		if err != nil {
			return nil, err
		}
		draws[k] = d
	}
	out := make([][]publish.File, len(units))
	errs := make([]error, len(units))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for k, draw := range draws {
		g.Go(func() error {
			out[k], errs[k] = draw()
			return nil
		})
	}
	g.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err // the first, in the order of units
		}
	}
	return out, nil
}

// units are every article feed, the site-wide feed, index.html and
// feeds.opml, in that order: written in that order, the index never
// lists a feed that is not there yet.
func (c *run) units(feeds builtFeeds) []unit {
	cfg, v := c.cfg, c.opt.Version
	units := make([]unit, 0, len(feeds.articles)+3)
	for i := range feeds.articles {
		slug := c.local[i].art.Slug
		units = append(units, feedUnit(cfg, v, unitFeed(slug), slug, &feeds.articles[i], func() (*feed.Feed, error) { return c.fullFeed(i) }))
	}
	site := &feeds.site
	units = append(units, feedUnit(cfg, v, unitSite, "", site, c.fullSiteFeed))

	idx := render.IndexData{Site: site.Channel, Generated: site.Updated, Sources: c.health}
	idx.Site.Self = published(cfg, idx.Site.Self)
	opml := []render.OPMLEntry{{Title: site.Title, HTMLURL: site.Link, XMLURL: idx.Site.Self.First()}}
	for i := range feeds.articles {
		f := &feeds.articles[i]
		links := published(cfg, f.Self)
		idx.Feeds = append(idx.Feeds, render.IndexFeed{
			Title: c.local[i].art.Title, ArticleURL: f.Link, Links: links, Related: countRelated(f.Items), Published: c.local[i].item.Published,
		})
		opml = append(opml, render.OPMLEntry{Title: f.Title, HTMLURL: f.Link, XMLURL: links.First()})
	}
	title := cfg.Site.Title
	return append(units,
		dataUnit(cfg, v, unitIndex, "index.html", idx, func() ([]byte, error) { return render.Index(idx) }),
		dataUnit(cfg, v, unitOPML, "feeds.opml", struct {
			Title   string
			Entries []render.OPMLEntry
		}{title, opml}, func() ([]byte, error) { return render.OPML(title, opml) }))
}

// renderFeed renders one feed in each configured format; dir is the
// article's slug, "" for the site-wide feed.
func renderFeed(cfg *config.Config, dir string, f *feed.Feed) ([]publish.File, error) {
	var files []publish.File
	for _, fm := range render.Formats {
		if !cfg.HasFormat(fm.Name) {
			continue
		}
		rel := path.Join(dir, fm.File)
		data, err := fm.Render(f)
		if err != nil {
			return nil, fmt.Errorf("render %s/%s: %w", dir, fm.File, err)
		}
		files = append(files, publish.File{Path: rel, Data: data})
	}
	return files, nil
}

func countRelated(items []feed.Item) int {
	n := 0
	for _, it := range items {
		if it.Role == feed.RoleRelated {
			n++
		}
	}
	return n
}

// changedFeeds turns written file paths into the URLs of the feeds among
// them: those are what a WebSub hub must hear about.
func changedFeeds(cfg *config.Config, paths []string) []string {
	var out []string
	for _, p := range paths {
		fm, ok := render.FormatByFile(path.Base(p))
		if !ok {
			continue
		}
		dir := path.Dir(p)
		if dir == "." {
			dir = ""
		}
		out = append(out, address(cfg, dir).Self.Get(fm.Name))
	}
	return out
}

// feedHashes is the content hash of every rendered feed among files, by URL: the
// fleet's WebSub pings are claimed per version of a feed.
func feedHashes(cfg *config.Config, files []publish.File) map[string]string {
	out := map[string]string{}
	for _, f := range files {
		for _, u := range changedFeeds(cfg, []string{f.Path}) {
			out[u] = contentHash(f.Data)
		}
	}
	return out
}
