package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Store is an open state file.
type Store struct {
	db   *sql.DB
	path string

	mu    sync.Mutex
	stmts map[string]*sql.Stmt

	// saveMu serialises SaveSource: sources fetch concurrently, and their
	// outcomes are written one at a time by the store itself rather than
	// by a lock every caller must remember to pass around.
	saveMu sync.Mutex
}

// stmt returns query prepared once per Store: a cycle runs the same few
// statements for every source, and preparing is most of their cost.
func (s *Store) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.stmts[query]; st != nil {
		return st, nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if s.stmts == nil {
		s.stmts = map[string]*sql.Stmt{}
	}
	s.stmts[query] = st
	return st, nil
}

// schema is applied in order; the index+1 is the schema version.
var schema = []string{
	`CREATE TABLE articles (
		slug       TEXT PRIMARY KEY,
		first_seen INTEGER NOT NULL
	);
	CREATE TABLE sources (
		name          TEXT PRIMARY KEY,
		url           TEXT NOT NULL,
		moved_to      TEXT NOT NULL DEFAULT '',
		etag          TEXT NOT NULL DEFAULT '',
		last_modified TEXT NOT NULL DEFAULT '',
		status        TEXT NOT NULL DEFAULT '',
		http_status   INTEGER NOT NULL DEFAULT 0,
		error_class   TEXT NOT NULL DEFAULT '',
		error         TEXT NOT NULL DEFAULT '',
		last_attempt  INTEGER NOT NULL DEFAULT 0,
		last_success  INTEGER NOT NULL DEFAULT 0,
		failures      INTEGER NOT NULL DEFAULT 0,
		next_fetch    INTEGER NOT NULL DEFAULT 0,
		gone          INTEGER NOT NULL DEFAULT 0,
		feed          TEXT NOT NULL DEFAULT '{}'
	);
	CREATE TABLE items (
		source     TEXT NOT NULL REFERENCES sources(name) ON DELETE CASCADE,
		id         TEXT NOT NULL,
		position   INTEGER NOT NULL,
		first_seen INTEGER NOT NULL,
		hash       TEXT NOT NULL,
		data       TEXT NOT NULL,
		PRIMARY KEY (source, id)
	);`,
	// 2: the publisher's own caching hints are kept apart from next_fetch
	// (Retry-After and failure backoff) because fetch.respect_hints may
	// turn them off without touching what a server demanded; ttl is kept
	// so a 304, which carries no body, still knows the feed's <ttl>.
	`ALTER TABLE sources ADD COLUMN hint_next INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE sources ADD COLUMN ttl INTEGER NOT NULL DEFAULT 0;`,
	// 3: small values the cycle keeps, such as the fingerprint of the
	// inputs it last published.
	`CREATE TABLE meta (
		key   TEXT PRIMARY KEY,
		value TEXT NOT NULL
	);`,
}

// Open opens (creating if needed) the state file at path and brings its
// schema up to date.
func Open(ctx context.Context, path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	// busy_timeout: a second braid process (e.g. `braid sources` while the
	// daemon runs) waits for the writer instead of failing at once.
	dsn := "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("state: open %s: %w", path, err)
	}
	// One connection: SQLite serializes writers anyway, and this keeps
	// pragmas and transactions simple.
	db.SetMaxOpenConns(1)
	s := &Store{db: db, path: path}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("state: %s: %w", path, err)
	}
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	var v int
	if err := s.db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return err
	}
	if v > len(schema) {
		return fmt.Errorf("schema version %d is newer than this braid knows (%d)", v, len(schema))
	}
	for ; v < len(schema); v++ {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, schema[v]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate to %d: %w", v+1, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, v+1)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// Close closes the state file.
func (s *Store) Close() error {
	s.mu.Lock()
	for _, st := range s.stmts {
		st.Close()
	}
	s.stmts = nil
	s.mu.Unlock()
	return s.db.Close()
}

// Path is the file the store was opened from.
func (s *Store) Path() string { return s.path }

// ArticleFirstSeen returns when the article with slug was first seen,
// recording now if it never was. Undated articles take this as their date,
// so it must not move between runs.
func (s *Store) ArticleFirstSeen(ctx context.Context, slug string, now time.Time) (time.Time, error) {
	if _, err := s.db.ExecContext(ctx,
		`INSERT INTO articles(slug, first_seen) VALUES(?, ?) ON CONFLICT(slug) DO NOTHING`,
		slug, now.UTC().Unix()); err != nil {
		return time.Time{}, fmt.Errorf("state: article %s: %w", slug, err)
	}
	var ts int64
	if err := s.db.QueryRowContext(ctx, `SELECT first_seen FROM articles WHERE slug = ?`, slug).Scan(&ts); err != nil {
		return time.Time{}, fmt.Errorf("state: article %s: %w", slug, err)
	}
	return time.Unix(ts, 0).UTC(), nil
}

// ErrNotFound is returned when a source has no state yet.
var ErrNotFound = errors.New("state: not found")

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
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
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
	if _, err := s.db.ExecContext(ctx,
		`INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
		key, value); err != nil {
		return fmt.Errorf("state: meta %s: %w", key, err)
	}
	return nil
}
