package fetcher

import (
	"context"
	"net"
	"net/http"
	"strings"
	"time"
)

// Options bound and identify requests. Zero values mean the defaults
// named on each field (WithDefaults fills them in).
type Options struct {
	// UserAgent names braid to publishers. Default "braid".
	UserAgent string
	// MaxBytes caps a body after decompression. Default 10 MiB.
	MaxBytes int64
	// ConnectTimeout bounds TCP connect and TLS handshake. Default 10s.
	ConnectTimeout time.Duration
	// PerHost is how many idle connections to one host are kept: as many
	// as the Limiter lets run at once. Default 2.
	PerHost int
	// Retries of a temporary failure within one Fetch: 0 means the
	// default (2), negative means none.
	Retries int
	// RetryBase is the first retry delay, doubled for the next. Default 1s.
	RetryBase time.Duration
	// Client replaces the HTTP client (its redirect policy is replaced:
	// Fetch follows redirects itself).
	Client *http.Client
	// Now is the clock Retry-After dates are read against.
	Now func() time.Time
}

// DefaultMaxBytes is the body cap when Options.MaxBytes is zero.
const DefaultMaxBytes = 10 << 20

// WithDefaults returns o with every zero field set to its default. It is
// idempotent: a negative Retries stays negative (none).
func (o Options) WithDefaults() Options {
	if strings.TrimSpace(o.UserAgent) == "" {
		o.UserAgent = "braid"
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = 10 * time.Second
	}
	if o.PerHost <= 0 {
		o.PerHost = 2
	}
	if o.Retries == 0 {
		o.Retries = 2
	}
	if o.RetryBase <= 0 {
		o.RetryBase = time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Fetcher makes requests. It is safe for concurrent use.
type Fetcher struct {
	opt       Options
	client    *http.Client
	ownClient bool
}

// New returns a Fetcher; zero options take their defaults.
func New(opt Options) *Fetcher {
	opt = opt.WithDefaults()
	f := &Fetcher{opt: opt}
	if opt.Client != nil {
		c := *opt.Client
		c.CheckRedirect = noRedirects
		f.client = &c
	} else {
		f.client = newClient(opt.ConnectTimeout, opt.PerHost)
		f.client.CheckRedirect = noRedirects
		f.ownClient = true
	}
	return f
}

// CloseIdleConnections drops kept-alive connections of a client the
// Fetcher made itself: in a long-running daemon they would otherwise
// outlive the cycle. A client passed in Options is left alone.
func (f *Fetcher) CloseIdleConnections() {
	if f.ownClient {
		f.client.CloseIdleConnections()
	}
}

// Validators are what a conditional request sends.
type Validators struct{ ETag, LastModified string }

// Response is what Fetch got. It is never nil, and on failure still says
// how many attempts and bytes it cost and what the last answer was.
type Response struct {
	NotModified bool
	Body        []byte // decompressed, at most MaxBytes
	Header      http.Header
	FinalURL    string
	// MovedTo is where the permanent (301/308) redirects at the start of
	// the chain led: a 302 or 307 anywhere before ends what counts.
	MovedTo  string
	Code     int   // the last HTTP status seen
	Attempts int   // requests made, retries included
	Wire     int64 // bytes read from the network, bodies only
}

// newClient is the HTTP client of a Fetcher: a connect timeout on the
// dialer and the TLS handshake (the caller's deadline covers the rest),
// no automatic redirects (Fetch follows them itself, to tell 301 from
// 302 and catch loops) and idle connections kept per host up to what
// per_host lets us use.
func newClient(connectTimeout time.Duration, perHost int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: connectTimeout, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = connectTimeout
	tr.MaxIdleConnsPerHost = perHost
	tr.MaxIdleConns = 256
	tr.IdleConnTimeout = 90 * time.Second
	return &http.Client{Transport: tr}
}

// noRedirects makes a client hand every redirect back to Fetch.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// Fetch GETs rawURL, conditionally when v has validators, retrying
// temporary failures within ctx's deadline. A non-2xx, non-304 answer is
// a *StatusError; so is a 304 to a request that had nothing to match.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string, v Validators) (*Response, error) {
	r, err := f.withRetries(ctx, rawURL, v)
	if err == nil && r.NotModified && v.ETag == "" && v.LastModified == "" {
		// A 304 to an unconditional request has nothing to reuse.
		r.NotModified = false
		return r, &StatusError{Code: http.StatusNotModified}
	}
	return r, err
}

// UserAgent is the honest default User-Agent: product, version, and where
// publishers can find out who is fetching.
func UserAgent(version, siteURL string) string {
	return strings.TrimSpace("braid/" + version + " (+" + siteURL + ")")
}
