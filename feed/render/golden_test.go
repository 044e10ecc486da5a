package render

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/braid-feeds/braid/feed"
)

var update = flag.Bool("update", false, "rewrite golden files")

type renderCase struct {
	name string
	fn   func() ([]byte, error)
}

func feedCases(prefix string, mk func() *feed.Feed) []renderCase {
	return []renderCase{
		{prefix + ".rss.xml", func() ([]byte, error) { return RSS(mk()) }},
		{prefix + ".atom.xml", func() ([]byte, error) { return Atom(mk()) }},
		{prefix + ".feed.json", func() ([]byte, error) { return JSON(mk()) }},
	}
}

func allCases() []renderCase {
	cases := append(feedCases("article", fixture), feedCases("edge", edgeFixture)...)
	cases = append(cases, feedCases("empty", emptyFixture)...)
	return append(cases,
		renderCase{"feeds.opml", func() ([]byte, error) { return OPML("Braid feeds", opmlFixture()) }},
		renderCase{"index.html", func() ([]byte, error) { return Index(indexFixture()) }},
	)
}

func TestGolden(t *testing.T) {
	for _, tc := range allCases() {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.fn()
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tc.name)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s (run go test -update and review the diff):\n%s", path, got)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	for _, tc := range allCases() {
		t.Run(tc.name, func(t *testing.T) {
			a, errA := tc.fn()
			b, errB := tc.fn()
			if errA != nil || errB != nil {
				t.Fatal(errA, errB)
			}
			if !bytes.Equal(a, b) {
				t.Error("two renders of the same input differ")
			}
		})
	}
}
