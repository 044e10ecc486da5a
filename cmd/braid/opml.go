package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/opml"
)

func newSourcesImport() *cobra.Command {
	var cfgPath string
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
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("%w: sources import takes one OPML file, got %d arguments", errUsage, len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			feeds, err := opml.ParseFile(args[0])
			if err != nil {
				return fmt.Errorf("sources import: %w", err)
			}
			var add []config.Source
			var ignored []opml.Feed
			for _, f := range feeds {
				if isHTTPSource(f.URL) || strings.HasPrefix(f.URL, "file://") {
					add = append(add, config.Source{Name: f.Name, URL: f.URL})
				} else {
					ignored = append(ignored, f)
				}
			}
			added, skipped, err := config.AddSources(cfgPath, add)
			if err != nil {
				return fmt.Errorf("sources import: %w", err)
			}
			w := cmd.OutOrStdout()
			for _, s := range added {
				fmt.Fprintf(w, "added    %s  %s\n", s.Name, s.URL)
			}
			for _, s := range skipped {
				fmt.Fprintf(w, "skipped  %s  %s  (already a source)\n", s.Name, s.URL)
			}
			for _, f := range ignored {
				fmt.Fprintf(w, "ignored  %s  %s  (not an http(s) or file:// URL)\n", f.Name, f.URL)
			}
			fmt.Fprintf(w, "%d added, %d skipped", len(added), len(skipped))
			if len(ignored) > 0 {
				fmt.Fprintf(w, ", %d ignored", len(ignored))
			}
			if len(added) > 0 {
				fmt.Fprintf(w, "; %s updated. Try them with: braid check --sources", cfgPath)
			}
			fmt.Fprintln(w)
			return nil
		},
	}
	configFlag(cmd, &cfgPath)
	return cmd
}

func newSourcesExport() *cobra.Command {
	var cfgPath, outPath string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the config's sources as OPML, for a feed reader",
		Long: `export writes the sources of the config as an OPML 2.0 subscription list, in
config order, to stdout or to the file given with -o (written atomically).
The output has no dates in it, so it only changes when the sources do.
Local feed files are written as absolute file:// URLs.`,
		Example: `  braid sources export > sources.opml
  braid sources export --config /etc/braid/config.yaml -o sources.opml`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("%w: sources export takes no arguments (use -o FILE), got %q", errUsage, args)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Load(cfgPath)
			if err != nil {
				return err
			}
			feeds := make([]opml.Feed, len(cfg.Sources))
			for i, s := range cfg.Sources {
				u := s.URL
				if !isHTTPSource(u) {
					// Absolute, since the list is read elsewhere; and not
					// url.URL's escaping: config strips file:// and reads
					// the rest as a path, so import gives it back.
					abs, err := filepath.Abs(u)
					if err != nil {
						return fmt.Errorf("sources export: %w", err)
					}
					u = "file://" + filepath.ToSlash(abs)
				}
				feeds[i] = opml.Feed{Name: s.Name, URL: u}
			}
			data, err := opml.Marshal(cfg.Site.Title+" sources", feeds)
			if err != nil {
				return fmt.Errorf("sources export: %w", err)
			}
			if outPath == "" || outPath == "-" {
				_, err := cmd.OutOrStdout().Write(data)
				return err
			}
			if err := writeFileAtomic(outPath, data); err != nil {
				return fmt.Errorf("sources export: %w", err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %d sources to %s\n", len(feeds), outPath)
			return nil
		},
	}
	configFlag(cmd, &cfgPath)
	cmd.Flags().StringVarP(&outPath, "output", "o", "", "write to this file instead of stdout")
	return cmd
}

// writeFileAtomic writes through a temporary file in the same folder, so
// a reader importing the file never sees half of it.
func writeFileAtomic(path string, data []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
