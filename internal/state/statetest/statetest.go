// Package statetest is the one suite of state tests, run against every
// backend: each backend's test calls Run with a function returning the
// address of a fresh, empty state (a new SQLite file, a new PostgreSQL
// database).
package statetest

import (
	"context"
	"testing"

	"github.com/braid-feeds/braid/internal/state"
)

// NewDSN returns the address of a fresh, empty state.
type NewDSN func(t *testing.T) string

// Run runs the whole suite.
func Run(t *testing.T, fresh NewDSN) {
	for _, tc := range []struct {
		name string
		test func(t *testing.T, fresh NewDSN)
	}{
		{"ArticleFirstSeenStable", testArticleFirstSeen},
		{"SourceItemsKeptUnlessReplaced", testSourceItems},
		{"ItemBodiesByteForByte", testItemBodies},
		{"ConcurrentSavesCommittedInGroups", testConcurrentSaves},
		{"ItemDigests", testItemDigests},
		{"SourceRoundTrip", testSourceRoundTrip},
		{"Meta", testMeta},
		{"Outputs", testOutputs},
		{"Scores", testScores},
		{"ArticleCache", testArticleCache},
		{"ConcurrentOpenGoroutines", testConcurrentOpenGoroutines},
		{"ConcurrentOpenProcesses", testConcurrentOpenProcesses},
		{"LeasesOneNodePerPeriod", testLeasesOneNodePerPeriod},
		{"LeaseExpiredIsTakenOver", testLeaseTakeover},
		{"LeaseRelease", testLeaseRelease},
		{"ClaimPing", testClaimPing},
		{"PruneDropsLeases", testPruneDropsLeases},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.test(t, fresh) })
	}
}

// open opens dsn and closes it at the end of the test.
func open(t *testing.T, dsn string) *state.Store {
	t.Helper()
	s, err := state.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
