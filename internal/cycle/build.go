package cycle

import (
	"context"
	"net/url"
	"regexp"
	"time"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/feed/related"
	"github.com/braid-feeds/braid/feed/render"
	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/sources/articles"
)

// siteFeedItems caps the site-wide feed: readers want the latest, not the archive.
const siteFeedItems = 50

// selectRelated decides what each article's feed gets. Scores kept from
// earlier cycles are reused: only new or changed items and new or edited
// articles are scored (related.Memo), and the result is what scoring
// everything again would give.
func (c *run) selectRelated(ctx context.Context) error {
	slugs := make([]string, len(c.local))
	targets := make([]related.Target, len(c.local))
	for i := range c.local {
		slugs[i], targets[i] = c.local[i].art.Slug, target(&c.local[i])
	}
	memo, kept, err := c.loadMemo(ctx)
	if err != nil {
		return err
	}
	df, docs, err := memo.SiteDF(slugs, targets)
	if err != nil {
		return err
	}
	w, err := weights(df, docs)
	if err != nil {
		return err
	}
	opt := selectionOptions(c.cfg.Related, c.cfg.Sources)
	opt.Weights, opt.Fill, opt.Release = w, c.texts.fill, c.texts.release
	pool := related.NewPoolWith(c.pool, keptPrint(kept, c.prints), opt)
	c.prints = nil
	c.pool = nil // deduplicated into the pool
	c.cands = len(pool.Items)
	c.sum.Items = c.cands
	// Scoring reads the text of items without kept vectors back a source
	// at a time (new items come without it: sources.Options.Saved).
	var delta related.Delta
	err = c.texts.inSourceOrder(func() (err error) {
		delta, err = pool.Update(memo, slugs, targets)
		return err
	})
	if err != nil {
		return err
	}
	c.opt.Logger.Debug("relatedness", "rescored_articles", delta.Rescored, "new_items", delta.NewItems,
		"changed_articles", len(delta.Changed), "full", delta.Full)
	// A vector or fingerprint made from an item whose text could not be
	// read must never be kept.
	if err := c.texts.failed(); err != nil {
		return err
	}
	if err := c.saveMemo(ctx, memo, delta); err != nil {
		return err
	}
	c.related = pool.SelectAll(memo, slugs, targets, c.now)
	return c.texts.failed()
}

// build merges each article with its neighbours and related items, and
// makes the site-wide feed. Kept related items may still lack their
// text: such a feed is enough to tell whether its files change (see
// feedUnit), and fullFeed builds the few that are written.
func (c *run) build() builtFeeds {
	out := builtFeeds{articles: make([]feed.Feed, len(c.local))}
	for i := range c.local {
		out.articles[i] = c.articleFeed(i)
	}
	out.site = c.siteFeed()
	return out
}

// siteFeed is the site-wide feed.
func (c *run) siteFeed() feed.Feed {
	items := make([]feed.Item, len(c.local))
	for i := range c.local {
		items[i] = c.local[i].item
	}
	return siteOf(c.cfg).SiteFeed(items, siteFeedItems, address(c.cfg, ""))
}

// fullSiteFeed is the site-wide feed with the text of every article in
// it, to be rendered.
func (c *run) fullSiteFeed() (*feed.Feed, error) {
	in := map[string]bool{}
	for _, it := range c.siteFeed().Items {
		in[it.ID] = true
	}
	kept := map[int]keptArticle{}
	for i := range c.local {
		if in[c.local[i].item.ID] {
			kept[i] = c.keepArticle(i)
			if err := c.fillArticle(i); err != nil {
				return nil, err
			}
		}
	}
	f := c.siteFeed()
	for i, k := range kept {
		c.restoreArticle(i, k) // as fullFeed does
	}
	return &f, nil
}

// keptArticle is an article as the cycle keeps it, maybe without its
// text, to go back to once a feed holds the text it needed.
type keptArticle struct {
	af  articleFeed
	art articles.Article
}

func (c *run) keepArticle(i int) keptArticle {
	return keptArticle{c.local[i], *c.local[i].art}
}

func (c *run) restoreArticle(i int, k keptArticle) {
	c.local[i], *k.af.art = k.af, k.art
}

