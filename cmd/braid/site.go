package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/state"
)

// openSite loads the config, checks its content folder and opens its
// state file: what every command that works on a site's state needs
// first. The caller closes the store.
func openSite(ctx context.Context, cfgPath string) (*config.Config, *state.Store, error) {
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return nil, nil, err
	}
	if err := cfg.ContentError(); err != nil {
		return nil, nil, err
	}
	st, err := state.Open(ctx, cfg.State)
	if err != nil {
		return nil, nil, err
	}
	return cfg, st, nil
}

// configFlag is the --config flag every site command takes, defined once
// so its name, shorthand and default cannot drift between commands.
func configFlag(cmd *cobra.Command, path *string) {
	cmd.Flags().StringVarP(path, "config", "c", "config.yaml", "path to the config file")
}
