package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// shared is the one cluster of a test binary, started by the first test
// that asks for it.
var shared struct {
	once sync.Once
	c    *Cluster
	err  error
	n    atomic.Int64
}

// Main runs the tests and then stops the shared cluster if one was
// started. Use it from TestMain: os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	if shared.c != nil {
		if err := shared.c.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
	return code
}

// Shared returns the test binary's cluster, starting it on first use.
// It skips the test when PostgreSQL is not installed, or fails it when
// BRAID_REQUIRE_POSTGRES=1.
func Shared(t testing.TB) *Cluster {
	t.Helper()
	shared.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		shared.c, shared.err = Start(ctx)
	})
	if errors.Is(shared.err, ErrNotInstalled) && os.Getenv("BRAID_REQUIRE_POSTGRES") != "1" {
		t.Skip("PostgreSQL not installed: apt-get install postgresql")
	}
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.c
}

// URL returns the URL of a new, empty database in the shared cluster, so
// tests do not see each other's rows.
func URL(t testing.TB) string {
	t.Helper()
	c := Shared(t)
	u, err := c.CreateDB(context.Background(), fmt.Sprintf("t%d", shared.n.Add(1)))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// ClosedPort returns a 127.0.0.1 port nothing listens on, as a string,
// for tests of an unreachable database.
func ClosedPort(t testing.TB) string {
	t.Helper()
	p, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	return strconv.Itoa(p)
}

// Private starts a cluster of the test's own, for tests that pause or stop
// it (the shared one must stay up), and returns it with the URL of a
// database named db in it. It skips like Shared, and stops the cluster
// when the test ends.
func Private(t testing.TB, db string) (*Cluster, string) {
	t.Helper()
	Shared(t) // skips (or fails in CI) without PostgreSQL
	ctx := context.Background()
	c, err := Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Stop() })
	u, err := c.CreateDB(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	return c, u
}
