package publish

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestPlan(t *testing.T) {
	root := t.TempDir()
	d, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	for _, rel := range []string{"a/rss.xml", "a/atom.xml", "index.html"} {
		if err := d.Write(ctx, rel, []byte(rel)); err != nil {
			t.Fatal(err)
		}
	}
	os.Symlink(filepath.Join(root, "index.html"), filepath.Join(root, "b.xml"))
	prev := []Record{
		{"a/rss.xml", "feed:a", "h1"}, {"a/atom.xml", "feed:a", "h1"},
		{"index.html", "index", "h2"}, {"b.xml", "feed:b", "h3"},
		{"gone/rss.xml", "feed:gone", "h4"},
	}
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
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := d.Plan(tc.units, prev); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
