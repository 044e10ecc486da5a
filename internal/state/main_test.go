package state_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/braid-feeds/braid/internal/state/pgtest"
	"github.com/braid-feeds/braid/internal/state/statetest"
)

func TestMain(m *testing.M) {
	statetest.Child()
	os.Exit(pgtest.Main(m))
}

func freshSQLite(t *testing.T) string { return filepath.Join(t.TempDir(), "sub", "state.db") }

func TestSQLite(t *testing.T) { statetest.Run(t, freshSQLite) }

func TestPostgres(t *testing.T) {
	statetest.Run(t, func(t *testing.T) string { return pgtest.URL(t) })
}
