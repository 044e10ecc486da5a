package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/cycle"
	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/internal/urls"
	"github.com/braid-feeds/braid/sources"
	"github.com/braid-feeds/braid/sources/articles"
)

type checkOptions struct {
	configPath string
	sources    bool
}

func newCheck() *cobra.Command {
	opts := &checkOptions{}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Validate the config and every article, and optionally try each source",
		Long: `check reads the config and every local article the way generate does and
prints every problem at once, one per line, each with its file and line:
unknown or invalid config keys, local source files that are missing,
invalid front matter, duplicate slugs, and previous/next names that are
ambiguous or point at the article itself. A neighbour named by title or slug
that is no local article is not an error (its feed links to
site.url/<slug>/), but it is listed as a note, since it is often a typo.

With --sources, each source is also fetched once, without retries, and a
line per source gives its status (ok or failed), its item count and the HTTP
status or the error. This uses a throwaway state file that is deleted
afterwards: check never writes into the site (no state, no out/).

Exit codes: 0 nothing wrong; 1 problems found, or a source failed;
2 a command-line mistake.`,
		Example: `  braid check
  braid check --config /etc/braid/config.yaml --sources`,
		Args: usageArgs(func(args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("check takes no arguments, got %q", args)
			}
			return nil
		}),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCheck(cmd.Context(), opts, cmd.OutOrStdout())
		},
	}
	configFlag(cmd, &opts.configPath)
	cmd.Flags().BoolVar(&opts.sources, "sources", false, "also fetch every source once and report how it went")
	return cmd
}

// checkResult is what check found before trying sources.
type checkResult struct {
	problems, notes []string
	articles        int
}

func runCheck(ctx context.Context, opts *checkOptions, w io.Writer) error {
	rep := config.Check(opts.configPath)
	res := checkResult{problems: lines(rep.Err)}
	// A broken config must not hide broken articles: rep.Content is found
	// leniently, so both are reported in one run.
	if rep.Content != "" {
		line := 0
		if rep.Config != nil {
			line = rep.Config.Line("content")
		}
		if err := config.ContentError(opts.configPath, line, rep.Content); err != nil {
			res.problems = append(res.problems, err.Error())
		} else if err := checkArticles(ctx, rep.Content, rep.SiteURL, &res); err != nil {
			return err
		}
	}
	for _, p := range res.problems {
		fmt.Fprintln(w, p)
	}
	for _, n := range res.notes {
		fmt.Fprintln(w, "note:", n)
	}
	failed := 0
	if opts.sources {
		var err error
		if failed, err = trySources(ctx, w, rep.Config, len(res.problems)+len(res.notes) > 0); err != nil {
			return err
		}
	}
	return checkVerdict(w, opts.configPath, res, failed)
}

// checkArticles loads and links the articles of the content folder the
// way a cycle does, adding what is wrong to res.
func checkArticles(ctx context.Context, content, siteURL string, res *checkResult) error {
	arts, problems, err := articles.LoadAll(ctx, content)
	if err != nil {
		return fmt.Errorf("check: %w", err)
	}
	res.articles = len(arts)
	// Undated articles are placed by their links and, for what the links
	// leave open, by title: check has no state to know when braid first
	// saw them, so the order it reports may differ there from a cycle's.
	seq, chain := articles.Chain(arts, nil)
	for _, p := range append(problems, chain...) {
		switch p.Severity {
		case articles.SeverityNote:
			res.notes = append(res.notes, p.String())
		case articles.SeverityWarning:
			res.problems = append(res.problems, "warning: "+p.String())
		default:
			res.problems = append(res.problems, p.String())
		}
	}
	prev, next := seq.Prev, seq.Next
	res.notes = append(res.notes, danglingNeighbours(siteURL, arts, prev, next)...)
	return nil
}

// trySources fetches every source once when the config allows it; after
// other output it starts with a blank line.
func trySources(ctx context.Context, w io.Writer, cfg *config.Config, after bool) (failed int, err error) {
	switch {
	case cfg == nil:
		fmt.Fprintln(w, "sources not tried: the config is invalid")
		return 0, nil
	case len(cfg.Sources) == 0:
		fmt.Fprintln(w, "sources: none configured")
		return 0, nil
	}
	if after {
		fmt.Fprintln(w)
	}
	return checkSources(ctx, w, cfg)
}

