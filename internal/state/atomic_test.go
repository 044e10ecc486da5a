package state

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/internal/state/pgtest"
)

// backends opens a fresh store per backend, for tests that need the
// package's insides (the raw database) on both.
var backends = []struct {
	name string
	dsn  func(t *testing.T) string
	// boom makes inserting an item with id "boom" fail inside the
	// database, in the middle of SaveSource's transaction.
	boom string
}{
	{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "state.db") },
		`CREATE TRIGGER boom BEFORE INSERT ON items WHEN NEW.id = 'boom' BEGIN SELECT RAISE(ABORT, 'boom'); END`},
	{"postgres", func(t *testing.T) string { return pgtest.URL(t) },
		`CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN
			IF NEW.id = 'boom' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
		CREATE TRIGGER boom BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION boom();`},
}

// TestSaveSourceIsAllOrNothing: a failure after the source row and some
// items were written leaves the previous source and items whole.
func TestSaveSourceIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s, err := Open(ctx, b.dsn(t))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			old := Source{Name: "wire", URL: "https://w.example/f", Status: "ok", ETag: `"1"`, LastSuccess: t0}
			oldItems := []Item{{Item: feed.Item{ID: "a", Title: "A"}, FirstSeen: t0, Hash: "ha"}}
			if err := s.SaveSource(ctx, old, oldItems); err != nil {
				t.Fatal(err)
			}
			if _, err := s.db.ExecContext(ctx, b.boom); err != nil {
				t.Fatal(err)
			}
			next := old
			next.ETag, next.FetchedBy = `"2"`, "node-a"
			err = s.SaveSource(ctx, next, []Item{{Item: feed.Item{ID: "b"}}, {Item: feed.Item{ID: "boom"}}})
			if err == nil || !strings.HasPrefix(err.Error(), "state: source wire: ") {
				t.Fatalf("SaveSource = %v, want a state: error", err)
			}
			got, err := s.Source(ctx, "wire")
			if err != nil || !reflect.DeepEqual(got, old) {
				t.Errorf("source after a failed save: %+v %v", got, err)
			}
			items, err := s.Items(ctx, "wire")
			if err != nil || len(items) != 1 || items[0].ID != "a" {
				t.Errorf("items after a failed save: %+v %v", items, err)
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	closed := pgtest.ClosedPort(t)
	for _, tc := range []struct {
		name, dsn string
		is        error
		contains  string
	}{
		{"mysql", "mysql://root:pw@db/braid", ErrUnsupported, `scheme "mysql"`},
		{"redis", "redis://cache:6379/0", ErrUnsupported, `scheme "redis"`},
		{"unreachable", "postgres://braid:s3cret@127.0.0.1:" + closed + "/braid?sslmode=disable", nil, "127.0.0.1:" + closed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(ctx, tc.dsn)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "state: ") || !strings.Contains(msg, tc.contains) || strings.Contains(msg, "s3cret") {
				t.Errorf("error %q: want a state: error naming %q without the password", msg, tc.contains)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
		})
	}
}

func TestDialectPlaceholders(t *testing.T) {
	for _, tc := range []struct {
		in, sqlite, pg string
	}{
		{`SELECT 1`, `SELECT 1`, `SELECT 1`},
		{`UPDATE t SET a = ? WHERE b IN (?) AND c <= ?`, `UPDATE t SET a = ? WHERE b IN (?) AND c <= ?`,
			`UPDATE t SET a = $1 WHERE b IN ($2) AND c <= $3`},
		{`x ?::json ünï ?`, `x ?::json ünï ?`, `x $1::json ünï $2`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := (dialect{}).q(tc.in); got != tc.sqlite {
				t.Errorf("sqlite: %q", got)
			}
			if got := (dialect{pg: true}).q(tc.in); got != tc.pg {
				t.Errorf("postgres: %q", got)
			}
		})
	}
}
