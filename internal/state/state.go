package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"               // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/braid-feeds/braid/internal/state/dsn"
)

// Store is an open state database.
type Store struct {
	db   *sql.DB
	d    dialect
	path string // for messages: the file, or the URL without its password

	mu    sync.Mutex
	stmts map[string]*sql.Stmt

	// saveMu serialises SaveSource's commits: sources fetch concurrently,
	// and their outcomes are written one group at a time by the store
	// itself rather than by a lock every caller must remember to pass
	// around.
	saveMu sync.Mutex
	// pending are the SaveSource calls waiting to be committed together.
	pendMu  sync.Mutex
	pending []*saveReq
}

// ErrNotFound is returned when a source has no state yet.
var ErrNotFound = errors.New("state: not found")

// ErrUnsupported is returned by Open for a URL of a scheme braid cannot
// store state in.
var ErrUnsupported = dsn.ErrUnsupported

// Open opens (creating if needed) the state at target, a SQLite file path
// or a postgres:// URL, and brings its schema up to date. Several
// processes may open a fresh state at once.
func Open(ctx context.Context, target string) (*Store, error) {
	kind, err := dsn.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	var s *Store
	if kind == dsn.Postgres {
		s, err = openPostgres(target)
	} else {
		s, err = openSQLite(target)
	}
	if err != nil {
		return nil, err
	}
	if err := s.migrateRetrying(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("state: %s: %w", s.path, err)
	}
	return s, nil
}

// migrateRetrying migrates, waiting out SQLITE_BUSY. The busy timeout
// covers waiting for a writer, but not every race of several processes
// creating one file at once: switching a fresh file to WAL can fail at
// once while another connection holds it, and the next try succeeds.
func (s *Store) migrateRetrying(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := s.migrate(ctx)
		var se *sqlite.Error
		if err == nil || s.d.pg || !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(20+rand.IntN(80)) * time.Millisecond):
		}
	}
}

func openSQLite(path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	// busy_timeout: a second braid process (e.g. `braid sources` while the
	// daemon runs) waits for the writer instead of failing at once.
	// _txlock=immediate: a transaction takes the write lock when it
	// begins, so two processes never both read then both try to write
	// (which SQLite can only resolve by failing one with SQLITE_BUSY).
	src := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", src)
	if err != nil {
		return nil, fmt.Errorf("state: open %s: %w", path, err)
	}
	// One connection: SQLite serializes writers anyway, and this keeps
	// pragmas and transactions simple.
	db.SetMaxOpenConns(1)
	return &Store{db: db, path: path}, nil
}

func openPostgres(target string) (*Store, error) {
	u, err := url.Parse(target)
	if err != nil {
		// url's error quotes the whole URL, password included.
		return nil, fmt.Errorf("state: %w: malformed postgres URL", ErrUnsupported)
	}
	// Without a connect timeout an unreachable host stalls a cycle for the
	// kernel's TCP timeout, minutes, before the error is even logged.
	q := u.Query()
	if q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", "10")
		u.RawQuery = q.Encode()
	}
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		return nil, fmt.Errorf("state: open %s: %w", u.Redacted(), err)
	}
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return &Store{db: db, d: dialect{pg: true}, path: u.Redacted()}, nil
}

// stmt returns query prepared once per Store: a cycle runs the same few
// statements for every source, and preparing is most of their cost.
func (s *Store) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.stmts[query]; st != nil {
		return st, nil
	}
	st, err := s.db.PrepareContext(ctx, s.d.q(query))
	if err != nil {
		return nil, err
	}
	if s.stmts == nil {
		s.stmts = map[string]*sql.Stmt{}
	}
	s.stmts[query] = st
	return st, nil
}

func (s *Store) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return s.db.ExecContext(ctx, s.d.q(query), args...)
}

func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return s.db.QueryContext(ctx, s.d.q(query), args...)
}

func (s *Store) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return s.db.QueryRowContext(ctx, s.d.q(query), args...)
}

// Close closes the state.
func (s *Store) Close() error {
	s.mu.Lock()
	for _, st := range s.stmts {
		st.Close()
	}
	s.stmts = nil
	s.mu.Unlock()
	return s.db.Close()
}

// Path is the file the store was opened from, or its URL without the
// password: safe to log.
func (s *Store) Path() string { return s.path }

// Backend is "sqlite" or "postgres".
func (s *Store) Backend() string {
	if s.d.pg {
		return dsn.Postgres.String()
	}
	return dsn.SQLite.String()
}

// ArticleFirstSeen returns when the article with slug was first seen,
// recording now if it never was. Undated articles take this as their date,
// so it must not move between runs.
func (s *Store) ArticleFirstSeen(ctx context.Context, slug string, now time.Time) (time.Time, error) {
	if _, err := s.exec(ctx,
		`INSERT INTO articles(slug, first_seen) VALUES(?, ?) ON CONFLICT(slug) DO NOTHING`,
		slug, now.UTC().Unix()); err != nil {
		return time.Time{}, fmt.Errorf("state: article %s: %w", slug, err)
	}
	var ts int64
	if err := s.queryRow(ctx, `SELECT first_seen FROM articles WHERE slug = ?`, slug).Scan(&ts); err != nil {
		return time.Time{}, fmt.Errorf("state: article %s: %w", slug, err)
	}
	return time.Unix(ts, 0).UTC(), nil
}

func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UTC().Unix()
}

func fromUnix(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(v, 0).UTC()
}

// Meta returns a value the cycle stored under key, or "" when none.
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.queryRow(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("state: meta %s: %w", key, err)
	}
	return v, nil
}

// SetMeta stores value under key.
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	if _, err := s.exec(ctx,
		`INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
		key, value); err != nil {
		return fmt.Errorf("state: meta %s: %w", key, err)
	}
	return nil
}
