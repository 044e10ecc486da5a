// Command naive is the baseline of bench/fetch.sh: what a first version
// of any aggregator does, a sequential loop of gofeed's ParseURL over the
// feed URLs read from stdin or the file named as the first argument.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mmcdole/gofeed"
)

func main() {
	var in io.Reader = os.Stdin
	if len(os.Args) > 1 {
		f, err := os.Open(os.Args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer f.Close()
		in = f
	}
	ok, failed, items := 0, 0, 0
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		u := strings.TrimSpace(sc.Text())
		if u == "" {
			continue
		}
		f, err := gofeed.NewParser().ParseURL(u)
		if err != nil {
			failed++
			continue
		}
		ok++
		items += len(f.Items)
	}
	fmt.Printf("naive: %d ok, %d failed, %d items\n", ok, failed, items)
}
