package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/google/renameio/v2"
	"github.com/spf13/cobra"

	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/opml"
	"github.com/braid-feeds/braid/internal/urls"
)

type exportOptions struct {
	configPath string
	output     string
}

func newSourcesExport() *cobra.Command {
	opts := &exportOptions{}
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the config's sources as OPML, for a feed reader",
		Long: `export writes the sources of the config as an OPML 2.0 subscription list, in
config order, to stdout or to the file given with -o (written atomically).
The output has no dates in it, so it only changes when the sources do.
Local feed files are written as absolute file:// URLs.`,
		Example: `  braid sources export > sources.opml
  braid sources export --config /etc/braid/config.yaml -o sources.opml`,
		Args: usageArgs(func(args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("sources export takes no arguments (use -o FILE), got %q", args)
			}
			return nil
		}),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSourcesExport(opts, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	configFlag(cmd, &opts.configPath)
	cmd.Flags().StringVarP(&opts.output, "output", "o", "", "write to this file instead of stdout")
	return cmd
}

func runSourcesExport(opts *exportOptions, stdout, stderr io.Writer) error {
	cfg, err := config.Load(opts.configPath)
	if err != nil {
		return err
	}
	feeds, err := exportFeeds(cfg.Sources)
	if err != nil {
		return fmt.Errorf("sources export: %w", err)
	}
	data, err := opml.Marshal(cfg.Site.Title+" sources", feeds)
	if err != nil {
		return fmt.Errorf("sources export: %w", err)
	}
	if n := withSecrets(cfg.Sources); n > 0 {
		// The operator's own file, for their own reader: the credentials
		// are kept, unlike everywhere else braid shows a URL.
		fmt.Fprintf(stderr, "note: %d source URLs hold credentials, kept in the export: keep the file private\n", n)
	}
	if opts.output == "" || opts.output == "-" {
		_, err := stdout.Write(data)
		return err
	}
	// Atomic, so a reader importing the file never sees half of it; the
	// temporary file goes beside it so the rename stays on one file system.
	if err := renameio.WriteFile(opts.output, data, 0o644, renameio.WithTempDir(filepath.Dir(opts.output))); err != nil {
		return fmt.Errorf("sources export: %w", err)
	}
	fmt.Fprintf(stderr, "wrote %d sources to %s\n", len(feeds), opts.output)
	return nil
}

// exportFeeds turns sources into OPML feeds. Local files become absolute
// file:// URLs, since the list is read elsewhere; not url.URL's escaping:
// config strips file:// and reads the rest as a path, so import gives the
// same source back.
func exportFeeds(sources []config.Source) ([]opml.Feed, error) {
	feeds := make([]opml.Feed, len(sources))
	for i, s := range sources {
		u := s.URL
		if !urls.IsHTTP(u) {
			abs, err := filepath.Abs(u)
			if err != nil {
				return nil, err
			}
			u = "file://" + filepath.ToSlash(abs)
		}
		feeds[i] = opml.Feed{Name: s.Name, URL: u}
	}
	return feeds, nil
}

// withSecrets counts the sources whose URL holds credentials.
func withSecrets(srcs []config.Source) int {
	n := 0
	for _, s := range srcs {
		if urls.Redact(s.URL) != s.URL {
			n++
		}
	}
	return n
}
