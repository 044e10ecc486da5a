package feed

import (
	"testing"
	"time"
)

func TestSlug(t *testing.T) {
	tests := map[string]string{
		"Honda’s Three New EV Platforms by 2030":                                        "hondas-three-new-ev-platforms-by-2030",
		"Russian FSB-Linked to Binance":                                                 "russian-fsb-linked-to-binance",
		"World Bank Provides Sri Lanka with Aid Package, IMF Calls the Loan “Fruitful”": "world-bank-provides-sri-lanka-with-aid-package-imf-calls-the-loan-fruitful",
		"Crème brûlée à São Paulo":                                                      "creme-brulee-a-sao-paulo",
		"  --Rock 'n' Roll!!  ":                                                         "rock-n-roll",
		"Банк России":                                                                   "банк-россии",
		"":                                                                              "",
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			if got := Slug(in); got != want {
				t.Errorf("Slug(%q) = %q, want %q", in, got, want)
			}
		})
	}
}

func TestNormalizeLink(t *testing.T) {
	same := [][2]string{
		{"HTTPS://Example.COM/a/b/", "https://example.com/a/b"},
		{"https://example.com/a?utm_source=x&utm_medium=y&id=3", "https://example.com/a?id=3"},
		{"https://example.com/a?b=2&a=1#top", "https://example.com/a?a=1&b=2"},
		{"https://www.example.com:443/a?fbclid=zz", "http://example.com/a"},
	}
	for _, p := range same {
		if a, b := NormalizeLink(p[0]), NormalizeLink(p[1]); a != b {
			t.Errorf("%q → %q but %q → %q", p[0], a, p[1], b)
		}
	}
	if NormalizeLink("https://example.com/a") == NormalizeLink("https://example.com/b") {
		t.Error("different paths collide")
	}
}

func TestDedupeEarliestSeenWins(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	items := []Item{
		{ID: "b", Title: "Story", Link: "https://b.example/x", FirstSeen: t0.Add(time.Hour)},
		{ID: "a", Title: "Other", Link: "https://a.example/story?utm_source=rss", FirstSeen: t0},
		{ID: "c", Title: "STORY!", Link: "https://c.example/y", FirstSeen: t0.Add(2 * time.Hour)},
		{ID: "d", Title: "Again", Link: "https://A.example/story/", FirstSeen: t0.Add(-time.Hour)},
		{ID: "e", GUID: "g1", Title: "One", Link: "https://e.example/1", FirstSeen: t0},
		{ID: "f", GUID: "g1", Title: "Two", Link: "https://f.example/2", FirstSeen: t0},
	}
	got, dups := Dedupe(items)
	if len(dups) != 3 || dups[0].Item.ID != "a" || dups[0].Of.ID != "d" {
		t.Errorf("duplicates: %+v", dups)
	}
	var ids []string
	for _, it := range got {
		ids = append(ids, it.ID)
	}
	want := "b d e" // b beats c by title; d beats a by link (seen earlier); e beats f (same time, earlier position)
	if s := join(ids); s != want {
		t.Errorf("kept %q, want %q", s, want)
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}

func TestMergeLocalWinsAndCaps(t *testing.T) {
	art := Item{ID: "https://n.example/a/", Link: "https://n.example/a/", Title: "Article", Role: RoleArticle}
	prev := &Item{ID: "https://n.example/p/", Link: "https://n.example/p/", Title: "Previous Story", Role: RolePrevious}
	rel := []Item{
		{ID: "x1", Link: "https://w.example/1", Title: "previous story", Role: RoleRelated}, // collides with prev by title
		{ID: "x2", Link: "https://n.example/a", Title: "Copy", Role: RoleRelated},           // collides with article by link
		{ID: "x3", Link: "https://w.example/3", Title: "Three", Role: RoleRelated},
		{ID: "x4", Link: "https://w.example/4", Title: "Four", Role: RoleRelated},
		{ID: "x5", Link: "https://w.example/5", Title: "Five", Role: RoleRelated},
	}
	got := Merge(art, prev, nil, rel, 2)
	var ids []string
	for _, it := range got {
		ids = append(ids, it.ID)
	}
	if s := join(ids); s != "https://n.example/a/ https://n.example/p/ x3 x4" {
		t.Errorf("merged %q", s)
	}
}

func TestRankRelated(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	items := []Item{
		{ID: "old", Score: 0.5, Published: t0},
		{ID: "low", Score: 0.2, Published: t0.Add(time.Hour)},
		{ID: "new", Score: 0.5, Published: t0.Add(time.Hour)},
		{ID: "b", Score: 0.5, Published: t0},
	}
	RankRelated(items)
	var ids []string
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	if s := join(ids); s != "new b old low" {
		t.Errorf("ranked %q", s)
	}
}

// TestKeyHashes: each key hashes with its kind in the low bits (dedupe
// names the shared key by it), and hashes given with SetKeyHashes are
// what KeyHashes returns, safe from a caller's append.
func TestKeyHashes(t *testing.T) {
	it := Item{GUID: "urn:1", Link: "https://w.example/a?utm_source=x", Title: "A Title"}
	keys, hashes := it.Keys(), it.KeyHashes()
	if len(keys) != 3 || len(hashes) != 3 {
		t.Fatalf("keys %q, hashes %v", keys, hashes)
	}
	for i, want := range []string{"guid", "link", "title"} {
		if hashes[i] != keyHash(keys[i]) || keyKind(hashes[i]) != want {
			t.Errorf("key %q: hash %x of kind %s, want kind %s", keys[i], hashes[i], keyKind(hashes[i]), want)
		}
	}
	if keyHash("title:a") == keyHash("title:b") {
		t.Error("two titles hash alike")
	}
	kept := it
	kept.SetKeyHashes([]uint64{7, 8})
	if grown := append(kept.KeyHashes(), 9); len(grown) != 3 {
		t.Fatalf("appended: %v", grown)
	}
	if again := kept.KeyHashes(); len(again) != 2 || again[0] != 7 || again[1] != 8 {
		t.Errorf("kept hashes came back as %v", again)
	}
}
