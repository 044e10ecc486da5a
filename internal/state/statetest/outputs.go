package statetest

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"slices"
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
// (NULs included), rows replaced by slug (all of them, or only digest
// and matches when saved without a query), dropped on request, all of
// them on reset, and forgotten together with their key; queries are read
// back by streaming, terms by slug, frequencies with the key.
func testScores(t *testing.T, fresh NewDSN) {
	ctx := context.Background()
	s := open(t, fresh(t))
	row := func(slug, digest, q string) state.ScoreRow {
		return state.ScoreRow{Slug: slug, Digest: digest, Query: []byte(q), Matches: []byte(`[{"i":"` + digest + `"}]`), Terms: []byte("t\x00" + q)}
	}
	matchesOnly := func(slug, digest string) state.ScoreRow {
		return state.ScoreRow{Slug: slug, Digest: digest, Matches: []byte(`[{"i":"` + digest + `"}]`)}
	}
	// load is every kept row as slug → "digest matches query terms".
	load := func(out string) map[string]string {
		sc, err := s.LoadScores(ctx, out)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{"key": sc.Key, "df": fmt.Sprintf("%q %d", sc.DF, sc.Docs)}
		if key, err := s.ScoresKey(ctx, out); err != nil || key != sc.Key {
			t.Errorf("ScoresKey(%s) = %q, %v; LoadScores says %q", out, key, err, sc.Key)
		}
		var slugs []string
		for _, r := range sc.Rows {
			got[r.Slug] = r.Digest + " " + string(r.Matches)
			slugs = append(slugs, r.Slug)
		}
		err = s.ScoreQueries(ctx, out, func(slug string, q []byte) error {
			got[slug] += " " + string(q)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		terms, err := s.ScoreTerms(ctx, out, slugs)
		if err != nil {
			t.Fatal(err)
		}
		for slug, tm := range terms {
			got[slug] += " " + string(tm)
		}
		return got
	}
	q1 := "\x00q\xff"
	steps := []struct {
		name  string
		out   string
		key   string
		set   []state.ScoreRow
		drop  []string
		reset bool
		want  map[string]string
	}{
		{"first", "/srv/out", "k1", []state.ScoreRow{row("a", "d1", q1), row("b", "d1", "qb")}, nil, false,
			map[string]string{"key": "k1", "a": `d1 [{"i":"d1"}] ` + q1 + " t\x00" + q1, "b": `d1 [{"i":"d1"}] qb t` + "\x00qb"}},
		{"edit, new matches, drop", "/srv/out", "k1", []state.ScoreRow{row("a", "d2", "q2"), row("c", "d4", "qc")}, []string{"b"}, false,
			map[string]string{"key": "k1", "a": `d2 [{"i":"d2"}] q2 t` + "\x00q2", "c": `d4 [{"i":"d4"}] qc t` + "\x00qc"}},
		{"matches only", "/srv/out", "k1", []state.ScoreRow{matchesOnly("c", "d4")}, nil, false,
			map[string]string{"key": "k1", "a": `d2 [{"i":"d2"}] q2 t` + "\x00q2", "c": `d4 [{"i":"d4"}] qc t` + "\x00qc"}},
		{"other folder apart", "node2:/srv/out", "k9", []state.ScoreRow{row("z", "d9", "qz")}, nil, false,
			map[string]string{"key": "k9", "z": `d9 [{"i":"d9"}] qz t` + "\x00qz"}},
		{"reset", "/srv/out", "k2", []state.ScoreRow{row("e", "d1", "qe")}, nil, true,
			map[string]string{"key": "k2", "e": `d1 [{"i":"d1"}] qe t` + "\x00qe"}},
	}
	if key, err := s.ScoresKey(ctx, "/srv/out"); err != nil || key != "" {
		t.Errorf("ScoresKey before any scores = %q, %v; want \"\"", key, err)
	}
	for i, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			df := []byte{0, byte(i), 0xff}
			u := state.ScoreUpdate{Key: st.key, DF: df, Docs: i + 1, Set: st.set, Drop: st.drop, Reset: st.reset}
			if err := s.SaveScores(ctx, st.out, u); err != nil {
				t.Fatal(err)
			}
			st.want["df"] = fmt.Sprintf("%q %d", df, i+1)
			if got := load(st.out); !reflect.DeepEqual(got, st.want) {
				t.Errorf("LoadScores(%s) = %v; want %v", st.out, got, st.want)
			}
		})
	}
	// Item vectors: hashes use all 64 bits, vectors are bytes; replaced
	// by id, forgotten when gone, all of them but this cycle's on reset.
	// Written early (KeepItemVectors) they count once their generation
	// is committed; a killed cycle's are never counted, and the next
	// commit drops them.
	vec := func(id string, h uint64) state.ItemVector {
		return state.ItemVector{ID: id, Hash: h, Vec: []byte{0, byte(h), 0xff}, Print: []byte{byte(h), 1, 2, 3, 4, 5, 6, 7}}
	}
	vsteps := []struct {
		name    string
		early   []state.ItemVector // written while scoring
		u       state.ScoreUpdate  // nil Key: the cycle is killed before it commits
		want    map[string]state.ItemVector
		covered []string
	}{
		{"add", []state.ItemVector{vec("x", 1<<63|5), vec("y", 7)}, state.ScoreUpdate{Key: "k2"},
			map[string]state.ItemVector{"x": vec("x", 1<<63|5), "y": vec("y", 7)}, []string{"x", "y"}},
		{"early, then committed", []state.ItemVector{vec("w", 3)}, state.ScoreUpdate{Key: "k2"},
			map[string]state.ItemVector{"x": vec("x", 1<<63|5), "y": vec("y", 7), "w": vec("w", 3)}, []string{"w", "x", "y"}},
		{"killed before commit", []state.ItemVector{vec("k", 4), vec("x", 8)}, state.ScoreUpdate{},
			map[string]state.ItemVector{"x": vec("x", 8), "y": vec("y", 7), "w": vec("w", 3), "k": vec("k", 4)}, []string{"w", "y"}},
		{"replace and gone", []state.ItemVector{vec("x", 9)}, state.ScoreUpdate{Key: "k2", Gone: []string{"y", "never"}},
			map[string]state.ItemVector{"x": vec("x", 9), "w": vec("w", 3)}, []string{"w", "x"}},
		{"reset", []state.ItemVector{vec("z", 1)}, state.ScoreUpdate{Key: "k3", Reset: true},
			map[string]state.ItemVector{"z": vec("z", 1)}, []string{"z"}},
	}
	for _, st := range vsteps {
		t.Run("vectors "+st.name, func(t *testing.T) {
			sc, err := s.LoadScores(ctx, "/srv/out")
			if err != nil {
				t.Fatal(err)
			}
			if err := s.KeepItemVectors(ctx, "/srv/out", sc.Next, st.early); err != nil {
				t.Fatal(err)
			}
			if st.u.Key != "" {
				st.u.Gen = sc.Next
				if err := s.SaveScores(ctx, "/srv/out", st.u); err != nil {
					t.Fatal(err)
				}
			}
			got, err := itemVectors(ctx, s, "/srv/out")
			want := map[string]state.ItemVector{}
			for id, v := range st.want {
				v.Print = nil
				want[id] = v
			}
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("ItemVectors = %v, %v; want %v", got, err, want)
			}
			sc, err = s.LoadScores(ctx, "/srv/out")
			covered := map[string]state.ScoredItem{}
			for _, id := range st.covered {
				covered[id] = state.ScoredItem{Hash: st.want[id].Hash, Print: st.want[id].Print}
			}
			if err != nil || !reflect.DeepEqual(sc.Items, covered) {
				t.Errorf("LoadScores items = %v, %v; want %v", sc.Items, err, covered)
			}
		})
	}
	if err := s.ForgetScores(ctx, "/srv/out"); err != nil {
		t.Fatal(err)
	}
	if got := load("/srv/out"); !reflect.DeepEqual(got, map[string]string{"key": "", "df": `"" 0`}) {
		t.Errorf("after ForgetScores: %v", got)
	}
	if got, _ := itemVectors(ctx, s, "/srv/out"); len(got) != 0 {
		t.Errorf("after ForgetScores: vectors %v", got)
	}
	if got := load("node2:/srv/out"); got["z"] == "" {
		t.Errorf("ForgetScores of one folder touched another: %v", got)
	}
}

