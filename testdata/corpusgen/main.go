// Command corpusgen writes a labelled relatedness corpus (feeds and TSV
// files) from one hand-written spec, so that ids, links and label rows can
// never disagree, and then re-reads every feed with gofeed to prove it
// parses. It lives under testdata so `go build ./...` never sees it.
//
//	go run ./testdata/corpusgen testdata/corpusgen/court.txt testdata/eval2-court
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
)

type feedSpec struct {
	file, format, title, home, desc, prefix string
	items                                   []*item
}

type item struct {
	key, title, body, id, link string
	date                       time.Time
	tags                       []string
	feed                       *feedSpec
}

type corpus struct {
	updated  time.Time
	articles map[string]string // letter -> slug
	order    []string
	feeds    []*feedSpec
	byKey    map[string]*item
	labels   [][3]string // article letter, key, grade
	distract [][3]string // article letter, key, reason
	synd     [][2]string // group, key
	nearmiss [][3]string
	pools    [][2]string
}

func main() {
	if len(os.Args) != 3 {
		fail(fmt.Errorf("usage: corpusgen SPEC OUTDIR"))
	}
	c, err := parse(os.Args[1])
	if err != nil {
		fail(err)
	}
	if err := c.write(os.Args[2]); err != nil {
		fail(err)
	}
	if err := c.check(os.Args[2]); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "corpusgen:", err)
	os.Exit(1)
}

func parse(path string) (*corpus, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c := &corpus{articles: map[string]string{}, byKey: map[string]*item{}}
	var cur *feedSpec
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "|")
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		bad := fmt.Errorf("%s:%d: bad line %q", path, n+1, line)
		switch f[0] {
		case "updated":
			c.updated, err = time.Parse("2006-01-02 15:04", f[1])
		case "art":
			c.articles[f[1]] = f[2]
			c.order = append(c.order, f[1])
		case "feed":
			if len(f) != 7 {
				return nil, bad
			}
			cur = &feedSpec{file: f[1], format: f[2], title: f[3], home: f[4], desc: f[5], prefix: f[6]}
			c.feeds = append(c.feeds, cur)
		case "dx":
			c.distract = append(c.distract, [3]string{f[1], f[2], f[3]})
		case "nm":
			c.nearmiss = append(c.nearmiss, [3]string{f[1], f[2], f[3]})
		case "pool":
			c.pools = append(c.pools, [2]string{f[1], f[2]})
		default:
			if len(f) != 6 || cur == nil {
				return nil, bad
			}
			err = c.addItem(cur, f)
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n+1, err)
		}
	}
	return c, nil
}

func (c *corpus) addItem(fs *feedSpec, f []string) error {
	it := &item{key: f[0], title: f[2], body: f[3], feed: fs}
	if _, dup := c.byKey[it.key]; dup {
		return fmt.Errorf("duplicate key %q", it.key)
	}
	var err error
	if it.date, err = time.Parse("2006-01-02 15:04", f[1]); err != nil {
		return err
	}
	if f[4] != "" {
		it.tags = strings.Split(f[4], ",")
	}
	sum := sha256.Sum256([]byte(fs.file + "\x00" + it.title))
	h := hex.EncodeToString(sum[:4])
	slug := slugify(it.title)
	if slug == "" {
		slug = h
	}
	it.link = fmt.Sprintf("%s%s/%s", fs.home, it.date.Format("2006/01"), slug)
	switch fs.format {
	case "rss":
		it.id = fs.prefix + "-" + h
	case "atom":
		it.id = fmt.Sprintf("tag:%s,%d:entry-%s", strings.TrimSuffix(strings.TrimPrefix(fs.home, "https://"), "/"), it.date.Year(), h)
	case "json":
		it.id = fs.prefix + ":" + h
	default:
		return fmt.Errorf("unknown format %q", fs.format)
	}
	for _, m := range strings.Fields(f[5]) {
		switch {
		case strings.HasPrefix(m, "s:"):
			c.synd = append(c.synd, [2]string{m[2:], it.key})
		case len(m) == 2 && (m[1] == '1' || m[1] == '2'):
			c.labels = append(c.labels, [3]string{m[:1], it.key, m[1:]})
		default:
			return fmt.Errorf("bad mark %q", m)
		}
	}
	c.byKey[it.key] = it
	fs.items = append(fs.items, it)
	return nil
}

