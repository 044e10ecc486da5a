package publish

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkWriteCycle is a cycle's write phase: 300 changed files in 100
// folders, then the one Sync.
func BenchmarkWriteCycle(b *testing.B) {
	ctx := context.Background()
	d, err := New(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	data := make([]byte, 8<<10)
	n := 0
	for b.Loop() {
		n++
		for i := range 300 {
			data[0] = byte(n) // new content each round: every file is written
			if err := d.Write(ctx, fmt.Sprintf("a%03d/f%d.xml", i/3, i%3), data); err != nil {
				b.Fatal(err)
			}
		}
		if err := d.Sync(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlan: planning a cycle where nothing changed over the 6,005
// files of 2,000 articles, in their folders: every file is checked to be
// there.
func BenchmarkPlan(b *testing.B) {
	d, err := New(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	var units []Unit
	var prev []Record
	for i := range 2000 {
		u := Unit{Name: fmt.Sprintf("feed:%d", i), Hash: "h"}
		for _, f := range []string{"rss.xml", "atom.xml", "feed.json"} {
			rel := fmt.Sprintf("story-%04d/%s", i, f)
			if err := d.Write(ctx, rel, []byte("x")); err != nil {
				b.Fatal(err)
			}
			u.Paths = append(u.Paths, rel)
			prev = append(prev, Record{Path: rel, Unit: u.Name, Hash: "h"})
		}
		units = append(units, u)
	}
	for b.Loop() {
		if p := d.Plan(units, prev); p.Clean != 6000 {
			b.Fatalf("%d clean", p.Clean)
		}
	}
}
