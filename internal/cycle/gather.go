package cycle

import (
	"cmp"
	"context"
	"html"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/feed/render"
	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/internal/urls"
	"github.com/braid-feeds/braid/sources"
	"github.com/braid-feeds/braid/sources/articles"
)

// gather reads the local articles and fetches every source: everything
// the rest of the cycle is made from.
func (c *run) gather(ctx context.Context) error {
	c.progress(PhaseArticles)
	// Named as the config's mistake it is, for the daemon's log as for
	// generate (a folder that vanished after the config loaded).
	if err := c.cfg.ContentError(); err != nil {
		return err
	}
	cache := newArticleCache(ctx, c.opt.Store, outputsKey(c.cfg), c.opt.Version)
	arts, problems, err := articles.LoadAllCached(ctx, c.cfg.Content, c.cfg.ContentMaxBytes, cache)
	if err != nil {
		return err
	}
	if err := cache.save(ctx); err != nil {
		return err
	}
	for i := range arts {
		// A new parse the state now holds is used as a kept one is:
		// its text and HTML read back when needed (fillArticle, body).
		if in := cache.info[arts[i].Path]; in.stored && !in.light {
			arts[i].Text, arts[i].HTML = "", ""
			in.light = true
			cache.info[arts[i].Path] = in
		}
	}
	local, chain, err := localItems(ctx, c.cfg, c.opt.Store, arts, c.now)
	if err != nil {
		return err
	}
	for i := range local {
		af := &local[i]
		af.parse = cache.info[af.art.Path]
		if af.parse.sum != "" {
			// The article's text, told by what it was parsed from: the
			// same whether its kept parse came with it or without
			// (feedUnit).
			af.item.Digest = "article " + af.parse.sum
		}
		if af.parse.light {
			path := af.art.Path
			af.body = func() (string, error) {
				text, _, err := cache.text(path)
				return text, err
			}
		}
	}
	c.local, c.artcache = local, cache
	c.sum.Articles = len(arts)
	c.reportArticles(append(problems, chain...))

	c.progress(PhaseFetch)
	c.prints = newFreshPrints(c.cfg.Related.MaxItemBytes)
	var saved func(string, []feed.Item)
	if !c.fleet() {
		saved = c.prints.saved
	}
	if c.results, err = fetch(ctx, c.cfg, c.opt, c.fleetFetch(), saved); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// What every source now contributes, summed up without decoding it:
	// an unchanged cycle never decodes the items it already published.
	digests, err := c.opt.Store.ItemDigests(ctx)
	if err != nil {
		return err
	}
	for i := range c.results {
		c.sum.tally(&c.results[i], digests[c.results[i].Name].Count)
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
	c.fp = fingerprint(c.opt.Version, c.cfg, c.local, c.results, digests, c.health, c.now)
	return nil
}

// collect makes the pool: every source's items, read from the state for
// the sources that kept theirs (without their text, which c.texts reads
// when it is needed), each bounded once (not per feed: an item is copied
// into every article feed it relates to).
func (c *run) collect(ctx context.Context) error {
	if c.pool != nil {
		return nil
	}
	c.pool = []feed.Item{}
	c.texts = newTexts(ctx, c.opt.Store, c.cfg.Related.MaxItemBytes)
	// In a fleet, other nodes replace sources' items while this cycle
	// runs: text read later could belong to other items than the ones
	// collected now, so it is read now.
	light := !c.fleet()
	for i := range c.results {
		// Read from the state, or saved to it by this cycle's fetch.
		if r := &c.results[i]; light && (r.Stored || r.Items != nil) {
			c.texts.stored[r.Name] = true
		}
	}
	if err := sources.LoadStored(ctx, c.opt.Store, c.results, !light); err != nil {
		return err
	}
	n := 0
	for i := range c.results {
		n += len(c.results[i].Items)
	}
	c.pool = make([]feed.Item, 0, n) // grown by appends, it was a tenth of a cycle's allocations
	for i := range c.results {
		r := &c.results[i]
		for j := range r.Items {
			feed.Bound(&r.Items[j], c.cfg.Related.MaxItemBytes)
		}
		c.pool = append(c.pool, r.Items...)
		r.Items = nil // the pool holds them now; keep one copy alive
	}
	return nil
}

// reportArticles keeps what is wrong with the articles in the summary and
// logs it: a file that could not be published is an error (the rest of
// the site still is), an overruled link a warning, the rest notes.
func (c *run) reportArticles(problems []articles.Problem) {
	c.sum.ArticleProblems = problems
	c.sum.ArticleErr = articles.Errors(problems)
	for _, p := range problems {
		level := slog.LevelInfo
		switch p.Severity {
		case articles.SeverityError:
			level = slog.LevelError
		case articles.SeverityWarning:
			level = slog.LevelWarn
		}
		c.opt.Logger.Log(context.Background(), level, "article: "+p.Msg,
			"path", p.Path, "line", p.Line, "key", p.Key, "severity", p.Severity.String())
	}
}

// unchanged reports whether the last published cycle was made from the
// same inputs and its files are all still there.
func (c *run) unchanged(ctx context.Context) bool {
	last, _ := c.opt.Store.Meta(ctx, c.fingerprintKey())
	if last != c.fp || !outputsExist(c.cfg, c.local) {
		return false
	}
	c.sum.Items = c.storedCandidates(ctx)
	c.sum.Unchanged = expectedFiles(c.cfg, c.local)
	return true
}

// storedCandidates is the candidate count of the last published cycle:
// the same inputs dedupe to the same pool, and counting again would cost
// an unchanged cycle a tenth of its CPU.
func (c *run) storedCandidates(ctx context.Context) int {
	v, _ := c.opt.Store.Meta(ctx, metaCandidates)
	if n, err := strconv.Atoi(v); err == nil {
		return n
	}
	if c.collect(ctx) != nil {
		return 0
	}
	return len(c.pool) - countDuplicates(c.pool)
}

// fetch fetches every source. saved, when set, fingerprints each
// source's new items as they are saved, and they come back without their
// text (sources.Options.Saved).
func fetch(ctx context.Context, cfg *config.Config, opt Options, fleet *sources.Fleet, saved func(string, []feed.Item)) ([]sources.Result, error) {
	fo := FetchOptions(cfg, opt.Version)
	fo.Now = opt.Now
	fo.Fleet = fleet
	fo.Saved = saved
	fo.DeferStored = true // the cycle decodes them only if something changed (collect)
	specs := make([]sources.Spec, len(cfg.Sources))
	for i, s := range cfg.Sources {
		specs[i] = sources.Spec{Name: s.Name, URL: s.URL, Every: time.Duration(s.Every), PublicURL: s.PublicURL, Private: s.Private}
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
		CycleTimeout:   cfg.CycleFetchTimeout(),
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
		link := r.Origin.Link // already what readers may see
		if src := cfg.Sources[i]; link == "" && !src.Private {
			link = urls.Redact(cmp.Or(src.PublicURL, src.URL))
		}
		if !urls.IsHTTP(link) {
			link = ""
		}
		status := r.Status
		if status == sources.StatusLeased {
			// Another node fetched it: say what that node recorded, so
			// every node's page says the same.
			status = st.Status
		}
		status = healthWord(status, st.ErrorClass)
		out = append(out, render.IndexSource{Name: r.Name, URL: link, Status: status,
			LastSuccess: st.LastSuccess.Truncate(24 * time.Hour)})
	}
	return out
}

// healthWord is a source's status as the index page shows it: one word
// for ok and 304 (the page should not change because a source answered
// 304 this time and 200 the last), the failure class in plain words.
func healthWord(status, errorClass string) string {
	switch status {
	case sources.StatusOK, sources.StatusNotModified:
		return "ok"
	case sources.StatusFailed:
		if errorClass != "" {
			return "failed: " + strings.ReplaceAll(errorClass, "_", " ")
		}
		return "failed"
	case "":
		return "pending" // claimed by another node, not fetched yet
	}
	return status
}

// articleFeed is one local article with everything its feed needs.
type articleFeed struct {
	art        *articles.Article
	doc        feed.Article
	item       feed.Item
	prev, next *feed.Item
	// parse is what the cycle's article cache knows of the article; a
	// light one came without its text and HTML: body reads the text
	// (scoring's), fillArticle both (a written feed's).
	parse parseInfo
	body  func() (string, error)
}

// localItems puts the articles in one sequence (their links first, then
// date order, undated ones by the time braid first saw them) and turns
// them into feed items with their neighbours.
func localItems(ctx context.Context, cfg *config.Config, st *state.Store, arts []articles.Article, now time.Time) ([]articleFeed, []articles.Problem, error) {
	firstSeen := map[string]time.Time{}
	for i := range arts {
		if arts[i].Date.IsZero() {
			t, err := st.ArticleFirstSeen(ctx, arts[i].Slug, now)
			if err != nil {
				return nil, nil, err
			}
			firstSeen[arts[i].Slug] = t
		}
	}
	seq, problems := articles.Chain(arts, firstSeen)
	// Placed by their links; dated for the feeds by when braid first saw them.
	for i := range arts {
		if t, ok := firstSeen[arts[i].Slug]; ok {
			arts[i].Date = t
		}
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
		}{{seq.Prev[i], feed.RolePrevious, &out[i].prev, 2 * time.Second}, {seq.Next[i], feed.RoleNext, &out[i].next, time.Second}} {
			if side.n == nil {
				continue
			}
			it, err := neighbourItem(ctx, st, site, side.n, side.role, now.Add(-side.back))
			if err != nil {
				return nil, nil, err
			}
			*side.dst = &it
		}
	}
	return out, problems, nil
}

