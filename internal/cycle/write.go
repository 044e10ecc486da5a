package cycle

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/feed/render"
	"github.com/braid-feeds/braid/internal/publish"
	"github.com/braid-feeds/braid/sources"
	"github.com/braid-feeds/braid/internal/state"
)

// formats maps a config format name to its file name and renderer.
var formats = []struct {
	name, file string
	render     func(*feed.Feed) ([]byte, error)
}{
	{"rss", "rss.xml", render.RSS},
	{"atom", "atom.xml", render.Atom},
	{"json", "feed.json", render.JSON},
}

// enabled blanks the links of formats the config does not publish.
func enabled(cfg *config.Config, l feed.Links) feed.Links {
	if !cfg.HasFormat("rss") {
		l.RSS = ""
	}
	if !cfg.HasFormat("atom") {
		l.Atom = ""
	}
	if !cfg.HasFormat("json") {
		l.JSON = ""
	}
	return l
}

func writeFeed(ctx context.Context, cfg *config.Config, pub *publish.Dir, dir string, f *feed.Feed) error {
	for _, fm := range formats {
		if !cfg.HasFormat(fm.name) {
			continue
		}
		data, err := fm.render(f)
		if err != nil {
			return fmt.Errorf("render %s/%s: %w", dir, fm.file, err)
		}
		rel := fm.file
		if dir != "" {
			rel = dir + "/" + fm.file
		}
		if err := pub.Write(ctx, rel, data); err != nil {
			return err
		}
	}
	return nil
}

// write publishes every article feed, the site-wide feed, index.html and
// feeds.opml. Article feeds go first: the index must never list a feed
// that is not there yet.
func write(ctx context.Context, cfg *config.Config, pub *publish.Dir, feeds []feed.Feed, local []articleFeed, health []render.IndexSource) error {
	for i := range feeds {
		if err := writeFeed(ctx, cfg, pub, local[i].art.Slug, &feeds[i]); err != nil {
			return err
		}
	}
	site := siteFeed(cfg, local)
	if err := writeFeed(ctx, cfg, pub, "", &site); err != nil {
		return err
	}

	idx := render.IndexData{Site: site.Channel, Generated: site.Updated, Sources: health}
	idx.Site.Self = enabled(cfg, idx.Site.Self)
	opml := []render.OPMLEntry{{Title: site.Title, HTMLURL: site.Link, XMLURL: firstLink(idx.Site.Self)}}
	for i := range feeds {
		f := &feeds[i]
		n := 0
		for _, it := range f.Items {
			if it.Role == feed.RoleRelated {
				n++
			}
		}
		links := enabled(cfg, f.Self)
		idx.Feeds = append(idx.Feeds, render.IndexFeed{
			Title: local[i].art.Title, ArticleURL: f.Link, Links: links, Related: n, Updated: f.Updated,
		})
		opml = append(opml, render.OPMLEntry{Title: f.Title, HTMLURL: f.Link, XMLURL: firstLink(links)})
	}
	page, err := render.Index(idx)
	if err != nil {
		return fmt.Errorf("render index.html: %w", err)
	}
	if err := pub.Write(ctx, "index.html", page); err != nil {
		return err
	}
	list, err := render.OPML(cfg.Site.Title, opml)
	if err != nil {
		return fmt.Errorf("render feeds.opml: %w", err)
	}
	return pub.Write(ctx, "feeds.opml", list)
}

func firstLink(l feed.Links) string {
	for _, s := range []string{l.RSS, l.Atom, l.JSON} {
		if s != "" {
			return s
		}
	}
	return ""
}

// sourceHealth is the index page's table of sources. Times are cut to the
// day: the page is for readers, and a page that changed on every cycle
// would defeat conditional GETs for no one's benefit.
func sourceHealth(cfg *config.Config, results []sources.Result, stored map[string]state.Source) []render.IndexSource {
	out := make([]render.IndexSource, 0, len(results))
	for i, r := range results {
		st := stored[r.Name]
		link := st.Feed.Link
		if link == "" && strings.HasPrefix(cfg.Sources[i].URL, "http") {
			link = cfg.Sources[i].URL
		}
		status := r.Status
		switch r.Status {
		case sources.StatusOK, sources.StatusNotModified:
			// One word for both: the page should not change because a
			// source answered 304 this time and 200 the last.
			status = "ok"
		case sources.StatusFailed:
			status = "failed"
			if st.ErrorClass != "" {
				status += ": " + strings.ReplaceAll(st.ErrorClass, "_", " ")
			}
		}
		out = append(out, render.IndexSource{Name: r.Name, URL: link, Status: status,
			LastSuccess: st.LastSuccess.Truncate(24 * time.Hour)})
	}
	return out
}

// siteFeedItems caps the site-wide feed: readers want the latest, not the archive.
const siteFeedItems = 50

// siteFeed is the site-wide feed: the local articles, newest first.
func siteFeed(cfg *config.Config, local []articleFeed) feed.Feed {
	items := make([]feed.Item, len(local))
	for i, af := range local {
		items[i] = af.item
	}
	sort.SliceStable(items, func(i, j int) bool {
		if !items[i].Published.Equal(items[j].Published) {
			return items[i].Published.After(items[j].Published)
		}
		return items[i].Title < items[j].Title
	})
	if len(items) > siteFeedItems {
		items = items[:siteFeedItems]
	}
	self := feedLinks(cfg, "")
	desc := cfg.Site.Description
	if desc == "" {
		desc = "Latest articles from " + cfg.Site.Title
	}
	return feed.Feed{
		Channel: feed.Channel{
			Title:       cfg.Site.Title,
			Description: desc,
			Language:    cfg.Site.Language,
			Link:        cfg.Site.URL,
			ID:          self.Atom,
			Author:      feed.Person{Name: cfg.Site.Author.Name, Email: cfg.Site.Author.Email},
			Updated:     newest(items),
			Self:        self,
			Hub:         cfg.WebSub.Hub,
		},
		Items: items,
	}
}
