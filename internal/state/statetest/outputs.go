package statetest

import (
	"context"
	"reflect"
	"testing"

	"github.com/braid-feeds/braid/internal/state"
)

// testOutputs: files are recorded per output folder, replaced by path,
// forgotten on request, and listed by path byte-wise on every backend.
func testOutputs(t *testing.T, fresh NewDSN) {
	ctx := context.Background()
	s := open(t, fresh(t))
	steps := []struct {
		name string
		out  string
		set  []state.Output
		drop []string
		want map[string][]state.Output
	}{
		{"pending", "/srv/out", []state.Output{o("b/rss.xml", "feed:b", ""), o("B/rss.xml", "feed:B", ""), o("index.html", "index", "")}, nil,
			map[string][]state.Output{"/srv/out": {o("B/rss.xml", "feed:B", ""), o("b/rss.xml", "feed:b", ""), o("index.html", "index", "")}}},
		{"written", "/srv/out", []state.Output{o("b/rss.xml", "feed:b", "h1"), o("index.html", "index", "h2")}, []string{"B/rss.xml"},
			map[string][]state.Output{"/srv/out": {o("b/rss.xml", "feed:b", "h1"), o("index.html", "index", "h2")}}},
		{"other folder apart", "node2:/srv/out", []state.Output{o("index.html", "index", "h9")}, []string{"b/rss.xml"},
			map[string][]state.Output{"/srv/out": {o("b/rss.xml", "feed:b", "h1"), o("index.html", "index", "h2")},
				"node2:/srv/out": {o("index.html", "index", "h9")}}},
		{"drop all", "/srv/out", nil, []string{"b/rss.xml", "index.html", "never"},
			map[string][]state.Output{"/srv/out": nil, "node2:/srv/out": {o("index.html", "index", "h9")}}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if err := s.SaveOutputs(ctx, st.out, st.set, st.drop); err != nil {
				t.Fatal(err)
			}
			for out, want := range st.want {
				got, err := s.Outputs(ctx, out)
				if err != nil || !reflect.DeepEqual(got, want) {
					t.Errorf("Outputs(%s) = %v, %v; want %v", out, got, err, want)
				}
			}
		})
	}
}

func o(path, unit, hash string) state.Output { return state.Output{Path: path, Unit: unit, Hash: hash} }

// testScores: kept scores are per output folder, bytes kept exactly
// (NULs included), rows replaced by slug, dropped on request, all of
// them on reset, and forgotten together with their key.
func testScores(t *testing.T, fresh NewDSN) {
	ctx := context.Background()
	s := open(t, fresh(t))
	row := func(slug, digest string) state.ScoreRow {
		return state.ScoreRow{Slug: slug, Digest: digest, Query: []byte{0, 'q', 0xff}, Matches: []byte(`[{"i":"x"}]`)}
	}
	load := func(out string) map[string]string {
		sc, err := s.LoadScores(ctx, out)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{"key": sc.Key}
		for _, r := range sc.Rows {
			if string(r.Query) != "\x00q\xff" || string(r.Matches) != `[{"i":"x"}]` {
				t.Errorf("row %s came back as %q, %q", r.Slug, r.Query, r.Matches)
			}
			got[r.Slug] = r.Digest
		}
		return got
	}
	steps := []struct {
		name  string
		out   string
		key   string
		set   []state.ScoreRow
		drop  []string
		reset bool
		want  map[string]string
	}{
		{"first", "/srv/out", "k1", []state.ScoreRow{row("a", "d1"), row("b", "d1")}, nil, false,
			map[string]string{"key": "k1", "a": "d1", "b": "d1"}},
		{"edit and drop", "/srv/out", "k1", []state.ScoreRow{row("a", "d2")}, []string{"b"}, false,
			map[string]string{"key": "k1", "a": "d2"}},
		{"other folder apart", "node2:/srv/out", "k9", []state.ScoreRow{row("z", "d9")}, nil, false,
			map[string]string{"key": "k9", "z": "d9"}},
		{"reset", "/srv/out", "k2", []state.ScoreRow{row("c", "d1")}, nil, true,
			map[string]string{"key": "k2", "c": "d1"}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			u := state.ScoreUpdate{Key: st.key, Set: st.set, Drop: st.drop, Reset: st.reset}
			if err := s.SaveScores(ctx, st.out, u); err != nil {
				t.Fatal(err)
			}
			if got := load(st.out); !reflect.DeepEqual(got, st.want) {
				t.Errorf("LoadScores(%s) = %v; want %v", st.out, got, st.want)
			}
		})
	}
	// Item vectors: hashes use all 64 bits, vectors are bytes; replaced
	// by id, forgotten when gone, all of them on reset.
	vec := func(id string, h uint64) state.ItemVector {
		return state.ItemVector{ID: id, Hash: h, Vec: []byte{0, byte(h), 0xff}, Print: []byte{byte(h), 1, 2, 3, 4, 5, 6, 7}}
	}
	vsteps := []struct {
		name string
		u    state.ScoreUpdate
		want map[string]state.ItemVector
	}{
		{"add", state.ScoreUpdate{Key: "k2", Vectors: []state.ItemVector{vec("x", 1<<63|5), vec("y", 7)}},
			map[string]state.ItemVector{"x": vec("x", 1<<63|5), "y": vec("y", 7)}},
		{"replace and gone", state.ScoreUpdate{Key: "k2", Vectors: []state.ItemVector{vec("x", 9)}, Gone: []string{"y", "never"}},
			map[string]state.ItemVector{"x": vec("x", 9)}},
		{"reset", state.ScoreUpdate{Key: "k3", Reset: true, Vectors: []state.ItemVector{vec("z", 1)}},
			map[string]state.ItemVector{"z": vec("z", 1)}},
	}
	for _, st := range vsteps {
		t.Run("vectors "+st.name, func(t *testing.T) {
			if err := s.SaveScores(ctx, "/srv/out", st.u); err != nil {
				t.Fatal(err)
			}
			got, err := s.ItemVectors(ctx, "/srv/out")
			if err != nil || !reflect.DeepEqual(got, st.want) {
				t.Errorf("ItemVectors = %v, %v; want %v", got, err, st.want)
			}
			// The items the scores cover are those with a vector.
			sc, err := s.LoadScores(ctx, "/srv/out")
			covered := map[string]state.ScoredItem{}
			for id, v := range st.want {
				covered[id] = state.ScoredItem{Hash: v.Hash, Print: v.Print}
			}
			if err != nil || !reflect.DeepEqual(sc.Items, covered) {
				t.Errorf("LoadScores items = %v, %v; want %v", sc.Items, err, covered)
			}
		})
	}
	if err := s.ForgetScores(ctx, "/srv/out"); err != nil {
		t.Fatal(err)
	}
	if got := load("/srv/out"); !reflect.DeepEqual(got, map[string]string{"key": ""}) {
		t.Errorf("after ForgetScores: %v", got)
	}
	if got, _ := s.ItemVectors(ctx, "/srv/out"); len(got) != 0 {
		t.Errorf("after ForgetScores: vectors %v", got)
	}
	if got := load("node2:/srv/out"); got["z"] != "d9" {
		t.Errorf("ForgetScores of one folder touched another: %v", got)
	}
}
