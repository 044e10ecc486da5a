// Command scalegen writes the synthetic site of bench/scale.sh: N Markdown
// articles of about 400 words each, dated one hour apart, in the same
// vocabulary as bench/feedgen's items so that relatedness scoring has real
// work. With -edit K it rewrites article K only (a new paragraph), which
// is the "one article edited" cycle.
//
// Article text is mostly a language of its own (a few thousand made-up
// words, Zipf-distributed, as real prose is) with one word in twelve
// from the feeds' vocabulary: articles share some words with some items,
// as a real site does with its sources, rather than every article
// matching every item.
package main

import (
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/braid-feeds/braid/bench/feedgen"
)

func main() {
	n := flag.Int("n", 2000, "number of articles")
	dir := flag.String("dir", "content", "folder to write the articles into")
	edit := flag.Int("edit", -1, "rewrite only this article, with an added paragraph")
	flag.Parse()
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		log.Fatal(err)
	}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range *n {
		if *edit >= 0 && i != *edit {
			continue
		}
		body := article(i, base, *edit == i)
		if err := os.WriteFile(filepath.Join(*dir, fmt.Sprintf("article-%05d.md", i)), body, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}

// article is the i-th article: front matter, then five paragraphs of 80
// words under two headings; edited adds a sixth.
func article(i int, base time.Time, edited bool) []byte {
	r := rand.New(rand.NewPCG(uint64(i), 7))
	words := feedgen.Words()
	zipf := rand.NewZipf(r, 1.1, 2, uint64(len(lexicon)-1))
	text := func(k int) string {
		w := make([]string, k)
		for j := range w {
			if r.IntN(12) == 0 {
				w[j] = words[r.IntN(len(words))]
			} else {
				w[j] = lexicon[zipf.Uint64()]
			}
		}
		return strings.Join(w, " ")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %q\ndate: %s\nauthor: Bench Desk\ntags: [%s, %s]\n---\n",
		"Article "+fmt.Sprint(i)+": "+text(7), base.Add(time.Duration(i)*time.Hour).Format("2006-01-02 15:04"),
		words[r.IntN(len(words))], words[r.IntN(len(words))])
	for p := range 5 {
		if p == 2 || p == 4 {
			fmt.Fprintf(&b, "\n## %s\n", text(4))
		}
		fmt.Fprintf(&b, "\n%s.\n", text(80))
	}
	if edited {
		fmt.Fprintf(&b, "\nUpdate: %s.\n", text(30))
	}
	return []byte(b.String())
}

// lexicon is the made-up language: every two- and three-syllable word of
// a small syllable set, in a fixed order.
var lexicon = func() []string {
	syl := strings.Fields("ka lo mi ne ru sa te vo da pi gu re no ma li fe to ba")
	var out []string
	for _, a := range syl {
		for _, b := range syl {
			out = append(out, a+b)
			for _, c := range syl[:6] {
				out = append(out, a+b+c)
			}
		}
	}
	return out
}()
