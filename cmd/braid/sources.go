package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/state"
)

func newSources() *cobra.Command {
	var cfgPath string
	cmd := &cobra.Command{
		Use:   "sources",
		Short: "Show each source's health from the state file (fetches nothing)",
		Long: `sources prints one line per configured source: its URL (and the URL a
permanent redirect moved it to, which braid now uses: update the config),
the outcome of its last fetch and the failure class, when it last succeeded,
how many times in a row it failed, when braid will next ask it, and how many
items it holds. It reads the config and the state file only.

Statuses: ok, not_modified (answered 304), failed (its last good items are
still used), gone (answered 410: not fetched until its URL changes), never
(not fetched yet). Failure classes: dns, connect, tls, timeout, http_status,
redirect, too_large, not_a_feed, parse, file.`,
		Example: `  braid sources
  braid sources --config /etc/braid/config.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Load(cfgPath)
			if err != nil {
				return err
			}
			known := map[string]state.Source{}
			counts := map[string]int{}
			// Opening would create a state file; a site that never ran has none.
			if _, err := os.Stat(cfg.State); err == nil {
				st, err := state.Open(cmd.Context(), cfg.State)
				if err != nil {
					return err
				}
				defer st.Close()
				all, err := st.Sources(cmd.Context())
				if err != nil {
					return err
				}
				for _, s := range all {
					known[s.Name] = s
				}
				if counts, err = st.ItemCounts(cmd.Context()); err != nil {
					return err
				}
			} else if !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("state: %w", err)
			}
			return printSources(cmd.OutOrStdout(), cfg, known, counts, time.Now())
		},
	}
	configFlag(cmd, &cfgPath)
	cmd.AddCommand(newSourcesImport(), newSourcesExport())
	return cmd
}

// printSources writes the table, in config order.
func printSources(w io.Writer, cfg *config.Config, known map[string]state.Source, counts map[string]int, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tURL\tMOVED TO\tSTATUS\tCLASS\tLAST SUCCESS\tFAILURES\tNEXT FETCH\tITEMS\tERROR")
	for _, src := range cfg.Sources {
		s, ok := known[src.Name]
		if ok && s.URL != src.URL {
			// The config names a new URL: braid starts over with it.
			s = state.Source{Status: "never (new URL)"}
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
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%d\t%s\n",
			src.Name, src.URL, dash(s.MovedTo), status, dash(s.ErrorClass), stampOr(s.LastSuccess, "never"),
			s.Failures, nextS, counts[src.Name], dash(oneLine(s.Error, 80)))
	}
	return tw.Flush()
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04Z") }

func stampOr(t time.Time, zero string) string {
	if t.IsZero() {
		return zero
	}
	return stamp(t)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// oneLine keeps a table cell on one line and bounded.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		s = string(r[:max-1]) + "…"
	}
	return s
}
