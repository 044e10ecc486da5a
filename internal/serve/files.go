package serve

import (
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
)

var (
	hdrVary    = []string{"Accept-Encoding"}
	hdrGzip    = []string{"gzip"}
	hdrNosniff = []string{"nosniff"}
)

// files serves the output folder.
type files struct {
	dir          string                   // absolute path of the folder
	cacheControl atomic.Pointer[[]string] // swapped when a reload changes the schedule
	cache        *cache
	log          *slog.Logger

	mu   sync.Mutex // serialises (re)opening root
	root atomic.Pointer[os.Root]
}

// serve answers a GET or HEAD for a file under the folder.
func (s *files) serve(w http.ResponseWriter, r *http.Request) {
	name, dirReq, code := resolve(r.URL)
	if code != 0 {
		s.log.LogAttrs(r.Context(), slog.LevelDebug, "request path refused",
			slog.String("path", r.URL.Path), slog.Int("code", code))
		http.Error(w, http.StatusText(code), code)
		return
	}
	root := s.openRoot(r)
	if root == nil {
		http.NotFound(w, r)
		return
	}
	fi, err := root.Stat(name)
	if errors.Is(err, fs.ErrNotExist) {
		if fresh := s.checkRoot(r, root); fresh != nil {
			root = fresh
			fi, err = root.Stat(name)
		}
	}
	if err != nil {
		// Escapes (symlinks out of the folder) land here as well: os.Root
		// refuses them, and they look like any other missing file.
		http.NotFound(w, r)
		return
	}
	if fi.IsDir() {
		s.serveDir(w, r, root, name, dirReq)
		return
	}
	if !fi.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}
	e := s.cache.get(name, fi)
	if e == nil {
		e, err = s.cache.load(root, name, fi)
	}
	switch {
	case errors.Is(err, errTooBig):
		s.stream(w, r, root, name)
		return
	case errors.Is(err, fs.ErrNotExist):
		// Removed between the stat and the open.
		http.NotFound(w, r)
		return
	case err != nil:
		s.log.LogAttrs(r.Context(), slog.LevelWarn, "file read failed",
			slog.String("path", name), slog.String("error", err.Error()))
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	s.write(w, r, e)
}

// write sends e, or 304 when the client's copy is current. Validators are
// those of the selected variant, so a cache holding the gzip body never
// gets a 304 that vouches for the identity one.
func (s *files) write(w http.ResponseWriter, r *http.Request, e *entry) {
	v := &e.ident
	gz := e.gz != nil && acceptsGzip(r.Header["Accept-Encoding"])
	if gz {
		v = e.gz
	}
	h := w.Header()
	h["Content-Type"] = e.ctype
	h["Cache-Control"] = *s.cacheControl.Load()
	h["Last-Modified"] = e.lastMod
	h["Etag"] = v.hdrETag
	h["X-Content-Type-Options"] = hdrNosniff
	if e.gz != nil {
		h["Vary"] = hdrVary
	}
	if notModified(r, v.etag, e) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if gz {
		h["Content-Encoding"] = hdrGzip
	}
	h["Content-Length"] = v.hdrLen
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(v.body) // a failed write means the client left
	}
}

// notModified applies RFC 9110 §13.2.2: If-None-Match, when present,
// decides alone; If-Modified-Since is only a fallback for clients that
// kept no ETag.
func notModified(r *http.Request, etag string, e *entry) bool {
	if inm := r.Header["If-None-Match"]; len(inm) > 0 {
		return noneMatch(inm, etag)
	}
	ims := r.Header.Get("If-Modified-Since")
	if ims == "" {
		return false
	}
	t, err := http.ParseTime(ims)
	return err == nil && !e.modSec.After(t)
}

// serveDir answers a path naming a directory. With a trailing slash the
// name already points at index.html, so a directory there is refused;
// without one, the client is sent to the slash form so that relative
// links in index.html resolve, but only when there is an index to show.
func (s *files) serveDir(w http.ResponseWriter, r *http.Request, root *os.Root, name string, dirReq bool) {
	if !dirReq {
		if fi, err := root.Stat(name + "/index.html"); err == nil && fi.Mode().IsRegular() {
			target := r.URL.EscapedPath() + "/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return
		}
	}
	http.NotFound(w, r)
}

