package feed

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// syntheticPool is a deterministic pool of n external items with bodies
// of 40–100 words drawn from a Zipf distribution over a fixed vocabulary
// (the skew of real news text), of which one in ten is an edited copy of
// an earlier item from another outlet.
func syntheticPool(n int) (items []Item, copies int) {
	r := rand.New(rand.NewPCG(7, 7^0x9e3779b97f4a7c15))
	vocab := make([]string, 8000)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%04dx", i)
	}
	zipf := rand.NewZipf(r, 1.1, 2, uint64(len(vocab)-1))
	t0 := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	items = make([]Item, n)
	for i := range items {
		id := fmt.Sprintf("tag:bench.example,2027:%d", i)
		it := Item{ID: id, GUID: id, Title: fmt.Sprintf("Headline %d", i), Link: "https://bench.example/" + id[24:],
			FirstSeen: t0.Add(time.Duration(i) * time.Minute), Origin: &Origin{Name: fmt.Sprintf("src%d", i%1000)}}
		if i > 10 && r.IntN(10) == 0 {
			words := strings.Fields(items[r.IntN(i)].Summary)
			it.Summary = "CITY (Wire) - " + strings.Join(words[:len(words)-r.IntN(8)], " ")
			copies++
		} else {
			var b strings.Builder
			for w := range 40 + r.IntN(60) {
				if w > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(vocab[zipf.Uint64()])
			}
			it.Summary = b.String()
		}
		items[i] = it
	}
	return items, copies
}

// BenchmarkDedupe is grouping's cost on a large pool: it runs once per
// cycle, before every article is scored against the pool.
func BenchmarkDedupe(b *testing.B) {
	for _, n := range []int{2000, 20000} {
		b.Run(fmt.Sprintf("items=%d", n), func(b *testing.B) {
			items, copies := syntheticPool(n)
			b.ReportAllocs()
			var dropped int
			for b.Loop() {
				_, dups := Dedupe(items)
				dropped = len(dups)
			}
			if dropped < copies {
				b.Fatalf("%d dropped, but the pool holds %d copies", dropped, copies)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/item")
		})
	}
}

// BenchmarkGroupNear is the near-duplicate step alone (fingerprints,
// band buckets, exact checks), without exact dedupe and reports.
func BenchmarkGroupNear(b *testing.B) {
	items, _ := syntheticPool(20000)
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	b.Run("fresh", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			groupNear(items, idx, nil, nil)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(items)), "ns/item")
	})
	// A later cycle: every item's fingerprint kept but the newest 20.
	prints := make([]NearPrint, len(items))
	for i := range items[:len(items)-20] {
		prints[i] = NearPrintOf(&items[i])
	}
	b.Run("kept", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			groupNear(items, idx, prints, nil)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(items)), "ns/item")
	})
}
