package render

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/braid-feeds/braid/feed"
	"github.com/mmcdole/gofeed"
	gatom "github.com/mmcdole/gofeed/atom"
	grss "github.com/mmcdole/gofeed/rss"
)

// wantItem is what a reader should get back for one fixture item.
type wantItem struct {
	id        string
	permalink bool
	date      time.Time // RSS pubDate, JSON date_published
	updated   time.Time // Atom updated
	role      string
	source    string // origin feed URL, "" for local items
	cats      []string
}

func wantItems(t *testing.T, f *feed.Feed) []wantItem {
	t.Helper()
	var out []wantItem
	for _, it := range f.Items {
		w := wantItem{id: it.ID, permalink: it.Link != "" && (it.ID == it.Link || it.ID == ""), role: string(it.Role)}
		w.date, w.updated = it.Published, it.Updated
		if w.date.IsZero() {
			w.date = it.Updated
		}
		if w.updated.IsZero() {
			w.updated = it.Published
		}
		if w.date.IsZero() {
			w.date, w.updated = f.Updated, f.Updated
		}
		w.date, w.updated = w.date.UTC().Truncate(time.Second), w.updated.UTC().Truncate(time.Second)
		if it.Origin != nil {
			w.source = it.Origin.URL
		}
		for _, c := range it.Categories {
			if c = line(c); c != "" && !slices.Contains(w.cats, c) {
				w.cats = append(w.cats, c)
			}
		}
		out = append(out, w)
	}
	return out
}