// stream serves a file too large to hold in memory straight from its
// descriptor; it gets Last-Modified but no content-hash ETag or gzip.
func (s *files) stream(w http.ResponseWriter, r *http.Request, root *os.Root, name string) {
	f, err := root.Open(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h["Content-Type"] = contentType(name)
	h["Cache-Control"] = *s.cacheControl.Load()
	h["X-Content-Type-Options"] = hdrNosniff
	http.ServeContent(w, r, "", fi.ModTime(), f)
}

// resolve turns the request path into a name relative to the folder, or
// a status code refusing it. Anything that could mean "elsewhere" to some
// layer (dot segments, encoded or back slashes, NUL, empty segments) is a
// 400 rather than being cleaned up: a feed reader never sends such a
// path. Dot files are 404 so temp files and the like simply don't exist.
func resolve(u *url.URL) (name string, dirReq bool, code int) {
	p := u.Path
	if p == "" || p[0] != '/' || strings.ContainsAny(p, "\\\x00") || hasEncodedSlash(u.RawPath) {
		return "", false, http.StatusBadRequest
	}
	rel := p[1:]
	if rel == "" {
		return "index.html", true, 0
	}
	if strings.HasSuffix(rel, "/") {
		dirReq = true
		rel = rel[:len(rel)-1]
	}
	hidden := false
	for rest := rel; ; {
		seg, after, more := strings.Cut(rest, "/")
		switch {
		case seg == "" || seg == "." || seg == "..":
			return "", false, http.StatusBadRequest
		case seg[0] == '.':
			hidden = true
		}
		if !more {
			break
		}
		rest = after
	}
	if hidden {
		return "", false, http.StatusNotFound
	}
	if dirReq {
		rel += "/index.html"
	}
	return rel, dirReq, 0
}

// hasEncodedSlash spots %2F and %5C, which decode into separators that
// the client did not write as separators.
func hasEncodedSlash(raw string) bool {
	for i := 0; i+2 < len(raw); i++ {
		if raw[i] != '%' {
			continue
		}
		if a, b := raw[i+1], raw[i+2]|0x20; (a == '2' && b == 'f') || (a == '5' && b == 'c') {
			return true
		}
	}
	return false
}

// openRoot returns the folder handle, opening it on first use: the
// daemon may start serving before its first cycle has created the folder.
func (s *files) openRoot(r *http.Request) *os.Root {
	if root := s.root.Load(); root != nil {
		return root
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if root := s.root.Load(); root != nil {
		return root
	}
	root, err := os.OpenRoot(s.dir)
	if err != nil {
		s.log.LogAttrs(r.Context(), slog.LevelDebug, "output folder not available",
			slog.String("dir", s.dir), slog.String("error", err.Error()))
		return nil
	}
	s.root.Store(root)
	return root
}

// checkRoot reopens the folder when its path now names a different
// directory than the handle (someone deleted and recreated out/), which
// would otherwise keep serving a deleted directory forever. It returns the
// new handle, or nil when nothing changed. It runs only after a miss, so
// the hot path pays nothing for it.
func (s *files) checkRoot(r *http.Request, cur *os.Root) *os.Root {
	// Plain misses (a mistyped URL, a scanner) stay lock-free.
	now, err := os.Stat(s.dir)
	if err != nil {
		return nil
	}
	if held, err := cur.Stat("."); err == nil && os.SameFile(held, now) {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if latest := s.root.Load(); latest != cur {
		return latest // another request already reopened it
	}
	root, err := os.OpenRoot(s.dir)
	if err != nil {
		return nil
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "output folder replaced, reopened", slog.String("dir", s.dir))
	// The old handle is left to its finalizer: requests still using it
	// must not see it closed under them.
	s.root.Store(root)
	return root
}
