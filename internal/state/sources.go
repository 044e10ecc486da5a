package state

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/braid-feeds/braid/feed"
)

// Source is what braid remembers about one configured source.
type Source struct {
	Name         string
	URL          string // the URL from the config this state belongs to
	MovedTo      string // permanent redirect target, used instead of URL
	ETag         string
	LastModified string
	Status       string // ok, not_modified, failed, gone, skipped
	HTTPStatus   int
	ErrorClass   string
	Error        string
	LastAttempt  time.Time
	LastSuccess  time.Time
	Failures     int       // consecutive
	NextFetch    time.Time // no request before this (Retry-After, failure backoff)
	HintNext     time.Time // earliest next fetch the publisher asked for (max-age, Expires, <ttl>)
	TTL          time.Duration
	Gone         bool        // answered 410: not fetched again until URL changes
	Feed         feed.Origin // the feed's own title, link, id
	// FetchedBy is the fleet node that fetched the source last, "" when a
	// single braid does all the work.
	FetchedBy string
}

// Item is a source's item as last fetched successfully.
type Item struct {
	feed.Item
	FirstSeen time.Time
	Hash      string // content hash: a change bumps Updated
}

const sourceColumns = `name, url, moved_to, etag, last_modified, status, http_status,
	error_class, error, last_attempt, last_success, failures, next_fetch, hint_next, ttl, gone, feed,
	fetched_by`

const selectSource = `SELECT ` + sourceColumns + ` FROM sources WHERE name = ?`

// Source returns the stored state of the named source, or ErrNotFound.
func (s *Store) Source(ctx context.Context, name string) (Source, error) {
	q, err := s.stmt(ctx, selectSource)
	if err != nil {
		return Source{}, fmt.Errorf("state: source %s: %w", name, err)
	}
	src, err := scanSource(q.QueryRowContext(ctx, name))
	if errors.Is(err, sql.ErrNoRows) {
		return Source{Name: name}, ErrNotFound
	}
	if err != nil {
		return Source{}, fmt.Errorf("state: source %s: %w", name, err)
	}
	return src, nil
}

// scanSource reads one row of sourceColumns.
func scanSource(row interface{ Scan(...any) error }) (Source, error) {
	var src Source
	var moved, feedJSON string
	var la, ls, nf, hn, ttl int64
	var gone int
	err := row.Scan(&src.Name, &src.URL, &moved, &src.ETag, &src.LastModified,
		&src.Status, &src.HTTPStatus, &src.ErrorClass, &src.Error, &la, &ls, &src.Failures, &nf, &hn, &ttl,
		&gone, &feedJSON, &src.FetchedBy)
	if err != nil {
		return Source{}, err
	}
	src.MovedTo = moved
	src.LastAttempt, src.LastSuccess, src.NextFetch = fromUnix(la), fromUnix(ls), fromUnix(nf)
	src.HintNext, src.TTL = fromUnix(hn), time.Duration(ttl)*time.Second
	src.Gone = gone != 0
	if err := json.Unmarshal([]byte(feedJSON), &src.Feed); err != nil {
		return Source{}, fmt.Errorf("feed: %w", err)
	}
	return src, nil
}

