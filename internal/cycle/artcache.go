package cycle

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/sources/articles"
)

// articleCacheVersion names how articles are parsed and kept. Bump it
// with any change to parsing or to articles.Article: kept parses made
// under another version (or another braid version) are parsed again.
const articleCacheVersion = 2

// articleCache is an articles.Cache kept in the state: an unchanged file
// is not parsed again (at 2,000 articles, parsing was 40 % of a cycle in
// which nothing changed). A kept parse is used only for exactly the bytes
// it was made from.
type articleCache struct {
	version string
	kept    map[string]state.CachedArticle
	seen    map[string]bool
	put     []state.CachedArticle
}

func newArticleCache(ctx context.Context, st *state.Store, out, version string) *articleCache {
	kept, err := st.ArticleCache(ctx, out)
	if err != nil {
		kept = nil // a cache that cannot be read is an empty one: parsing is always right
	}
	return &articleCache{version: fmt.Sprintf("%d|%s", articleCacheVersion, version), kept: kept, seen: map[string]bool{}}
}

func (c *articleCache) sum(path string, data []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", c.version, path)
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

func (c *articleCache) Get(path string, data []byte) (articles.Article, bool) {
	c.seen[path] = true
	k, ok := c.kept[path]
	if !ok || k.Sum != c.sum(path, data) {
		return articles.Article{}, false
	}
	a, err := decodeArticle(k.Data)
	if err != nil {
		return articles.Article{}, false
	}
	return a, true
}

// encodeArticle is how a parse is kept: its text and HTML, most of its
// bytes, as they are, each after its length, then the rest as JSON.
// Decoding them as JSON strings (validating, then unquoting every quote
// of the HTML) was most of the cost of reading 2,000 kept parses.
func encodeArticle(a articles.Article) ([]byte, error) {
	text, html := a.Text, a.HTML
	a.Text, a.HTML = "", ""
	var buf bytes.Buffer
	buf.Write(binary.AppendUvarint(nil, uint64(len(text))))
	buf.WriteString(text)
	buf.Write(binary.AppendUvarint(nil, uint64(len(html))))
	buf.WriteString(html)
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // smaller, and faster to decode
	if err := enc.Encode(a); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

var errKeptArticle = errors.New("cycle: kept article does not decode")

func decodeArticle(data []byte) (articles.Article, error) {
	var parts [2]string
	for i := range parts {
		n, k := binary.Uvarint(data)
		if k <= 0 || uint64(len(data)-k) < n {
			return articles.Article{}, errKeptArticle
		}
		parts[i], data = string(data[k:k+int(n)]), data[k+int(n):]
	}
	var a articles.Article
	if err := json.Unmarshal(data, &a); err != nil {
		return articles.Article{}, err
	}
	a.Text, a.HTML = parts[0], parts[1]
	return a, nil
}

func (c *articleCache) Put(path string, data []byte, a articles.Article) {
	c.seen[path] = true
	kept, err := encodeArticle(a)
	if err != nil {
		return // not kept: parsed again next time
	}
	// Kept only if it comes back exactly as parsed: a value JSON cannot
	// carry (invalid UTF-8 in a string, a time's named zone) would make a
	// cached cycle publish other bytes than a parsing one.
	if back, err := decodeArticle(kept); err != nil || !reflect.DeepEqual(back, a) {
		return
	}
	c.put = append(c.put, state.CachedArticle{Path: path, Sum: c.sum(path, data), Data: kept})
}

// save keeps the new parses and forgets files that are gone.
func (c *articleCache) save(ctx context.Context, st *state.Store, out string) error {
	var drop []string
	for path := range c.kept {
		if !c.seen[path] {
			drop = append(drop, path)
		}
	}
	slices.Sort(drop)
	if len(c.put) == 0 && len(drop) == 0 {
		return nil
	}
	return st.SaveArticleCache(ctx, out, c.put, drop)
}
