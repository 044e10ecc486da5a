package sources

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/feed/render"
	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/internal/urls"
)

// clock is the time braid's state sees. Deadlines and retry delays use
// real time; what the state records (first seen, next fetch) uses this.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is one state file and the options every cycle of a test uses.
type env struct {
	t     *testing.T
	store *state.Store
	clock *clock
	opt   Options
}

func newEnv(t *testing.T, mods ...func(*Options)) *env {
	t.Helper()
	st, err := state.Open(context.Background(), filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := &env{t: t, store: st, clock: newClock()}
	e.opt = Options{
		UserAgent:      "braid/test (+https://news.example.com)",
		Timeout:        2 * time.Second,
		ConnectTimeout: time.Second,
		RetryBase:      5 * time.Millisecond,
		TagAuthority:   "news.example.com",
		Now:            e.clock.Now,
	}
	for _, m := range mods {
		m(&e.opt)
	}
	return e
}

// cycle fetches specs once, as a braid cycle does.
func (e *env) cycle(specs ...Spec) []Result {
	e.t.Helper()
	res, err := New(e.opt, e.store).FetchAll(context.Background(), specs)
	if err != nil {
		e.t.Fatalf("FetchAll: %v", err)
	}
	return res
}

func (e *env) one(spec Spec) Result {
	e.t.Helper()
	return e.cycle(spec)[0]
}

func (e *env) state(name string) state.Source {
	e.t.Helper()
	s, err := e.store.Source(context.Background(), name)
	if err != nil {
		e.t.Fatalf("state of %s: %v", name, err)
	}
	return s
}

// script answers the n-th request with steps[n], repeating the last step.
type script struct {
	mu    sync.Mutex
	steps []http.HandlerFunc
	hits  int
	reqs  []http.Header
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	step := s.steps[min(s.hits, len(s.steps)-1)]
	s.hits++
	s.reqs = append(s.reqs, r.Header.Clone())
	s.mu.Unlock()
	step(w, r)
}

func (s *script) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits
}

func (s *script) header(i int) http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reqs[i]
}

// serve starts a test server on 127.0.0.1 playing steps.
func serve(t *testing.T, steps ...http.HandlerFunc) (*httptest.Server, *script) {
	t.Helper()
	s := &script{steps: steps}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv, s
}

// item is a test feed item.
type item struct{ guid, title, link, date, desc string }

var twoItems = []item{
	{guid: "g-1", title: "Harbour cranes arrive", link: "https://wire.example/1", date: "Tue, 17 Nov 2026 10:00:00 +0000", desc: "<p>Six cranes.</p>"},
	{guid: "g-2", title: "Dredging starts at Valmora", link: "https://wire.example/2", date: "Wed, 18 Nov 2026 10:00:00 +0000", desc: "<p>The channel deepens.</p>"},
}

// rssDoc is an RSS document; extra goes into the channel.
func rssDoc(extra string, items ...item) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link><description>d</description>`)
	b.WriteString(extra)
	for _, it := range items {
		b.WriteString("<item>")
		if it.guid != "" {
			fmt.Fprintf(&b, `<guid isPermaLink="false">%s</guid>`, it.guid)
		}
		fmt.Fprintf(&b, "<title>%s</title><link>%s</link>", it.title, it.link)
		if it.date != "" {
			fmt.Fprintf(&b, "<pubDate>%s</pubDate>", it.date)
		}
		if it.desc != "" {
			fmt.Fprintf(&b, "<description><![CDATA[%s]]></description>", it.desc)
		}
		b.WriteString("</item>")
	}
	b.WriteString("</channel></rss>\n")
	return b.String()
}

var goodFeed = rssDoc("", twoItems...)

// feedOK answers body as an RSS feed; hdr are extra header pairs.
func feedOK(body string, hdr ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		io.WriteString(w, body)
	}
}

func status(code int, hdr ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		w.WriteHeader(code)
		io.WriteString(w, http.StatusText(code))
	}
}

// hang never answers (until the client gives up).
func hang(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }

// drip sends headers and a valid start, then a byte now and then,
// forever: each read succeeds, only the deadline stops it.
func drip(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/rss+xml")
	io.WriteString(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>`)
	w.(http.Flusher).Flush()
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-t.C:
			io.WriteString(w, "a")
			w.(http.Flusher).Flush()
		}
	}
}

