package sources

import (
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// TestCycleTimeout: twenty sources on one host that hang, two at a time,
// each with a generous own deadline. Without a cycle deadline the cycle
// would last ten times that; with it every source ends as timed out by
// the cycle's deadline, and a source that had items keeps them.
func TestCycleTimeout(t *testing.T) {
	var healthy atomic.Bool
	healthy.Store(true)
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if healthy.Load() {
			feedOK(rssDoc("", twoItems...))(w, r)
			return
		}
		hang(w, r)
	})
	e := newEnv(t, func(o *Options) {
		o.Timeout = time.Minute
		o.PerHost = 2
		o.Retries = -1
	})
	specs := make([]Spec, 20)
	for i := range specs {
		specs[i] = Spec{Name: fmt.Sprintf("s%02d", i), URL: fmt.Sprintf("%s/feed/%d", srv.URL, i)}
	}
	// A first cycle where the host answers, so every source has items.
	for _, r := range e.cycle(specs...) {
		if r.Status != StatusOK {
			t.Fatalf("%s: %s %v", r.Name, r.Status, r.Err)
		}
	}
	healthy.Store(false)
	e.opt.CycleTimeout = 200 * time.Millisecond
	e.clock.Add(time.Hour)
	for _, r := range e.cycle(specs...) {
		if r.Status != StatusFailed || r.Class != ClassTimeout || !errors.Is(r.Err, ErrCycleTimeout) {
			t.Errorf("%s: %s/%s %v, want a timeout by the cycle's deadline", r.Name, r.Status, r.Class, r.Err)
		}
		if len(r.Items) != len(twoItems) {
			t.Errorf("%s: %d items, want its last good %d", r.Name, len(r.Items), len(twoItems))
		}
		if st := e.state(r.Name); st.ErrorClass != ClassTimeout || st.Failures != 1 {
			t.Errorf("%s: state %s, %d failures", r.Name, st.ErrorClass, st.Failures)
		}
	}
}