// Sources returns every stored source, by name.
func (s *Store) Sources(ctx context.Context) ([]Source, error) {
	// One query, not one per source: a cycle reads them all for the index
	// page, and in a fleet every round trip counts.
	rows, err := s.query(ctx, `SELECT `+sourceColumns+` FROM sources ORDER BY `+s.d.byName("name"))
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	defer rows.Close()
	var out []Source
	for rows.Next() {
		src, err := scanSource(rows)
		if err != nil {
			return nil, fmt.Errorf("state: source: %w", err)
		}
		out = append(out, src)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	return out, nil
}

// Items returns the source's last good items in their feed order.
func (s *Store) Items(ctx context.Context, source string) ([]Item, error) {
	q, err := s.stmt(ctx, `SELECT source, first_seen, hash, data, head, summary, content, position FROM items WHERE source = ? ORDER BY position`)
	if err != nil {
		return nil, fmt.Errorf("state: items of %s: %w", source, err)
	}
	rows, err := q.QueryContext(ctx, source)
	if err != nil {
		return nil, fmt.Errorf("state: items of %s: %w", source, err)
	}
	var out []Item
	err = scanItems(rows, nil, func(_ string, _ int, it Item) { out = append(out, it) })
	if err != nil {
		return nil, fmt.Errorf("state: items of %s: %w", source, err)
	}
	return out, nil
}

// ItemText is a stored item's text, with the hash stored beside it.
type ItemText struct {
	ID, Hash         string
	Summary, Content string
}

// Texts returns the summary and content of a source's stored items: what
// Items gives of them, without decoding the rest, for a cycle that read
// the items without their text (ItemsOf) and needs it back.
func (s *Store) Texts(ctx context.Context, source string) ([]ItemText, error) {
	q, err := s.stmt(ctx, `SELECT id, hash, summary, content, head, data FROM items WHERE source = ?`)
	if err != nil {
		return nil, fmt.Errorf("state: text of %s's items: %w", source, err)
	}
	rows, err := q.QueryContext(ctx, source)
	if err != nil {
		return nil, fmt.Errorf("state: text of %s's items: %w", source, err)
	}
	defer rows.Close()
	var out []ItemText
	for rows.Next() {
		var t ItemText
		var summary, content, head, data sql.RawBytes
		if err := rows.Scan(&t.ID, &t.Hash, &summary, &content, &head, &data); err != nil {
			return nil, fmt.Errorf("state: text of %s's items: %w", source, err)
		}
		t.Summary, t.Content = string(summary), string(content)
		if len(head) == 0 && len(summary) == 0 && len(content) == 0 {
			// Written before migration 7: the text is in the JSON.
			var it feed.Item
			if err := json.Unmarshal(data, &it); err != nil {
				return nil, fmt.Errorf("state: text of %s's items: %w", source, err)
			}
			t.Summary, t.Content = it.Summary, it.ContentHTML
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("state: text of %s's items: %w", source, err)
	}
	return out, nil
}

// ItemsOf returns the items of each named source, as Items does, in one
// query. Without text they come without their summary and content (most
// of their bytes): a cycle needs the text of few kept items, and reads it
// with Items when it does; each item's Hash says what its text was, and
// an item stored without a hash comes with its text.
func (s *Store) ItemsOf(ctx context.Context, sources []string, text bool) (map[string][]Item, error) {
	want := make(map[string]bool, len(sources))
	for _, n := range sources {
		want[n] = true
	}
	out := make(map[string][]Item, len(sources))
	if len(sources) == 0 {
		return out, nil
	}
	// In table order, each source's items put in feed order here: a
	// source has a few dozen, and the database sorting every row of the
	// table (a thousand sources' worth) cost more than the reading.
	q := `SELECT source, first_seen, hash, data, head, summary, content, position FROM items`
	if !text {
		q = `SELECT source, first_seen, hash, data, head,
			CASE WHEN hash = '' THEN summary END, CASE WHEN hash = '' THEN content END, position
			FROM items`
	}
	rows, err := s.query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("state: items: %w", err)
	}
	positions := make(map[string][]int, len(sources))
	err = scanItems(rows, want, func(src string, pos int, it Item) {
		out[src] = append(out[src], it)
		positions[src] = append(positions[src], pos)
	})
	if err != nil {
		return nil, fmt.Errorf("state: items: %w", err)
	}
	// Rows mostly come back in the order they were written, which is
	// feed order: sorted only when they did not.
	for src, pos := range positions {
		if slices.IsSorted(pos) {
			continue
		}
		items := out[src]
		order := make([]int, len(items))
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(a, b int) int { return cmp.Compare(pos[a], pos[b]) })
		sorted := make([]Item, len(items))
		for i, k := range order {
			sorted[i] = items[k]
		}
		out[src] = sorted
	}
	return out, nil
}

// scanItems decodes rows of (source, first_seen, hash, data, head,
// summary, content, position), skipping those of sources not in want
// (nil: none skipped), and closes them. A NULL summary or content is an
// empty one.
func scanItems(rows *sql.Rows, want map[string]bool, fn func(source string, position int, it Item)) error {
	defer rows.Close()
	for rows.Next() {
		var src string
		var fs int64
		var pos int
		var it Item
		var data, head, summary, content sql.RawBytes
		if err := rows.Scan(&src, &fs, &it.Hash, &data, &head, &summary, &content, &pos); err != nil {
			return err
		}
		if want != nil && !want[src] {
			continue
		}
		if len(head) > 0 {
			if err := decodeHead(head, &it.Item); err != nil {
				return fmt.Errorf("%s: %w", src, err)
			}
		} else if err := json.Unmarshal(data, &it.Item); err != nil { // written before migration 8
			return fmt.Errorf("%s: %w", src, err)
		}
		// Rows written before migration 7 have them in data instead.
		if len(summary) > 0 || len(content) > 0 {
			it.Summary, it.ContentHTML = string(summary), string(content)
		}
		it.FirstSeen = fromUnix(fs)
		fn(src, pos, it)
	}
	return rows.Err()
}

