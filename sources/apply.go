package sources

import (
	"errors"
	"fmt"
	"time"

	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/sources/fetcher"
)

// policy is what apply needs to know of the options.
type policy struct {
	authority   string // for tag: ids
	timeout     time.Duration
	backoffBase time.Duration
	maxBackoff  time.Duration
	jitter      func(time.Duration) time.Duration
}

// applied is an outcome's effect: the state to save, the items to store
// (nil: keep the stored ones), and the source's result.
type applied struct {
	st    state.Source
	items []state.Item
	res   Result
	save  bool
}

// apply decides what an outcome does to a source's stored state. It is
// pure: everything it needs is in its arguments.
func apply(s Spec, st state.Source, prev []state.Item, o outcome, pol policy) applied {
	res := Result{Name: s.Name, MovedTo: st.MovedTo, Attempts: o.attempts, Bytes: o.wire}
	if o.cancelled != nil {
		res.Status, res.Class, res.Err = StatusFailed, ClassCancelled, fmt.Errorf("sources: %s: %w", s.Name, o.cancelled)
		return applied{st: st, res: res}
	}
	st.LastAttempt = o.at
	if o.code != 0 {
		st.HTTPStatus = o.code
	}
	if o.err != nil {
		st, res = failed(st, res, o, pol)
		return applied{st: st, res: res, save: true}
	}
	var items []state.Item
	ttl := st.TTL
	res.Status = StatusNotModified
	if !o.notModified {
		res.Status = StatusOK
		st, items = took(st, prev, o, s.Name, pol.authority)
		ttl = o.feed.TTL
	}
	st = succeeded(st, s.URL, o, res.Status, ttl)
	res.MovedTo = st.MovedTo
	return applied{st: st, items: items, res: res, save: true}
}

// took records a freshly parsed feed: its items reconciled with the
// stored ones, its description, ttl and validators. An empty feed erases
// nothing: a publisher's glitch must not wipe what readers were shown
// (old items age out with related.max_age).
func took(st state.Source, prev []state.Item, o outcome, name, authority string) (state.Source, []state.Item) {
	var items []state.Item
	if len(o.feed.Items) > 0 {
		items = reconcile(authority, name, prev, o.feed.Items, o.at)
	}
	st.Feed, st.TTL = o.feed.Origin, o.feed.TTL
	if o.header != nil {
		st.ETag, st.LastModified = o.header.Get("ETag"), o.header.Get("Last-Modified")
	} else {
		st.ETag, st.LastModified = o.etag, ""
	}
	return st, items
}

// succeeded heals a source that answered (with a feed or a 304): no
// failures, no backoff, the publisher's hints from this answer, and a
// permanent redirect recorded.
func succeeded(st state.Source, configURL string, o outcome, status string, ttl time.Duration) state.Source {
	now := o.at
	st.Status, st.Error, st.ErrorClass = status, "", ""
	st.Failures, st.LastSuccess, st.NextFetch, st.HintNext = 0, now, time.Time{}, time.Time{}
	if o.header != nil {
		if d := fetcher.Freshness(o.header, ttl, now); d > 0 {
			st.HintNext = now.Add(d)
		}
	}
	if o.movedTo != "" {
		// Recorded only once the new place answered with a feed (or a
		// 304): a permanent redirect to a broken page must not replace a
		// URL that may come back.
		st.MovedTo = o.movedTo
	}
	if st.MovedTo == configURL {
		st.MovedTo = ""
	}
	return st
}

// failed records a failure: its class, the count, and when the source
// may be asked again. A 410 makes the source gone.
func failed(st state.Source, res Result, o outcome, pol policy) (state.Source, Result) {
	class := classify(o.err)
	res.Status, res.Class = StatusFailed, class
	st.ErrorClass = class
	st.Failures++
	st.NextFetch = time.Time{}
	if d := backoff(st.Failures, pol); d > 0 {
		st.NextFetch = o.at.Add(d)
	}
	var se *StatusError
	if errors.As(o.err, &se) && se.RetryAfter.After(st.NextFetch) {
		st.NextFetch = se.RetryAfter
	}
	if errors.Is(o.err, ErrGone) {
		st.Gone = true
		res.Status = StatusGone
	}
	st.Status = res.Status
	res.NextFetch = st.NextFetch
	err := explain(o, class, pol.timeout)
	res.Err = fmt.Errorf("sources: %s: %w", res.Name, err)
	st.Error = err.Error()
	return st, res
}

// explain adds to a failure what an operator needs to read it: that the
// source's own deadline ran out, and how many attempts were made.
func explain(o outcome, class string, timeout time.Duration) error {
	err := o.err
	if class == ClassTimeout && o.deadline {
		err = fmt.Errorf("%w (fetch.timeout is %v)", err, timeout)
	}
	if o.attempts > 1 {
		err = fmt.Errorf("%w (%d attempts)", err, o.attempts)
	}
	return err
}

// backoff is how long a source that failed failures times in a row waits
// before the next cycle may fetch it. The first failure waits for nothing
// (it was retried within the cycle already, and the next cycle is soon
// enough); from the second on the wait doubles from backoffBase, capped
// at maxBackoff, with jitter.
func backoff(failures int, pol policy) time.Duration {
	if failures < 2 {
		return 0
	}
	d := pol.backoffBase
	for i := 2; i < failures && d < pol.maxBackoff; i++ {
		d *= 2
	}
	return min(pol.jitter(d), pol.maxBackoff)
}
