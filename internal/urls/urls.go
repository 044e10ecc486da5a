// Package urls holds the few URL rules that several packages must agree
// on, so a source is "on the web" by one definition everywhere.
package urls

import (
	"net/url"
	"strings"
)

// IsHTTP reports whether s is an absolute http(s) URL with a host. The
// scheme is matched without regard to case, as RFC 3986 asks.
func IsHTTP(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Host == "" {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return true
	}
	return false
}
