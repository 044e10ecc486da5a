package state

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// Scores are the relatedness scores a cycle keeps for an output folder
// (a related.Memo, encoded by its owner: the state only stores bytes).
type Scores struct {
	Key   string                // what the scores are valid under
	Items map[string]ScoredItem // the items they cover (those with a vector), by id
	Rows  []ScoreRow            // without Query and Terms: see ScoreQueries, ScoreTerms
	DF    []byte                // the site's document frequencies
	Docs  int                   // and its number of articles
	// Gen is the committed generation; Next the one a cycle writes its
	// vectors with (past any a killed cycle left behind).
	Gen, Next int64
}

// ScoredItem is an item the kept scores cover: the hash of its text and
// its near-duplicate fingerprint.
type ScoredItem struct {
	Hash  uint64
	Print []byte
}

// ScoreRow is one article's kept scores. Saved with a nil Query, only its
// digest and matches change (the article was not scored again, but new
// items matched it or matched items left).
type ScoreRow struct {
	Slug, Digest          string
	Query, Matches, Terms []byte
}

// ScoresKey is the key the scores kept for out were made under, "" when
// none are kept: one small read, for a cycle to tell before anything else
// whether it can go on from kept scores.
func (s *Store) ScoresKey(ctx context.Context, out string) (string, error) {
	var key string
	err := s.queryRow(ctx, `SELECT key FROM score_sets WHERE out = ?`, out).Scan(&key)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("state: scores of %s: %w", out, err)
	}
	return key, nil
}

// LoadScores returns the scores kept for the output folder out; none is
// an empty Scores.
func (s *Store) LoadScores(ctx context.Context, out string) (Scores, error) {
	sc := Scores{Items: map[string]ScoredItem{}}
	err := s.queryRow(ctx, `SELECT key, df, docs, gen FROM score_sets WHERE out = ?`, out).Scan(&sc.Key, &sc.DF, &sc.Docs, &sc.Gen)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Scores{}, fmt.Errorf("state: scores of %s: %w", out, err)
	}
	var top sql.NullInt64
	if err := s.queryRow(ctx, `SELECT MAX(gen) FROM score_items WHERE out = ?`, out).Scan(&top); err != nil {
		return Scores{}, fmt.Errorf("state: scores of %s: %w", out, err)
	}
	sc.Next = max(sc.Gen, top.Int64) + 1
	if sc.Key == "" {
		return sc, nil
	}
	if err := s.scoredItems(ctx, out, sc.Gen, sc.Items); err != nil {
		return Scores{}, fmt.Errorf("state: scores of %s: %w", out, err)
	}
	rows, err := s.query(ctx, `SELECT slug, digest, matches FROM scores WHERE out = ?`, out)
	if err != nil {
		return Scores{}, fmt.Errorf("state: scores of %s: %w", out, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r ScoreRow
		if err := rows.Scan(&r.Slug, &r.Digest, &r.Matches); err != nil {
			return Scores{}, fmt.Errorf("state: scores of %s: %w", out, err)
		}
		sc.Rows = append(sc.Rows, r)
	}
	if err := rows.Err(); err != nil {
		return Scores{}, fmt.Errorf("state: scores of %s: %w", out, err)
	}
	return sc, nil
}

// ScoreQueries calls fn with every kept article query for out, one row
// at a time: held all at once they were most of a big site's memory.
func (s *Store) ScoreQueries(ctx context.Context, out string, fn func(slug string, query []byte) error) error {
	rows, err := s.query(ctx, `SELECT slug, query FROM scores WHERE out = ?`, out)
	if err != nil {
		return fmt.Errorf("state: queries of %s: %w", out, err)
	}
	defer rows.Close()
	var slug string
	var q []byte
	for rows.Next() {
		if err := rows.Scan(&slug, &q); err != nil {
			return fmt.Errorf("state: queries of %s: %w", out, err)
		}
		if err := fn(slug, q); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("state: queries of %s: %w", out, err)
	}
	return nil
}

