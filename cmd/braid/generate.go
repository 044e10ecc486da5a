package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/braid-feeds/braid/internal/cycle"
)

func newGenerate(lf *logFlags) *cobra.Command {
	var cfgPath string
	var quiet, asJSON bool
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Run one cycle: fetch sources, pick related items, write the feeds",
		Long: `generate runs one cycle and exits: it reads the config and the local articles,
fetches every source, picks the related items of each article and writes
RSS, Atom and JSON feeds into the output folder.

On a terminal it shows live progress (phase, sources done/total, failures)
that gives way to a one-line summary; elsewhere it prints a line per phase.

It exits 0 when the feeds were written, also when some sources failed (they
are listed on stderr with their reason, and their last good items are used),
and 1 when the config or an article is invalid or the output cannot be written.`,
		Example: `  braid generate
  braid generate --config /etc/braid/config.yaml --quiet
  braid generate --json | jq .sources_failed`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			cfg, st, err := openSite(ctx, cfgPath)
			if err != nil {
				return err
			}
			defer st.Close()
			log, err := lf.logger(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			opt := cycle.Options{Version: version, Store: st, Logger: log}
			var prog *progress
			if !quiet && !asJSON {
				prog = newProgress(cmd.ErrOrStderr())
				opt.Progress = prog.update
			}
			sum, err := cycle.Run(ctx, cfg, opt)
			if prog != nil {
				prog.done()
			}
			if err != nil {
				return err
			}
			for _, f := range sum.Failed {
				fmt.Fprintf(cmd.ErrOrStderr(), "source %s failed: %v (its last good items were kept)\n", f.Name, f.Err)
			}
			for _, m := range sum.Moved {
				fmt.Fprintf(cmd.ErrOrStderr(), "source %s moved permanently to %s: update its url in %s\n", m.Name, m.To, cfg.Path)
			}
			if sum.PingErr != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "websub: %v\n", sum.PingErr)
			}
			switch {
			case asJSON:
				return writeSummaryJSON(cmd.OutOrStdout(), sum)
			case !quiet:
				fmt.Fprintln(cmd.OutOrStdout(), sum.String())
			}
			return nil
		},
	}
	configFlag(cmd, &cfgPath)
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "print nothing but errors and failed sources")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the summary as JSON on stdout")
	return cmd
}

func writeSummaryJSON(w io.Writer, s *cycle.Summary) error {
	type failed struct {
		Name  string `json:"name"`
		Error string `json:"error"`
	}
	type source struct {
		Name   string `json:"name"`
		Status string `json:"status"`
		Items  int    `json:"items"`
	}
	out := struct {
		Articles       int      `json:"articles"`
		SourcesOK      int      `json:"sources_ok"`
		NotModified    int      `json:"sources_not_modified"`
		NotDue         int      `json:"sources_not_due"`
		SourcesFailed  []failed `json:"sources_failed"`
		Sources        []source `json:"sources"`
		Items          int      `json:"items"`
		FilesWritten   int      `json:"files_written"`
		FilesUnchanged int      `json:"files_unchanged"`
		ChangedFeeds   []string `json:"changed_feeds"`
		DurationMS     int64    `json:"duration_ms"`
	}{Articles: s.Articles, SourcesOK: s.SourcesOK, NotModified: s.NotModified, NotDue: s.Skipped, Items: s.Items,
		FilesWritten: s.Written, FilesUnchanged: s.Unchanged, ChangedFeeds: s.Changed,
		DurationMS: s.Duration.Milliseconds(), SourcesFailed: []failed{}, Sources: []source{}}
	if out.ChangedFeeds == nil {
		out.ChangedFeeds = []string{}
	}
	for _, f := range s.Failed {
		out.SourcesFailed = append(out.SourcesFailed, failed{f.Name, f.Err.Error()})
	}
	for _, src := range s.Sources {
		out.Sources = append(out.Sources, source{src.Name, src.Status, src.Items})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
