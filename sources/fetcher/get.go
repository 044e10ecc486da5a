package fetcher

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// maxRedirects is how many redirects one attempt follows.
const maxRedirects = 5

// accept prefers feed types, then generic XML and JSON, and still takes
// anything (servers that label feeds text/html exist, and a wrong label
// is better detected by parsing than refused by a 406).
const accept = "application/rss+xml, application/atom+xml, application/feed+json, " +
	"application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"

// chain is the walk through one attempt's redirects.
type chain struct {
	visited map[string]bool
	// permanent: every hop so far was a 301 or 308, so where they lead
	// may be recorded as the source's new home.
	permanent bool
}

// get makes one attempt: the request, its redirects and the bounded
// body. A non-2xx, non-304 answer is a *StatusError.
func (f *Fetcher) get(ctx context.Context, rawURL string, v Validators) (*Response, error) {
	res := &Response{}
	c := chain{visited: map[string]bool{rawURL: true}, permanent: true}
	u := rawURL
	for hop := 0; ; hop++ {
		resp, err := f.do(ctx, u, v)
		if err != nil {
			return res, err
		}
		res.Code, res.Header, res.FinalURL = resp.StatusCode, resp.Header, u
		if !isRedirect(resp.StatusCode) {
			return res, f.answer(resp, res)
		}
		res.Wire += discard(resp.Body)
		if u, err = c.follow(u, resp, hop, res); err != nil {
			return res, err
		}
	}
}

// do sends one request, with the headers every request carries.
func (f *Fetcher) do(ctx context.Context, u string, v Validators) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadRedirect, err)
	}
	req.Header.Set("User-Agent", f.opt.UserAgent)
	req.Header.Set("Accept", accept)
	// Set explicitly, so net/http leaves the body compressed and the
	// size cap measures the decompressed bytes itself.
	req.Header.Set("Accept-Encoding", "gzip")
	if v.ETag != "" {
		req.Header.Set("If-None-Match", v.ETag)
	}
	if v.LastModified != "" {
		req.Header.Set("If-Modified-Since", v.LastModified)
	}
	return f.client.Do(req)
}

func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// follow checks one redirect and returns where it leads, noting in res
// how far the permanent ones went.
func (c *chain) follow(from string, resp *http.Response, hop int, res *Response) (string, error) {
	next, err := location(from, resp.Header.Get("Location"))
	if err != nil {
		return "", err
	}
	if hop+1 > maxRedirects {
		return "", fmt.Errorf("%w: more than %d", ErrTooManyRedirects, maxRedirects)
	}
	if c.visited[next] {
		return "", fmt.Errorf("%w: back to %s", ErrRedirectLoop, next)
	}
	c.visited[next] = true
	if c.permanent && (resp.StatusCode == http.StatusMovedPermanently || resp.StatusCode == http.StatusPermanentRedirect) {
		res.MovedTo = next
	} else {
		c.permanent = false
	}
	return next, nil
}

// answer reads a final (non-redirect) answer into res.
func (f *Fetcher) answer(resp *http.Response, res *Response) error {
	switch {
	case resp.StatusCode == http.StatusNotModified:
		res.Wire += discard(resp.Body)
		res.NotModified = true
		return nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		res.Wire += discard(resp.Body)
		se := &StatusError{Code: resp.StatusCode}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			se.RetryAfter = RetryAfter(resp.Header, f.opt.Now())
		}
		return se
	}
	body, wire, err := readBody(resp, f.opt.MaxBytes)
	res.Wire += wire
	resp.Body.Close()
	res.Body = body
	return err
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
