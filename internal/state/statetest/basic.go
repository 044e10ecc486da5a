package statetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/internal/state"
)

var t0 = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

func testArticleFirstSeen(t *testing.T, fresh NewDSN) {
	ctx := context.Background()
	dsn := fresh(t)
	s, err := state.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.ArticleFirstSeen(ctx, "a", t0)
	if err != nil || !got.Equal(t0) {
		t.Fatalf("%v %v", got, err)
	}
	s.Close()
	s = open(t, dsn)
	got, err = s.ArticleFirstSeen(ctx, "a", t0.Add(48*time.Hour))
	if err != nil || !got.Equal(t0) {
		t.Errorf("first seen moved to %v (%v)", got, err)
	}
}

func testSourceItems(t *testing.T, fresh NewDSN) {
	ctx := context.Background()
	s := open(t, fresh(t))
	if _, err := s.Source(ctx, "wire"); !errors.Is(err, state.ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	items := []state.Item{
		{Item: feed.Item{ID: "2", Title: "Two", Summary: "<p>two</p>"}, FirstSeen: t0, Hash: "h2"},
		{Item: feed.Item{ID: "1", Title: "One", ContentHTML: "<p>one</p>"}, FirstSeen: t0, Hash: ""},
	}
	src := state.Source{Name: "wire", URL: "https://w.example/f", ETag: `"x"`, Status: "ok", LastSuccess: t0,
		Feed: feed.Origin{Title: "Wire"}}
	if err := s.SaveSource(ctx, src, items); err != nil {
		t.Fatal(err)
	}
	src.Status, src.Failures, src.Error = "failed", 1, "HTTP 500"
	if err := s.SaveSource(ctx, src, nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.Items(ctx, "wire")
	if err != nil || len(got) != 2 || got[0].ID != "2" || got[1].Title != "One" || !got[0].FirstSeen.Equal(t0) {
		t.Fatalf("items after a failure: %+v %v", got, err)
	}
	back, err := s.Source(ctx, "wire")
	if err != nil || back.Failures != 1 || back.ETag != `"x"` || !back.LastSuccess.Equal(t0) || back.Feed.Title != "Wire" {
		t.Errorf("source: %+v %v", back, err)
	}
	if err := s.SaveSource(ctx, state.Source{Name: "other", URL: "https://o.example/f"}, []state.Item{{Item: feed.Item{ID: "o"}, FirstSeen: t0}}); err != nil {
		t.Fatal(err)
	}
	// ItemsOf reads several sources' items at once, only of the sources
	// named: the same items, or without their text (unless stored
	// without a hash to tell it by).
	if of, err := s.ItemsOf(ctx, []string{"wire", "absent"}, true); err != nil || len(of) != 1 || !reflect.DeepEqual(of["wire"], got) {
		t.Errorf("ItemsOf with text = %+v, %v; want only wire's %+v", of, err, got)
	}
	heads := slices.Clone(got)
	heads[0].Summary = ""
	if of, err := s.ItemsOf(ctx, []string{"wire", "absent"}, false); err != nil || len(of) != 1 || !reflect.DeepEqual(of["wire"], heads) {
		t.Errorf("ItemsOf without text = %+v, %v; want only wire's %+v", of, err, heads)
	}
	if err := s.PruneSources(ctx, []string{"wire"}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.ItemCounts(ctx); err != nil || !reflect.DeepEqual(n, map[string]int{"wire": 2}) {
		t.Errorf("item counts %v %v", n, err)
	}
	if err := s.PruneSources(ctx, []string{"other"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Items(ctx, "wire"); len(got) != 0 {
		t.Errorf("items of a removed source kept: %d", len(got))
	}
	if all, err := s.Sources(ctx); err != nil || len(all) != 0 {
		t.Errorf("sources after prune: %+v %v", all, err)
	}
}

// testItemBodies: an item's summary and content come back byte for byte,
// NUL and invalid UTF-8 included (PostgreSQL's text would refuse both),
// with the rest of the item (Items) and alone (Texts).
func testItemBodies(t *testing.T, fresh NewDSN) {
	ctx := context.Background()
	s := open(t, fresh(t))
	items := []state.Item{
		{Item: feed.Item{ID: "a", Title: "Körper", Summary: "<p>sum\x00mary \xff\xfe</p>", ContentHTML: "<div>ü \"quoted\" \u2028</div>",
			Categories: []string{"x"}, Published: t0}, FirstSeen: t0, Hash: "ha"},
		{Item: feed.Item{ID: "b", Title: "No body"}, FirstSeen: t0, Hash: "hb"},
	}
	if err := s.SaveSource(ctx, state.Source{Name: "wire", URL: "https://w.example/f", Status: "ok"}, items); err != nil {
		t.Fatal(err)
	}
	got, err := s.Items(ctx, "wire")
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		got[i].FirstSeen, got[i].Published = got[i].FirstSeen.UTC(), got[i].Published.UTC()
	}
	if want := withKeys(items); !reflect.DeepEqual(got, want) {
		t.Errorf("items came back as\n%+v\nwant\n%+v", got, want)
	}
	texts, err := s.Texts(ctx, "wire")
	if err != nil || len(texts) != len(items) {
		t.Fatalf("Texts: %d, %v", len(texts), err)
	}
	for _, it := range items { // in no particular order
		want := state.ItemText{ID: it.ID, Hash: it.Hash, Summary: it.Summary, Content: it.ContentHTML}
		if !slices.Contains(texts, want) {
			t.Errorf("Texts = %+v, want %+v among them", texts, want)
		}
	}
}

// testConcurrentSaves: outcomes saved at once (committed in groups) are
// all kept, each with its own items; one the database refuses (a NUL in
// a PostgreSQL text column) fails alone.
func testConcurrentSaves(t *testing.T, fresh NewDSN) {
	ctx := context.Background()
	s := open(t, fresh(t))
	const n = 40
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			name := fmt.Sprintf("src-%02d", i)
			src := state.Source{Name: name, URL: "https://w.example/" + name, Status: "ok"}
			if i == 7 {
				src.URL += "\x00"
			}
			items := []state.Item{{Item: feed.Item{ID: name + "/1", Title: name, Summary: "<p>" + name + "</p>"}, FirstSeen: t0, Hash: "h"}}
			errs[i] = s.SaveSource(ctx, src, items)
		})
	}
	wg.Wait()
	for i := range n {
		name := fmt.Sprintf("src-%02d", i)
		items, err := s.Items(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if errs[i] != nil {
			if i != 7 || len(items) != 0 {
				t.Errorf("%s: %v, %d items kept", name, errs[i], len(items))
			}
			continue
		}
		if len(items) != 1 || items[0].Title != name || items[0].Summary != "<p>"+name+"</p>" {
			t.Errorf("%s: items %+v", name, items)
		}
	}
}

// testSourceRoundTrip: every field comes back as saved, including the
// large values PostgreSQL's 32-bit INTEGER would not hold.
func testSourceRoundTrip(t *testing.T, fresh NewDSN) {
	ctx := context.Background()
	s := open(t, fresh(t))
	far := time.Date(2150, 1, 2, 3, 4, 5, 0, time.UTC)
	want := state.Source{Name: "wire", URL: "https://w.example/f", MovedTo: "https://w.example/new",
		ETag: `W/"e"`, LastModified: "Mon, 02 Jan 2006 15:04:05 GMT", Status: "failed", HTTPStatus: 503,
		ErrorClass: "http_status", Error: "HTTP 503 ünïcode", LastAttempt: t0, LastSuccess: t0.Add(-time.Hour),
		Failures: 3, NextFetch: far, HintNext: t0.Add(time.Hour), TTL: 90 * time.Minute, Gone: true,
		Feed: feed.Origin{Title: "Wire", Link: "https://w.example/"}, FetchedBy: "node-b"}
	// Every field an item keeps, times in zones other than UTC included.
	east := time.FixedZone("", 5*3600+30*60)
	items := []state.Item{{Item: feed.Item{ID: "x", GUID: "urn:x", Link: "https://w.example/x?utm_source=a",
		Title: "<b>X</b> & Y", Categories: []string{"a", "b"}, Published: t0.In(east), Updated: t0.Add(time.Nanosecond),
		Authors: []feed.Person{{Name: "Ana", Email: "ana@w.example"}, {Name: "Bo"}}, Role: feed.RoleRelated, Score: 0.4375,
		FirstSeen: t0.Add(-time.Hour), AlsoReportedBy: []feed.Report{{Outlet: "Other", Link: "https://o.example/x"}, {Outlet: "No link"}}},
		FirstSeen: far, Hash: "hx"}}
	if err := s.SaveSource(ctx, want, items); err != nil {
		t.Fatal(err)
	}
	got, err := s.Source(ctx, "wire")
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("source round trip:\n got %+v %v\nwant %+v", got, err, want)
	}
	back, err := s.Items(ctx, "wire")
	if err != nil || len(back) != 1 || !reflect.DeepEqual(back[0], withKeys(items)[0]) {
		t.Errorf("items round trip: %+v %v\nwant %+v", back, err, withKeys(items)[0])
	}
}

func testMeta(t *testing.T, fresh NewDSN) {
	ctx := context.Background()
	s := open(t, fresh(t))
	for _, tc := range []struct{ key, set, want string }{
		{"fingerprint", "", ""},
		{"fingerprint", "abc", "abc"},
		{"fingerprint", "def", "def"},
	} {
		if tc.set != "" {
			if err := s.SetMeta(ctx, tc.key, tc.set); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := s.Meta(ctx, tc.key); err != nil || got != tc.want {
			t.Errorf("Meta(%s) after setting %q = %q, %v", tc.key, tc.set, got, err)
		}
	}
}

// testItemDigests: a source's digest changes with any stored field, a
// first-seen time or the order, stays the same for the same items, and
// counts them; sources without items have none.
func testItemDigests(t *testing.T, fresh NewDSN) {
	ctx := context.Background()
	s := open(t, fresh(t))
	base := []state.Item{
		{Item: feed.Item{ID: "2", Title: "Two", Summary: "<p>b</p>"}, FirstSeen: t0, Hash: "h2"},
		{Item: feed.Item{ID: "1", Title: "One"}, FirstSeen: t0, Hash: "h1"},
	}
	digest := func(items []state.Item) state.ItemDigest {
		t.Helper()
		if err := s.SaveSource(ctx, state.Source{Name: "wire", URL: "https://w.example/f"}, items); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveSource(ctx, state.Source{Name: "quiet", URL: "https://q.example/f"}, []state.Item{}); err != nil {
			t.Fatal(err)
		}
		all, err := s.ItemDigests(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := all["quiet"]; ok {
			t.Errorf("a source without items has a digest: %v", all)
		}
		return all["wire"]
	}
	first := digest(base)
	if first.Count != 2 || first.Sum == "" {
		t.Fatalf("digest %+v", first)
	}
	if again := digest(slices.Clone(base)); again != first {
		t.Errorf("same items, digest %+v then %+v", first, again)
	}
	changes := map[string]func([]state.Item){
		"a field":    func(it []state.Item) { it[0].Published = t0 },
		"first seen": func(it []state.Item) { it[1].FirstSeen = t0.Add(time.Second) },
		"the order":  func(it []state.Item) { it[0], it[1] = it[1], it[0] },
	}
	for name, change := range changes {
		items := slices.Clone(base)
		change(items)
		if d := digest(items); d == first {
			t.Errorf("changing %s left the digest as it was", name)
		}
	}
}

// withKeys is items as the state gives them back: with the dedupe keys
// hashes it kept for each (feed.Item.SetKeyHashes).
func withKeys(items []state.Item) []state.Item {
	out := slices.Clone(items)
	for i := range out {
		out[i].SetKeyHashes(out[i].KeyHashes())
	}
	return out
}
