package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/braid-feeds/braid/internal/daemon"
)

type runOptions struct {
	configPath string
	listen     string
	node       string
}

func newRun(g *globalOptions) *cobra.Command {
	opts := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run cycles on the schedule and serve the output folder",
		Long: `run is braid as a service. It runs a cycle at start (run_at_start), then on the
config's schedule, and serves the output folder over HTTP with /healthz and
/metrics. Cycles never overlap, and a panic in one is logged and survived.

Signals: SIGHUP reloads the config and the articles and runs a cycle (a bad
config is logged and the running one stays in force); SIGINT or SIGTERM stop
scheduling, cancel fetches and exit 0 within 10 seconds.

Fleet: several braid run with the same config and a postgres:// state share
the fetching (each due source is fetched by one node per period) and each
publishes the whole site into its own output folder. Each node needs a name
of its own: --node, else $BRAID_NODE, else the host name.`,
		Example: `  braid run
  braid run --config /etc/braid/config.yaml --listen :8080 --log-format json
  braid run --node feeds-2`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runRun(cmd.Context(), g, opts, cmd.ErrOrStderr())
		},
	}
	configFlag(cmd, &opts.configPath)
	listenFlag(cmd, &opts.listen)
	cmd.Flags().StringVar(&opts.node, "node", "", "this node's name in a fleet sharing a PostgreSQL state (default: $BRAID_NODE, else the host name)")
	return cmd
}

func runRun(ctx context.Context, g *globalOptions, opts *runOptions, stderr io.Writer) error {
	log, err := g.logger(stderr)
	if err != nil {
		return err
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	return daemon.Run(ctx, daemon.Options{
		ConfigPath: opts.configPath, Listen: opts.listen, Version: version, Logger: log,
		Reload: hup, ShutdownTimeout: 9 * time.Second, Node: opts.node, FullGCPercent: fullGCPercent(), HeapFloor: heapFloor(),
	})
}
