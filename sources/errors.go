package sources

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"syscall"
	"time"
)

// Sentinel errors callers and tests branch on.
var (
	ErrTooLarge   = errors.New("response too large")
	ErrNotAFeed   = errors.New("not a feed")
	ErrParse      = errors.New("parse error")
	ErrHTTPStatus = errors.New("http status")
	// ErrGone is a 410: the publisher says the feed is gone for good, so
	// braid stops asking until the source's URL changes in the config.
	ErrGone = errors.New("gone")
	// ErrRedirectLoop is a redirect back to a URL already visited.
	ErrRedirectLoop = errors.New("redirect loop")
	// ErrTooManyRedirects is a chain longer than maxRedirects.
	ErrTooManyRedirects = errors.New("too many redirects")
	// ErrBadRedirect is a redirect without a usable http(s) Location.
	ErrBadRedirect = errors.New("bad redirect")
)

// Failure classes, stored in state.Source.ErrorClass and shown by
// `braid sources`. They say what kind of thing went wrong, which decides
// whether retrying can help.
const (
	ClassDNS       = "dns"         // name did not resolve
	ClassConnect   = "connect"     // TCP connect refused, unreachable, reset
	ClassTLS       = "tls"         // handshake or certificate
	ClassTimeout   = "timeout"     // the source's deadline or the connect timeout ran out
	ClassHTTP      = "http_status" // a non-2xx answer (410 included)
	ClassRedirect  = "redirect"    // loop, too many hops, no Location
	ClassTooLarge  = "too_large"   // body over fetch.max_bytes after decompression
	ClassNotAFeed  = "not_a_feed"  // an HTML page, an image, junk
	ClassParse     = "parse"       // a feed, but broken
	ClassFile      = "file"        // a local source could not be read
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

// classify names the kind of failure. Order matters: our own sentinels
// first, then the deadline (net/http wraps it in *url.Error and
// *net.OpError), then the network layers from the top down.
func classify(err error) string {
	var se *StatusError
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var recErr tls.RecordHeaderError
	var certErr *tls.CertificateVerificationError
	var alertErr tls.AlertError
	var uaErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invErr x509.CertificateInvalidError
	var nerr net.Error
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.Canceled):
		return ClassCancelled
	case errors.Is(err, ErrTooLarge):
		return ClassTooLarge
	case errors.Is(err, ErrNotAFeed):
		return ClassNotAFeed
	case errors.Is(err, ErrParse):
		return ClassParse
	case errors.Is(err, ErrRedirectLoop), errors.Is(err, ErrTooManyRedirects), errors.Is(err, ErrBadRedirect):
		return ClassRedirect
	case errors.As(err, &se):
		return ClassHTTP
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &nerr) && nerr.Timeout():
		return ClassTimeout
	case errors.As(err, &dnsErr):
		return ClassDNS
	case errors.As(err, &certErr), errors.As(err, &recErr), errors.As(err, &alertErr),
		errors.As(err, &uaErr), errors.As(err, &hostErr), errors.As(err, &invErr):
		return ClassTLS
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission), errors.As(err, new(*fs.PathError)):
		return ClassFile
	case errors.As(err, &opErr), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return ClassConnect
	}
	return ClassConnect
}

// temporary reports whether another attempt in this cycle may succeed.
// A name that does not exist, a bad certificate or a 404 will not change
// in the next second; a refused connection, a reset or a 503 may.
func temporary(class string, err error) bool {
	switch class {
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
