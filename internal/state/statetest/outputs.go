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