// bigBody streams n bytes of a well-formed-looking feed, with or
// without a Content-Length.
func bigBody(n int, withLength bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		if withLength {
			w.Header().Set("Content-Length", fmt.Sprint(n))
		}
		head := `<?xml version="1.0"?><rss version="2.0"><channel><title>`
		io.WriteString(w, head)
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for left := n - len(head); left > 0; left -= len(chunk) {
			if _, err := w.Write(chunk[:min(left, len(chunk))]); err != nil {
				return
			}
		}
	}
}

// gzipBomb is 1 GiB of zeros in about 1 MiB: one compressed MiB repeated
// as 1024 gzip members, which a gzip reader reads as one stream.
var gzipBomb = sync.OnceValue(func() []byte {
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	return bytes.Repeat(member.Bytes(), 1024)
})

func bomb(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/rss+xml")
	w.Header().Set("Content-Encoding", "gzip")
	w.Write(gzipBomb())
}

// gzipped serves body gzip-compressed when the client asks for it.
func gzipped(body string, hdr ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			io.WriteString(w, body)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		io.WriteString(zw, body)
		zw.Close()
	}
}

func ids(items []feed.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	slices.Sort(out)
	return out
}

// checkItems asserts what every item braid publishes must be: valid
// UTF-8, no script, an absolute link, an id, an origin.
func checkItems(t *testing.T, items []feed.Item) {
	t.Helper()
	for _, it := range items {
		for _, s := range []string{it.ID, it.GUID, it.Link, it.Title, it.Summary, it.ContentHTML} {
			if !utf8.ValidString(s) {
				t.Errorf("item %q: invalid UTF-8 in %q", it.ID, s)
			}
			if strings.Contains(strings.ToLower(s), "<script") {
				t.Errorf("item %q: script survived: %q", it.ID, s)
			}
		}
		if it.ID == "" || !urls.IsHTTP(it.Link) || it.Origin == nil || it.FirstSeen.IsZero() {
			t.Errorf("item incomplete: %+v", it)
		}
	}
}

// checkOutput renders items as braid would and asserts every format is
// well-formed.
func checkOutput(t *testing.T, items []feed.Item) {
	t.Helper()
	checkItems(t, items)
	f := feed.Feed{
		Channel: feed.Channel{
			Title: "Story · Example News", Description: "d", Link: "https://news.example.com/story/",
			ID: "https://news.example.com/story/atom.xml", Updated: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC),
			Self: feed.Links{{Format: "rss", URL: "https://news.example.com/story/rss.xml"}, {Format: "atom", URL: "https://news.example.com/story/atom.xml"}, {Format: "json", URL: "https://news.example.com/story/feed.json"}},
		},
	}
	for _, it := range items {
		it.Role = feed.RoleRelated
		f.Items = append(f.Items, it)
	}
	for name, r := range map[string]func(*feed.Feed) ([]byte, error){"rss": render.RSS, "atom": render.Atom} {
		data, err := r(&f)
		if err != nil {
			t.Fatalf("render %s: %v", name, err)
		}
		if err := wellFormedStrict(data); err != nil {
			t.Errorf("%s output not well-formed: %v", name, err)
		}
	}
	data, err := render.JSON(&f)
	if err != nil || !json.Valid(data) {
		t.Errorf("json output invalid: %v", err)
	}
}

func wellFormedStrict(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// askedFirst returns two handlers that serve goodFeed: hang answers only
// once opener has been asked (or when its request ends), opener at once.
// A cycle that never reaches opener's source times hang's sources out.
func askedFirst() (hang, opener http.HandlerFunc) {
	asked := make(chan struct{})
	var once sync.Once
	hang = func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-asked:
			feedOK(goodFeed)(w, r)
		case <-r.Context().Done():
		}
	}
	opener = func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(asked) })
		feedOK(goodFeed)(w, r)
	}
	return hang, opener
}
