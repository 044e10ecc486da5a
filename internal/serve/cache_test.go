package serve

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCacheEvictsLeastRecentlyUsed(t *testing.T) {
	dir := t.TempDir()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	// 1000 random-ish bytes: no gzip variant, cost 1000+overhead each.
	body := make([]byte, 1000)
	for i := range body {
		body[i] = byte(i * 7919 % 251)
	}
	c := newCache(3 * (1000 + entryOverhead))
	stat := map[string]os.FileInfo{}
	for _, n := range []string{"a.bin", "b.bin", "c.bin", "d.bin"} {
		if err := os.WriteFile(filepath.Join(dir, n), body, 0o644); err != nil {
			t.Fatal(err)
		}
		fi, err := root.Stat(n)
		if err != nil {
			t.Fatal(err)
		}
		stat[n] = fi
	}
	for _, n := range []string{"a.bin", "b.bin", "c.bin"} {
		if _, err := c.load(root, n, stat[n]); err != nil {
			t.Fatal(err)
		}
	}
	c.get("a.bin", stat["a.bin"]) // b is now the least recently used
	if _, err := c.load(root, "d.bin", stat["d.bin"]); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		cached bool
	}{{"a.bin", true}, {"b.bin", false}, {"c.bin", true}, {"d.bin", true}} {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.get(tc.name, stat[tc.name]) != nil; got != tc.cached {
				t.Errorf("cached = %v, want %v", got, tc.cached)
			}
		})
	}
	if c.size > c.max {
		t.Errorf("size %d over budget %d", c.size, c.max)
	}
}
