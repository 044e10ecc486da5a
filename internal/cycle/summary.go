package cycle

import (
	"fmt"
	"time"

	"github.com/braid-feeds/braid/sources"
	"github.com/braid-feeds/braid/sources/articles"
)

// Phases of a cycle, as Progress reports them.
const (
	PhaseArticles = "reading articles"
	PhaseFetch    = "fetching sources"
	PhaseScore    = "scoring"
	PhaseWrite    = "writing feeds"
)

// Progress is where a running cycle is.
type Progress struct {
	Phase        string
	SourcesDone  int
	SourcesTotal int
	Failed       int
}

// Summary says what a cycle did.
type Summary struct {
	Articles    int
	SourcesOK   int
	NotModified int
	Skipped     int // not due this cycle; their last good items were used
	Leased      int // fetched by another node of the fleet this period
	Failed      []SourceFailure
	Sources     []SourceStat // every source, in config order
	Items       int          // external items in the candidate pool
	Written     int          // files whose content changed
	Unchanged   int          // files left as they were
	Removed     int          // files of feeds no longer published, removed
	Changed     []string     // URLs of the feeds whose content changed
	PingErr     error        // WebSub pings that failed (they stay queued)
	Moved       []Moved      // sources that answered a permanent redirect
	Duration    time.Duration

	// ArticleProblems are what is wrong with the local articles: files
	// left out (errors), links overruled (warnings) and notes.
	ArticleProblems []articles.Problem
	// ArticleErr joins the files that could not be published; the rest
	// of the site was. `braid generate` exits 1 with it.
	ArticleErr error
}

// Moved is a source to update in the config: it moved permanently.
type Moved struct {
	Name, To string
}

// SourceStat is one source's outcome this cycle.
type SourceStat struct {
	Name   string
	Status string
	Items  int // items it contributed (its last good ones when it failed)
	// FetchedBy is the fleet node that fetched it last ("" alone).
	FetchedBy string
}

// SourceFailure is a source that failed this cycle; its last good items
// were still used.
type SourceFailure struct {
	Name string
	Err  error
}

// String is the one-line summary printed at the end of a cycle.
func (s *Summary) String() string {
	removed := ""
	if s.Removed > 0 {
		// Only when there were any: most cycles remove nothing.
		removed = fmt.Sprintf(", %d removed", s.Removed)
	}
	leased := ""
	if s.Leased > 0 {
		// Under a lease: fetched this period, by another node or by this
		// one in an earlier cycle; their stored items were used.
		leased = fmt.Sprintf(", %d leased", s.Leased)
	}
	return fmt.Sprintf("%d articles; sources: %d ok, %d not modified, %d not due%s, %d failed; %d items; files: %d written, %d unchanged%s; %s",
		s.Articles, s.SourcesOK, s.NotModified, s.Skipped, leased, len(s.Failed), s.Items, s.Written, s.Unchanged, removed,
		s.Duration.Round(time.Millisecond))
}

// tally counts one source's outcome.
func (s *Summary) tally(r *sources.Result, stored int) {
	switch r.Status {
	case sources.StatusOK:
		s.SourcesOK++
	case sources.StatusNotModified:
		s.NotModified++
	case sources.StatusLeased:
		s.Leased++
	case sources.StatusSkipped:
		// Not due yet (Retry-After, backoff, caching hints): its last
		// good items stand in, and nothing failed this cycle.
		s.Skipped++
	default:
		s.Failed = append(s.Failed, SourceFailure{Name: r.Name, Err: r.Err})
	}
	n := len(r.Items)
	if r.Stored {
		n = stored
	}
	s.Sources = append(s.Sources, SourceStat{Name: r.Name, Status: r.Status, Items: n})
	if r.MovedTo != "" {
		s.Moved = append(s.Moved, Moved{Name: r.Name, To: r.MovedTo})
	}
}
