package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Scores are the relatedness scores a cycle keeps for an output folder
// (a related.Memo, encoded by its owner: the state only stores bytes).
type Scores struct {
	Key   string // what the scores are valid under
	Items []byte // the items they cover
	Rows  []ScoreRow
}

// ScoreRow is one article's kept scores.
type ScoreRow struct {
	Slug, Digest   string
	Query, Matches []byte
}

// LoadScores returns the scores kept for the output folder out; none is
// an empty Scores.
func (s *Store) LoadScores(ctx context.Context, out string) (Scores, error) {
	var sc Scores
	err := s.queryRow(ctx, `SELECT key, items FROM score_sets WHERE out = ?`, out).Scan(&sc.Key, &sc.Items)
	if errors.Is(err, sql.ErrNoRows) {
		return Scores{}, nil
	}
	if err != nil {
		return Scores{}, fmt.Errorf("state: scores of %s: %w", out, err)
	}
	rows, err := s.query(ctx, `SELECT slug, digest, query, matches FROM scores WHERE out = ?`, out)
	if err != nil {
		return Scores{}, fmt.Errorf("state: scores of %s: %w", out, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r ScoreRow
		if err := rows.Scan(&r.Slug, &r.Digest, &r.Query, &r.Matches); err != nil {
			return Scores{}, fmt.Errorf("state: scores of %s: %w", out, err)
		}
		sc.Rows = append(sc.Rows, r)
	}
	if err := rows.Err(); err != nil {
		return Scores{}, fmt.Errorf("state: scores of %s: %w", out, err)
	}
	return sc, nil
}

// SaveScores records the scores' key and items, sets the rows in set
// and forgets the slugs in drop, in one transaction: the kept rows and
// the items they cover never disagree. With reset, every row not in set
// is forgotten (the key changed: old rows are invalid).
func (s *Store) SaveScores(ctx context.Context, out, key string, items []byte, set []ScoreRow, drop []string, reset bool) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("state: scores of %s: %w", out, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO score_sets(out, key, items) VALUES(?, ?, ?)
		ON CONFLICT(out) DO UPDATE SET key = excluded.key, items = excluded.items`), out, key, items); err != nil {
		return fmt.Errorf("state: scores of %s: %w", out, err)
	}
	if reset {
		if _, err := tx.ExecContext(ctx, s.d.q(`DELETE FROM scores WHERE out = ?`), out); err != nil {
			return fmt.Errorf("state: scores of %s: %w", out, err)
		}
	}
	up, err := tx.PrepareContext(ctx, s.d.q(`INSERT INTO scores(out, slug, digest, query, matches) VALUES(?, ?, ?, ?, ?)
		ON CONFLICT(out, slug) DO UPDATE SET digest = excluded.digest, query = excluded.query, matches = excluded.matches`))
	if err != nil {
		return fmt.Errorf("state: scores of %s: %w", out, err)
	}
	defer up.Close()
	for _, r := range set {
		if _, err := up.ExecContext(ctx, out, r.Slug, r.Digest, r.Query, r.Matches); err != nil {
			return fmt.Errorf("state: scores of %s, article %s: %w", out, r.Slug, err)
		}
	}
	del, err := tx.PrepareContext(ctx, s.d.q(`DELETE FROM scores WHERE out = ? AND slug = ?`))
	if err != nil {
		return fmt.Errorf("state: scores of %s: %w", out, err)
	}
	defer del.Close()
	for _, slug := range drop {
		if _, err := del.ExecContext(ctx, out, slug); err != nil {
			return fmt.Errorf("state: scores of %s, article %s: %w", out, slug, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("state: scores of %s: %w", out, err)
	}
	return nil
}

// ForgetScores drops the scores kept for out: the next cycle scores
// every article against every item.
func (s *Store) ForgetScores(ctx context.Context, out string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("state: scores of %s: %w", out, err)
	}
	defer tx.Rollback()
	for _, q := range []string{`DELETE FROM scores WHERE out = ?`, `DELETE FROM score_sets WHERE out = ?`} {
		if _, err := tx.ExecContext(ctx, s.d.q(q), out); err != nil {
			return fmt.Errorf("state: scores of %s: %w", out, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("state: scores of %s: %w", out, err)
	}
	return nil
}
