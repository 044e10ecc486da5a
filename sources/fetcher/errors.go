package fetcher

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Sentinel errors callers and tests branch on.
var (
	ErrTooLarge   = errors.New("response too large")
	ErrHTTPStatus = errors.New("http status")
	// ErrGone is a 410: the publisher says the feed is gone for good.
	ErrGone = errors.New("gone")
	// ErrRedirectLoop is a redirect back to a URL already visited.
	ErrRedirectLoop = errors.New("redirect loop")
	// ErrTooManyRedirects is a chain longer than maxRedirects.
	ErrTooManyRedirects = errors.New("too many redirects")
	// ErrBadRedirect is a redirect without a usable http(s) Location.
	ErrBadRedirect = errors.New("bad redirect")
	// ErrCorrupt is a body whose Content-Encoding cannot be undone (a
	// broken gzip stream): there is no document to parse.
	ErrCorrupt = errors.New("corrupt body")
	// ErrUnsupportedEncoding is a Content-Encoding other than gzip.
	ErrUnsupportedEncoding = errors.New("unsupported Content-Encoding")
)

// Failure classes, stored in state.Source.ErrorClass and shown by
// `braid sources`. They say what kind of thing went wrong, which decides
// whether retrying can help. ClassParse and ClassNotAFeed are also what
// the parser's failures are filed under by package sources.
const (
	ClassDNS       = "dns"         // name did not resolve
	ClassConnect   = "connect"     // TCP connect refused, unreachable, reset
	ClassTLS       = "tls"         // handshake or certificate
	ClassTimeout   = "timeout"     // the source's deadline or the connect timeout ran out
	ClassHTTP      = "http_status" // a non-2xx answer (410 included)
	ClassRedirect  = "redirect"    // loop, too many hops, no Location
	ClassTooLarge  = "too_large"   // body over fetch.max_bytes after decompression
	ClassNotAFeed  = "not_a_feed"  // an HTML page, an image, junk
	ClassParse     = "parse"       // a feed, but broken (or its gzip is)
	ClassCancelled = "cancelled"   // braid itself was stopped
)

// StatusError is a non-2xx answer.
type StatusError struct {
	Code int
	// RetryAfter is when a 429 or 503 said to come back (zero when it did
	// not say, or said something unparseable).
	RetryAfter time.Time
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("HTTP %d %s", e.Code, http.StatusText(e.Code))
	if !e.RetryAfter.IsZero() {
		s += " (retry after " + e.RetryAfter.UTC().Format(time.RFC3339) + ")"
	}
	return s
}

// Unwrap lets errors.Is(err, ErrHTTPStatus) match, and ErrGone for a 410.
func (e *StatusError) Unwrap() []error {
	if e.Code == http.StatusGone {
		return []error{ErrHTTPStatus, ErrGone}
	}
	return []error{ErrHTTPStatus}
}

// Temporary reports whether retrying later may help.
func (e *StatusError) Temporary() bool {
	return e.Code == http.StatusTooManyRequests || e.Code == http.StatusRequestTimeout || e.Code >= 500
}

// Classify names the kind of failure. Order matters: our own sentinels
// first, then the deadline (net/http wraps it in *url.Error and
// *net.OpError), then the network layers from the top down. Anything
// else (refused, reset, cut short) is filed under ClassConnect.
func Classify(err error) string {
	var se *StatusError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.Canceled):
		return ClassCancelled
	case errors.Is(err, ErrTooLarge):
		return ClassTooLarge
	case errors.Is(err, ErrUnsupportedEncoding):
		return ClassNotAFeed
	case errors.Is(err, ErrCorrupt):
		return ClassParse
	case errors.Is(err, ErrRedirectLoop), errors.Is(err, ErrTooManyRedirects), errors.Is(err, ErrBadRedirect):
		return ClassRedirect
	case errors.As(err, &se):
		return ClassHTTP
	}
	return classifyNet(err)
}

// classifyNet names a failure below HTTP.
func classifyNet(err error) string {
	var dnsErr *net.DNSError
	var nerr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &nerr) && nerr.Timeout():
		return ClassTimeout
	case errors.As(err, &dnsErr):
		return ClassDNS
	case isTLS(err):
		return ClassTLS
	}
	return ClassConnect
}

func isTLS(err error) bool {
	var recErr tls.RecordHeaderError
	var certErr *tls.CertificateVerificationError
	var alertErr tls.AlertError
	var uaErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invErr x509.CertificateInvalidError
	return errors.As(err, &certErr) || errors.As(err, &recErr) || errors.As(err, &alertErr) ||
		errors.As(err, &uaErr) || errors.As(err, &hostErr) || errors.As(err, &invErr)
}

// Temporary reports whether another attempt soon may succeed. A name
// that does not exist, a bad certificate or a 404 will not change in the
// next second; a refused connection, a reset or a 503 may.
func Temporary(err error) bool {
	switch Classify(err) {
	case ClassConnect, ClassTimeout:
		return true
	case ClassDNS:
		var dnsErr *net.DNSError
		return errors.As(err, &dnsErr) && (dnsErr.IsTemporary || dnsErr.IsTimeout)
	case ClassHTTP:
		var se *StatusError
		return errors.As(err, &se) && se.Temporary()
	}
	return false
}