// wellFormed reads an XML document to EOF with the standard decoder, which
// rejects illegal characters and undefined entities such as &nbsp;.
func wellFormed(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		if _, err := d.Token(); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// checkText fails on anything the renderer promised never to write.
func checkText(t *testing.T, out []byte) {
	t.Helper()
	if !utf8.Valid(out) {
		t.Error("output is not valid UTF-8")
	}
	for i, r := range string(out) {
		if dropRune(r, utf8.RuneLen(r)) {
			t.Errorf("control or non-character %U at byte %d", r, i)
		}
	}
	for _, bad := range []string{`href=""`, "<link></link>", "0001-01-01", "Jan 0001", "&nbsp;"} {
		if bytes.Contains(out, []byte(bad)) {
			t.Errorf("output contains %q", bad)
		}
	}
}

func TestRSSParsed(t *testing.T) {
	for name, mk := range map[string]func() *feed.Feed{"article": fixture, "edge": edgeFixture} {
		t.Run(name, func(t *testing.T) {
			f := mk()
			out, err := RSS(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := wellFormed(out); err != nil {
				t.Fatalf("not well-formed: %v", err)
			}
			checkText(t, out)
			want := wantItems(t, f)

			// encoding/xml, for the attributes gofeed's model drops.
			var doc struct {
				Channel struct {
					Title         string `xml:"title"`
					Description   string `xml:"description"`
					LastBuildDate string `xml:"lastBuildDate"`
					Generator     string `xml:"generator"`
					// <link> and <atom:link> both match "link"; XMLName tells them apart.
					Links []struct {
						XMLName xml.Name
						Value   string `xml:",chardata"`
						Href    string `xml:"href,attr"`
						Rel     string `xml:"rel,attr"`
						Type    string `xml:"type,attr"`
					} `xml:"link"`
					Items []struct {
						Title string `xml:"title"`
						GUID  struct {
							Value       string `xml:",chardata"`
							IsPermaLink string `xml:"isPermaLink,attr"`
						} `xml:"guid"`
						PubDate    string `xml:"pubDate"`
						Categories []struct {
							Domain string `xml:"domain,attr"`
							Value  string `xml:",chardata"`
						} `xml:"category"`
						Source *struct {
							URL  string `xml:"url,attr"`
							Name string `xml:",chardata"`
						} `xml:"source"`
					} `xml:"item"`
				} `xml:"channel"`
			}
			if err := xml.Unmarshal(out, &doc); err != nil {
				t.Fatal(err)
			}
			ch := doc.Channel
			var link string
			var atomLinks []struct{ Href, Rel, Type string }
			for _, l := range ch.Links {
				switch l.XMLName.Space {
				case "":
					link = l.Value
				case "http://www.w3.org/2005/Atom":
					atomLinks = append(atomLinks, struct{ Href, Rel, Type string }{l.Href, l.Rel, l.Type})
				default:
					t.Errorf("link in namespace %q", l.XMLName.Space)
				}
			}
			if ch.Title == "" || link != f.Link || ch.Description == "" || ch.Generator != Generator {
				t.Errorf("channel title/link/description/generator = %q %q %q %q", ch.Title, link, ch.Description, ch.Generator)
			}
			if len(atomLinks) == 0 || atomLinks[0].Rel != "self" || atomLinks[0].Href != f.Self.Get("rss") || atomLinks[0].Type != "application/rss+xml" {
				t.Errorf("atom:link self = %+v", atomLinks)
			}
			if d, err := time.Parse(time.RFC1123Z, ch.LastBuildDate); err != nil || (!f.Updated.IsZero() && !d.Equal(f.Updated)) {
				t.Errorf("lastBuildDate %q: %v", ch.LastBuildDate, err)
			}
			if (f.Hub != "") != (len(atomLinks) == 2) {
				t.Errorf("hub %q, atom:links %+v", f.Hub, atomLinks)
			}
			if len(ch.Items) != len(want) {
				t.Fatalf("%d items, want %d", len(ch.Items), len(want))
			}
			for i, it := range ch.Items {
				w := want[i]
				if w.id != "" && it.GUID.Value != w.id {
					t.Errorf("item %d guid %q, want %q", i, it.GUID.Value, w.id)
				}
				if it.GUID.Value == "" {
					t.Errorf("item %d has no guid", i)
				}
				if got := it.GUID.IsPermaLink == "true"; got != w.permalink || (it.GUID.IsPermaLink != "true" && it.GUID.IsPermaLink != "false") {
					t.Errorf("item %d isPermaLink %q, want %v", i, it.GUID.IsPermaLink, w.permalink)
				}
				d, err := time.Parse(time.RFC1123Z, it.PubDate)
				if err != nil || !d.Equal(w.date) || !strings.HasSuffix(it.PubDate, " +0000") {
					t.Errorf("item %d pubDate %q (%v), want %v", i, it.PubDate, err, w.date)
				}
				var cats []string
				role := ""
				for _, c := range it.Categories {
					if c.Domain == RoleScheme {
						role = c.Value
					} else {
						cats = append(cats, c.Value)
					}
				}
				if role != w.role || !slices.Equal(cats, w.cats) {
					t.Errorf("item %d categories %v role %q, want %v %q", i, cats, role, w.cats, w.role)
				}
				if w.source != "" && (it.Source == nil || it.Source.URL != w.source || it.Source.Name == "") {
					t.Errorf("item %d source %+v, want url %q", i, it.Source, w.source)
				}
			}

			// gofeed, as a reader would.
			gf, err := gofeed.NewParser().Parse(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if gf.FeedType != "rss" || gf.FeedVersion != "2.0" {
				t.Errorf("gofeed type %s %s", gf.FeedType, gf.FeedVersion)
			}
			for i, it := range gf.Items {
				w := want[i]
				if it.GUID == "" || (w.id != "" && it.GUID != w.id) {
					t.Errorf("gofeed item %d guid %q, want %q", i, it.GUID, w.id)
				}
				if it.PublishedParsed == nil || !it.PublishedParsed.Equal(w.date) {
					t.Errorf("gofeed item %d published %v, want %v", i, it.PublishedParsed, w.date)
				}
				if w.role != "" && !slices.Contains(it.Categories, w.role) {
					t.Errorf("gofeed item %d categories %v lack role %q", i, it.Categories, w.role)
				}
			}
			native, err := (&grss.Parser{}).Parse(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			for i, it := range native.Items {
				if w := want[i]; w.source != "" && (it.Source == nil || it.Source.URL != w.source) {
					t.Errorf("gofeed rss item %d source %+v, want %q", i, it.Source, w.source)
				}
			}
		})
	}
}

func TestAtomParsed(t *testing.T) {
	for name, mk := range map[string]func() *feed.Feed{"article": fixture, "edge": edgeFixture} {
		t.Run(name, func(t *testing.T) {
			f := mk()
			out, err := Atom(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := wellFormed(out); err != nil {
				t.Fatalf("not well-formed: %v", err)
			}
			checkText(t, out)
			want := wantItems(t, f)
			af, err := (&gatom.Parser{}).Parse(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if af.ID == "" || (f.ID != "" && af.ID != f.ID) || af.UpdatedParsed == nil || len(af.Authors) == 0 || af.Authors[0].Name == "" {
				t.Errorf("feed id %q updated %v authors %v", af.ID, af.UpdatedParsed, af.Authors)
			}
			rels := map[string]string{}
			for _, l := range af.Links {
				rels[l.Rel] = l.Href
			}
			if rels["self"] != f.Self.Get("atom") || rels["alternate"] != f.Link || rels["hub"] != f.Hub {
				t.Errorf("feed links %v", rels)
			}
			if len(af.Entries) != len(want) {
				t.Fatalf("%d entries, want %d", len(af.Entries), len(want))
			}
			for i, e := range af.Entries {
				w := want[i]
				if e.ID == "" || (w.id != "" && e.ID != w.id) {
					t.Errorf("entry %d id %q, want %q", i, e.ID, w.id)
				}
				if !strings.HasSuffix(e.Updated, "Z") || e.UpdatedParsed == nil || !e.UpdatedParsed.Equal(w.updated) {
					t.Errorf("entry %d updated %q, want %v", i, e.Updated, w.updated)
				}
				if p := f.Items[i].Published; !p.IsZero() && (e.PublishedParsed == nil || !e.PublishedParsed.Equal(p.Truncate(time.Second))) {
					t.Errorf("entry %d published %v, want %v", i, e.PublishedParsed, p)
				}
				for _, l := range e.Links {
					if l.Href == "" {
						t.Errorf("entry %d has an empty link", i)
					}
				}
				var cats []string
				role := ""
				for _, c := range e.Categories {
					if c.Scheme == RoleScheme {
						role = c.Term
					} else {
						cats = append(cats, c.Term)
					}
				}
				if role != w.role || !slices.Equal(cats, w.cats) {
					t.Errorf("entry %d categories %v role %q, want %v %q", i, cats, role, w.cats, w.role)
				}
				if o := f.Items[i].Origin; o != nil {
					s := e.Source
					if s == nil || s.Title == "" || s.UpdatedParsed == nil {
						t.Fatalf("entry %d source %+v", i, s)
					}
					if o.URL != "" {
						if s.ID != firstNonEmpty(o.ID, o.URL) || len(s.Links) == 0 || s.Links[0].Rel != "self" || s.Links[0].Href != o.URL {
							t.Errorf("entry %d source id %q links %+v", i, s.ID, s.Links)
						}
					}
				}
			}
			// The universal parser agrees.
			gf, err := gofeed.NewParser().Parse(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			for i, it := range gf.Items {
				if it.GUID != af.Entries[i].ID || (want[i].role != "" && !slices.Contains(it.Categories, want[i].role)) {
					t.Errorf("gofeed item %d guid %q categories %v", i, it.GUID, it.Categories)
				}
			}
		})
	}
}

func TestAtomNoDate(t *testing.T) {
	f := edgeFixture()
	for i := range f.Items {
		f.Items[i].Published, f.Items[i].Updated = time.Time{}, time.Time{}
	}
	if _, err := Atom(f); !errors.Is(err, ErrNoDate) {
		t.Errorf("Atom of an undated feed: err = %v, want ErrNoDate", err)
	}
	for name, fn := range map[string]func(*feed.Feed) ([]byte, error){"rss": RSS, "json": JSON} {
		out, err := fn(f)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkText(t, out)
	}
}

func TestJSONParsed(t *testing.T) {
	for name, mk := range map[string]func() *feed.Feed{"article": fixture, "edge": edgeFixture} {
		t.Run(name, func(t *testing.T) {
			f := mk()
			out, err := JSON(f)
			if err != nil {
				t.Fatal(err)
			}
			checkText(t, out)
			if !bytes.HasSuffix(out, []byte("}\n")) || !bytes.HasPrefix(out, []byte("{\n  \"version\"")) {
				t.Error("not 2-space indented with a final newline")
			}
			var doc struct {
				Version string `json:"version"`
				Title   string `json:"title"`
				FeedURL string `json:"feed_url"`
				Hubs    []struct{ Type, URL string }
				Items   []struct {
					ID            string   `json:"id"`
					URL           string   `json:"url"`
					ContentHTML   string   `json:"content_html"`
					ContentText   string   `json:"content_text"`
					DatePublished string   `json:"date_published"`
					Tags          []string `json:"tags"`
					Braid         *struct {
						Role   string `json:"role"`
						Source *struct {
							Name, URL, Title string
						} `json:"source"`
					} `json:"_braid"`
					BadBanner   *string `json:"banner_"`
					ExternalURL *string `json:"external_url"`
				} `json:"items"`
			}
			if err := json.Unmarshal(out, &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Version != "https://jsonfeed.org/version/1.1" || doc.Title == "" || doc.FeedURL != f.Self.Get("json") {
				t.Errorf("version %q title %q feed_url %q", doc.Version, doc.Title, doc.FeedURL)
			}
			if (f.Hub != "") != (len(doc.Hubs) == 1 && doc.Hubs[0].Type == "WebSub" && doc.Hubs[0].URL == f.Hub) {
				t.Errorf("hubs %+v", doc.Hubs)
			}
			want := wantItems(t, f)
			if len(doc.Items) != len(want) {
				t.Fatalf("%d items, want %d", len(doc.Items), len(want))
			}
			for i, it := range doc.Items {
				w := want[i]
				if it.ID == "" || (w.id != "" && it.ID != w.id) {
					t.Errorf("item %d id %q, want %q", i, it.ID, w.id)
				}
				if it.ContentHTML == "" && it.ContentText == "" {
					t.Errorf("item %d has no content", i)
				}
				if d, err := time.Parse(time.RFC3339, it.DatePublished); err != nil || !d.Equal(w.date) || !strings.HasSuffix(it.DatePublished, "Z") {
					t.Errorf("item %d date_published %q, want %v", i, it.DatePublished, w.date)
				}
				if w.role != "" && (!slices.Contains(it.Tags, roleTagPrefix+w.role) || it.Braid == nil || it.Braid.Role != w.role) {
					t.Errorf("item %d tags %v _braid %+v, want role %q", i, it.Tags, it.Braid, w.role)
				}
				if o := f.Items[i].Origin; o != nil && (it.Braid.Source == nil || it.Braid.Source.URL != o.URL || it.Braid.Source.Title == "") {
					t.Errorf("item %d _braid.source %+v", i, it.Braid.Source)
				}
				if it.BadBanner != nil || it.ExternalURL != nil {
					t.Errorf("item %d uses banner_ or external_url", i)
				}
			}
		})
	}
}

func TestControlCharactersStripped(t *testing.T) {
	f := fixture()
	it := f.Items[5]
	for name, fn := range map[string]func(*feed.Feed) ([]byte, error){"rss": RSS, "atom": Atom, "json": JSON} {
		out, err := fn(f)
		if err != nil {
			t.Fatal(err)
		}
		if name != "json" {
			if err := wellFormed(out); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
		checkText(t, out)
		if !bytes.Contains(out, []byte("Jerry")) || !bytes.Contains(out, []byte("tab")) {
			t.Errorf("%s lost the text around the control characters of %q", name, it.Title)
		}
	}
	if got := text("a\x00b\x1fc\td\ne\rf\x7fg\uFFFEh\uFFFFi\xffj\u00e9\U0001F600"); got != "abc\td\ne\rfghij\u00e9\U0001F600" {
		t.Errorf("text() = %q", got)
	}
}

// TestBidiControlsStripped is the renderer's second line of defence: an
// item that still holds bidi controls (built by a caller, or read from a
// state file written before the parser stripped them) loses them in every
// format; right-to-left letters stay.
func TestBidiControlsStripped(t *testing.T) {
	bidi := "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
	f := fixture()
	f.Items[0].Title = "Invoice \u202efdp.exe\u202c \u05e9\u05dc\u05d5\u05dd"
	f.Items[0].Summary = "<p>a" + bidi + "b</p>"
	f.Items[0].Authors = []feed.Person{{Name: "Ana\u2066\u200f"}}
	for name, fn := range map[string]func(*feed.Feed) ([]byte, error){"rss": RSS, "atom": Atom, "json": JSON} {
		t.Run(name, func(t *testing.T) {
			out, err := fn(f)
			if err != nil {
				t.Fatal(err)
			}
			if i := bytes.IndexAny(out, bidi); i >= 0 {
				t.Errorf("bidi control at byte %d: %q", i, out[max(0, i-20):min(len(out), i+20)])
			}
			if !bytes.Contains(out, []byte("Invoice fdp.exe \u05e9\u05dc\u05d5\u05dd")) {
				t.Error("the title's text was not kept")
			}
		})
	}
}

func TestInputNotModified(t *testing.T) {
	f, orig := fixture(), fixture()
	for _, fn := range []func(*feed.Feed) ([]byte, error){RSS, Atom, JSON} {
		if _, err := fn(f); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(f, orig) {
		t.Error("rendering modified the input feed")
	}
}

func TestOPMLParsed(t *testing.T) {
	out, err := OPML("Braid & feeds", opmlFixture())
	if err != nil {
		t.Fatal(err)
	}
	if err := wellFormed(out); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version  string `xml:"version,attr"`
		Title    string `xml:"head>title"`
		Outlines []struct {
			Type    string `xml:"type,attr"`
			Text    string `xml:"text,attr"`
			XMLURL  string `xml:"xmlUrl,attr"`
			HTMLURL string `xml:"htmlUrl,attr"`
		} `xml:"body>outline"`
	}
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	want := opmlFixture()
	if doc.Version != "2.0" || doc.Title != "Braid & feeds" || len(doc.Outlines) != len(want) {
		t.Fatalf("%+v", doc)
	}
	for i, o := range doc.Outlines {
		if o.Type != "rss" || o.Text != want[i].Title || o.XMLURL != want[i].XMLURL || o.HTMLURL != want[i].HTMLURL {
			t.Errorf("outline %d = %+v", i, o)
		}
	}
	if _, err := OPML("x", []OPMLEntry{{Title: "no url"}}); err == nil {
		t.Error("OPML accepted an entry without XMLURL")
	}
}

// TestIndexNewestFirst reads the order of the article feeds off the
// page: newest article first by its own date, equal dates by title,
// undated last, whatever order they were given in.
func TestIndexNewestFirst(t *testing.T) {
	d := indexFixture()
	out, err := Index(d)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/articles/art-of-feeds/", "/articles/zebra/", "/articles/lenty/", "/articles/notice/"}
	last := -1
	for _, w := range want {
		i := bytes.Index(out, []byte(`<h3><a href="https://braid.example`+w+`">`))
		if i < 0 {
			t.Fatalf("index.html lacks the feed of %s", w)
		}
		if i < last {
			t.Errorf("%s is listed before the feed above it in %v", w, want)
		}
		last = i
	}
	if bytes.Contains(out, []byte("· updated <time")) {
		t.Error("index.html shows a feed's update time instead of the article's date")
	}
}

func TestIndex(t *testing.T) {
	d := indexFixture()
	out, err := Index(d)
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	must := []string{
		"<!doctype html>", `<html lang="en">`, `<meta charset="utf-8">`, `name="viewport"`, "<main>", "</main>",
		`<th scope="col">`, `<th scope="row">`, "never", `<time datetime="2024-05-12T06:00:00Z">`,
	}
	for _, links := range []feed.Links{d.Site.Self, d.Feeds[0].Links, d.Feeds[3].Links} {
		must = append(must,
			`<link rel="alternate" type="application/rss+xml" title="`, `href="`+links.Get("rss")+`">`,
			`type="application/atom+xml"`, `href="`+links.Get("atom")+`">`,
			`type="application/feed+json"`, `href="`+links.Get("json")+`">`)
	}
	for _, f := range d.Feeds {
		must = append(must, `<a href="`+f.ArticleURL+`">`)
		if !f.Published.IsZero() {
			must = append(must, `published <time datetime="`+f.Published.UTC().Format(time.RFC3339)+`">`)
		}
	}
	for _, m := range must {
		if !strings.Contains(s, m) {
			t.Errorf("index.html lacks %q", m)
		}
	}
	for _, bad := range []string{"<script", "&nbsp;", "0001", `href=""`, "Braid <example>"} {
		if strings.Contains(s, bad) {
			t.Errorf("index.html contains %q", bad)
		}
	}
	d.Sources = nil
	out, err = Index(d)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("<table")) {
		t.Error("health table shown without sources")
	}
}
