package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Counts is rows per table.
type Counts map[string]int

// ErrCountMismatch is returned by Copy when the target does not hold
// exactly the rows read from the source; nothing is committed then.
var ErrCountMismatch = errors.New("state: copy: row counts differ")

// table is one table Copy moves, its columns in a fixed order. Parents
// come before children (items reference sources).
type table struct {
	name string
	cols []string
}

var tables = []table{
	{"articles", []string{"slug", "first_seen"}},
	{"sources", []string{"name", "url", "moved_to", "etag", "last_modified", "status", "http_status",
		"error_class", "error", "last_attempt", "last_success", "failures", "next_fetch", "gone", "feed",
		"hint_next", "ttl", "fetched_by", "items_digest"}},
	{"items", []string{"source", "id", "position", "first_seen", "hash", "data", "head", "summary", "content"}},
	{"meta", []string{"key", "value"}},
	{"leases", []string{"source", "node", "expires_ms"}},
	{"pings", []string{"url", "hash"}},
	{"outputs", []string{"out", "path", "unit", "hash"}},
	{"score_sets", []string{"out", "key", "df", "docs", "gen"}},
	{"scores", []string{"out", "slug", "digest", "query", "matches", "terms"}},
	{"score_items", []string{"out", "id", "hash", "vec", "print", "gen"}},
	{"article_cache", []string{"out", "path", "sum", "head", "data"}},
}

// Tables are the state's tables, parents first: the order Copy copies
// them in, for printing its counts.
func Tables() []string {
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = t.name
	}
	return names
}

// Copy replaces everything in to with a consistent snapshot of from, in
// one transaction on to, and verifies the row count of every table
// before committing: either to holds exactly what from held, or it is
// unchanged. Both stores are at the latest schema (Open saw to that).
func Copy(ctx context.Context, from, to *Store) (Counts, error) {
	rtx, err := from.db.BeginTx(ctx, from.d.snapshot())
	if err != nil {
		return nil, fmt.Errorf("state: copy: read %s: %w", from.path, err)
	}
	defer rtx.Rollback()
	wtx, err := to.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("state: copy: write %s: %w", to.path, err)
	}
	defer wtx.Rollback()
	for i := len(tables) - 1; i >= 0; i-- {
		if _, err := wtx.ExecContext(ctx, `DELETE FROM `+tables[i].name); err != nil {
			return nil, fmt.Errorf("state: copy: empty %s in %s: %w", tables[i].name, to.path, err)
		}
	}
	counts := Counts{}
	for _, t := range tables {
		n, err := copyTable(ctx, t, rtx, from.d, wtx, to.d)
		if err != nil {
			return nil, fmt.Errorf("state: copy %s: %w", t.name, err)
		}
		counts[t.name] = n
		if err := verifyCount(ctx, t.name, n, rtx, wtx); err != nil {
			return nil, err
		}
	}
	if err := wtx.Commit(); err != nil {
		return nil, fmt.Errorf("state: copy: commit %s: %w", to.path, err)
	}
	return counts, nil
}

// copyBatch rows go in one INSERT: far fewer round trips to PostgreSQL,
// and well under both databases' parameter limits.
const copyBatch = 200

func copyTable(ctx context.Context, t table, rtx *sql.Tx, rd dialect, wtx *sql.Tx, wd dialect) (int, error) {
	rows, err := rtx.QueryContext(ctx, rd.q(`SELECT `+strings.Join(t.cols, ", ")+` FROM `+t.name))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	var batch []any
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := wtx.ExecContext(ctx, wd.q(insertRows(t, len(batch)/len(t.cols))), batch...)
		batch = batch[:0]
		return err
	}
	for rows.Next() {
		vals := make([]any, len(t.cols))
		ptrs := make([]any, len(t.cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		for i, v := range vals {
			// An empty BLOB scans as a nil []byte, which the other
			// backend would store as NULL.
			if b, ok := v.([]byte); ok && b == nil {
				vals[i] = []byte{}
			}
		}
		batch = append(batch, vals...)
		n++
		if n%copyBatch == 0 {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	return n, flush()
}

func insertRows(t table, n int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(t.cols)), ",") + ")"
	return `INSERT INTO ` + t.name + `(` + strings.Join(t.cols, ", ") + `) VALUES ` +
		strings.TrimSuffix(strings.Repeat(one+",", n), ",")
}

// verifyCount checks the copied table against both ends: the rows read
// must be every row of the snapshot, and the target must hold them all.
func verifyCount(ctx context.Context, name string, copied int, rtx, wtx *sql.Tx) error {
	var src, dst int
	if err := rtx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+name).Scan(&src); err != nil {
		return fmt.Errorf("state: copy: count %s: %w", name, err)
	}
	if err := wtx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+name).Scan(&dst); err != nil {
		return fmt.Errorf("state: copy: count %s: %w", name, err)
	}
	if src != copied || dst != copied {
		return fmt.Errorf("%w: %s: source %d, copied %d, target %d", ErrCountMismatch, name, src, copied, dst)
	}
	return nil
}
