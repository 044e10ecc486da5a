package state

import (
	"context"
	"database/sql"
	"fmt"
)

// schema is applied in order; the index+1 is the schema version. Written
// in SQLite's spelling; dialect.ddl translates for PostgreSQL.
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
	// 4: a fleet. Leases are rows of their own, not columns of sources,
	// because a source is claimed before its first fetch creates its
	// row; pings remember the last feed hash announced to the hub.
	`ALTER TABLE sources ADD COLUMN fetched_by TEXT NOT NULL DEFAULT '';
	CREATE TABLE leases (
		source     TEXT PRIMARY KEY,
		node       TEXT NOT NULL DEFAULT '',
		expires_ms INTEGER NOT NULL DEFAULT 0
	);
	CREATE TABLE pings (
		url  TEXT PRIMARY KEY,
		hash TEXT NOT NULL
	);`,
	// 5: the files braid wrote into an output folder, each with the hash
	// of what its unit (one feed, the index page, the OPML list) was
	// built from: a cycle renders a unit only when that hash changed,
	// and removes only files listed here. Keyed by the output folder
	// because fleet nodes share one database but each has its own out/.
	`CREATE TABLE outputs (
		out  TEXT NOT NULL,
		path TEXT NOT NULL,
		unit TEXT NOT NULL,
		hash TEXT NOT NULL,
		PRIMARY KEY (out, path)
	);`,
	// 6: each source's items_digest (ItemDigests), written with its
	// items, so a cycle tells that nothing changed without reading them;
	// relatedness scores kept between cycles (related.Memo), so a
	// cycle scores only new items and edited articles, and each item's
	// term vector and near-duplicate fingerprint, so it is tokenized and
	// shingled once; and each article as parsed, by the bytes it was
	// parsed from. Vectors are written while a cycle scores, each with
	// the generation the cycle will commit; the items the kept scores
	// cover are those whose vector's generation is committed. Keyed by the
	// output folder like outputs: each node of a fleet keeps its own,
	// and a node's rows always agree with its score_sets row. The large
	// blobs come last in their rows: a row's columns are read in order,
	// and reading every item's hash and fingerprint (or every article's
	// matches) past its vector (or query) read their overflow pages.
	`ALTER TABLE sources ADD COLUMN items_digest TEXT NOT NULL DEFAULT '';
	CREATE TABLE score_sets (
		out  TEXT PRIMARY KEY,
		key  TEXT NOT NULL,
		df   BLOB NOT NULL,
		docs INTEGER NOT NULL,
		gen  INTEGER NOT NULL
	);
	CREATE TABLE scores (
		out     TEXT NOT NULL,
		slug    TEXT NOT NULL,
		digest  TEXT NOT NULL,
		matches BLOB NOT NULL,
		query   BLOB NOT NULL,
		terms   BLOB NOT NULL,
		PRIMARY KEY (out, slug)
	);
	CREATE TABLE score_items (
		out   TEXT NOT NULL,
		id    TEXT NOT NULL,
		hash  INTEGER NOT NULL,
		gen   INTEGER NOT NULL,
		print BLOB NOT NULL,
		vec   BLOB NOT NULL,
		PRIMARY KEY (out, id)
	);
	CREATE INDEX score_items_gen ON score_items(out, gen);
	CREATE TABLE article_cache (
		out  TEXT NOT NULL,
		path TEXT NOT NULL,
		sum  TEXT NOT NULL,
		data BLOB NOT NULL,
		PRIMARY KEY (out, path)
	);`,
	// 7: an item's summary and content in columns of their own, out of
	// its JSON: they are most of its bytes, and decoding them as JSON
	// (validating, then unquoting every escaped character) was most of
	// the cost of reading the kept items of 1,000 sources. Bytes, not
	// text: PostgreSQL's text refuses NUL and invalid UTF-8, which JSON
	// used to escape. Rows written before keep them in data, which Items
	// still reads.
	`ALTER TABLE items ADD COLUMN summary BLOB NOT NULL DEFAULT '';
	ALTER TABLE items ADD COLUMN content BLOB NOT NULL DEFAULT '';`,
	// 8: the rest of an item in a compact binary head (head.go) instead
	// of JSON in data, with its dedupe key hashes: decoding JSON was a
	// tenth of a cycle with one change. Rows written before keep their
	// JSON, which is still read. The table is rebuilt so the head comes
	// before the summary and content: SQLite reaches a column only by
	// walking the record up to it, and a cycle reads heads without text,
	// which for long items would otherwise read every overflow page. The
	// article cache is rebuilt the same way, its head apart from its
	// text and HTML (a cache: dropped, and filled by the next cycle).
	`CREATE TABLE items_v8 (
		source     TEXT NOT NULL REFERENCES sources(name) ON DELETE CASCADE,
		id         TEXT NOT NULL,
		position   INTEGER NOT NULL,
		first_seen INTEGER NOT NULL,
		hash       TEXT NOT NULL,
		head       BLOB NOT NULL DEFAULT '',
		data       TEXT NOT NULL DEFAULT '',
		summary    BLOB NOT NULL DEFAULT '',
		content    BLOB NOT NULL DEFAULT '',
		PRIMARY KEY (source, id)
	);
	INSERT INTO items_v8(source, id, position, first_seen, hash, data, summary, content)
		SELECT source, id, position, first_seen, hash, data, summary, content FROM items;
	DROP TABLE items;
	ALTER TABLE items_v8 RENAME TO items;
	DROP TABLE article_cache;
	CREATE TABLE article_cache (
		out  TEXT NOT NULL,
		path TEXT NOT NULL,
		sum  TEXT NOT NULL,
		head BLOB NOT NULL,
		data BLOB NOT NULL,
		PRIMARY KEY (out, path)
	);`,
}

