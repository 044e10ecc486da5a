// Command fetchonly runs only the fetch step of a braid cycle (sources
// FetchAll, with the options the config gives) against a state file, so
// bench/fetch.sh can measure the fetcher apart from relatedness scoring
// and rendering. It prints the count of each status.
//
//	fetchonly -config site/config.yaml -state /tmp/fetch.db
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/cycle"
	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/sources"
)

func main() {
	cfgPath := flag.String("config", "config.yaml", "config file")
	statePath := flag.String("state", "", "state file (default: the config's)")
	flag.Parse()
	if err := run(*cfgPath, *statePath); err != nil {
		fmt.Fprintln(os.Stderr, "fetchonly:", err)
		os.Exit(1)
	}
}

func run(cfgPath, statePath string) error {
	ctx := context.Background()
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return err
	}
	if statePath == "" {
		statePath = cfg.State
	}
	st, err := state.Open(ctx, statePath)
	if err != nil {
		return err
	}
	defer st.Close()
	// The cycle's own options, so this measures the fetcher a cycle runs.
	opt := cycle.FetchOptions(cfg, "bench")
	specs := make([]sources.Spec, len(cfg.Sources))
	for i, s := range cfg.Sources {
		specs[i] = sources.Spec{Name: s.Name, URL: s.URL}
	}
	start := time.Now()
	res, err := sources.New(opt, st).FetchAll(ctx, specs)
	if err != nil {
		return err
	}
	count := map[string]int{}
	items := 0
	for _, r := range res {
		count[r.Status]++
		items += len(r.Items)
	}
	var keys []string
	for k := range count {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Print("fetchonly:")
	for _, k := range keys {
		fmt.Printf(" %d %s,", count[k], k)
	}
	fmt.Printf(" %d items in %v\n", items, time.Since(start).Round(time.Millisecond))
	return nil
}
