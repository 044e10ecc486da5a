package articles

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestGolden parses every fixture in testdata and compares the result,
// as JSON, with testdata/golden/<file>.json.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, path := range files {
		parse := parserFor(path)
		if parse == nil {
			continue
		}
		n++
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			a, err := parse(filepath.ToSlash(path), data)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			got, err := json.MarshalIndent(a, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", "golden", filepath.Base(path)+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("parse of %s differs from %s (run go test -update after checking):\n got: %s\nwant: %s", path, golden, got, want)
			}
			// Whatever the golden file says, page chrome is never published.
			for _, marker := range []string{"Please enter", "Leave a Reply", "Related articles", "Save my name", "Δ", "Email:*", "More from author"} {
				if strings.Contains(a.HTML, marker) || strings.Contains(a.Text, marker) {
					t.Errorf("%q leaked into the body", marker)
				}
			}
		})
	}
	if n < 3 {
		t.Fatalf("only %d fixtures in testdata", n)
	}
}