// testArticleCache: kept parses are per output folder, replaced by path,
// forgotten on request; they are listed with their heads, and each one's
// data is read on its own.
func testArticleCache(t *testing.T, fresh NewDSN) {
	ctx := context.Background()
	s := open(t, fresh(t))
	a := func(path, sum string) state.CachedArticle {
		return state.CachedArticle{Path: path, Sum: sum, Head: []byte(`{"Title":"` + sum + `"}`)}
	}
	steps := []struct {
		out  string
		set  []state.CachedArticle
		drop []string
		want map[string]state.CachedArticle
	}{
		{"/srv/out", []state.CachedArticle{a("a.md", "1"), a("b.md", "1")}, nil,
			map[string]state.CachedArticle{"a.md": a("a.md", "1"), "b.md": a("b.md", "1")}},
		{"/srv/out", []state.CachedArticle{a("a.md", "2")}, []string{"b.md"},
			map[string]state.CachedArticle{"a.md": a("a.md", "2")}},
		{"node2:/srv/out", []state.CachedArticle{a("a.md", "9")}, nil,
			map[string]state.CachedArticle{"a.md": a("a.md", "9")}},
	}
	data := func(c state.CachedArticle) []byte { return []byte("text of " + c.Path + " " + c.Sum + "\x00\xff") }
	for i, st := range steps {
		set := slices.Clone(st.set)
		for j := range set {
			set[j].Data = data(set[j])
		}
		if err := s.SaveArticleCache(ctx, st.out, set, st.drop); err != nil {
			t.Fatal(err)
		}
		if got, err := s.ArticleCache(ctx, st.out); err != nil || !reflect.DeepEqual(got, st.want) {
			t.Errorf("step %d: ArticleCache(%s) = %v, %v; want %v", i, st.out, got, err, st.want)
		}
		for path, c := range st.want {
			sum, got, err := s.CachedArticleData(ctx, st.out, path)
			if err != nil || sum != c.Sum || !bytes.Equal(got, data(c)) {
				t.Errorf("step %d: CachedArticleData(%s) = %q, %q, %v", i, path, sum, got, err)
			}
		}
	}
}

// itemVectors reads every item vector kept for out, by id (without its
// fingerprint, which LoadScores gives for the items kept scores cover).
func itemVectors(ctx context.Context, s *state.Store, out string) (map[string]state.ItemVector, error) {
	vecs := map[string]state.ItemVector{}
	err := s.ScanItemVectors(ctx, out, func(id []byte, hash uint64, vec []byte) error {
		vecs[string(id)] = state.ItemVector{ID: string(id), Hash: hash, Vec: bytes.Clone(vec)}
		return nil
	})
	return vecs, err
}
