package serve

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// defaultCacheBytes bounds the memory spent on file bodies and their
	// gzip variants; a site of a few hundred feeds fits many times over.
	defaultCacheBytes = 64 << 20
	// maxEntryBytes is the largest file held in memory. Anything bigger is
	// not a feed; it is streamed from disk instead.
	maxEntryBytes = 16 << 20
	// entryOverhead approximates the per-entry bookkeeping, so a folder of
	// many tiny files still counts against the budget.
	entryOverhead = 512
)

// errTooBig sends a file down the streaming path.
var errTooBig = errors.New("file too big to cache")

// variant is one representation of a file version: identity or gzip.
type variant struct {
	body    []byte
	etag    string   // quoted, for If-None-Match comparison
	hdrETag []string // precomputed header values
	hdrLen  []string
}

// entry is one immutable version of a file with everything a response
// needs already computed.
type entry struct {
	info    os.FileInfo // fstat of the descriptor the body was read from
	modSec  time.Time   // mtime at HTTP-date precision, for If-Modified-Since
	ctype   []string
	lastMod []string
	ident   variant
	gz      *variant // nil when gzip does not pay off
	cost    int64
	used    atomic.Int64 // LRU clock reading of the last hit
}

// current reports whether fi (a stat by name) still names the version in
// e. The inode catches a rename that kept size and mtime; size and mtime
// catch an in-place rewrite.
func (e *entry) current(fi os.FileInfo) bool {
	return os.SameFile(e.info, fi) && e.info.Size() == fi.Size() && e.info.ModTime().Equal(fi.ModTime())
}

// loadEntry reads name whole through root. The descriptor pins one inode,
// so a rename over the name cannot mix two versions; the fstat before and
// after catches the rarer writer that rewrites a file in place.
func loadEntry(root *os.Root, name string, maxSize int64) (*entry, error) {
	f, err := root.Open(name)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	defer f.Close()
	for attempt := 0; ; attempt++ {
		before, err := f.Stat()
		if err != nil {
			return nil, fmt.Errorf("serve: %w", err)
		}
		if !before.Mode().IsRegular() {
			return nil, fmt.Errorf("serve: %s: %w", name, fs.ErrNotExist)
		}
		if before.Size() > maxSize {
			return nil, errTooBig
		}
		data := make([]byte, before.Size())
		n, err := f.ReadAt(data, 0)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("serve: read %s: %w", name, err)
		}
		after, err := f.Stat()
		if err != nil {
			return nil, fmt.Errorf("serve: %w", err)
		}
		if n == len(data) && after.Size() == before.Size() && after.ModTime().Equal(before.ModTime()) {
			return newEntry(name, after, data)
		}
		if attempt == 2 {
			return nil, fmt.Errorf("serve: %s kept changing while being read", name)
		}
	}
}

func newEntry(name string, info os.FileInfo, data []byte) (*entry, error) {
	sum := sha256.Sum256(data)
	tag := hex.EncodeToString(sum[:16])
	e := &entry{
		info:    info,
		modSec:  info.ModTime().Truncate(time.Second),
		ctype:   contentType(name),
		lastMod: []string{info.ModTime().UTC().Format(http.TimeFormat)},
		ident:   newVariant(data, `"`+tag+`"`),
	}
	e.cost = int64(len(data)) + entryOverhead
	if compressible(e.ctype[0]) {
		gz, err := gzipBytes(data)
		if err != nil {
			return nil, err
		}
		if len(gz) < len(data) {
			v := newVariant(gz, `"`+tag+`-gz"`)
			e.gz = &v
			e.cost += int64(len(gz))
		}
	}
	return e, nil
}

func newVariant(body []byte, etag string) variant {
	return variant{
		body:    body,
		etag:    etag,
		hdrETag: []string{etag},
		hdrLen:  []string{strconv.Itoa(len(body))},
	}
}

// gzipBytes compresses at the best level: it runs once per file version,
// and every later response ships the smaller body.
func gzipBytes(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, fmt.Errorf("serve: gzip: %w", err)
	}
	if _, err := zw.Write(data); err != nil {
		return nil, fmt.Errorf("serve: gzip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("serve: gzip: %w", err)
	}
	return buf.Bytes(), nil
}

// cache maps a root-relative name to its latest loaded version, evicting
// the least recently used entries once the byte budget is exceeded.
type cache struct {
	max      int64
	maxEntry int64 // larger files are streamed, not cached
	clock    atomic.Int64

	mu      sync.RWMutex
	entries map[string]*entry
	size    int64

	flightMu sync.Mutex
	flight   map[string]*flight
}

// flight is a load in progress: when a new version lands, every request
// that misses at once waits for one read and one compression.
type flight struct {
	done chan struct{}
	e    *entry
	err  error
}

func newCache(max int64) *cache {
	if max <= 0 {
		max = defaultCacheBytes
	}
	return &cache{
		max:      max,
		maxEntry: min(max/4, maxEntryBytes), // so an entry with its gzip variant always fits
		entries:  map[string]*entry{},
		flight:   map[string]*flight{},
	}
}

// get returns the cached version of name if fi still describes it.
func (c *cache) get(name string, fi os.FileInfo) *entry {
	c.mu.RLock()
	e := c.entries[name]
	c.mu.RUnlock()
	if e == nil || !e.current(fi) {
		return nil
	}
	e.used.Store(c.clock.Add(1))
	return e
}

// load returns the version of name that fi describes, reading it at most
// once however many requests ask concurrently.
func (c *cache) load(root *os.Root, name string, fi os.FileInfo) (*entry, error) {
	if fi.Size() > c.maxEntry {
		return nil, errTooBig
	}
	c.flightMu.Lock()
	if f, ok := c.flight[name]; ok {
		c.flightMu.Unlock()
		<-f.done
		if f.err == nil && f.e.current(fi) {
			return f.e, nil
		}
		// The shared load read an older version (or failed); read our own
		// rather than serve something older than what we just stat'ed.
		return c.loadAndStore(root, name)
	}
	f := &flight{done: make(chan struct{})}
	c.flight[name] = f
	c.flightMu.Unlock()

	f.e, f.err = c.loadAndStore(root, name)
	c.flightMu.Lock()
	delete(c.flight, name)
	c.flightMu.Unlock()
	close(f.done)
	return f.e, f.err
}

func (c *cache) loadAndStore(root *os.Root, name string) (*entry, error) {
	e, err := loadEntry(root, name, c.maxEntry)
	if err != nil {
		return nil, err
	}
	c.put(name, e)
	return e, nil
}

func (c *cache) put(name string, e *entry) {
	if e.cost > c.max {
		return
	}
	e.used.Store(c.clock.Add(1))
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.entries[name]; old != nil {
		c.size -= old.cost
	}
	c.entries[name] = e
	c.size += e.cost
	for c.size > c.max && c.evictOldest(name) {
	}
}

// evictOldest drops the least recently used entry other than keep. The
// scan is linear, but it runs only when a new version overflows the
// budget, never on a hit.
func (c *cache) evictOldest(keep string) bool {
	var oldest string
	var oldestUsed int64
	found := false
	for n, e := range c.entries {
		if n == keep {
			continue
		}
		if u := e.used.Load(); !found || u < oldestUsed {
			oldest, oldestUsed, found = n, u, true
		}
	}
	if !found {
		return false
	}
	c.size -= c.entries[oldest].cost
	delete(c.entries, oldest)
	return true
}