func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
	}
	return b.String()
}

func (c *corpus) write(dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, "feeds"), 0o755); err != nil {
		return err
	}
	for _, fs := range c.feeds {
		sort.SliceStable(fs.items, func(i, j int) bool { return fs.items[i].date.After(fs.items[j].date) })
		var out []byte
		var err error
		switch fs.format {
		case "rss":
			out = c.rss(fs)
		case "atom":
			out = c.atom(fs)
		case "json":
			out, err = c.jsonFeed(fs)
		}
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "feeds", fs.file), out, 0o644); err != nil {
			return err
		}
	}
	return c.writeTSVs(dir)
}

func (c *corpus) writeTSVs(dir string) error {
	var lab, dis, syn, nm, pools bytes.Buffer
	lab.WriteString("article\titem_id\tgrade\n")
	for _, g := range []string{"2", "1"} {
		for _, a := range c.order {
			for _, l := range c.labels {
				if l[0] == a && l[2] == g {
					fmt.Fprintf(&lab, "%s\t%s\t%s\n", c.articles[a], c.byKey[l[1]].id, g)
				}
			}
		}
	}
	dis.WriteString("article\titem_id\treason\n")
	for _, a := range c.order {
		for _, d := range c.distract {
			if d[0] == a {
				it, ok := c.byKey[d[1]]
				if !ok {
					return fmt.Errorf("dx: unknown key %q", d[1])
				}
				fmt.Fprintf(&dis, "%s\t%s\t%s\n", c.articles[a], it.id, d[2])
			}
		}
	}
	syn.WriteString("group\titem_id\n")
	for _, s := range c.synd {
		fmt.Fprintf(&syn, "%s\t%s\n", s[0], c.byKey[s[1]].id)
	}
	nm.WriteString("item_id_a\titem_id_b\treason\n")
	for _, p := range c.nearmiss {
		a, okA := c.byKey[p[0]]
		b, okB := c.byKey[p[1]]
		if !okA || !okB {
			return fmt.Errorf("nm: unknown key in %v", p)
		}
		fmt.Fprintf(&nm, "%s\t%s\t%s\n", a.id, b.id, p[2])
	}
	pools.WriteString("pool\tfeed_file\n")
	for _, p := range c.pools {
		fmt.Fprintf(&pools, "%s\t%s\n", p[0], p[1])
	}
	for name, b := range map[string]*bytes.Buffer{"labels.tsv": &lab, "distractors.tsv": &dis, "syndicated.tsv": &syn, "nearmiss.tsv": &nm, "pools.tsv": &pools} {
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func esc(s string) string { return html.EscapeString(s) }

func (c *corpus) rss(fs *feedSpec) []byte {
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">\n<channel>\n")
	fmt.Fprintf(&b, "  <title>%s</title>\n  <link>%s</link>\n  <description>%s</description>\n  <language>en</language>\n  <lastBuildDate>%s</lastBuildDate>\n",
		esc(fs.title), fs.home, esc(fs.desc), c.updated.Format(time.RFC1123Z))
	for _, it := range fs.items {
		fmt.Fprintf(&b, "  <item>\n    <title>%s</title>\n    <link>%s</link>\n    <guid isPermaLink=\"false\">%s</guid>\n    <pubDate>%s</pubDate>\n    <description>%s</description>\n",
			esc(it.title), it.link, it.id, it.date.Format(time.RFC1123Z), esc(it.body))
		for _, t := range it.tags {
			fmt.Fprintf(&b, "    <category>%s</category>\n", esc(t))
		}
		b.WriteString("  </item>\n")
	}
	b.WriteString("</channel>\n</rss>\n")
	return b.Bytes()
}

func (c *corpus) atom(fs *feedSpec) []byte {
	var b bytes.Buffer
	host := strings.TrimSuffix(strings.TrimPrefix(fs.home, "https://"), "/")
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n")
	fmt.Fprintf(&b, "  <title>%s</title>\n  <subtitle>%s</subtitle>\n  <id>tag:%s,%d:feed</id>\n  <updated>%s</updated>\n  <link rel=\"alternate\" href=\"%s\"/>\n  <link rel=\"self\" href=\"%sfeed.atom\"/>\n  <author><name>%s newsroom</name></author>\n",
		esc(fs.title), esc(fs.desc), host, c.updated.Year(), c.updated.Format(time.RFC3339), fs.home, fs.home, esc(fs.title))
	for _, it := range fs.items {
		typ := "text"
		if strings.Contains(it.body, "<") {
			typ = "html"
		}
		d := it.date.Format(time.RFC3339)
		fmt.Fprintf(&b, "  <entry>\n    <id>%s</id>\n    <title>%s</title>\n    <link rel=\"alternate\" href=\"%s\"/>\n    <published>%s</published>\n    <updated>%s</updated>\n    <summary type=\"%s\">%s</summary>\n",
			it.id, esc(it.title), it.link, d, d, typ, esc(it.body))
		for _, t := range it.tags {
			fmt.Fprintf(&b, "    <category term=\"%s\"/>\n", esc(t))
		}
		b.WriteString("  </entry>\n")
	}
	b.WriteString("</feed>\n")
	return b.Bytes()
}

type jsonItem struct {
	ID            string   `json:"id"`
	URL           string   `json:"url"`
	Title         string   `json:"title"`
	ContentText   string   `json:"content_text,omitempty"`
	ContentHTML   string   `json:"content_html,omitempty"`
	Summary       string   `json:"summary"`
	DatePublished string   `json:"date_published"`
	Tags          []string `json:"tags,omitempty"`
}

func (c *corpus) jsonFeed(fs *feedSpec) ([]byte, error) {
	type feed struct {
		Version     string     `json:"version"`
		Title       string     `json:"title"`
		HomePageURL string     `json:"home_page_url"`
		FeedURL     string     `json:"feed_url"`
		Description string     `json:"description"`
		Language    string     `json:"language"`
		Items       []jsonItem `json:"items"`
	}
	f := feed{Version: "https://jsonfeed.org/version/1.1", Title: fs.title, HomePageURL: fs.home,
		FeedURL: fs.home + "feed.json", Description: fs.desc, Language: "en"}
	for _, it := range fs.items {
		ji := jsonItem{ID: it.id, URL: it.link, Title: it.title, Summary: it.body,
			DatePublished: it.date.Format(time.RFC3339), Tags: it.tags}
		if strings.Contains(it.body, "<") {
			ji.ContentHTML = it.body
		} else {
			ji.ContentText = it.body
		}
		f.Items = append(f.Items, ji)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(f)
	return b.Bytes(), err
}

// check re-reads every written feed the way braid will and proves that ids
// are unique across the corpus and match the spec.
func (c *corpus) check(dir string) error {
	seen := map[string]string{}
	total := 0
	for _, fs := range c.feeds {
		r, err := os.Open(filepath.Join(dir, "feeds", fs.file))
		if err != nil {
			return err
		}
		parsed, err := gofeed.NewParser().Parse(r)
		r.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", fs.file, err)
		}
		if len(parsed.Items) != len(fs.items) {
			return fmt.Errorf("%s: parsed %d items, wrote %d", fs.file, len(parsed.Items), len(fs.items))
		}
		for i, it := range parsed.Items {
			id := it.GUID
			if id == "" {
				id = it.Link
			}
			if id != fs.items[i].id || it.Title == "" || it.Link == "" || it.PublishedParsed == nil {
				return fmt.Errorf("%s: item %d parsed as id=%q", fs.file, i, id)
			}
			if prev, dup := seen[id]; dup {
				return fmt.Errorf("id %s in both %s and %s", id, prev, fs.file)
			}
			seen[id] = fs.file
		}
		total += len(parsed.Items)
		fmt.Printf("%-28s %-5s %3d items\n", fs.file, fs.format, len(parsed.Items))
	}
	fmt.Printf("total %d items, %d labels, %d distractors, %d syndicated rows, %d near-miss pairs\n",
		total, len(c.labels), len(c.distract), len(c.synd), len(c.nearmiss))
	return nil
}
