package state

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/braid-feeds/braid/internal/state/pgtest"
)

// BenchmarkClaimDue: one node claiming 1,000 due sources in batches of
// 100, as a daemon would each period; ns/op is per period.
func BenchmarkClaimDue(b *testing.B) {
	names := make([]string, 1000)
	for i := range names {
		names[i] = fmt.Sprintf("src-%04d", i)
	}
	for _, be := range []struct {
		name string
		dsn  func(b *testing.B) string
	}{
		{"sqlite", func(b *testing.B) string { return filepath.Join(b.TempDir(), "state.db") }},
		{"postgres", func(b *testing.B) string { return pgtest.URL(b) }},
	} {
		b.Run(be.name, func(b *testing.B) {
			ctx := context.Background()
			s, err := Open(ctx, be.dsn(b))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
			for b.Loop() {
				claimed := 0
				for {
					got, err := s.ClaimDue(ctx, "n", names, now, time.Minute, 100)
					if err != nil {
						b.Fatal(err)
					}
					if len(got) == 0 {
						break
					}
					claimed += len(got)
				}
				if claimed != len(names) {
					b.Fatalf("claimed %d of %d", claimed, len(names))
				}
				now = now.Add(time.Minute)
			}
			b.ReportMetric(float64(len(names)*b.N)/b.Elapsed().Seconds(), "claims/s")
		})
	}
}

// BenchmarkKeepItemVectors: a first cycle's item vectors, 10,000 of 800
// bytes with a 256-byte fingerprint, kept in batches of 500 as the cycle
// does; ns/op is per 10,000.
func BenchmarkKeepItemVectors(b *testing.B) {
	// A cycle's context can end (a signal, a deadline), as this one.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "state.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	vecs := make([]ItemVector, 10000)
	for i := range vecs {
		vec := make([]byte, 800)
		for j := range vec {
			vec[j] = byte(i * j)
		}
		vecs[i] = ItemVector{ID: fmt.Sprintf("https://feeds%d.example/item/%d", i%500, i), Hash: uint64(i) * 0x9e3779b97f4a7c15, Vec: vec, Print: vec[:256]}
	}
	n := 0
	for b.Loop() {
		n++
		out := fmt.Sprintf("/srv/out-%d", n) // a first cycle: every row new
		for k := 0; k < len(vecs); k += 500 {
			if err := s.KeepItemVectors(ctx, out, 1, vecs[k:k+500]); err != nil {
				b.Fatal(err)
			}
		}
	}
}
