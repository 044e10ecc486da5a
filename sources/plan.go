package sources

import (
	"fmt"
	"time"

	"github.com/braid-feeds/braid/internal/state"
)

// planned is what plan decided for one source this cycle.
type planned struct {
	st     state.Source // the state to go on from
	hold   string       // StatusGone or StatusSkipped: not fetched; "" fetch
	next   time.Time    // for a skipped source, when it may be fetched
	target string       // where to fetch it: its URL, or where it moved
}

// plan decides from the stored state alone whether a source is fetched
// now, and where.
func plan(st state.Source, s Spec, now time.Time, ignoreHints bool) planned {
	if st.URL != s.URL {
		// A changed URL in the config is a new source as far as
		// validators, redirects, backoff and gone go; its items stay
		// until the new URL delivers.
		st = state.Source{Name: s.Name, Feed: st.Feed}
	}
	st.URL = s.URL
	p := planned{st: st, target: s.URL}
	if st.MovedTo != "" {
		p.target = st.MovedTo
	}
	if st.Gone {
		p.hold = StatusGone
		return p
	}
	if next := nextAllowed(st, s.Every, ignoreHints); now.Before(next) {
		p.hold, p.next = StatusSkipped, next
	}
	return p
}

// nextAllowed is when the source may be fetched again: a server's
// Retry-After and failure backoff always count; the publisher's caching
// hints only when respected; and the source's own Every.
func nextAllowed(st state.Source, every time.Duration, ignoreHints bool) time.Time {
	next := st.NextFetch
	if !ignoreHints && st.HintNext.After(next) {
		next = st.HintNext
	}
	if every > 0 && !st.LastAttempt.IsZero() && st.LastAttempt.Add(every).After(next) {
		next = st.LastAttempt.Add(every)
	}
	return next
}

// held is the result of a source plan did not let fetch.
func held(s Spec, p planned) Result {
	res := Result{Name: s.Name, Status: p.hold, Class: p.st.ErrorClass, MovedTo: p.st.MovedTo}
	switch p.hold {
	case StatusGone:
		res.Err = fmt.Errorf("sources: %s: %w: answered HTTP 410 on %s; remove it or change its URL in the config",
			s.Name, ErrGone, p.st.LastAttempt.Format(time.DateOnly))
	case StatusSkipped:
		res.NextFetch = p.next
	}
	return res
}
