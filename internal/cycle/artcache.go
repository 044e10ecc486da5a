package cycle

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"

	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/sources/articles"
)

// articleCacheVersion names how articles are parsed and kept. Bump it
// with any change to parsing or to articles.Article: kept parses made
// under another version (or another braid version) are parsed again.
const articleCacheVersion = 1

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
	var a articles.Article
	if err := json.Unmarshal(k.Data, &a); err != nil {
		return articles.Article{}, false
	}
	return a, true
}

func (c *articleCache) Put(path string, data []byte, a articles.Article) {
	c.seen[path] = true
	// HTML left unescaped: \u003c escapes make it larger and slower to
	// decode on every later cycle.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(a); err != nil {
		return // not kept: parsed again next time
	}
	// Kept only if it comes back exactly as parsed: a value JSON cannot
	// carry (invalid UTF-8 in a string, a time's named zone) would make a
	// cached cycle publish other bytes than a parsing one.
	var back articles.Article
	if json.Unmarshal(buf.Bytes(), &back) != nil || !reflect.DeepEqual(back, a) {
		return
	}
	c.put = append(c.put, state.CachedArticle{Path: path, Sum: c.sum(path, data), Data: bytes.TrimSuffix(buf.Bytes(), []byte("\n"))})
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
