package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/internal/cycle"
)

type explainOptions struct {
	configPath string
	json       bool
	limit      int
}

func newExplain() *cobra.Command {
	opts := &explainOptions{}
	cmd := &cobra.Command{
		Use:   "explain SLUG",
		Short: "Show why each external item is or is not in an article's feed",
		Long: `explain scores every item the state file holds (from the last cycle) against
one article and prints every one of them, best first: score, title, source,
the shared terms with their contributions, each term's weight and where the
weight came from (background: general English word counts shipped with braid;
site: the site's own articles; unknown: seen nowhere, so weighed as a name),
and for each rejected item the
reason (no shared terms, too little evidence, below threshold, too old,
excluded by rule, same as a local item, over max_items). Items dropped as
duplicates are listed with what they duplicate. --limit prints only the best
N candidates. It fetches nothing: run "braid generate" first.`,
		Example: `  braid explain vantrix-estmarch-regulators
  braid explain vantrix-estmarch-regulators --limit 20
  braid explain vantrix-estmarch-regulators --json | jq '.candidates[] | select(.selected)'`,
		Args:              usageArgs(oneSlug),
		ValidArgsFunction: completeSlugs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExplain(cmd.Context(), opts, args[0], cmd.OutOrStdout())
		},
	}
	configFlag(cmd, &opts.configPath)
	cmd.Flags().BoolVar(&opts.json, "json", false, "print JSON for machines")
	cmd.Flags().IntVar(&opts.limit, "limit", 0, "print only the best N candidates (0: all)")
	return cmd
}

func oneSlug(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("explain takes one article slug (the name of its folder in out/), got %d arguments", len(args))
	}
	return nil
}

func runExplain(ctx context.Context, opts *explainOptions, slug string, stdout io.Writer) error {
	cfg, st, err := openSite(ctx, opts.configPath)
	if err != nil {
		return err
	}
	defer st.Close()
	if opts.limit < 0 {
		return fmt.Errorf("%w: --limit %d: want 0 (all) or more", errUsage, opts.limit)
	}
	ex, err := cycle.Explain(ctx, cfg, st, slug, time.Now())
	if err != nil {
		return err
	}
	omitted := 0
	if opts.limit > 0 && len(ex.Decisions) > opts.limit {
		omitted = len(ex.Decisions) - opts.limit
		ex.Decisions = ex.Decisions[:opts.limit]
	}
	if opts.json {
		return writeExplainJSON(stdout, ex, omitted)
	}
	return writeExplainText(stdout, ex, omitted)
}

type explainTerm struct {
	Term   string  `json:"term"`
	Value  float64 `json:"contribution"`
	Weight float64 `json:"weight"`
	Source string  `json:"weight_source"` // background, site or unknown
}

type explainItem struct {
	Score    float64       `json:"score"`
	Cosine   float64       `json:"cosine"`
	Selected bool          `json:"selected"`
	Reason   string        `json:"reason,omitempty"`
	Title    string        `json:"title"`
	Link     string        `json:"link"`
	Source   string        `json:"source"`
	Terms    []explainTerm `json:"terms"`
}

type explainDup struct {
	Title       string `json:"title"`
	Source      string `json:"source"`
	DuplicateOf string `json:"duplicate_of"`
	OfSource    string `json:"duplicate_of_source"`
	Reason      string `json:"reason"`
}

func writeExplainJSON(w io.Writer, ex *cycle.Explanation, omitted int) error {
	out := struct {
		Slug       string        `json:"slug"`
		Title      string        `json:"title"`
		Candidates []explainItem `json:"candidates"`
		Omitted    int           `json:"omitted,omitempty"`
		Duplicates []explainDup  `json:"duplicates"`
	}{Slug: ex.Slug, Title: shown(ex.Title), Candidates: []explainItem{}, Omitted: omitted, Duplicates: []explainDup{}}
	for _, d := range ex.Decisions {
		ei := explainItem{Score: round(d.Score), Cosine: round(d.Cosine), Selected: d.Selected, Reason: d.Reason, Title: shown(d.Item.Title),
			Link: d.Item.Link, Source: origin(d.Item.Origin), Terms: []explainTerm{}}
		for _, t := range d.Terms {
			ei.Terms = append(ei.Terms, explainTerm{t.Term, round(t.Value), round(t.Weight), t.Source.String()})
		}
		out.Candidates = append(out.Candidates, ei)
	}
	for _, d := range ex.Dups {
		out.Duplicates = append(out.Duplicates, explainDup{shown(d.Item.Title), origin(d.Item.Origin), shown(d.Of.Title), origin(d.Of.Origin), shown(d.Reason)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeExplainText(w io.Writer, ex *cycle.Explanation, omitted int) error {
	fmt.Fprintf(w, "%s (%s)\n\n", shown(ex.Title), ex.Slug)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCORE\tVERDICT\tTITLE\tSOURCE\tSHARED TERMS")
	for _, d := range ex.Decisions {
		verdict := "selected"
		if !d.Selected {
			verdict = "rejected: " + d.Reason
		}
		var terms []string
		for i, t := range d.Terms {
			if i == 6 {
				terms = append(terms, fmt.Sprintf("+%d more", len(d.Terms)-6))
				break
			}
			terms = append(terms, fmt.Sprintf("%s %.3f (w %.1f %s)", shown(t.Term), t.Value, t.Weight, t.Source))
		}
		if len(terms) == 0 {
			terms = append(terms, "-")
		}
		fmt.Fprintf(tw, "%.3f\t%s\t%s\t%s\t%s\n", d.Score, verdict, clip(shown(d.Item.Title), 60), origin(d.Item.Origin), strings.Join(terms, ", "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if omitted > 0 {
		fmt.Fprintf(w, "… and %d more candidates (--limit 0 prints them all)\n", omitted)
	}
	if len(ex.Dups) > 0 {
		fmt.Fprintln(w, "\nDropped as duplicates:")
		for _, d := range ex.Dups {
			fmt.Fprintf(w, "  %s (%s): duplicate of %q (%s): %s\n", clip(shown(d.Item.Title), 60), origin(d.Item.Origin), shown(d.Of.Title), origin(d.Of.Origin), shown(d.Reason))
		}
	}
	return nil
}

func origin(o *feed.Origin) string {
	if o == nil {
		return ""
	}
	return shown(o.Name)
}

// shown is text from a feed as a terminal may print it: bidi controls
// (which can reorder the line around them) and other control characters
// are dropped. State written before the parser stripped them still holds
// them, so explain cleans what it prints too.
func shown(s string) string {
	return strings.Map(func(r rune) rune {
		if feed.IsBidiControl(r) || unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

func round(v float64) float64 { return math.Round(v*1000) / 1000 }
