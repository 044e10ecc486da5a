package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/internal/state/dsn"
)

type stateMigrateOptions struct {
	configPath string
	to         string
}

func newState() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "state",
		Short: "Work on braid's state (SQLite file or PostgreSQL database)",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newStateMigrate())
	return cmd
}

func newStateMigrate() *cobra.Command {
	opts := &stateMigrateOptions{}
	cmd := &cobra.Command{
		Use:   "migrate --to URL",
		Short: "Copy the config's state into another database and verify it",
		Long: `migrate copies everything in the config's state (a SQLite file or a
postgres:// database) into --to (a postgres:// URL or a SQLite file path),
replacing what --to held, in one transaction. It then checks that every table
holds exactly the rows read, prints the count per table and commits; on a
mismatch nothing is committed and it exits 1.

Stop every braid using either state first. Then point the config's state:
at --to.`,
		Example: `  braid state migrate --to postgres://braid@db.example.net/braid
  braid state migrate -c /etc/braid/config.yaml --to /var/lib/braid/state.db`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runStateMigrate(cmd.Context(), opts, cmd.OutOrStdout())
		},
	}
	configFlag(cmd, &opts.configPath)
	cmd.Flags().StringVar(&opts.to, "to", "", "where to copy the state: a postgres:// URL or a SQLite file path (required)")
	return cmd
}

func runStateMigrate(ctx context.Context, opts *stateMigrateOptions, stdout io.Writer) error {
	if opts.to == "" {
		return fmt.Errorf("%w: state migrate needs --to URL", errUsage)
	}
	cfg, err := config.Load(opts.configPath)
	if err != nil {
		return err
	}
	if opts.to == cfg.State {
		return fmt.Errorf("state: --to is the config's own state")
	}
	if !dsn.IsURL(cfg.State) {
		// Opening a missing file would create an empty state and copy it.
		if _, err := os.Stat(cfg.State); errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("state: %s does not exist: nothing to migrate", cfg.State)
		}
	}
	from, err := state.Open(ctx, cfg.State)
	if err != nil {
		return err
	}
	defer from.Close()
	to, err := state.Open(ctx, opts.to)
	if err != nil {
		return err
	}
	defer to.Close()
	counts, err := state.Copy(ctx, from, to)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "copied %s (%s) to %s (%s):\n", from.Path(), from.Backend(), to.Path(), to.Backend())
	for _, t := range state.Tables() {
		fmt.Fprintf(stdout, "  %-9s %d rows\n", t, counts[t])
	}
	fmt.Fprintln(stdout, "verified: every table holds exactly the rows read")
	return nil
}
