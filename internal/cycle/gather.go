package cycle

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/feed/render"
	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/sources"
	"github.com/braid-feeds/braid/sources/articles"
)

// gather reads the local articles and fetches every source: everything
// the rest of the cycle is made from.
func (c *run) gather(ctx context.Context) error {
	c.progress(PhaseArticles)
	arts, err := articles.Load(ctx, c.cfg.Content)
	if err != nil {
		return err
	}
	if c.local, err = localItems(ctx, c.cfg, c.opt.Store, arts, c.now); err != nil {
		return err
	}
	c.sum.Articles = len(arts)

	c.progress(PhaseFetch)
	if c.results, err = fetch(ctx, c.cfg, c.opt, c.fleetFetch()); err != nil {
		return err
	}
	for i := range c.results {
		r := &c.results[i]
		c.sum.tally(r)
		c.pool = append(c.pool, r.Items...)
		r.Items = nil // the pool holds them now; keep one copy alive
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	stored := map[string]state.Source{}
	if all, err := c.opt.Store.Sources(ctx); err == nil {
		for _, s := range all {
			stored[s.Name] = s
		}
	}
	c.health = sourceHealth(c.cfg, c.results, stored)
	for i := range c.sum.Sources {
		c.sum.Sources[i].FetchedBy = stored[c.sum.Sources[i].Name].FetchedBy
	}
	c.fp = fingerprint(c.opt.Version, c.cfg, c.local, c.pool, c.health, c.now)
	return nil
}

// unchanged reports whether the last published cycle was made from the
// same inputs and its files are all still there.
func (c *run) unchanged(ctx context.Context) bool {
	last, _ := c.opt.Store.Meta(ctx, c.fingerprintKey())
	if last != c.fp || !outputsExist(c.cfg, c.local) {
		return false
	}
	c.sum.Items = len(c.pool) - countDuplicates(c.pool)
	c.sum.Unchanged = expectedFiles(c.cfg, c.local)
	return true
}

func fetch(ctx context.Context, cfg *config.Config, opt Options, fleet *sources.Fleet) ([]sources.Result, error) {
	fo := FetchOptions(cfg, opt.Version)
	fo.Now = opt.Now
	fo.Fleet = fleet
	specs := make([]sources.Spec, len(cfg.Sources))
	for i, s := range cfg.Sources {
		specs[i] = sources.Spec{Name: s.Name, URL: s.URL, Every: time.Duration(s.Every)}
	}
	return sources.New(fo, opt.Store).FetchAll(ctx, specs)
}

// FetchOptions are the fetcher's options as the config sets them; `braid
// check --sources` uses them too, so a check fetches the way a cycle does.
func FetchOptions(cfg *config.Config, version string) sources.Options {
	return sources.Options{
		UserAgent:      userAgent(cfg, version),
		Timeout:        time.Duration(cfg.Fetch.Timeout),
		ConnectTimeout: time.Duration(cfg.Fetch.ConnectTimeout),
		MaxBytes:       cfg.Fetch.MaxBytes,
		Concurrency:    cfg.Fetch.Concurrency,
		PerHost:        cfg.Fetch.PerHost,
		IgnoreHints:    !cfg.Fetch.RespectHints,
		TagAuthority:   host(cfg.Site.URL),
	}
}

func userAgent(cfg *config.Config, version string) string {
	if cfg.Fetch.UserAgent != "" {
		return cfg.Fetch.UserAgent
	}
	return sources.UserAgent(version, cfg.Site.URL)
}

func host(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "localhost"
	}
	return p.Hostname()
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
		case sources.StatusLeased:
			status = strings.ReplaceAll(leasedHealth(st), "_", " ")
		}
		out = append(out, render.IndexSource{Name: r.Name, URL: link, Status: status,
			LastSuccess: st.LastSuccess.Truncate(24 * time.Hour)})
	}
	return out
}

// articleFeed is one local article with everything its feed needs.
type articleFeed struct {
	art        *articles.Article
	doc        feed.Article
	item       feed.Item
	prev, next *feed.Item
}

// localItems turns articles into feed items, dates undated ones with the
// time braid first saw them, and links neighbours.
func localItems(ctx context.Context, cfg *config.Config, st *state.Store, arts []articles.Article, now time.Time) ([]articleFeed, error) {
	for i := range arts {
		if arts[i].Date.IsZero() {
			t, err := st.ArticleFirstSeen(ctx, arts[i].Slug, now)
			if err != nil {
				return nil, err
			}
			arts[i].Date = t
		}
	}
	prev, next, err := articles.Link(arts)
	if err != nil {
		return nil, err
	}
	site := siteOf(cfg)
	out := make([]articleFeed, len(arts))
	for i := range arts {
		a := &arts[i]
		out[i] = articleFeed{art: a, doc: asFeedArticle(a)}
		out[i].item = site.ArticleItem(&out[i].doc, feed.RoleArticle, true)
		for _, side := range []struct {
			n    *articles.Neighbour
			role feed.Role
			dst  **feed.Item
			back time.Duration
		}{{prev[i], feed.RolePrevious, &out[i].prev, 2 * time.Second}, {next[i], feed.RoleNext, &out[i].next, time.Second}} {
			if side.n == nil {
				continue
			}
			var it feed.Item
			if side.n.Article != nil {
				doc := asFeedArticle(side.n.Article)
				it = site.ArticleItem(&doc, side.role, false)
			} else {
				// Named by an export but never exported: still a real page
				// on the site, dated by when braid first heard of it.
				// A second or two before now, so it never shares an
				// Atom <updated> with an undated article first seen in
				// the same cycle.
				seen, err := st.ArticleFirstSeen(ctx, side.n.Slug, now.Add(-side.back))
				if err != nil {
					return nil, err
				}
				link := site.ArticleURL(side.n.Slug, "")
				it = feed.Item{ID: link, Link: link, Title: side.n.Title, Role: side.role, Published: seen, Updated: seen}
			}
			*side.dst = &it
		}
	}
	return out, nil
}

// asFeedArticle is what feed building needs of an article.
func asFeedArticle(a *articles.Article) feed.Article {
	return feed.Article{
		Slug: a.Slug, URL: a.URL, Title: a.Title, Summary: a.Summary, HTML: a.HTML,
		Credit: a.Credit, Author: a.Author, Tags: a.Tags, Published: a.Date, Update: a.Updated,
	}
}
