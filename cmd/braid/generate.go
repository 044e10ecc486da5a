package main

import (
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/braid-feeds/braid/config"
	"github.com/braid-feeds/braid/cycle"
	"github.com/braid-feeds/braid/state"
)

func newGenerate() *cobra.Command {
	var cfgPath string
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Run one cycle: fetch sources, pick related items, write the feeds",
		Long: `generate runs one cycle and exits: it reads the config and the local articles,
fetches every source, picks the related items of each article and writes
RSS, Atom and JSON feeds into the output folder.

It exits 0 when the feeds were written, also when some sources failed (they
are listed on stderr with their reason, and their last good items are used),
and 1 when the config or an article is invalid or the output cannot be written.`,
		Example: `  braid generate
  braid generate --config /etc/braid/config.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			cfg, err := config.Load(cfgPath)
			if err != nil {
				return err
			}
			st, err := state.Open(ctx, cfg.State)
			if err != nil {
				return err
			}
			defer st.Close()
			log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn}))
			sum, err := cycle.Run(ctx, cfg, cycle.Options{Version: version, Store: st, Logger: log})
			if err != nil {
				return err
			}
			for _, f := range sum.Failed {
				fmt.Fprintf(cmd.ErrOrStderr(), "source %s failed: %v (its last good items were kept)\n", f.Name, f.Err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), sum.String())
			return nil
		},
	}
	cmd.Flags().StringVarP(&cfgPath, "config", "c", "config.yaml", "path to the config file")
	return cmd
}
