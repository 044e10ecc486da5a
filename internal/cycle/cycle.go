package cycle

import (
	"context"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/internal/publish"
	"github.com/braid-feeds/braid/sources"
	"github.com/braid-feeds/braid/sources/articles"
	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/internal/websub"
)

// ErrOutput wraps failures to write the output folder.
var ErrOutput = errors.New("cannot write output")

// Options are what a cycle needs besides the config.
type Options struct {
	Version string
	Store   *state.Store
	Logger  *slog.Logger
	Now     func() time.Time
	// WebSub queues publish pings; the daemon keeps one across cycles so
	// failed pings are retried. Nil: a fresh queue for this cycle.
	WebSub *websub.Queue
	// HTTPClient sends WebSub pings; nil: a client with a timeout.
	HTTPClient *http.Client
	// Progress, when set, hears of each phase and of each source done.
	Progress func(Progress)
}

// Phases of a cycle, as Progress reports them.
const (
	PhaseArticles = "reading articles"
	PhaseFetch    = "fetching sources"
	PhaseScore    = "scoring"
	PhaseWrite    = "writing feeds"
)

// Progress is where a running cycle is.
type Progress struct {
	Phase        string
	SourcesDone  int
	SourcesTotal int
	Failed       int
}

// Summary says what a cycle did.
type Summary struct {
	Articles    int
	SourcesOK   int
	NotModified int
	Skipped     int // not due this cycle; their last good items were used
	Failed      []SourceFailure
	Sources     []SourceStat // every source, in config order
	Items       int          // external items in the candidate pool
	Written     int          // files whose content changed
	Unchanged   int          // files left as they were
	Changed     []string     // URLs of the feeds whose content changed
	PingErr     error        // WebSub pings that failed (they stay queued)
	Moved       []Moved      // sources that answered a permanent redirect
	Duration    time.Duration
}

// Moved is a source to update in the config: it moved permanently.
type Moved struct {
	Name, To string
}

// SourceStat is one source's outcome this cycle.
type SourceStat struct {
	Name   string
	Status string
	Items  int // items it contributed (its last good ones when it failed)
}

// SourceFailure is a source that failed this cycle; its last good items
// were still used.
type SourceFailure struct {
	Name string
	Err  error
}

// String is the one-line summary printed at the end of a cycle.
func (s *Summary) String() string {
	return fmt.Sprintf("%d articles; sources: %d ok, %d not modified, %d not due, %d failed; %d items; files: %d written, %d unchanged; %s",
		s.Articles, s.SourcesOK, s.NotModified, s.Skipped, len(s.Failed), s.Items, s.Written, s.Unchanged,
		s.Duration.Round(time.Millisecond))
}

// Run runs one cycle. It returns an error only when nothing could be
// published (bad articles, unwritable output, state failure); failed
// sources are reported in the Summary.
func Run(ctx context.Context, cfg *config.Config, opt Options) (*Summary, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	start := opt.Now()
	now := start.UTC().Truncate(time.Second)
	sum := &Summary{}
	progress := func(p Progress) {
		if opt.Progress != nil {
			p.SourcesTotal = len(cfg.Sources)
			opt.Progress(p)
		}
	}

	progress(Progress{Phase: PhaseArticles})
	arts, err := articles.Load(ctx, cfg.Content)
	if err != nil {
		return nil, err
	}
	local, err := localItems(ctx, cfg, opt.Store, arts, now)
	if err != nil {
		return nil, err
	}
	sum.Articles = len(arts)

	progress(Progress{Phase: PhaseFetch})
	results, err := fetch(ctx, cfg, opt)
	if err != nil {
		return nil, err
	}
	var pool []feed.Item
	for i, r := range results {
		switch r.Status {
		case sources.StatusOK:
			sum.SourcesOK++
		case sources.StatusNotModified:
			sum.NotModified++
		case sources.StatusSkipped:
			// Not due yet (Retry-After, backoff, caching hints): its last
			// good items stand in, and nothing failed this cycle.
			sum.Skipped++
		default:
			sum.Failed = append(sum.Failed, SourceFailure{Name: r.Name, Err: r.Err})
		}
		sum.Sources = append(sum.Sources, SourceStat{Name: r.Name, Status: r.Status, Items: len(r.Items)})
		if r.MovedTo != "" {
			sum.Moved = append(sum.Moved, Moved{Name: r.Name, To: r.MovedTo})
		}
		pool = append(pool, r.Items...)
		results[i].Items = nil // the pool holds them now; keep one copy alive
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("cycle: %w", err)
	}
	stored := map[string]state.Source{}
	if all, err := opt.Store.Sources(ctx); err == nil {
		for _, s := range all {
			stored[s.Name] = s
		}
	}
	health := sourceHealth(cfg, results, stored)

	// Nothing that goes into the output changed since the last cycle that
	// published, and the output is all there: skip scoring and rendering,
	// which are most of an unchanged cycle's cost.
	fp := fingerprint(opt.Version, cfg, local, pool, health, now)
	if last, _ := opt.Store.Meta(ctx, metaFingerprint); last == fp && outputsExist(cfg, local) {
		sum.Items = len(pool) - countDuplicates(pool)
		sum.Unchanged = expectedFiles(cfg, local)
		progress(Progress{Phase: PhaseWrite, SourcesDone: len(results), Failed: len(sum.Failed)})
		sum.Duration = opt.Now().Sub(start)
		return sum, pingHub(ctx, cfg, opt, sum)
	}

	cands := newCandidates(cfg, pool)
	pool = nil // deduplicated into cands
	sum.Items = len(cands.items)
	progress(Progress{Phase: PhaseScore, SourcesDone: len(results), Failed: len(sum.Failed)})
	feeds := buildFeeds(cfg, local, cands, now)
	progress(Progress{Phase: PhaseWrite, SourcesDone: len(results), Failed: len(sum.Failed)})
	pub, err := publish.New(cfg.Out)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrOutput, err)
	}
	_ = pub.CleanTemp()
	if err := write(ctx, cfg, pub, feeds, local, health); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrOutput, err)
	}
	if err := opt.Store.SetMeta(ctx, metaFingerprint, fp); err != nil {
		return nil, err
	}
	sum.Written, sum.Unchanged = pub.Written, pub.Unchanged
	sum.Changed = changedFeeds(cfg, pub.Changed)
	sum.Duration = opt.Now().Sub(start)
	return sum, pingHub(ctx, cfg, opt, sum)
}

