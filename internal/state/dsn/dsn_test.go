package dsn

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Kind
		err  error
	}{
		{".braid/state.db", SQLite, nil},
		{"/var/lib/braid/state.db", SQLite, nil},
		{"state:odd.db", SQLite, nil},
		{"postgres://braid@db.example/braid", Postgres, nil},
		{"PostgreSQL://braid@127.0.0.1:5432/braid?sslmode=disable", Postgres, nil},
		{"mysql://root@db/braid", SQLite, ErrUnsupported},
		{"redis://cache:6379/0", SQLite, ErrUnsupported},
		{"file:///var/lib/braid/state.db", SQLite, ErrUnsupported},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := Parse(tc.in)
			if got != tc.want || !errors.Is(err, tc.err) {
				t.Errorf("Parse(%q) = %v, %v; want %v, %v", tc.in, got, err, tc.want, tc.err)
			}
			if IsURL(tc.in) != (tc.want == Postgres || tc.err != nil) {
				t.Errorf("IsURL(%q) = %v", tc.in, IsURL(tc.in))
			}
		})
	}
}
