package cycle

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/feed/related"
	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/sources/articles"
)

// articleCacheVersion names how articles are parsed and kept. Bump it
// with any change to parsing or to articles.Article: kept parses made
// under another version (or another braid version, or scoring version:
// a kept parse carries its related.TargetDigest) are parsed again.
const articleCacheVersion = 4

// articleCache is an articles.Cache kept in the state: an unchanged file
// is not parsed again (at 2,000 articles, parsing was 40 % of a cycle in
// which nothing changed). A kept parse is used only for exactly the bytes
// it was made from.
//
// A kept parse comes without its text and HTML, most of its bytes (at
// 20,000 articles, 120 MB a cycle held): what the cycle compares (its
// fingerprint, feed hashes, scoring's digest of the article) it compares
// by the parse's sum and kept target digest, and text reads an article's
// text and HTML back for the few that are scored again or written.
type articleCache struct {
	ctx     context.Context
	store   *state.Store
	out     string
	version string
	kept    map[string]keptParse // by path, read from the state
	info    map[string]parseInfo // by path, for every article loaded
	put     []state.CachedArticle
}

// keptParse is a parse kept in the state, without its text and HTML.
type keptParse struct {
	sum, target string
	head        articles.Article
}

// parseInfo is what a cycle knows of an article's parse besides the
// parse: the sum of what it was parsed from, its related.TargetDigest,
// whether its text and HTML were left in the state (light: a kept parse
// used), and whether the state holds them (stored: a new parse kept).
type parseInfo struct {
	sum, target   string
	light, stored bool
}

func newArticleCache(ctx context.Context, st *state.Store, out, version string) *articleCache {
	c := &articleCache{ctx: ctx, store: st, out: out, kept: map[string]keptParse{}, info: map[string]parseInfo{},
		version: fmt.Sprintf("%d|%d|%s", articleCacheVersion, related.ScoringVersion, version)}
	err := st.EachCachedArticle(ctx, out, func(k state.CachedArticle) error {
		if head, target, err := decodeHead(k.Head); err == nil {
			c.kept[k.Path] = keptParse{sum: k.Sum, target: target, head: head}
		}
		return nil
	})
	if err != nil {
		c.kept = map[string]keptParse{} // a cache that cannot be read is an empty one: parsing is always right
	}
	return c
}

func (c *articleCache) sum(path string, data []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", c.version, path)
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// Get returns the kept parse of exactly these bytes, without its text
// and HTML (see text).
func (c *articleCache) Get(path string, data []byte) (articles.Article, bool) {
	sum := c.sum(path, data)
	k, ok := c.kept[path]
	if !ok || k.sum != sum {
		c.info[path] = parseInfo{sum: sum}
		return articles.Article{}, false
	}
	c.info[path] = parseInfo{sum: sum, target: k.target, light: true}
	return k.head, true
}

func (c *articleCache) Put(path string, data []byte, a articles.Article) {
	sum, target := c.sum(path, data), related.TargetDigest(targetOf(&a))
	c.info[path] = parseInfo{sum: sum, target: target}
	head, data, err := encodeArticle(a, target)
	if err != nil {
		return // not kept: parsed again next time
	}
	// Kept only if it comes back exactly as parsed: a value JSON cannot
	// carry (invalid UTF-8 in a string, a time's named zone) would make a
	// cached cycle publish other bytes than a parsing one.
	if back, _, err := decodeArticle(head, data); err != nil || !reflect.DeepEqual(back, a) {
		return
	}
	c.put = append(c.put, state.CachedArticle{Path: path, Sum: sum, Head: head, Data: data})
}

// text reads back the text and HTML of an article whose kept parse was
// used.
func (c *articleCache) text(path string) (text, html string, err error) {
	sum, data, err := c.store.CachedArticleData(c.ctx, c.out, path)
	if err != nil {
		return "", "", err
	}
	if data == nil || sum != c.info[path].sum {
		return "", "", fmt.Errorf("cycle: the kept parse of %s changed while the cycle ran", path)
	}
	if text, html, err = decodeText(data); err != nil {
		return "", "", fmt.Errorf("cycle: the kept parse of %s: %w", path, err)
	}
	return text, html, nil
}

// save keeps the new parses and forgets files that are gone. The cache
// lives on for text, which needs neither: they are let go (the new
// parses of a first cycle at 20,000 articles are 150 MB). A new parse
// kept is stored: the caller may let its text and HTML go and read them
// back with text (a first cycle held every article's, 12 MB of its peak
// at 2,000 articles).
func (c *articleCache) save(ctx context.Context) error {
	var drop []string
	for path := range c.kept {
		if _, seen := c.info[path]; !seen {
			drop = append(drop, path)
		}
	}
	slices.Sort(drop)
	put := c.put
	c.put, c.kept = nil, nil
	if len(put) == 0 && len(drop) == 0 {
		return nil
	}
	if err := c.store.SaveArticleCache(ctx, c.out, put, drop); err != nil {
		return err
	}
	for _, p := range put {
		in := c.info[p.Path]
		in.stored = true
		c.info[p.Path] = in
	}
	return nil
}

// encodeArticle is how a parse is kept, in two parts: its head, which
// every cycle reads (its target digest after its length, then the rest
// of the parse as JSON), and its data, read only for the articles that
// are scored again or written (its text and HTML, most of its bytes, as
// they are, each after its length: decoding them as JSON strings,
// validating and unquoting every quote of the HTML, was most of the cost
// of reading 2,000 kept parses).
func encodeArticle(a articles.Article, target string) (head, data []byte, err error) {
	data = feed.AppendString(feed.AppendString(nil, a.Text), a.HTML)
	a.Text, a.HTML = "", ""
	buf := bytes.NewBuffer(feed.AppendString(nil, target))
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false) // smaller, and faster to decode
	if err := enc.Encode(a); err != nil {
		return nil, nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), data, nil
}

var errKeptArticle = errors.New("cycle: kept article does not decode")

// decodeArticle is encodeArticle reversed.
func decodeArticle(head, data []byte) (articles.Article, string, error) {
	a, target, err := decodeHead(head)
	if err != nil {
		return articles.Article{}, "", err
	}
	if a.Text, a.HTML, err = decodeText(data); err != nil {
		return articles.Article{}, "", err
	}
	return a, target, nil
}

// decodeText reads a kept parse's data: its text and HTML.
func decodeText(data []byte) (text, html string, err error) {
	r := feed.FieldReader{B: data}
	text, html = r.String(), r.String()
	if r.Err != nil || len(r.B) != 0 {
		return "", "", errKeptArticle
	}
	return text, html, nil
}

// decodeHead is decodeArticle without the text and HTML.
func decodeHead(head []byte) (articles.Article, string, error) {
	r := feed.FieldReader{B: head}
	target := r.String()
	if r.Err != nil {
		return articles.Article{}, "", errKeptArticle
	}
	var a articles.Article
	if err := json.Unmarshal(r.B, &a); err != nil {
		return articles.Article{}, "", err
	}
	return a, target, nil
}
