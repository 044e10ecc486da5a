package main

import (
	"fmt"
	"io"
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
		Args: usageArgs(func(args []string) error {
			if len(args) > 1 {
				return fmt.Errorf("init takes at most one folder, got %d arguments", len(args))
			}
			return nil
		}),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runInit(initDir(args), cmd.OutOrStdout())
		},
	}
}

// initDir is the folder argument, the current folder by default.
func initDir(args []string) string {
	if len(args) == 1 {
		return args[0]
	}
	return "."
}

func runInit(dir string, stdout io.Writer) error {
	created, err := scaffold.Write(dir)
	if err != nil {
		return fmt.Errorf("init: %w", err)
	}
	fmt.Fprintf(stdout, "Created a braid site in %s:\n", dir)
	for _, p := range created {
		fmt.Fprintf(stdout, "  %s\n", p)
	}
	fmt.Fprintln(stdout, "\nNext:")
	if filepath.Clean(dir) != "." {
		fmt.Fprintf(stdout, "  cd %s\n", shellQuote(dir))
	}
	fmt.Fprintln(stdout, "  braid check                # validate the config and the articles")
	fmt.Fprintln(stdout, "  braid generate             # write the feeds into out/, then open out/index.html")
	fmt.Fprintln(stdout, "  braid explain korvel-harbour-tram-approved   # why each item was picked or not")
	fmt.Fprintln(stdout, "Then put your own articles in content/ and your feeds under sources: in config.yaml")
	fmt.Fprintln(stdout, "(or import a reader's list: braid sources import subscriptions.opml).")
	return nil
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
