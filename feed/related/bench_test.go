package related

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/braid-feeds/braid/feed"
)

// synthetic builds a deterministic corpus: words drawn from a Zipf
// distribution over the background's 8,000 most frequent keys (so rank
// and weight agree as in real text), plus a few capitalized names, so
// posting lists have the skew of real news text.
type synthetic struct {
	r     *rand.Rand
	zipf  *rand.Zipf
	vocab []string
}

func newSynthetic(seed uint64) *synthetic {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	vocab := frequentKeys(8000)
	return &synthetic{r: r, zipf: rand.NewZipf(r, 1.1, 2, uint64(len(vocab)-1)), vocab: vocab}
}

func (s *synthetic) text(words int) string {
	var b strings.Builder
	for i := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		if s.r.IntN(20) == 0 {
			fmt.Fprintf(&b, "Name%d Person%d", s.r.IntN(3000), s.r.IntN(3000))
			continue
		}
		b.WriteString(s.vocab[s.zipf.Uint64()])
		if s.r.IntN(15) == 0 {
			b.WriteString(".")
		}
	}
	return b.String()
}

func (s *synthetic) items(n int) []feed.Item {
	out := make([]feed.Item, n)
	for i := range out {
		out[i] = feed.Item{Title: s.text(10), Summary: s.text(40), Categories: []string{s.vocab[s.r.IntN(200)]}}
	}
	return out
}

func (s *synthetic) docs(n int) []Doc {
	out := make([]Doc, n)
	for i := range out {
		out[i] = Doc{Title: s.text(10), Headings: []string{s.text(4), s.text(4)}, Body: s.text(400), Tags: []string{s.vocab[s.r.IntN(200)]}}
	}
	return out
}

// frequentKeys are the n most frequent background keys, most frequent
// first.
func frequentKeys(n int) []string {
	bg, err := DefaultBackground()
	if err != nil {
		panic(err)
	}
	keys := make([]string, 0, len(bg.terms))
	for k, v := range bg.terms {
		if !v.capital {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := bg.terms[keys[i]].count, bg.terms[keys[j]].count
		if a != b {
			return a > b
		}
		return keys[i] < keys[j]
	})
	return keys[:n]
}

// BenchmarkScoreAndSelect is the target: 1,000 articles against
// 20,000 candidate items, index built once, every article scored and its
// selection cut at a threshold.
func BenchmarkScoreAndSelect(b *testing.B) {
	for _, size := range []struct{ articles, items int }{{100, 2000}, {1000, 20000}} {
		b.Run(fmt.Sprintf("articles=%d/items=%d", size.articles, size.items), func(b *testing.B) {
			s := newSynthetic(1)
			items := s.items(size.items)
			docs := s.docs(size.articles)
			b.ReportAllocs()
			// Allocated bytes per op overstate what scoring holds at once:
			// peak-heap-MB is the most the heap held during the loop
			// (garbage not yet collected included, as RSS sees it), less
			// what it held before (the items and articles themselves).
			peak := watchHeap()
			defer func() { b.ReportMetric(peak()/1e6, "peak-heap-MB") }()
			for b.Loop() {
				ix := NewIndex(items, mustBackgroundWeights())
				selected := 0
				for _, d := range docs {
					for _, m := range ix.Score(d, 0.08) {
						if m.Score >= 0.08 {
							selected++
						}
					}
				}
				_ = selected
			}
		})
	}
}

// BenchmarkLoadBackground is the cost of parsing the embedded table, paid
// once per process (issue 11: under 50 ms and 20 MB).
func BenchmarkLoadBackground(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseBackground(backgroundGz); err != nil {
			b.Fatal(err)
		}
	}
}

// watchHeap samples the heap every millisecond until the returned
// function is called, which returns the largest heap seen above the heap
// at the start, in bytes.
func watchHeap() func() float64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := read()
	var top uint64
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			top = max(top, read())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() float64 {
		close(done)
		<-stopped
		return float64(top - min(top, base))
	}
}

// BenchmarkVector is the per-item cost a first cycle pays for every item:
// tokenizing its title, categories and text into a kept vector.
func BenchmarkVector(b *testing.B) {
	syn := newSynthetic(7)
	items := syn.items(1000)
	for i := range items {
		items[i].Summary = "<p>" + items[i].Summary + " " + syn.text(80) + "</p>"
	}
	vz := newVectorizer(false)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		vz.vector(&items[n%len(items)])
		n++
	}
}
