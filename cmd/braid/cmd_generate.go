package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/braid-feeds/braid/internal/cycle"
	"github.com/braid-feeds/braid/sources/articles"
)

type generateOptions struct {
	configPath string
	quiet      bool
	json       bool
	wait       time.Duration
}

func newGenerate(g *globalOptions) *cobra.Command {
	opts := &generateOptions{}
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
			return runGenerate(cmd.Context(), g, opts, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	configFlag(cmd, &opts.configPath)
	cmd.Flags().BoolVarP(&opts.quiet, "quiet", "q", false, "print nothing but errors and failed sources")
	cmd.Flags().BoolVar(&opts.json, "json", false, "print the summary as JSON on stdout")
	cmd.Flags().DurationVar(&opts.wait, "wait", 0, "wait this long for another braid's cycle on this site to end (0: exit 1 at once)")
	return cmd
}

func runGenerate(ctx context.Context, g *globalOptions, opts *generateOptions, stdout, stderr io.Writer) error {
	cfg, st, err := openSite(ctx, opts.configPath)
	if err != nil {
		return err
	}
	defer st.Close()
	log, err := g.logger(stderr)
	if err != nil {
		return err
	}
	copt := cycle.Options{Version: version, Store: st, Logger: log, LockWait: opts.wait, FullGCPercent: fullGCPercent(), HeapFloor: heapFloor()}
	var prog *progress
	if !opts.quiet && !opts.json {
		prog = newProgress(stderr)
		copt.Progress = prog.update
	}
	sum, err := cycle.Run(ctx, cfg, copt)
	if prog != nil {
		prog.done()
	}
	if err != nil {
		return err
	}
	reportTrouble(stderr, cfg.Path, sum)
	switch {
	case opts.json:
		if err := writeSummaryJSON(stdout, sum); err != nil {
			return err
		}
	case !opts.quiet:
		fmt.Fprintln(stdout, sum.String())
	}
	// The rest of the site was published; the files left out make the
	// run a failure all the same, so cron and CI notice.
	return sum.ArticleErr
}

// reportTrouble lists on stderr what the user should act on although
// the feeds were written: failed and moved sources, a hub that refused.
func reportTrouble(stderr io.Writer, cfgPath string, sum *cycle.Summary) {
	kept := map[string]int{}
	for _, s := range sum.Sources {
		kept[s.Name] = s.Items
	}
	for _, f := range sum.Failed {
		fmt.Fprintf(stderr, "source %s failed: %s %s\n", f.Name, failureReason(f.Name, f.Err), keptNote(kept[f.Name]))
	}
	for _, p := range sum.ArticleProblems {
		if p.Severity == articles.SeverityWarning {
			fmt.Fprintf(stderr, "warning: %s\n", p)
		}
	}
	for _, m := range sum.Moved {
		fmt.Fprintf(stderr, "source %s moved permanently to %s: update its url in %s\n", m.Name, m.To, cfgPath)
	}
	if sum.PingErr != nil {
		fmt.Fprintf(stderr, "websub: %v\n", sum.PingErr)
	}
}

// failureReason is a source's error without the "sources: NAME: " its
// package put in front: the line already starts with the name.
func failureReason(name string, err error) string {
	msg := err.Error()
	for _, prefix := range []string{"sources: " + name + ": ", "sources: "} {
		if rest, ok := strings.CutPrefix(msg, prefix); ok {
			return rest
		}
	}
	return msg
}

// keptNote says what a failed source's readers still get. A source that
// never succeeded has nothing to keep, and saying otherwise sends the
// reader looking for items that never existed.
func keptNote(items int) string {
	if items == 0 {
		return "(no earlier items to keep)"
	}
	return fmt.Sprintf("(its last good items were kept: %d)", items)
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
		FilesRemoved   int      `json:"files_removed"`
		ChangedFeeds   []string `json:"changed_feeds"`
		DurationMS     int64    `json:"duration_ms"`
	}{Articles: s.Articles, SourcesOK: s.SourcesOK, NotModified: s.NotModified, NotDue: s.Skipped, Items: s.Items,
		FilesWritten: s.Written, FilesUnchanged: s.Unchanged, FilesRemoved: s.Removed, ChangedFeeds: s.Changed,
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
