package cycle

import (
	"context"
	"fmt"
	"path"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/feed/render"
	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/publish"
)

// publish renders every feed in every configured format, then the index
// page and the OPML list, writes what changed and records the cycle.
// Everything is rendered before anything is written: a feed that cannot
// be rendered leaves out/ as it was.
func (c *run) publish(ctx context.Context, feeds builtFeeds) error {
	files, err := renderAll(c.cfg, feeds, c.local, c.health)
	if err != nil {
		return err
	}
	pub, err := publish.New(c.cfg.Out)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrOutput, err)
	}
	defer pub.Close()
	_ = pub.CleanTemp()
	for _, f := range files {
		if err := pub.Write(ctx, f.path, f.data); err != nil {
			return fmt.Errorf("%w: %w", ErrOutput, err)
		}
	}
	if err := c.opt.Store.SetMeta(ctx, c.fingerprintKey(), c.fp); err != nil {
		return err
	}
	c.sum.Written, c.sum.Unchanged = pub.Written, pub.Unchanged
	c.sum.Changed = changedFeeds(c.cfg, pub.Changed)
	c.hashes = feedHashes(c.cfg, files)
	return nil
}

// file is one rendered output file, relative to out/.
type file struct {
	path string
	data []byte
}

// renderAll renders every article feed, the site-wide feed, index.html and
// feeds.opml, in that order: the index must never list a feed that is not
// there yet.
func renderAll(cfg *config.Config, feeds builtFeeds, local []articleFeed, health []render.IndexSource) ([]file, error) {
	var files []file
	for i := range feeds.articles {
		fs, err := renderFeed(cfg, local[i].art.Slug, &feeds.articles[i])
		if err != nil {
			return nil, err
		}
		files = append(files, fs...)
	}
	site := &feeds.site
	fs, err := renderFeed(cfg, "", site)
	if err != nil {
		return nil, err
	}
	files = append(files, fs...)

	idx := render.IndexData{Site: site.Channel, Generated: site.Updated, Sources: health}
	idx.Site.Self = published(cfg, idx.Site.Self)
	opml := []render.OPMLEntry{{Title: site.Title, HTMLURL: site.Link, XMLURL: idx.Site.Self.First()}}
	for i := range feeds.articles {
		f := &feeds.articles[i]
		links := published(cfg, f.Self)
		idx.Feeds = append(idx.Feeds, render.IndexFeed{
			Title: local[i].art.Title, ArticleURL: f.Link, Links: links, Related: countRelated(f.Items), Published: local[i].item.Published,
		})
		opml = append(opml, render.OPMLEntry{Title: f.Title, HTMLURL: f.Link, XMLURL: links.First()})
	}
	page, err := render.Index(idx)
	if err != nil {
		return nil, fmt.Errorf("render index.html: %w", err)
	}
	list, err := render.OPML(cfg.Site.Title, opml)
	if err != nil {
		return nil, fmt.Errorf("render feeds.opml: %w", err)
	}
	return append(files, file{"index.html", page}, file{"feeds.opml", list}), nil
}

// renderFeed renders one feed in each configured format; dir is the
// article's slug, "" for the site-wide feed.
func renderFeed(cfg *config.Config, dir string, f *feed.Feed) ([]file, error) {
	var files []file
	for _, fm := range render.Formats {
		if !cfg.HasFormat(fm.Name) {
			continue
		}
		rel := path.Join(dir, fm.File)
		data, err := fm.Render(f)
		if err != nil {
			return nil, fmt.Errorf("render %s/%s: %w", dir, fm.File, err)
		}
		files = append(files, file{rel, data})
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

// feedHashes is the content hash of every rendered feed, by URL: the
// fleet's WebSub pings are claimed per version of a feed.
func feedHashes(cfg *config.Config, files []file) map[string]string {
	out := map[string]string{}
	for _, f := range files {
		for _, u := range changedFeeds(cfg, []string{f.path}) {
			out[u] = contentHash(f.data)
		}
	}
	return out
}