// ScoreTerms returns the kept terms of the given articles of out.
func (s *Store) ScoreTerms(ctx context.Context, out string, slugs []string) (map[string][]byte, error) {
	if len(slugs) == 0 {
		return map[string][]byte{}, nil
	}
	list, err := json.Marshal(slugs)
	if err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT slug, terms FROM scores WHERE out = ? AND slug IN (`+s.d.jsonList()+`)`, out, string(list))
	if err != nil {
		return nil, fmt.Errorf("state: terms of %s: %w", out, err)
	}
	defer rows.Close()
	terms := map[string][]byte{}
	for rows.Next() {
		var slug string
		var t []byte
		if err := rows.Scan(&slug, &t); err != nil {
			return nil, fmt.Errorf("state: terms of %s: %w", out, err)
		}
		terms[slug] = t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("state: terms of %s: %w", out, err)
	}
	return terms, nil
}

func (s *Store) scoredItems(ctx context.Context, out string, gen int64, items map[string]ScoredItem) error {
	rows, err := s.query(ctx, `SELECT id, hash, print FROM score_items WHERE out = ? AND gen <= ?`, out, gen)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var h int64
		var it ScoredItem
		if err := rows.Scan(&id, &h, &it.Print); err != nil {
			return err
		}
		it.Hash = uint64(h)
		items[id] = it
	}
	return rows.Err()
}

// ScoreUpdate is what one cycle changes in the kept scores.
type ScoreUpdate struct {
	Key  string
	Gen  int64  // the generation committed: the Next the cycle loaded
	DF   []byte // the site's document frequencies
	Docs int
	Set  []ScoreRow // rows added or replaced, by slug
	Drop []string   // slugs forgotten
	// Reset forgets every row not in Set, and every vector not written
	// this cycle, first (the key changed: the old ones are invalid).
	Reset bool
	// Gone are the ids of items whose vectors are forgotten. Vectors
	// themselves are written with KeepItemVectors, under Gen.
	Gone []string
}

// ItemVector is one item's kept term vector.
type ItemVector struct {
	ID    string
	Hash  uint64
	Vec   []byte
	Print []byte
}

// SaveScores applies a cycle's update to the scores kept for out, in one
// transaction: the kept rows and the items they cover (their vectors)
// never disagree.
func (s *Store) SaveScores(ctx context.Context, out string, u ScoreUpdate) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("state: scores of %s: %w", out, err)
	}
	defer tx.Rollback()
	if err := s.saveScores(ctx, tx, out, u); err != nil {
		return fmt.Errorf("state: scores of %s: %w", out, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("state: scores of %s: %w", out, err)
	}
	return nil
}

func (s *Store) saveScores(ctx context.Context, tx *sql.Tx, out string, u ScoreUpdate) error {
	var old int64
	err := tx.QueryRowContext(ctx, s.d.q(`SELECT gen FROM score_sets WHERE out = ?`), out).Scan(&old)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO score_sets(out, key, df, docs, gen) VALUES(?, ?, ?, ?, ?)
		ON CONFLICT(out) DO UPDATE SET key = excluded.key, df = excluded.df, docs = excluded.docs, gen = excluded.gen`),
		out, u.Key, nonNil(u.DF), u.Docs, u.Gen); err != nil {
		return err
	}
	// Vectors a killed cycle wrote (between the committed generation
	// and this one) were never scored against every article.
	if _, err := tx.ExecContext(ctx, s.d.q(`DELETE FROM score_items WHERE out = ? AND gen > ? AND gen < ?`), out, old, u.Gen); err != nil {
		return err
	}
	if u.Reset {
		if _, err := tx.ExecContext(ctx, s.d.q(`DELETE FROM scores WHERE out = ?`), out); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`DELETE FROM score_items WHERE out = ? AND gen < ?`), out, u.Gen); err != nil {
			return err
		}
	}
	var whole, matches []ScoreRow
	for _, r := range u.Set {
		if r.Query != nil {
			whole = append(whole, r)
		} else {
			matches = append(matches, r)
		}
	}
	err = s.each(ctx, tx, `INSERT INTO scores(out, slug, digest, query, matches, terms) VALUES(?, ?, ?, ?, ?, ?)
		ON CONFLICT(out, slug) DO UPDATE SET digest = excluded.digest, query = excluded.query, matches = excluded.matches, terms = excluded.terms`,
		len(whole), func(i int) []any {
			r := whole[i]
			return []any{out, r.Slug, r.Digest, nonNil(r.Query), nonNil(r.Matches), nonNil(r.Terms)}
		})
	if err != nil {
		return err
	}
	err = s.each(ctx, tx, `UPDATE scores SET digest = ?, matches = ? WHERE out = ? AND slug = ?`,
		len(matches), func(i int) []any { r := matches[i]; return []any{r.Digest, nonNil(r.Matches), out, r.Slug} })
	if err != nil {
		return err
	}
	err = s.each(ctx, tx, `DELETE FROM scores WHERE out = ? AND slug = ?`,
		len(u.Drop), func(i int) []any { return []any{out, u.Drop[i]} })
	if err != nil {
		return err
	}
	// The hash goes in as its bits in a signed integer: both backends'
	// integers are signed 64-bit.
	return s.each(ctx, tx, `DELETE FROM score_items WHERE out = ? AND id = ?`,
		len(u.Gone), func(i int) []any { return []any{out, u.Gone[i]} })
}

// nonNil: a nil slice would be stored as NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// KeepItemVectors writes item vectors for out with generation gen, in a
// transaction of their own: a cycle writes them as it makes them, and
// they count once SaveScores commits gen.
func (s *Store) KeepItemVectors(ctx context.Context, out string, gen int64, vecs []ItemVector) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("state: item vectors of %s: %w", out, err)
	}
	defer tx.Rollback()
	err = s.each(ctx, tx, `INSERT INTO score_items(out, id, hash, vec, print, gen) VALUES(?, ?, ?, ?, ?, ?)
		ON CONFLICT(out, id) DO UPDATE SET hash = excluded.hash, vec = excluded.vec, print = excluded.print, gen = excluded.gen`,
		len(vecs), func(i int) []any {
			v := vecs[i]
			return []any{out, v.ID, int64(v.Hash), nonNil(v.Vec), nonNil(v.Print), gen}
		})
	if err != nil {
		return fmt.Errorf("state: item vectors of %s: %w", out, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("state: item vectors of %s: %w", out, err)
	}
	return nil
}

