package state

import (
	"context"
	"fmt"
)

// Output is one file braid wrote into an output folder.
type Output struct {
	Path string // slash-separated, relative to the output folder
	Unit string // what it was rendered from: a feed, the index page, the OPML list
	// Hash is of the unit's inputs when the file was last written; ""
	// while a cycle is writing it, so a crash leaves it to be rewritten.
	Hash string
}

// Outputs returns the files recorded for the output folder out, by path.
func (s *Store) Outputs(ctx context.Context, out string) ([]Output, error) {
	rows, err := s.query(ctx, `SELECT path, unit, hash FROM outputs WHERE out = ? ORDER BY `+s.d.byName("path"), out)
	if err != nil {
		return nil, fmt.Errorf("state: outputs of %s: %w", out, err)
	}
	defer rows.Close()
	var list []Output
	for rows.Next() {
		var o Output
		if err := rows.Scan(&o.Path, &o.Unit, &o.Hash); err != nil {
			return nil, fmt.Errorf("state: outputs of %s: %w", out, err)
		}
		list = append(list, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("state: outputs of %s: %w", out, err)
	}
	return list, nil
}

// SaveOutputs records set (added or replaced, by path) and forgets the
// paths in drop, for the output folder out, in one transaction: a cycle
// calls it before writing (the files it is about to write, with empty
// hashes) and again after Sync (what it wrote, and what it removed).
func (s *Store) SaveOutputs(ctx context.Context, out string, set []Output, drop []string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("state: outputs of %s: %w", out, err)
	}
	defer tx.Rollback()
	up, err := tx.PrepareContext(ctx, s.d.q(`INSERT INTO outputs(out, path, unit, hash) VALUES(?, ?, ?, ?)
		ON CONFLICT(out, path) DO UPDATE SET unit = excluded.unit, hash = excluded.hash`))
	if err != nil {
		return fmt.Errorf("state: outputs of %s: %w", out, err)
	}
	defer up.Close()
	for _, o := range set {
		if _, err := up.ExecContext(ctx, out, o.Path, o.Unit, o.Hash); err != nil {
			return fmt.Errorf("state: output %s: %w", o.Path, err)
		}
	}
	del, err := tx.PrepareContext(ctx, s.d.q(`DELETE FROM outputs WHERE out = ? AND path = ?`))
	if err != nil {
		return fmt.Errorf("state: outputs of %s: %w", out, err)
	}
	defer del.Close()
	for _, p := range drop {
		if _, err := del.ExecContext(ctx, out, p); err != nil {
			return fmt.Errorf("state: output %s: %w", p, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("state: outputs of %s: %w", out, err)
	}
	return nil
}
