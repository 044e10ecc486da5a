package state

import (
	"context"
	"fmt"
	"sort"
)

// TermDoc is one item's terms, for the term history: Doc identifies the
// item across cycles (its source and id), Terms are its distinct index
// keys.
type TermDoc struct {
	Doc   string
	Terms []string
	// TermsOf, when set, gives Terms for a doc not counted before: an
	// item's terms cost a tokenization, and most items of a cycle were
	// counted in an earlier one.
	TermsOf func() []string
}

// TermHistory is how many items braid has counted, and in how many of
// them each term occurred.
type TermHistory struct {
	Docs int
	DF   map[string]int
}

// RecordTerms counts each document not counted before into the term
// history, in one transaction, and returns how many were new. A document
// seen again (the next cycle's copy of an item) changes nothing.
func (s *Store) RecordTerms(ctx context.Context, docs []TermDoc) (int, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("state: term history: %w", err)
	}
	defer tx.Rollback()
	add := map[string]int{}
	added := 0
	ins, err := tx.PrepareContext(ctx, s.d.q(`INSERT INTO term_docs(doc) VALUES(?) ON CONFLICT(doc) DO NOTHING`))
	if err != nil {
		return 0, fmt.Errorf("state: term history: %w", err)
	}
	defer ins.Close()
	for _, d := range docs {
		res, err := ins.ExecContext(ctx, d.Doc)
		if err != nil {
			return 0, fmt.Errorf("state: term history: %s: %w", d.Doc, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue
		}
		added++
		terms := d.Terms
		if terms == nil && d.TermsOf != nil {
			terms = d.TermsOf()
		}
		for _, t := range terms {
			add[t]++
		}
	}
	// Sorted, so concurrent writers on PostgreSQL take row locks in one
	// order and cannot deadlock.
	terms := make([]string, 0, len(add))
	for t := range add {
		terms = append(terms, t)
	}
	sort.Strings(terms)
	up, err := tx.PrepareContext(ctx, s.d.q(`INSERT INTO term_df(term, df) VALUES(?, ?) ON CONFLICT(term) DO UPDATE SET df = term_df.df + excluded.df`))
	if err != nil {
		return 0, fmt.Errorf("state: term history: %w", err)
	}
	defer up.Close()
	for _, t := range terms {
		if _, err := up.ExecContext(ctx, t, add[t]); err != nil {
			return 0, fmt.Errorf("state: term history: %q: %w", t, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("state: term history: %w", err)
	}
	return added, nil
}

// TermHistory reads the whole term history.
func (s *Store) TermHistory(ctx context.Context) (TermHistory, error) {
	h := TermHistory{DF: map[string]int{}}
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM term_docs`).Scan(&h.Docs); err != nil {
		return h, fmt.Errorf("state: term history: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT term, df FROM term_df`)
	if err != nil {
		return h, fmt.Errorf("state: term history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		var n int
		if err := rows.Scan(&t, &n); err != nil {
			return h, fmt.Errorf("state: term history: %w", err)
		}
		h.DF[t] = n
	}
	if err := rows.Err(); err != nil {
		return h, fmt.Errorf("state: term history: %w", err)
	}
	return h, nil
}
