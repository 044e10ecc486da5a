package fetcher

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Caps on what a publisher's answer can make braid do. A bogus
// "Retry-After: 31536000" or a static file served with max-age of a year
// must not silence a source for good; an operator can always see the next
// allowed fetch in `braid sources`.
const (
	maxRetryAfter = 7 * 24 * time.Hour
	maxHint       = 24 * time.Hour
)

// RetryAfter parses a Retry-After header, delta-seconds or an HTTP date,
// into an absolute time. Zero means absent or unparseable.
func RetryAfter(h http.Header, now time.Time) time.Time {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return time.Time{}
	}
	var t time.Time
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return time.Time{}
		}
		if secs > int64(maxRetryAfter/time.Second) {
			secs = int64(maxRetryAfter / time.Second)
		}
		t = now.Add(time.Duration(secs) * time.Second)
	} else if d, err := http.ParseTime(v); err == nil {
		t = d
	} else {
		return time.Time{}
	}
	if t.Before(now) {
		return time.Time{}
	}
	if t.After(now.Add(maxRetryAfter)) {
		t = now.Add(maxRetryAfter)
	}
	return t
}

// Freshness is how long the publisher says its answer stays fresh:
// Cache-Control max-age (or none at all with no-cache/no-store), else
// Expires, else the feed's <ttl>. That is the order careful readers use,
// and the HTTP one: max-age overrides Expires (RFC 9111 §5.3). The result
// is capped at maxHint; zero means "no hint".
func Freshness(h http.Header, ttl time.Duration, now time.Time) time.Duration {
	d, ok := httpFreshness(h, now)
	if !ok {
		d = ttl
	}
	if d < 0 {
		d = 0
	}
	return min(d, maxHint)
}

// httpFreshness reports the freshness the HTTP headers state, and whether
// they state one at all.
func httpFreshness(h http.Header, now time.Time) (time.Duration, bool) {
	if cc := h.Values("Cache-Control"); len(cc) > 0 {
		for _, dir := range strings.Split(strings.Join(cc, ","), ",") {
			name, val, _ := strings.Cut(strings.TrimSpace(dir), "=")
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "no-cache", "no-store":
				return 0, true
			case "max-age":
				secs, err := strconv.ParseInt(strings.Trim(strings.TrimSpace(val), `"`), 10, 64)
				if err != nil || secs < 0 {
					continue
				}
				secs = min(secs, int64(maxHint/time.Second))
				return time.Duration(secs) * time.Second, true
			}
		}
	}
	if v := h.Get("Expires"); v != "" {
		t, err := http.ParseTime(v)
		if err != nil {
			// RFC 9111: an invalid Expires means "already expired".
			return 0, true
		}
		// Measure against the server's own clock when it sent one, so a
		// skewed clock on either side does not shift the hint.
		base := now
		if d, err := http.ParseTime(h.Get("Date")); err == nil {
			base = d
		}
		return t.Sub(base), true
	}
	return 0, false
}
