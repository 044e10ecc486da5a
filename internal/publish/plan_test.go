package publish

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestPlan(t *testing.T) {
	d, root := openTemp(t)
	ctx := context.Background()
	for _, rel := range []string{"a/rss.xml", "a/atom.xml", "index.html"} {
		if err := d.Write(ctx, rel, []byte(rel)); err != nil {
			t.Fatal(err)
		}
	}
	os.Symlink(filepath.Join(root, "index.html"), filepath.Join(root, "b.xml"))
	// A feed folder that leads out of the root, and one that became a
	// file: their files must be written again.
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "rss.xml"), []byte("elsewhere"), 0o644)
	os.Symlink(outside, filepath.Join(root, "evil"))
	os.WriteFile(filepath.Join(root, "flat"), []byte("a file"), 0o644)
	prev := []Record{
		{"a/rss.xml", "feed:a", "h1"}, {"a/atom.xml", "feed:a", "h1"},
		{"index.html", "index", "h2"}, {"b.xml", "feed:b", "h3"},
		{"gone/rss.xml", "feed:gone", "h4"},
		{"evil/rss.xml", "feed:evil", "h6"}, {"flat/rss.xml", "feed:flat", "h7"},
	}
	theirs := []string{"evil/rss.xml", "flat/rss.xml"} // stale in every case below
	for _, tc := range []struct {
		name  string
		units []Unit
		want  Plan
	}{
		{"nothing changed", []Unit{{"feed:a", "h1", []string{"a/rss.xml", "a/atom.xml"}}, {"index", "h2", []string{"index.html"}}},
			Plan{Clean: 3, Stale: []string{"b.xml", "gone/rss.xml"}}},
		{"a hash changed", []Unit{{"feed:a", "h9", []string{"a/rss.xml", "a/atom.xml"}}, {"index", "h2", []string{"index.html"}}},
			Plan{Dirty: []int{0}, Clean: 1, Stale: []string{"b.xml", "gone/rss.xml"}}},
		{"a new unit", []Unit{{"feed:c", "h5", []string{"c/rss.xml"}}},
			Plan{Dirty: []int{0}, Stale: []string{"a/rss.xml", "a/atom.xml", "index.html", "b.xml", "gone/rss.xml"}}},
		{"a file missing or not regular", []Unit{{"feed:gone", "h4", []string{"gone/rss.xml"}}, {"feed:b", "h3", []string{"b.xml"}}},
			Plan{Dirty: []int{0, 1}, Stale: []string{"a/rss.xml", "a/atom.xml", "index.html"}}},
		{"same hash, other unit", []Unit{{"feed:z", "h2", []string{"index.html"}}},
			Plan{Dirty: []int{0}, Stale: []string{"a/rss.xml", "a/atom.xml", "b.xml", "gone/rss.xml"}}},
		{"a folder out of the root, or a file", []Unit{{"feed:evil", "h6", []string{"evil/rss.xml"}}, {"feed:flat", "h7", []string{"flat/rss.xml"}},
			{"feed:a", "h1", []string{"a/rss.xml", "a/atom.xml"}}},
			Plan{Dirty: []int{0, 1}, Clean: 2, Stale: []string{"index.html", "b.xml", "gone/rss.xml"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.HasPrefix(tc.name, "a folder out") {
				tc.want.Stale = append(tc.want.Stale, theirs...)
			}
			if got := d.Plan(tc.units, prev); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
