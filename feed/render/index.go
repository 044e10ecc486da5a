package render

import (
	"bytes"
	_ "embed"
	"html/template"
	"sort"
	"strings"
	"time"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/internal/urls"
)

// IndexData is what the site's index.html lists.
type IndexData struct {
	Site      feed.Channel  // site title, description, link, language; Self = the site-wide feed URLs
	Feeds     []IndexFeed   // one per article; listed newest article first
	Generated time.Time     // shown as "last updated"
	Sources   []IndexSource // may be empty; a health table is shown when not
}

// IndexFeed is one article's feed on the index page.
type IndexFeed struct {
	Title      string
	ArticleURL string
	Links      feed.Links // absolute URLs of the feed's formats
	Related    int        // number of related items in the feed
	// Published is the article's own date, which readers scan the page
	// by; the feed's update time moves whenever a related item arrives
	// and says nothing about how new the story is.
	Published time.Time
}

// IndexSource is one external source in the health table.
type IndexSource struct {
	Name, URL, Status string
	LastSuccess       time.Time // zero: never
}

// indexView is what the template renders: the data, with each feed's
// links made once (a big site's page lists 20,000 feeds, twice).
type indexView struct {
	IndexData
	SiteRef feedRef // the site-wide feed's title and links
	Feeds   []feedView
}

type feedView struct {
	Title, ArticleURL string
	Related           int
	Published         time.Time
	Ref               feedRef
}

// feedRef is a feed's title and its links with what the template shows
// of each format.
type feedRef struct {
	Title string
	Links []refLink
}

// refLink is one format's link. Fields, not an embedded Format: the
// template finds a promoted field by a search per use, which was most
// of the cost of a 20,000-feed page.
type refLink struct {
	URL string
	// Type is the trusted type="…" attribute from the Formats table:
	// html/template would otherwise write the media type's "+" as &#43;.
	Type         template.HTMLAttr
	Label, Short string
}

func newFeedRef(title string, links feed.Links) feedRef {
	r := feedRef{Title: title}
	for _, l := range links {
		if f, ok := FormatByName(l.Format); ok && l.URL != "" {
			r.Links = append(r.Links, refLink{URL: l.URL, Type: template.HTMLAttr(`type="` + f.MediaType + `"`), Label: f.Label, Short: f.Short})
		}
	}
	return r
}

//go:embed index.html.tmpl
var indexTemplate string

var indexTmpl = template.Must(template.New("index").Funcs(template.FuncMap{
	"iso": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"day": func(t time.Time) string { return t.UTC().Format("2 January 2006") },
	"stamp": func(t time.Time) string {
		return t.UTC().Format("2 January 2006, 15:04 UTC")
	},
	"ok": func(status string) bool {
		switch s := strings.ToLower(status); {
		case s == "healthy", s == "success", s == "fresh", strings.HasPrefix(s, "ok"):
			return true
		}
		return false
	},
}).Parse(indexTemplate))

// Index renders the site's index.html: the site-wide feeds, every article
// feed with its subscribe links (and autodiscovery links for all of them),
// and, when there are sources, their health.
func Index(d IndexData) ([]byte, error) {
	v := d
	v.Site = cleanChannel(d.Site)
	if v.Site.Description == v.Site.Title {
		v.Site.Description = ""
	}
	if v.Site.Language == "" {
		v.Site.Language = "und" // BCP 47 "undetermined"
	}
	v.Generated = utc(d.Generated)
	v.Feeds = make([]IndexFeed, len(d.Feeds))
	for i, f := range d.Feeds {
		v.Feeds[i] = IndexFeed{
			Title:      firstNonEmpty(line(f.Title), line(f.ArticleURL)),
			ArticleURL: line(f.ArticleURL),
			Links:      cleanLinks(f.Links),
			Related:    f.Related,
			Published:  utc(f.Published),
		}
	}
	sortNewestFirst(v.Feeds)
	view := indexView{IndexData: v, SiteRef: newFeedRef(v.Site.Title, v.Site.Self), Feeds: make([]feedView, len(v.Feeds))}
	for i, f := range v.Feeds {
		view.Feeds[i] = feedView{Title: f.Title, ArticleURL: f.ArticleURL, Related: f.Related, Published: f.Published, Ref: newFeedRef(f.Title, f.Links)}
	}
	v.Sources = make([]IndexSource, len(d.Sources))
	for i, s := range d.Sources {
		v.Sources[i] = IndexSource{Name: line(s.Name), URL: urls.Redact(line(s.URL)), Status: line(s.Status), LastSuccess: utc(s.LastSuccess)}
	}
	var b bytes.Buffer
	if err := indexTmpl.Execute(&b, view); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// sortNewestFirst orders the article feeds newest article first, then by
// title, so the page reads like a front page and does not depend on the
// order the caller found the files in. Undated ones go last.
func sortNewestFirst(fs []IndexFeed) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i].Published, fs[j].Published
		if !a.Equal(b) {
			return b.IsZero() || (!a.IsZero() && a.After(b))
		}
		return fs[i].Title < fs[j].Title
	})
}