// checkVerdict sums up. The problems are printed already; the error only
// sets the exit code and sums up on stderr.
func checkVerdict(w io.Writer, cfgPath string, res checkResult, failed int) error {
	switch n := len(res.problems); {
	case n > 0 && failed > 0:
		return fmt.Errorf("check: %s and %s", plural(n, "problem"), plural(failed, "failed source"))
	case n > 0:
		return fmt.Errorf("check: %s found", plural(n, "problem"))
	case failed > 0:
		return fmt.Errorf("check: %s", plural(failed, "failed source"))
	}
	fmt.Fprintf(w, "ok: %s and %s are valid", cfgPath, plural(res.articles, "article"))
	if len(res.notes) > 0 {
		fmt.Fprintf(w, " (%s)", plural(len(res.notes), "note"))
	}
	fmt.Fprintln(w)
	return nil
}

// lines is the message of every problem in err, one each.
func lines(err error) []string {
	var out []string
	for _, e := range flatten(err) {
		out = append(out, e.Error())
	}
	return out
}

// flatten splits what errors.Join put together, recursively, so every
// problem gets its own line. Only joins are split: an error made with
// several %w verbs also unwraps to a list, but it is one message.
func flatten(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		parts := j.Unwrap()
		msgs := make([]string, len(parts))
		for i, p := range parts {
			msgs[i] = p.Error()
		}
		if strings.Join(msgs, "\n") == err.Error() {
			var out []error
			for _, p := range parts {
				out = append(out, flatten(p)...)
			}
			return out
		}
	}
	return []error{err}
}

// danglingNeighbours lists previous/next names that match no local
// article. They are allowed, but a typo looks exactly like this.
func danglingNeighbours(siteURL string, arts []articles.Article, prev, next []*articles.Neighbour) []string {
	var out []string
	base := strings.TrimRight(siteURL, "/")
	for i := range arts {
		for _, side := range []struct {
			name, ref string
			n         *articles.Neighbour
		}{{"previous", arts[i].Previous, prev[i]}, {"next", arts[i].Next, next[i]}} {
			if strings.TrimSpace(side.ref) == "" || side.n == nil || side.n.Article != nil {
				continue
			}
			out = append(out, fmt.Sprintf("%s: %s %q is not a local article; its feed links to %s/%s/",
				arts[i].Path, side.name, side.ref, base, side.n.Slug))
		}
	}
	return out
}

// checkSources fetches every source once into a throwaway state file and
// prints a line per source. It returns how many failed; its error is for
// a state file that could not be used, or an interrupt.
func checkSources(ctx context.Context, w io.Writer, cfg *config.Config) (failed int, err error) {
	tmp, err := os.MkdirTemp("", "braid-check-")
	if err != nil {
		return 0, fmt.Errorf("check: %w", err)
	}
	defer os.RemoveAll(tmp)
	st, err := state.Open(ctx, filepath.Join(tmp, "state.db"))
	if err != nil {
		return 0, fmt.Errorf("check: %w", err)
	}
	defer st.Close()

	opt := cycle.FetchOptions(cfg, version)
	// One try each: check reports how a source answers now, and retries
	// would only make a broken one slow to report.
	opt.Retries = -1
	specs := make([]sources.Spec, len(cfg.Sources))
	for i, s := range cfg.Sources {
		specs[i] = sources.Spec{Name: s.Name, URL: s.URL}
	}
	results, err := sources.New(opt, st).FetchAll(ctx, specs)
	if ctxErr := ctx.Err(); ctxErr != nil {
		return 0, fmt.Errorf("check: %w", ctxErr)
	}
	if err != nil {
		return 0, fmt.Errorf("check: %w", err)
	}

	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tSTATUS\tITEMS\tDETAIL")
	for i, r := range results {
		status, detail := "ok", ""
		if r.Status != sources.StatusOK && r.Status != sources.StatusNotModified {
			status = "failed"
			failed++
			detail = strings.TrimPrefix(errString(r.Err), "sources: "+r.Name+": ")
		} else if urls.IsHTTP(cfg.Sources[i].URL) {
			if s, err := st.Source(ctx, r.Name); err == nil && s.HTTPStatus != 0 {
				detail = fmt.Sprintf("HTTP %d", s.HTTPStatus)
			}
		} else {
			detail = "local file"
		}
		if r.MovedTo != "" {
			detail += " (moved permanently to " + urls.Redact(r.MovedTo) + ": update the config)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", r.Name, status, len(r.Items), oneLine(detail, 160))
	}
	return failed, tw.Flush()
}

func errString(err error) string {
	if err == nil {
		return "failed"
	}
	return err.Error()
}
