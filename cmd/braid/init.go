package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/braid-feeds/braid/internal/scaffold"
)

func newInit() *cobra.Command {
	return &cobra.Command{
		Use:   "init [DIR]",
		Short: "Create a small working site: config, two example articles, an example feed",
		Long: `init writes a site braid can run at once, offline, into DIR (default: the
current folder, created if missing):

  config.yaml                                     every key, commented
  content/korvel-harbour-tram-approved.md         an article in Markdown with front matter
  content/brisa-rail-korvel-tram-contract.txt     a plain-text CMS export, linked to it
  feeds/example.xml                               an RSS source with related and unrelated items

It never overwrites: if any of these files exists, it writes nothing and
exits 1, naming them.`,
		Example: `  braid init mysite && cd mysite && braid generate
  braid init            # into the current folder`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 1 {
				return fmt.Errorf("%w: init takes at most one folder, got %d arguments", errUsage, len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			created, err := scaffold.Write(dir)
			if err != nil {
				return fmt.Errorf("init: %w", err)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "Created a braid site in %s:\n", dir)
			for _, p := range created {
				fmt.Fprintf(w, "  %s\n", p)
			}
			fmt.Fprintln(w, "\nNext:")
			if filepath.Clean(dir) != "." {
				fmt.Fprintf(w, "  cd %s\n", shellQuote(dir))
			}
			fmt.Fprintln(w, "  braid check                # validate the config and the articles")
			fmt.Fprintln(w, "  braid generate             # write the feeds into out/, then open out/index.html")
			fmt.Fprintln(w, "  braid explain korvel-harbour-tram-approved   # why each item was picked or not")
			fmt.Fprintln(w, "Then put your own articles in content/ and your feeds under sources: in config.yaml")
			fmt.Fprintln(w, "(or import a reader's list: braid sources import subscriptions.opml).")
			return nil
		},
	}
}

// shellQuote makes a folder name safe to paste into a POSIX shell.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./+,:@", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