// fillArticle gives the i-th article its HTML when its kept parse came
// without it.
func (c *run) fillArticle(i int) error {
	af := &c.local[i]
	if !af.parse.light {
		return nil
	}
	text, html, err := c.artcache.text(af.art.Path)
	if err != nil {
		return err
	}
	af.art.Text, af.art.HTML, af.doc.HTML = text, html, html
	digest := af.item.Digest
	af.item = siteOf(c.cfg).ArticleItem(&af.doc, feed.RoleArticle, true)
	af.item.Digest = digest
	af.parse.light, af.body = false, nil
	return nil
}

// articleFeed is the i-th article's feed.
func (c *run) articleFeed(i int) feed.Feed {
	af := &c.local[i]
	return siteOf(c.cfg).ArticleFeed(&af.doc, af.item, af.prev, af.next, c.related[i], c.cfg.Related.MaxItems, address(c.cfg, af.art.Slug))
}

// fullFeed is the i-th article's feed with the text of every item, to
// be rendered.
func (c *run) fullFeed(i int) (*feed.Feed, error) {
	kept := c.keepArticle(i)
	if err := c.fillArticle(i); err != nil {
		return nil, err
	}
	c.texts.fillAll(c.related[i])
	if err := c.texts.failed(); err != nil {
		return nil, err
	}
	f := c.articleFeed(i)
	// The feed holds copies of what it renders: the article and its
	// items give their text up again. Kept filled, every text published
	// stayed until the cycle ended, the largest part of a 20,000-article
	// first cycle's peak.
	c.restoreArticle(i, kept)
	c.texts.releaseAll(c.related[i])
	return &f, nil
}

// builtFeeds are a cycle's feeds, ready to render.
type builtFeeds struct {
	articles []feed.Feed // in the order of the local articles
	site     feed.Feed
}

// selectionOptions is the config's selection policy in plain values.
func selectionOptions(rc config.Related, srcs []config.Source) related.Options {
	opt := related.Options{MinScore: rc.MinScore, MaxAge: time.Duration(rc.MaxAge), MaxItems: rc.MaxItems, Sources: map[string]related.SourceRule{}}
	for _, s := range srcs {
		r := related.SourceRule{Weight: s.Weight}
		// Validate compiled these already; MustCompile cannot fail here.
		for _, re := range s.Include {
			r.Include = append(r.Include, regexp.MustCompile(re))
		}
		for _, re := range s.Exclude {
			r.Exclude = append(r.Exclude, regexp.MustCompile(re))
		}
		opt.Sources[s.Name] = r
	}
	return opt
}

// target is an article as selection sees it. An article whose kept
// parse came without its text gives its Body on demand, with the digest
// of the whole (articleCache).
func target(af *articleFeed) related.Target {
	t := targetOf(af.art)
	t.Exclude = af.art.Related.Exclude
	t.Local = []*feed.Item{&af.item, af.prev, af.next}
	t.Digest, t.Body = af.parse.target, af.body
	return t
}

// targetOf is what scoring reads of an article, the part its digest
// covers.
func targetOf(a *articles.Article) related.Target {
	return related.Target{
		Doc: related.Doc{
			Title: a.Title, Headings: a.Headings, Body: a.Text, Tags: a.Tags,
			Credit: a.Credit, Include: a.Related.Include,
		},
		MinScore: a.Related.MinScore,
	}
}

// address is where a feed of the site lives: dir is an article's slug, ""
// for the site-wide feed. Its Self lists every format, published or not,
// so a feed's bytes do not depend on which other formats are enabled.
func address(cfg *config.Config, dir string) feed.Address {
	base := cfg.FeedsBase() + "/"
	if dir != "" {
		base += url.PathEscape(dir) + "/"
	}
	self := render.LinksFor(base, render.FormatNames())
	return feed.Address{ID: self.Get(render.NameAtom), Self: self}
}

// published are the links of the formats the config publishes.
func published(cfg *config.Config, l feed.Links) feed.Links {
	var out feed.Links
	for _, x := range l {
		if cfg.HasFormat(x.Format) {
			out = append(out, x)
		}
	}
	return out
}

func siteOf(cfg *config.Config) feed.Site {
	return feed.Site{
		Title: cfg.Site.Title, URL: cfg.Site.URL, Description: cfg.Site.Description, Language: cfg.Site.Language,
		Author: feed.Person{Name: cfg.Site.Author.Name, Email: cfg.Site.Author.Email}, Hub: cfg.WebSub.Hub,
	}
}
