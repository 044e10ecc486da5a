package state

import (
	"context"
	"path/filepath"
	"testing"
)

// TestItemsWrittenBeforeMigration7: an item stored with its summary and
// content inside its JSON (as before migration 7) reads back with them,
// with or without text asked for.
func TestItemsWrittenBeforeMigration7(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SaveSource(ctx, Source{Name: "wire", URL: "https://w.example/f"}, nil); err != nil {
		t.Fatal(err)
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO items(source, id, position, first_seen, hash, data) VALUES('wire', 'old', 0, 0, 'h',
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
}