// neighbourItem is a previous or next article as its neighbour's feed
// shows it: its summary, never its body.
func neighbourItem(ctx context.Context, st *state.Store, site feed.Site, n *articles.Neighbour, role feed.Role, seenAt time.Time) (feed.Item, error) {
	if n.Article != nil {
		doc := asFeedArticle(n.Article)
		return site.ArticleItem(&doc, role, false), nil
	}
	// Named by an export but never exported: still a real page on the
	// site, dated by when braid first heard of it — a second or two
	// before now, so it never shares an Atom <updated> with an undated
	// article first seen in the same cycle — and described truthfully,
	// so no entry lacks text.
	seen, err := st.ArticleFirstSeen(ctx, n.Slug, seenAt)
	if err != nil {
		return feed.Item{}, err
	}
	link := site.ArticleURL(n.Slug, "")
	which := "next"
	if role == feed.RolePrevious {
		which = "previous"
	}
	summary := html.EscapeString("The " + which + " article on " + site.Title + ".")
	return feed.Item{ID: link, Link: link, Title: n.Title, Summary: summary, Role: role, Published: seen, Updated: seen}, nil
}

// asFeedArticle is what feed building needs of an article.
func asFeedArticle(a *articles.Article) feed.Article {
	return feed.Article{
		Slug: a.Slug, URL: a.URL, Title: a.Title, Summary: a.Summary, HTML: a.HTML,
		Credit: a.Credit, Author: a.Author, Tags: a.Tags, Published: a.Date, Update: a.Updated,
	}
}
