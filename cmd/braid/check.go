package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/cycle"
	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/sources"
	"github.com/braid-feeds/braid/sources/articles"
)

func newCheck() *cobra.Command {
	var cfgPath string
	var trySources bool
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
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("%w: check takes no arguments, got %q", errUsage, args)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCheck(cmd.Context(), cmd.OutOrStdout(), cfgPath, trySources)
		},
	}
	configFlag(cmd, &cfgPath)
	cmd.Flags().BoolVar(&trySources, "sources", false, "also fetch every source once and report how it went")
	return cmd
}

func runCheck(ctx context.Context, w io.Writer, cfgPath string, trySources bool) error {
	var problems, notes []string
	cfg, err := config.Load(cfgPath)
	if err != nil {
		for _, e := range flatten(err) {
			problems = append(problems, e.Error())
		}
	}

	// A broken config must not hide broken articles: find the content
	// folder leniently so both are reported in one run.
	var content, siteURL string
	if cfg != nil {
		content, siteURL = cfg.Content, cfg.Site.URL
		problems = append(problems, missingLocalSources(cfg)...)
	} else {
		content, siteURL = lenientConfig(cfgPath)
	}
	nArts := 0
	if content != "" {
		if fi, err := os.Stat(content); err != nil {
			problems = append(problems, fmt.Sprintf("articles: content folder: %v", err))
		} else if !fi.IsDir() {
			problems = append(problems, fmt.Sprintf("articles: content folder %s is not a folder", content))
		} else {
			arts, err := articles.Load(ctx, content)
			if ctxErr := ctx.Err(); ctxErr != nil {
				return fmt.Errorf("check: %w", ctxErr)
			}
			for _, e := range flatten(err) {
				problems = append(problems, e.Error())
			}
			nArts = len(arts)
			prev, next, err := articles.Link(arts)
			for _, e := range flatten(err) {
				problems = append(problems, e.Error())
			}
			notes = append(notes, danglingNeighbours(siteURL, arts, prev, next)...)
		}
	}

	for _, p := range problems {
		fmt.Fprintln(w, p)
	}
	for _, n := range notes {
		fmt.Fprintln(w, "note:", n)
	}

	failed := 0
	if trySources {
		if cfg == nil {
			fmt.Fprintln(w, "sources not tried: the config is invalid")
		} else if len(cfg.Sources) == 0 {
			fmt.Fprintln(w, "sources: none configured")
		} else {
			if len(problems)+len(notes) > 0 {
				fmt.Fprintln(w)
			}
			if failed, err = checkSources(ctx, w, cfg); err != nil {
				return err
			}
		}
	}

	// The problems are printed already; the error only sets the exit
	// code and sums up on stderr.
	switch {
	case len(problems) > 0 && failed > 0:
		return fmt.Errorf("check: %s and %s", plural(len(problems), "problem"), plural(failed, "failed source"))
	case len(problems) > 0:
		return fmt.Errorf("check: %s found", plural(len(problems), "problem"))
	case failed > 0:
		return fmt.Errorf("check: %s", plural(failed, "failed source"))
	}
	fmt.Fprintf(w, "ok: %s and %s are valid", cfgPath, plural(nArts, "article"))
	if len(notes) > 0 {
		fmt.Fprintf(w, " (%s)", plural(len(notes), "note"))
	}
	fmt.Fprintln(w)
	return nil
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

// lenientConfig reads the content folder and the site URL from a config
// that does not load, decoding leniently (unknown keys and bad values
// ignored). content is "" when the file cannot be read.
func lenientConfig(cfgPath string) (content, siteURL string) {
	data, err := os.ReadFile(cfgPath)
	if err != nil {
		return "", ""
	}
	c := config.Default()
	_ = yaml.Unmarshal(data, &c) // fills what it can; errors are reported by Load
	if strings.TrimSpace(c.Content) == "" {
		c.Content = config.Default().Content
	}
	if !filepath.IsAbs(c.Content) {
		c.Content = filepath.Join(filepath.Dir(cfgPath), c.Content)
	}
	return c.Content, c.Site.URL
}

// missingLocalSources reports sources that are local files which do not
// exist: generate would only warn, every cycle, so check says so now.
func missingLocalSources(cfg *config.Config) []string {
	var out []string
	for i, s := range cfg.Sources {
		if strings.HasPrefix(s.URL, "http://") || strings.HasPrefix(s.URL, "https://") {
			continue
		}
		if _, err := os.Stat(s.URL); err != nil {
			key := fmt.Sprintf("sources[%d].url", i)
			loc := cfg.Path
			if l := cfg.Line(key); l > 0 {
				loc = fmt.Sprintf("%s:%d", cfg.Path, l)
			}
			out = append(out, fmt.Sprintf("config: %s: %s: local feed file: %v", loc, key, err))
		}
	}
	return out
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
		} else if isHTTPSource(cfg.Sources[i].URL) {
			if s, err := st.Source(ctx, r.Name); err == nil && s.HTTPStatus != 0 {
				detail = fmt.Sprintf("HTTP %d", s.HTTPStatus)
			}
		} else {
			detail = "local file"
		}
		if r.MovedTo != "" {
			detail += " (moved permanently to " + r.MovedTo + ": update the config)"
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

func isHTTPSource(u string) bool {
	return strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
