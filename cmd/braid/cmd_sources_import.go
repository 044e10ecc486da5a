package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/opml"
	"github.com/braid-feeds/braid/internal/urls"
)

type importOptions struct {
	configPath string
}

func newSourcesImport() *cobra.Command {
	opts := &importOptions{}
	cmd := &cobra.Command{
		Use:   "import FILE.opml",
		Short: "Add the feeds of an OPML file (a feed reader's export) to the config's sources",
		Long: `import reads an OPML 1.0 or 2.0 subscription list, as feed readers export it,
and appends every feed in it to the sources: list of the config file. Folders
are flattened. A feed's name is its outline's title, else its text, else the
host of its URL.

The config keeps its comments, blank lines and key order: only the new
entries are added, after the last source. A feed whose URL is already a
source (compared after normalizing: scheme, www., trailing slash, utm_*
parameters) is skipped; a name already taken by another URL gets a suffix,
"Name (2)". The edited config must load before it is written, and it is
written atomically. Outlines whose URL is not http(s) or file:// are
ignored and listed.`,
		Example: `  braid sources import ~/Downloads/feedly.opml
  braid sources import subscriptions.opml --config /etc/braid/config.yaml`,
		Args: usageArgs(func(args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("sources import takes one OPML file, got %d arguments", len(args))
			}
			return nil
		}),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSourcesImport(opts, args[0], cmd.OutOrStdout())
		},
	}
	configFlag(cmd, &opts.configPath)
	return cmd
}

func runSourcesImport(opts *importOptions, file string, stdout io.Writer) error {
	feeds, err := opml.ParseFile(file)
	if err != nil {
		return fmt.Errorf("sources import: %w", err)
	}
	add, ignored := importable(feeds)
	added, skipped, err := config.AddSources(opts.configPath, add)
	if err != nil {
		return fmt.Errorf("sources import: %w", err)
	}
	for _, s := range added {
		fmt.Fprintf(stdout, "added    %s  %s\n", s.Name, s.URL)
	}
	for _, s := range skipped {
		fmt.Fprintf(stdout, "skipped  %s  %s  (already a source)\n", s.Name, s.URL)
	}
	for _, f := range ignored {
		fmt.Fprintf(stdout, "ignored  %s  %s  (not an http(s) or file:// URL)\n", f.Name, f.URL)
	}
	fmt.Fprintf(stdout, "%d added, %d skipped", len(added), len(skipped))
	if len(ignored) > 0 {
		fmt.Fprintf(stdout, ", %d ignored", len(ignored))
	}
	if len(added) > 0 {
		fmt.Fprintf(stdout, "; %s updated. Try them with: braid check --sources", opts.configPath)
	}
	fmt.Fprintln(stdout)
	return nil
}

// importable splits a reader's feeds into sources braid can fetch and the
// rest: a relative path in an OPML file has no folder to be relative to.
func importable(feeds []opml.Feed) (add []config.Source, ignored []opml.Feed) {
	for _, f := range feeds {
		if urls.IsHTTP(f.URL) || strings.HasPrefix(f.URL, "file://") {
			add = append(add, config.Source{Name: f.Name, URL: f.URL})
		} else {
			ignored = append(ignored, f)
		}
	}
	return add, ignored
}
