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