// migrationLock is the pg_advisory_xact_lock key all braid processes
// take around a migration step ("braid" in ASCII).
const migrationLock = 0x6272616964

// migrate applies the missing schema steps, one transaction each. Each
// step re-reads the version under a lock, so processes starting at once
// apply each step exactly once and the others find it done.
func (s *Store) migrate(ctx context.Context) error {
	for {
		done, err := s.migrateStep(ctx)
		if err != nil || done {
			return err
		}
	}
}

func (s *Store) migrateStep(ctx context.Context) (done bool, err error) {
	// SQLite: BEGIN IMMEDIATE (see _txlock) is the lock. PostgreSQL: the
	// advisory lock, released at commit.
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	v, err := s.version(ctx, tx)
	if err != nil {
		return false, err
	}
	if v > len(schema) {
		return false, fmt.Errorf("schema version %d is newer than this braid knows (%d)", v, len(schema))
	}
	if v == len(schema) {
		return true, tx.Commit()
	}
	if _, err := tx.ExecContext(ctx, s.d.ddl(schema[v])); err != nil {
		return false, fmt.Errorf("migrate to %d: %w", v+1, err)
	}
	if err := s.setVersion(ctx, tx, v+1); err != nil {
		return false, fmt.Errorf("migrate to %d: %w", v+1, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("migrate to %d: %w", v+1, err)
	}
	return false, nil
}

// version locks the schema for this transaction and reads its version.
func (s *Store) version(ctx context.Context, tx *sql.Tx) (int, error) {
	var v int
	if !s.d.pg {
		err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v)
		return v, err
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock)); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS braid_schema (version BIGINT NOT NULL)`); err != nil {
		return 0, err
	}
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM braid_schema`).Scan(&v)
	return v, err
}

func (s *Store) setVersion(ctx context.Context, tx *sql.Tx, v int) error {
	if !s.d.pg {
		_, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, v))
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM braid_schema`); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO braid_schema(version) VALUES($1)`, v)
	return err
}
