package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/internal/state/dsn"
	"github.com/braid-feeds/braid/internal/urls"
)

type sourcesOptions struct {
	configPath string
}

func newSources() *cobra.Command {
	opts := &sourcesOptions{}
	cmd := &cobra.Command{
		Use:   "sources",
		Short: "Show each source's health from the state file (fetches nothing)",
		Long: `sources prints one line per configured source: its URL (and the URL a
permanent redirect moved it to, which braid now uses: update the config),
the outcome of its last fetch and the failure class, when it last succeeded,
how many times in a row it failed, when braid will next ask it, and how many
items it holds, and, in a fleet sharing a PostgreSQL state, which node
fetched it last (NODE; "-" for a braid working alone). It reads the config
and the state only.

Statuses: ok, not_modified (answered 304), failed (its last good items are
still used), gone (answered 410: not fetched until its URL changes), never
(not fetched yet). Failure classes: dns, connect, tls, timeout, http_status,
redirect, too_large, not_a_feed, parse, file.`,
		Example: `  braid sources
  braid sources --config /etc/braid/config.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSources(cmd.Context(), opts, cmd.OutOrStdout())
		},
	}
	configFlag(cmd, &opts.configPath)
	cmd.AddCommand(newSourcesImport(), newSourcesExport())
	return cmd
}

func runSources(ctx context.Context, opts *sourcesOptions, stdout io.Writer) error {
	cfg, err := config.Load(opts.configPath)
	if err != nil {
		return err
	}
	known, counts, err := sourceHealth(ctx, cfg.State)
	if err != nil {
		return err
	}
	return printSources(stdout, cfg, known, counts, time.Now())
}

// sourceHealth reads what the state file knows of each source, by name,
// and how many items each holds. A site that never ran has no state file,
// and opening one would create it: that is no sources known.
func sourceHealth(ctx context.Context, statePath string) (map[string]state.Source, map[string]int, error) {
	known := map[string]state.Source{}
	if dsn.IsURL(statePath) {
		// A shared database: nothing to create by looking.
	} else if _, err := os.Stat(statePath); errors.Is(err, fs.ErrNotExist) {
		return known, map[string]int{}, nil
	} else if err != nil {
		return nil, nil, fmt.Errorf("state: %w", err)
	}
	st, err := state.Open(ctx, statePath)
	if err != nil {
		return nil, nil, err
	}
	defer st.Close()
	all, err := st.Sources(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, s := range all {
		known[s.Name] = s
	}
	counts, err := st.ItemCounts(ctx)
	if err != nil {
		return nil, nil, err
	}
	return known, counts, nil
}

// printSources writes the table, in config order.
func printSources(w io.Writer, cfg *config.Config, known map[string]state.Source, counts map[string]int, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tURL\tMOVED TO\tSTATUS\tCLASS\tLAST SUCCESS\tFAILURES\tNEXT FETCH\tITEMS\tNODE\tERROR")
	for _, src := range cfg.Sources {
		s, ok := known[src.Name]
		items := strconv.Itoa(counts[src.Name])
		if ok && s.URL != src.URL {
			// The config names a new URL: braid starts over with it, but
			// the old URL's items are still in the state file until the new
			// one answers, so the count must not pass for the new URL's.
			s = state.Source{Status: "never (new URL)"}
			if counts[src.Name] > 0 {
				items += " (from the previous URL)"
			}
		}
		status := s.Status
		if status == "" {
			status = "never"
		}
		next := s.NextFetch
		if cfg.Fetch.RespectHints && s.HintNext.After(next) {
			next = s.HintNext
		}
		nextS := "now"
		switch {
		case s.Gone:
			nextS = "never (gone)"
		case next.After(now):
			nextS = stamp(next) + " (in " + next.Sub(now).Round(time.Minute).String() + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n",
			src.Name, urls.Redact(src.URL), dash(urls.Redact(s.MovedTo)), status, dash(s.ErrorClass), stampOr(s.LastSuccess, "never"),
			s.Failures, nextS, items, dash(s.FetchedBy), dash(oneLine(urls.RedactIn(s.Error, src.URL), 80)))
	}
	return tw.Flush()
}
