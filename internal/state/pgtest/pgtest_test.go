package pgtest

import (
	"context"
	"database/sql"
	"os"
	"testing"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

// TestCluster: the shared cluster serves separate databases, and a
// paused cluster comes back on the same URL with its data.
func TestCluster(t *testing.T) {
	ctx := context.Background()
	c := Shared(t)
	t.Logf("cluster started in %v", c.Started)
	for _, tc := range []struct{ name, value string }{{"one", "1"}, {"two", "2"}} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := sql.Open("pgx", URL(t))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.ExecContext(ctx, `CREATE TABLE t (v TEXT)`); err != nil {
				t.Fatal(err) // would fail in the second database if they were shared
			}
			if _, err := db.ExecContext(ctx, `INSERT INTO t VALUES ($1)`, tc.value); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM t`).Scan(&n); err != nil || n != 1 {
				t.Errorf("rows %d %v", n, err)
			}
		})
	}
}