// each runs one prepared statement n times in tx.
func (s *Store) each(ctx context.Context, tx *sql.Tx, query string, n int, args func(int) []any) error {
	if n == 0 {
		return nil
	}
	st, err := tx.PrepareContext(ctx, s.d.q(query))
	if err != nil {
		return err
	}
	defer st.Close()
	rctx := s.d.rowCtx(ctx)
	for i := range n {
		if i%rowCheck == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if _, err := st.ExecContext(rctx, args(i)...); err != nil {
			return err
		}
	}
	return nil
}

// ScanItemVectors calls fn with every item vector kept for out, one row
// at a time (all of them, committed or not: the caller checks hashes).
// id and vec are the row's own bytes, valid only until fn returns: an
// edited article is scored against every kept vector, and copying each
// one was a tenth of that cycle's allocations.
func (s *Store) ScanItemVectors(ctx context.Context, out string, fn func(id []byte, hash uint64, vec []byte) error) error {
	rows, err := s.query(ctx, `SELECT id, hash, vec FROM score_items WHERE out = ?`, out)
	if err != nil {
		return fmt.Errorf("state: item vectors of %s: %w", out, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, vec sql.RawBytes
		var h int64
		if err := rows.Scan(&id, &h, &vec); err != nil {
			return fmt.Errorf("state: item vectors of %s: %w", out, err)
		}
		if err := fn(id, uint64(h), vec); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("state: item vectors of %s: %w", out, err)
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
	for _, q := range []string{`DELETE FROM scores WHERE out = ?`, `DELETE FROM score_items WHERE out = ?`, `DELETE FROM score_sets WHERE out = ?`} {
		if _, err := tx.ExecContext(ctx, s.d.q(q), out); err != nil {
			return fmt.Errorf("state: scores of %s: %w", out, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("state: scores of %s: %w", out, err)
	}
	return nil
}

// CachedArticle is one parsed article kept for out: Sum identifies the
// bytes (and parser) it was parsed from; Head and Data are the parse,
// encoded by its owner: what a cycle reads of every article, and the
// rest (its text, most of the bytes), read for the few that need it.
type CachedArticle struct {
	Path, Sum  string
	Head, Data []byte
}

// ArticleCache returns the parsed articles kept for out, by path.
func (s *Store) ArticleCache(ctx context.Context, out string) (map[string]CachedArticle, error) {
	kept := map[string]CachedArticle{}
	err := s.EachCachedArticle(ctx, out, func(c CachedArticle) error {
		kept[c.Path] = c
		return nil
	})
	return kept, err
}

// EachCachedArticle calls fn with each parsed article kept for out, one
// row at a time and without its Data (CachedArticleData reads it): a big
// site's kept parses are over a hundred megabytes, and a cycle keeps
// only a little of each.
func (s *Store) EachCachedArticle(ctx context.Context, out string, fn func(CachedArticle) error) error {
	rows, err := s.query(ctx, `SELECT path, sum, head FROM article_cache WHERE out = ?`, out)
	if err != nil {
		return fmt.Errorf("state: article cache of %s: %w", out, err)
	}
	defer rows.Close()
	for rows.Next() {
		var c CachedArticle
		if err := rows.Scan(&c.Path, &c.Sum, &c.Head); err != nil {
			return fmt.Errorf("state: article cache of %s: %w", out, err)
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("state: article cache of %s: %w", out, err)
	}
	return nil
}

// CachedArticleData returns the kept parse of one article of out, nil
// when none is kept.
func (s *Store) CachedArticleData(ctx context.Context, out, path string) (sum string, data []byte, err error) {
	err = s.queryRow(ctx, `SELECT sum, data FROM article_cache WHERE out = ? AND path = ?`, out, path).Scan(&sum, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, fmt.Errorf("state: article cache of %s: %s: %w", out, path, err)
	}
	return sum, data, nil
}

// SaveArticleCache keeps set (replacing by path) and forgets drop, in
// one transaction.
func (s *Store) SaveArticleCache(ctx context.Context, out string, set []CachedArticle, drop []string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("state: article cache of %s: %w", out, err)
	}
	defer tx.Rollback()
	err = s.each(ctx, tx, `INSERT INTO article_cache(out, path, sum, head, data) VALUES(?, ?, ?, ?, ?)
		ON CONFLICT(out, path) DO UPDATE SET sum = excluded.sum, head = excluded.head, data = excluded.data`,
		len(set), func(i int) []any { c := set[i]; return []any{out, c.Path, c.Sum, nonNil(c.Head), nonNil(c.Data)} })
	if err == nil {
		err = s.each(ctx, tx, `DELETE FROM article_cache WHERE out = ? AND path = ?`,
			len(drop), func(i int) []any { return []any{out, drop[i]} })
	}
	if err != nil {
		return fmt.Errorf("state: article cache of %s: %w", out, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("state: article cache of %s: %w", out, err)
	}
	return nil
}