const upsertSource = `INSERT INTO sources(name, url, moved_to, etag, last_modified, status, http_status,
	error_class, error, last_attempt, last_success, failures, next_fetch, hint_next, ttl, gone, feed,
	fetched_by)
	VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
	ON CONFLICT(name) DO UPDATE SET url=excluded.url, moved_to=excluded.moved_to, etag=excluded.etag,
	last_modified=excluded.last_modified, status=excluded.status, http_status=excluded.http_status,
	error_class=excluded.error_class, error=excluded.error, last_attempt=excluded.last_attempt,
	last_success=excluded.last_success, failures=excluded.failures, next_fetch=excluded.next_fetch,
	hint_next=excluded.hint_next, ttl=excluded.ttl, gone=excluded.gone, feed=excluded.feed,
	fetched_by=excluded.fetched_by`

const (
	deleteItems = `DELETE FROM items WHERE source = ?`
	insertItem  = `INSERT INTO items(source, id, position, first_seen, hash, data, head, summary, content) VALUES(?,?,?,?,?,'',?,?,?)
		ON CONFLICT(source, id) DO NOTHING`
)

// SaveSource records a fetch outcome. When items is non-nil it replaces the
// source's stored items; nil keeps them, which is what a failed or
// not-modified fetch must do so nothing we had is lost. It is safe to
// call from several goroutines, and returns once the outcome is
// committed.
//
// Outcomes saved at the same time are committed together (a group
// commit): while one transaction commits, the outcomes that arrive wait,
// and the next caller to get the lock writes them all in one. A cycle's
// fetches end in bursts, and a transaction each cost a first cycle of
// 1,000 sources a third of a second in commits alone (a WAL flush each on
// PostgreSQL). If a group fails, each of its outcomes is tried again in a
// transaction of its own, so one bad outcome fails only its own caller.
func (s *Store) SaveSource(ctx context.Context, src Source, items []Item) error {
	req := &saveReq{ctx: ctx, src: src, items: items, done: make(chan error, 1)}
	s.pendMu.Lock()
	s.pending = append(s.pending, req)
	s.pendMu.Unlock()
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	select {
	case err := <-req.done: // committed by the caller before us
		return err
	default:
	}
	s.pendMu.Lock()
	group := s.pending
	s.pending = nil
	s.pendMu.Unlock()
	errs := make([]error, len(group))
	if err := s.saveGroup(ctx, group); err != nil {
		for i, r := range group {
			errs[i] = s.saveGroup(r.ctx, []*saveReq{r})
		}
	}
	for i, r := range group {
		r.done <- errs[i]
	}
	return <-req.done
}

// saveReq is one SaveSource call waiting for its group's commit.
type saveReq struct {
	ctx   context.Context
	src   Source
	items []Item
	done  chan error
}