// pingHub tells the WebSub hub about the feeds that changed, and retries
// the pings that failed before. A failed ping is reported in the summary,
// not as an error: the feeds were published.
func pingHub(ctx context.Context, cfg *config.Config, opt Options, sum *Summary) error {
	if cfg.WebSub.Hub == "" {
		return nil
	}
	q := opt.WebSub
	if q == nil {
		q = websub.NewQueue()
	}
	q.Add(sum.Changed...)
	client := opt.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	sum.PingErr = q.Flush(ctx, client, cfg.WebSub.Hub, userAgent(cfg, opt.Version))
	return nil
}

func fetch(ctx context.Context, cfg *config.Config, opt Options) ([]sources.Result, error) {
	fo := FetchOptions(cfg, opt.Version)
	fo.Now = opt.Now
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

// changedFeeds turns written file paths into the URLs of the feeds among
// them: those are what a WebSub hub must hear about.
func changedFeeds(cfg *config.Config, paths []string) []string {
	var out []string
	for _, p := range paths {
		dir := path.Dir(p)
		if dir == "." {
			dir = ""
		}
		l := feedLinks(cfg, dir)
		switch path.Base(p) {
		case "rss.xml":
			out = append(out, l.RSS)
		case "atom.xml":
			out = append(out, l.Atom)
		case "feed.json":
			out = append(out, l.JSON)
		}
	}
	return out
}

func host(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "localhost"
	}
	return p.Hostname()
}

// articleFeed is one local article with everything its feed needs.
type articleFeed struct {
	art        *articles.Article
	item       feed.Item
	prev, next *feed.Item
	rules      articles.Rules
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
	out := make([]articleFeed, len(arts))
	for i := range arts {
		a := &arts[i]
		out[i] = articleFeed{art: a, item: articleItem(cfg, a, feed.RoleArticle, true), rules: a.Related}
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
				it = articleItem(cfg, side.n.Article, side.role, false)
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
				link := articleURL(cfg, side.n.Slug, "")
				it = feed.Item{ID: link, Link: link, Title: side.n.Title, Role: side.role, Published: seen, Updated: seen}
			}
			*side.dst = &it
		}
	}
	return out, nil
}

func articleURL(cfg *config.Config, slug, own string) string {
	if own != "" {
		return own
	}
	return strings.TrimRight(cfg.Site.URL, "/") + "/" + url.PathEscape(slug) + "/"
}

// articleItem is a local article as a feed item: the full HTML for the
// article itself, the summary for a neighbour.
func articleItem(cfg *config.Config, a *articles.Article, role feed.Role, full bool) feed.Item {
	link := articleURL(cfg, a.Slug, a.URL)
	it := feed.Item{
		ID:         link,
		Link:       link,
		Title:      a.Title,
		Summary:    html.EscapeString(a.Summary),
		Published:  a.Date,
		Updated:    a.Updated,
		Categories: append([]string(nil), a.Tags...),
		Role:       role,
	}
	if it.Updated.IsZero() || it.Updated.Before(it.Published) {
		it.Updated = it.Published
	}
	if full {
		it.ContentHTML = a.HTML
		if a.Credit != "" {
			it.ContentHTML += "\n<p>Credit: " + html.EscapeString(a.Credit) + "</p>"
		}
	}
	switch {
	case a.Author != "":
		it.Authors = []feed.Person{{Name: a.Author}}
	case cfg.Site.Author.Name != "" || cfg.Site.Author.Email != "":
		it.Authors = []feed.Person{{Name: cfg.Site.Author.Name, Email: cfg.Site.Author.Email}}
	}
	return it
}

func feedLinks(cfg *config.Config, dir string) feed.Links {
	base := cfg.FeedsBase() + "/"
	if dir != "" {
		base += url.PathEscape(dir) + "/"
	}
	return feed.Links{RSS: base + "rss.xml", Atom: base + "atom.xml", JSON: base + "feed.json"}
}

func articleChannel(cfg *config.Config, af articleFeed, items []feed.Item) feed.Channel {
	self := feedLinks(cfg, af.art.Slug)
	desc := af.art.Summary
	if desc == "" {
		desc = "The story of “" + af.art.Title + "”: the article, its neighbours and related coverage."
	}
	return feed.Channel{
		Title:       af.art.Title + " · " + cfg.Site.Title,
		Description: desc,
		Language:    cfg.Site.Language,
		Link:        af.item.Link,
		ID:          self.Atom,
		Author:      feed.Person{Name: cfg.Site.Author.Name, Email: cfg.Site.Author.Email},
		Updated:     newest(items),
		Self:        self,
		Hub:         cfg.WebSub.Hub,
	}
}

// newest is the latest date among items: a feed's updated time follows its
// content, never the clock, so unchanged inputs give unchanged bytes.
func newest(items []feed.Item) time.Time {
	var t time.Time
	for _, it := range items {
		for _, c := range []time.Time{it.Published, it.Updated} {
			if c.After(t) {
				t = c
			}
		}
	}
	return t
}
