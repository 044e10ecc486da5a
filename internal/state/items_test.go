package state

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
)

// TestItemsWrittenBeforeMigration7: an item stored as JSON with its
// summary and content inside (as before migrations 7 and 8) reads back
// with them, with or without text asked for.
func TestItemsWrittenBeforeMigration7(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if err := s.SaveSource(ctx, Source{Name: "wire", URL: "https://w.example/f"}, nil); err != nil {
		t.Fatal(err)
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO items(source, id, position, first_seen, hash, data) VALUES('wire', 'old', 0, 0, 'h',
		'{"ID":"old","Title":"Old","Summary":"<p>kept in JSON</p>","ContentHTML":"<div>body</div>"}')`)
	if err != nil {
		t.Fatal(err)
	}
	items, err := s.Items(ctx, "wire")
	if err != nil || len(items) != 1 || items[0].Summary != "<p>kept in JSON</p>" || items[0].ContentHTML != "<div>body</div>" {
		t.Fatalf("Items = %+v, %v", items, err)
	}
	for _, text := range []bool{true, false} {
		of, err := s.ItemsOf(ctx, []string{"wire"}, text)
		if err != nil || len(of["wire"]) != 1 || of["wire"][0].Summary != "<p>kept in JSON</p>" {
			t.Errorf("ItemsOf(text %v) = %+v, %v", text, of, err)
		}
	}
	texts, err := s.Texts(ctx, "wire")
	if err != nil || len(texts) != 1 || texts[0] != (ItemText{ID: "old", Hash: "h", Summary: "<p>kept in JSON</p>", Content: "<div>body</div>"}) {
		t.Errorf("Texts = %+v, %v", texts, err)
	}
}

// TestItemsOfInFeedOrder: ItemsOf reads the table in whatever order the
// database keeps it and puts each source's items in feed order.
func TestItemsOfInFeedOrder(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	for _, name := range []string{"a", "b"} {
		if err := s.SaveSource(ctx, Source{Name: name, URL: "https://w.example/" + name}, nil); err != nil {
			t.Fatal(err)
		}
	}
	// Stored out of feed order, the sources' rows interleaved.
	for _, r := range []struct {
		src, id string
		pos     int
	}{{"a", "a2", 2}, {"b", "b1", 1}, {"a", "a0", 0}, {"b", "b0", 0}, {"a", "a1", 1}} {
		if _, err := s.db.ExecContext(ctx, `INSERT INTO items(source, id, position, first_seen, hash, data) VALUES(?, ?, ?, 0, 'h', ?)`,
			r.src, r.id, r.pos, `{"ID":"`+r.id+`"}`); err != nil {
			t.Fatal(err)
		}
	}
	of, err := s.ItemsOf(ctx, []string{"a", "b"}, false)
	if err != nil {
		t.Fatal(err)
	}
	for src, want := range map[string][]string{"a": {"a0", "a1", "a2"}, "b": {"b0", "b1"}} {
		var got []string
		for _, it := range of[src] {
			got = append(got, it.ID)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", src, got, want)
		}
	}
}

// openTemp opens a fresh SQLite state, closed when the test ends.
func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Row statements run without the caller's cancellation (dialect.rowCtx),
// so the writer itself must stop when the context ends: a cancelled
// cycle must not go on writing thousands of rows.
func TestRowWritesStopWhenCancelled(t *testing.T) {
	s := openTemp(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tx, err := s.db.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	const rows, cancelAt = 4 * rowCheck, rowCheck + 10
	err = s.each(ctx, tx, `INSERT INTO meta(key, value) VALUES(?, ?)`, rows, func(i int) []any {
		if i == cancelAt {
			cancel()
		}
		return []any{fmt.Sprintf("row-%d", i), "v"}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("each after cancel: %v, want context.Canceled", err)
	}
	var n int
	if err := tx.QueryRow(`SELECT count(*) FROM meta WHERE key LIKE 'row-%'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n <= cancelAt || n > cancelAt+rowCheck {
		t.Errorf("%d rows written, want the rows up to the next check after %d (at most %d)", n, cancelAt, cancelAt+rowCheck)
	}
}
