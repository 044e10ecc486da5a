package parser

import (
	"testing"
	"time"

	"github.com/braid-feeds/braid/bench/feedgen"
)

// BenchmarkParse is one generated feed (20 items with HTML summaries and
// relative links, as bench/fetch.sh serves) through gofeed, conversion
// and sanitizing: what a first cycle does to every feed it fetches.
func BenchmarkParse(b *testing.B) {
	body := feedgen.Feed(7, 20, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	p := New()
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		f, err := p.Parse("feed 7", "https://feeds7.example/feed.xml", "application/rss+xml", body)
		if err != nil || len(f.Items) != 20 {
			b.Fatalf("%d items, %v", len(f.Items), err)
		}
	}
}
