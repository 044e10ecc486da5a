// Package feedgen serves generated feeds for braid's fetch benchmarks:
// deterministic RSS documents with realistic text, an ETag and a
// Last-Modified (so an unchanged second cycle can be answered 304), gzip
// when asked, no caching hints (so nothing lets a reader skip a request),
// and a fixed added latency per request.
package feedgen

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// words is the vocabulary items are written in: enough overlap between
// feeds for relatedness scoring to have real work.
var words = strings.Fields(`harbour port quay crane cranes dredging channel ship ships cargo container
terminal union workers strike council mayor budget tax rail line station train electric bus tram
city coast river bridge tunnel road traffic energy battery solar wind grid power plant storage
bank loan aid minister ministry government parliament court judge law regulator data privacy
exchange crypto market markets shares investors inflation rates prices wages jobs factory steel
farm farmers orchard apples harvest cold store water drought flood storm weather climate school
teachers students hospital doctors nurses health police fire housing rents tenants landlord
airport flights airline tourism hotel festival museum theatre football club league season match
election vote campaign party leader report survey study research university science technology
software startup platform users online network telecom mobile broadband satellite launch space
company chief executive profit loss merger deal contract tender plan project delay cost budget
week month year today yesterday morning evening new old first last largest smallest record`)

// Words is the vocabulary, for generators of articles to score against
// these feeds.
func Words() []string { return words }

// Feed is the i-th generated feed: n items, dated back from base one
// hour apart.
func Feed(i, n int, base time.Time) []byte { return FeedGen(i, 0, n, base) }

// FeedGen is generation gen of feed i: generation 0 is Feed; each later
// one has n new items (new guids, new text), newer than the last's, as a
// source that published n stories since.
func FeedGen(i, gen, n int, base time.Time) []byte {
	r := rand.New(rand.NewPCG(uint64(i), 42+uint64(gen)))
	base = base.Add(time.Duration(gen) * time.Hour)
	text := func(k int) string {
		w := make([]string, k)
		for j := range w {
			w[j] = words[r.IntN(len(words))]
		}
		return strings.Join(w, " ")
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>Feed %d: %s</title>
<link>https://feeds%d.example/</link>
<description>%s</description>
<atom:link href="https://feeds%d.example/feed.xml" rel="self" type="application/rss+xml"/>
`, i, html.EscapeString(text(3)), i, html.EscapeString(text(12)), i)
	for j := range n {
		title := text(6 + r.IntN(5))
		fmt.Fprintf(&b, `<item>
<title>%s</title>
<link>https://feeds%d.example/%d/%s</link>
<guid isPermaLink="false">feed-%d-item-%d%s</guid>
<pubDate>%s</pubDate>
<category>%s</category>
<description><![CDATA[<p>%s.</p><p>%s. <a href="/more/%d">More</a></p>]]></description>
</item>
`, html.EscapeString(title), i, j, strings.ReplaceAll(title, " ", "-"), i, j, genSuffix(gen),
			base.Add(-time.Duration(i%24+j)*time.Hour).Format(time.RFC1123Z), words[r.IntN(len(words))],
			text(40+r.IntN(30)), text(20+r.IntN(30)), j)
	}
	b.WriteString("</channel>\n</rss>\n")
	return b.Bytes()
}

// genSuffix keeps generation 0's guids as they always were.
func genSuffix(gen int) string {
	if gen == 0 {
		return ""
	}
	return fmt.Sprintf("-gen-%d", gen)
}

// Server serves Feed(0..N-1) at /feed/<i>.xml.
type Server struct {
	Latency time.Duration
	base    time.Time
	items   int
	gens    []int
	plain   [][]byte
	gz      [][]byte
	etags   []string
	lastMod string

	mu       sync.Mutex // guards requests, and the feeds for Bump
	requests map[int]int64
	body     atomic.Int64
}

// NewServer generates n feeds of items items each.
func NewServer(n, items int, latency time.Duration) *Server {
	base := time.Now().UTC().Truncate(time.Hour)
	s := &Server{Latency: latency, requests: map[int]int64{}, lastMod: base.Format(http.TimeFormat), base: base, items: items,
		gens: make([]int, n), plain: make([][]byte, n), gz: make([][]byte, n), etags: make([]string, n)}
	for i := range n {
		s.set(i)
	}
	return s
}

// set generates feed i at its current generation.
func (s *Server) set(i int) {
	f := FeedGen(i, s.gens[i], s.items, s.base)
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(f)
	zw.Close()
	sum := sha256.Sum256(f)
	s.plain[i], s.gz[i], s.etags[i] = f, z.Bytes(), `"`+hex.EncodeToString(sum[:8])+`"`
}

// Bump replaces feed i with its next generation: as many new items as it
// had, none of the old ones. It reports false for no such feed.
func (s *Server) Bump(i int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i < 0 || i >= len(s.plain) {
		return false
	}
	s.gens[i]++
	s.set(i)
	return true
}

// URLPath is the path of feed i.
func URLPath(i int) string { return fmt.Sprintf("/feed/%d.xml", i) }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	time.Sleep(s.Latency)
	name, ok := strings.CutPrefix(r.URL.Path, "/feed/")
	i, err := strconv.Atoi(strings.TrimSuffix(name, ".xml"))
	s.mu.Lock()
	n := len(s.plain)
	s.mu.Unlock()
	if !ok || err != nil || i < 0 || i >= n {
		s.count(http.StatusNotFound, 0)
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	etag, plain, gz := s.etags[i], s.plain[i], s.gz[i]
	s.mu.Unlock()
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Last-Modified", s.lastMod)
	if inm := r.Header.Get("If-None-Match"); inm != "" && inm == etag {
		s.count(http.StatusNotModified, 0)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "application/rss+xml; charset=utf-8")
	body := plain
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		body = gz
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	s.count(http.StatusOK, len(body))
	w.Write(body)
}

func (s *Server) count(code, body int) {
	s.mu.Lock()
	s.requests[code]++
	s.mu.Unlock()
	s.body.Add(int64(body))
}

// Stats are the requests answered per status and the body bytes sent.
type Stats struct {
	Requests  map[int]int64 `json:"requests"`
	BodyBytes int64         `json:"body_bytes"`
}

// Stats returns the counts so far and, with reset, starts over.
func (s *Server) Stats(reset bool) Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Stats{Requests: map[int]int64{}, BodyBytes: s.body.Load()}
	for k, v := range s.requests {
		st.Requests[k] = v
	}
	if reset {
		s.requests = map[int]int64{}
		s.body.Store(0)
	}
	return st
}
