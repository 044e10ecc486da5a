package sources

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxRedirects is how many redirects one attempt follows.
const maxRedirects = 5

// accept prefers feed types, then generic XML and JSON, and still takes
// anything (servers that label feeds text/html exist, and a wrong label
// is better detected by parsing than refused by a 406).
const accept = "application/rss+xml, application/atom+xml, application/feed+json, " +
	"application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"

// newClient is the HTTP client of a Fetcher: a connect timeout on the
// dialer and the TLS handshake (the per-source deadline covers the rest),
// no automatic redirects (fetch follows them itself, to tell 301 from
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

// noRedirects makes a client hand every redirect back to fetch.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// response is one successful exchange.
type response struct {
	notModified bool
	body        []byte // decompressed, at most MaxBytes
	header      http.Header
	finalURL    string
	// movedTo is where the permanent (301/308) redirects at the start of
	// the chain led: a 302 or 307 anywhere before ends what counts.
	movedTo string
	code    int
	wire    int64 // bytes read from the network, bodies only
}

// validators are what a conditional request sends.
type validators struct{ etag, lastModified string }

// get makes one attempt: the request, its redirects and the bounded
// body. A non-2xx, non-304 answer is a *StatusError.
func (f *Fetcher) get(ctx context.Context, rawURL string, v validators) (*response, error) {
	res := &response{}
	visited := map[string]bool{rawURL: true}
	permanent := true
	u := rawURL
	for hop := 0; ; hop++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return res, fmt.Errorf("%w: %v", ErrBadRedirect, err)
		}
		req.Header.Set("User-Agent", f.opt.UserAgent)
		req.Header.Set("Accept", accept)
		// Set explicitly, so net/http leaves the body compressed and the
		// size cap below measures the decompressed bytes itself.
		req.Header.Set("Accept-Encoding", "gzip")
		if v.etag != "" {
			req.Header.Set("If-None-Match", v.etag)
		}
		if v.lastModified != "" {
			req.Header.Set("If-Modified-Since", v.lastModified)
		}
		resp, err := f.client.Do(req)
		if err != nil {
			return res, err
		}
		res.code, res.header, res.finalURL = resp.StatusCode, resp.Header, u
		switch resp.StatusCode {
		case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
			http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
			res.wire += discard(resp.Body)
			next, err := location(u, resp.Header.Get("Location"))
			if err != nil {
				return res, err
			}
			if hop+1 > maxRedirects {
				return res, fmt.Errorf("%w: more than %d", ErrTooManyRedirects, maxRedirects)
			}
			if visited[next] {
				return res, fmt.Errorf("%w: back to %s", ErrRedirectLoop, next)
			}
			visited[next] = true
			if permanent && (resp.StatusCode == http.StatusMovedPermanently || resp.StatusCode == http.StatusPermanentRedirect) {
				res.movedTo = next
			} else {
				permanent = false
			}
			u = next
			continue
		case http.StatusNotModified:
			res.wire += discard(resp.Body)
			res.notModified = true
			return res, nil
		}
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			res.wire += discard(resp.Body)
			se := &StatusError{Code: resp.StatusCode}
			if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
				se.RetryAfter = retryAfter(resp.Header, f.opt.Now())
			}
			return res, se
		}
		body, wire, err := readBody(resp, f.opt.MaxBytes)
		res.wire += wire
		resp.Body.Close()
		res.body = body
		return res, err
	}
}

// location resolves a redirect's Location against the URL that sent it.
func location(from, loc string) (string, error) {
	if strings.TrimSpace(loc) == "" {
		return "", fmt.Errorf("%w: no Location", ErrBadRedirect)
	}
	base, err := url.Parse(from)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrBadRedirect, err)
	}
	ref, err := url.Parse(strings.TrimSpace(loc))
	if err != nil {
		return "", fmt.Errorf("%w: Location %q: %v", ErrBadRedirect, loc, err)
	}
	next := base.ResolveReference(ref)
	next.Fragment = ""
	if (next.Scheme != "http" && next.Scheme != "https") || next.Host == "" {
		return "", fmt.Errorf("%w: Location %q is not an http(s) URL", ErrBadRedirect, loc)
	}
	return next.String(), nil
}

// discard reads a little of a body we do not want, so the connection can
// be reused, and closes it. It returns the bytes read.
func discard(body io.ReadCloser) int64 {
	n, _ := io.CopyN(io.Discard, body, 64<<10)
	body.Close()
	return n
}

// counter counts bytes read through it and remembers the network's own
// error, to tell a broken connection from a broken gzip stream.
type counter struct {
	r   io.Reader
	n   int64
	err error
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && err != io.EOF {
		c.err = err
	}
	return n, err
}

// readBody reads a 2xx body, decompressing gzip, and refuses more than max
// bytes after decompression: a gzip bomb stops at the cap. It returns the
// body and how many bytes came over the wire.
func readBody(resp *http.Response, max int64) ([]byte, int64, error) {
	wire := &counter{r: resp.Body}
	var r io.Reader = wire
	switch enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
		if resp.ContentLength > max {
			return nil, 0, fmt.Errorf("%w: Content-Length %d is over the %d-byte limit", ErrTooLarge, resp.ContentLength, max)
		}
	case "gzip", "x-gzip":
		// Some servers say gzip and send it plain: look at the magic
		// number rather than trusting the header.
		br := bufio.NewReader(wire)
		if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
			zr, err := gzip.NewReader(br)
			if err != nil {
				return nil, wire.n, fmt.Errorf("%w: gzip: %v", ErrParse, err)
			}
			defer zr.Close()
			r = zr
		} else {
			r = br
		}
	default:
		return nil, 0, fmt.Errorf("%w: unsupported Content-Encoding %q", ErrNotAFeed, enc)
	}
	body, err := readAll(r, max)
	if err != nil && wire.err == nil && !errors.Is(err, ErrTooLarge) {
		// The connection was fine, so the decompressor failed.
		err = fmt.Errorf("%w: gzip: %v", ErrParse, err)
	}
	return body, wire.n, err
}

// readAll reads at most max bytes and says so explicitly when there is
// more, instead of handing a truncated document to the parser.
func readAll(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max)
	}
	return b, nil
}
