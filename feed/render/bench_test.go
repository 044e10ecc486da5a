package render

import (
	"fmt"
	"testing"
	"time"

	"github.com/braid-feeds/braid/feed"
)

// BenchmarkIndex renders the index page of a big site: it is written
// again whenever one article's related count changes.
func BenchmarkIndex(b *testing.B) {
	for _, n := range []int{2000, 20000} {
		b.Run(fmt.Sprintf("feeds=%d", n), func(b *testing.B) {
			d := IndexData{Site: feed.Channel{Title: "Scale News", Link: "https://news.example.com/"}, Generated: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
			for i := range n {
				base := fmt.Sprintf("https://news.example.com/feeds/story-%d/", i)
				d.Feeds = append(d.Feeds, IndexFeed{Title: fmt.Sprintf("Story %d about the harbour & the <crane>", i), ArticleURL: fmt.Sprintf("https://news.example.com/story-%d/", i),
					Links: LinksFor(base, FormatNames()), Related: i % 7, Published: time.Date(2026, 10, 1+i%28, 9, 0, 0, 0, time.UTC)})
			}
			for i := range n / 2 {
				d.Sources = append(d.Sources, IndexSource{Name: fmt.Sprintf("feed %d", i), URL: fmt.Sprintf("https://f%d.example/", i), Status: "ok", LastSuccess: d.Generated})
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Index(d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
