package serve

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Options configures NewHandler.
type Options struct {
	Root     string                          // the output folder (out/)
	MaxAge   time.Duration                   // Cache-Control max-age for files; 0 → no-cache
	Health   func() (ok bool, reason string) // /healthz (liveness); nil → always healthy
	Ready    func() (ok bool, reason string) // /readyz (has published); nil → always ready
	Registry *prometheus.Registry            // nil → a new one; /metrics serves it
	Logger   *slog.Logger                    // nil → discard

	// CacheBytes bounds the in-memory copies of files and their gzip
	// variants; 0 → 64 MiB.
	CacheBytes int64
}

var (
	hdrAllow     = []string{"GET, HEAD"}
	hdrNoStore   = []string{"no-store"}
	hdrPlainText = []string{"text/plain; charset=utf-8"}
)

// Handler serves the output folder, health, readiness and metrics.
type Handler struct {
	files   *files
	health  func() (bool, string)
	ready   func() (bool, string)
	metrics http.Handler
	codes   codeCounters
	log     *slog.Logger
}

// NewHandler serves /healthz, /metrics and, for every other path, the
// files under opt.Root. It registers only braid_http_requests_total with
// opt.Registry, so the daemon may register its cycle metrics on the same registry.
func NewHandler(opt Options) *Handler {
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	reg := opt.Registry
	if reg == nil {
		// A registry of our own may as well describe the process too; a
		// caller passing one decides that for itself.
		reg = prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	dir := opt.Root
	if dir != "" {
		// Absolute, so a later chdir in the daemon cannot move the folder.
		if abs, err := filepath.Abs(dir); err == nil {
			dir = abs
		}
	} else {
		log.Error("serve: no output folder configured; every file request will be 404")
		dir = "\x00" // unopenable: serve nothing rather than the working directory
	}
	h := &Handler{
		files: &files{
			dir:   dir,
			cache: newCache(opt.CacheBytes),
			log:   log,
		},
		health: opt.Health,
		ready:  opt.Ready,
		metrics: promhttp.HandlerFor(reg, promhttp.HandlerOpts{
			ErrorLog:      promLogger{log},
			ErrorHandling: promhttp.ContinueOnError,
		}),
		codes: newCodeCounters(newHTTPRequests(reg)),
		log:   log,
	}
	h.SetMaxAge(opt.MaxAge)
	return h
}

// SetMaxAge changes the Cache-Control max-age of files, for a reload that
// changed the schedule: the header must follow the config in force.
func (h *Handler) SetMaxAge(maxAge time.Duration) {
	v := []string{cacheControl(maxAge)}
	h.files.cacheControl.Store(&v)
}

// cacheControl lets readers and proxies reuse a feed for one schedule
// period, the soonest it can change; with no period they must revalidate,
// which is cheap thanks to the ETag.
func cacheControl(maxAge time.Duration) string {
	secs := int64(maxAge / time.Second)
	if secs <= 0 {
		return "no-cache"
	}
	return "public, max-age=" + strconv.FormatInt(secs, 10)
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w}
	h.route(rec, r)
	code := rec.code
	if code == 0 {
		code = http.StatusOK // nothing written: net/http sends an empty 200
	}
	h.codes.inc(code)
	if h.log.Enabled(r.Context(), slog.LevelDebug) {
		h.log.LogAttrs(r.Context(), slog.LevelDebug, "http request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("code", code), slog.String("remote_addr", r.RemoteAddr))
	}
}

func (h *Handler) route(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header()["Allow"] = hdrAllow
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	switch r.URL.Path {
	case "/healthz":
		serveCheck(w, h.health, "unhealthy")
	case "/readyz":
		serveCheck(w, h.ready, "not ready")
	case "/metrics":
		h.metrics.ServeHTTP(w, r)
	default:
		h.files.serve(w, r)
	}
}

// serveCheck answers load balancers and supervisors; the reason goes in
// the body so that whoever curls a failing check sees why.
func serveCheck(w http.ResponseWriter, check func() (bool, string), failed string) {
	ok, reason := true, ""
	if check != nil {
		ok, reason = check()
	}
	hd := w.Header()
	hd["Content-Type"] = hdrPlainText
	hd["Cache-Control"] = hdrNoStore
	if ok {
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, "ok\n")
		return
	}
	if reason == "" {
		reason = failed
	}
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = io.WriteString(w, reason+"\n")
}

// statusRecorder remembers the status code for braid_http_requests_total.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.code == 0 && code >= 200 {
		s.code = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.code == 0 {
		s.code = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer
// (flushing, deadlines) through the recorder.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// promLogger routes promhttp's error reports into slog.
type promLogger struct{ log *slog.Logger }

func (p promLogger) Println(v ...any) {
	p.log.Warn("metrics gathering failed", slog.String("error", fmt.Sprint(v...)))
}
