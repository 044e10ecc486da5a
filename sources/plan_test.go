package sources

import (
	"testing"
	"time"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/internal/state"
)

func TestPlan(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	const u = "https://wire.example/feed"
	origin := feed.Origin{Name: "wire", Title: "Wire"}
	tests := []struct {
		name        string
		st          state.Source
		every       time.Duration
		ignoreHints bool
		hold        string
		next        time.Time
		target      string
	}{
		{name: "new source is fetched", st: state.Source{Name: "wire"}, target: u},
		{name: "due source is fetched", st: state.Source{URL: u, NextFetch: now.Add(-time.Minute)}, target: u},
		{name: "backoff holds", st: state.Source{URL: u, NextFetch: now.Add(time.Hour)},
			hold: StatusSkipped, next: now.Add(time.Hour), target: u},
		{name: "hint holds", st: state.Source{URL: u, HintNext: now.Add(10 * time.Minute)},
			hold: StatusSkipped, next: now.Add(10 * time.Minute), target: u},
		{name: "hint ignored when told", st: state.Source{URL: u, HintNext: now.Add(10 * time.Minute)}, ignoreHints: true, target: u},
		{name: "Retry-After holds even when hints are ignored", st: state.Source{URL: u, NextFetch: now.Add(time.Minute)}, ignoreHints: true,
			hold: StatusSkipped, next: now.Add(time.Minute), target: u},
		{name: "the later of backoff and hint", st: state.Source{URL: u, NextFetch: now.Add(time.Minute), HintNext: now.Add(time.Hour)},
			hold: StatusSkipped, next: now.Add(time.Hour), target: u},
		{name: "every holds", st: state.Source{URL: u, LastAttempt: now.Add(-10 * time.Minute)}, every: time.Hour,
			hold: StatusSkipped, next: now.Add(50 * time.Minute), target: u},
		{name: "every elapsed", st: state.Source{URL: u, LastAttempt: now.Add(-time.Hour)}, every: time.Hour, target: u},
		{name: "gone holds", st: state.Source{URL: u, Gone: true}, hold: StatusGone, target: u},
		{name: "moved source is fetched where it moved", st: state.Source{URL: u, MovedTo: "https://new.example/feed"}, target: "https://new.example/feed"},
		{name: "changed URL forgets gone, backoff and redirect", st: state.Source{URL: "https://old.example/", Gone: true,
			NextFetch: now.Add(time.Hour), MovedTo: "https://elsewhere.example/", Feed: origin}, target: u},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := plan(tt.st, Spec{Name: "wire", URL: u, Every: tt.every}, now, tt.ignoreHints)
			if p.hold != tt.hold || !p.next.Equal(tt.next) || p.target != tt.target || p.st.URL != u {
				t.Errorf("plan: hold %q next %v target %q url %q; want %q %v %q", p.hold, p.next, p.target, p.st.URL, tt.hold, tt.next, tt.target)
			}
			if p.st.Feed != tt.st.Feed {
				t.Errorf("the feed description must survive: %+v", p.st.Feed)
			}
		})
	}
}

func TestHeld(t *testing.T) {
	last := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	next := last.Add(time.Hour)
	gone := held(Spec{Name: "wire"}, planned{hold: StatusGone, st: state.Source{LastAttempt: last, ErrorClass: ClassHTTP}})
	if gone.Status != StatusGone || gone.Class != ClassHTTP || gone.Err == nil ||
		gone.Err.Error() != "sources: wire: gone: answered HTTP 410 on 2026-11-02; remove it or change its URL in the config" {
		t.Errorf("gone: %+v", gone)
	}
	skipped := held(Spec{Name: "wire"}, planned{hold: StatusSkipped, next: next, st: state.Source{MovedTo: "https://n.example/"}})
	if skipped.Status != StatusSkipped || skipped.Err != nil || !skipped.NextFetch.Equal(next) || skipped.MovedTo != "https://n.example/" {
		t.Errorf("skipped: %+v", skipped)
	}
}