// saveGroup writes the outcomes in one transaction.
func (s *Store) saveGroup(ctx context.Context, group []*saveReq) error {
	// Prepared before the transaction: it holds the only connection.
	var stmts [3]*sql.Stmt
	for i, q := range []string{upsertSource, deleteItems, insertItem} {
		var err error
		if stmts[i], err = s.stmt(ctx, q); err != nil {
			return fmt.Errorf("state: source %s: %w", group[0].src.Name, err)
		}
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("state: source %s: %w", group[0].src.Name, err)
	}
	defer tx.Rollback()
	w := sourceWriter{tx: tx, upsert: tx.StmtContext(ctx, stmts[0]), del: tx.StmtContext(ctx, stmts[1]),
		ins: tx.StmtContext(ctx, stmts[2]), digest: s.d.q(`UPDATE sources SET items_digest = ? WHERE name = ?`)}
	rctx := s.d.rowCtx(ctx)
	for _, r := range group {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("state: source %s: %w", r.src.Name, err)
		}
		if err := w.save(rctx, r.src, r.items); err != nil {
			return fmt.Errorf("state: source %s: %w", r.src.Name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("state: source %s: %w", group[0].src.Name, err)
	}
	return nil
}

// sourceWriter writes outcomes inside one transaction.
type sourceWriter struct {
	tx               *sql.Tx
	upsert, del, ins *sql.Stmt
	digest           string
	buf              []byte
	// summary and content are made with the first items saved, and never
	// nil after: a nil []byte is NULL, which the columns refuse.
	summary, content []byte
}

func (w *sourceWriter) save(ctx context.Context, src Source, items []Item) error {
	feedJSON, err := json.Marshal(src.Feed)
	if err != nil {
		return err
	}
	gone := 0
	if src.Gone {
		gone = 1
	}
	_, err = w.upsert.ExecContext(ctx,
		src.Name, src.URL, src.MovedTo, src.ETag, src.LastModified, src.Status, src.HTTPStatus,
		src.ErrorClass, src.Error, unix(src.LastAttempt), unix(src.LastSuccess), src.Failures,
		unix(src.NextFetch), unix(src.HintNext), int64(src.TTL/time.Second), gone, string(feedJSON), src.FetchedBy)
	if err != nil || items == nil {
		return err
	}
	if _, err := w.del.ExecContext(ctx, src.Name); err != nil {
		return err
	}
	if w.summary == nil {
		w.summary, w.content = make([]byte, 0, 4096), make([]byte, 0, 4096)
	}
	digest := sha256.New()
	for i := range items {
		// The origin is the source's own (kept once, in sources.feed);
		// repeating it in every item only costs space and decoding. The
		// summary and content go in columns of their own (migration 7).
		it := &items[i]
		w.buf = encodeHead(w.buf[:0], &it.Item)
		data := w.buf
		// The text is copied into buffers the writer reuses: the drivers
		// copy arguments while executing and keep no reference, and a
		// fresh []byte of every text (twice, with the digest) was a
		// twentieth of a first cycle's garbage.
		w.summary = append(w.summary[:0], it.Summary...)
		w.content = append(w.content[:0], it.ContentHTML...)
		if _, err := w.ins.ExecContext(ctx, src.Name, it.ID, i, unix(it.FirstSeen), it.Hash, data, w.summary, w.content); err != nil {
			return err
		}
		fmt.Fprintf(digest, "%d\x00%s\x00%d\x00%d\x00%d\x00", unix(it.FirstSeen), it.Hash, len(data), len(it.Summary), len(it.ContentHTML))
		digest.Write(data)
		digest.Write(w.summary)
		digest.Write(w.content)
	}
	_, err = w.tx.ExecContext(ctx, w.digest, hex.EncodeToString(digest.Sum(nil)[:16]), src.Name)
	return err
}

// ItemDigest sums up a source's stored items: how many, and a hash of
// their stored form (every field, first-seen times, order), made when
// they were saved.
type ItemDigest struct {
	Count int
	Sum   string
}

// ItemDigests returns every source's ItemDigest without reading its
// items: a cycle tells from these whether anything it publishes changed,
// and decodes items only when something did.
func (s *Store) ItemDigests(ctx context.Context) (map[string]ItemDigest, error) {
	rows, err := s.query(ctx, `SELECT sources.name, sources.items_digest, COUNT(items.id) FROM sources
		LEFT JOIN items ON items.source = sources.name GROUP BY sources.name, sources.items_digest`)
	if err != nil {
		return nil, fmt.Errorf("state: item digests: %w", err)
	}
	defer rows.Close()
	out := map[string]ItemDigest{}
	for rows.Next() {
		var name string
		var d ItemDigest
		if err := rows.Scan(&name, &d.Sum, &d.Count); err != nil {
			return nil, fmt.Errorf("state: item digests: %w", err)
		}
		if d.Count > 0 {
			out[name] = d
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("state: item digests: %w", err)
	}
	return out, nil
}

// ItemCounts returns how many items each source holds.
func (s *Store) ItemCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.query(ctx, `SELECT source, COUNT(*) FROM items GROUP BY source`)
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var name string
		var n int
		if err := rows.Scan(&name, &n); err != nil {
			return nil, fmt.Errorf("state: %w", err)
		}
		out[name] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	return out, nil
}

// PruneSources forgets every source not named in keep: a source removed
// from the config is dropped with its items.
func (s *Store) PruneSources(ctx context.Context, keep []string) error {
	names, err := s.sourceNames(ctx)
	if err != nil {
		return err
	}
	want := make(map[string]bool, len(keep))
	for _, k := range keep {
		want[k] = true
	}
	for _, n := range names {
		if want[n] {
			continue
		}
		if _, err := s.exec(ctx, `DELETE FROM sources WHERE name = ?`, n); err != nil {
			return fmt.Errorf("state: drop source %s: %w", n, err)
		}
	}
	// Leases too, including those of sources claimed but never saved.
	list, err := json.Marshal(keep)
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	if keep == nil {
		list = []byte("[]")
	}
	if _, err := s.exec(ctx, `DELETE FROM leases WHERE source NOT IN (`+s.d.jsonList()+`)`, string(list)); err != nil {
		return fmt.Errorf("state: drop leases: %w", err)
	}
	return nil
}

func (s *Store) sourceNames(ctx context.Context) ([]string, error) {
	rows, err := s.query(ctx, `SELECT name FROM sources ORDER BY `+s.d.byName("name"))
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("state: %w", err)
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	return names, nil
}
