package main

import (
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/daemon"
	"github.com/braid-feeds/braid/internal/serve"
)

func newRun(lf *logFlags) *cobra.Command {
	var cfgPath, listen string
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run cycles on the schedule and serve the output folder",
		Long: `run is braid as a service. It runs a cycle at start (run_at_start), then on the
config's schedule, and serves the output folder over HTTP with /healthz and
/metrics. Cycles never overlap, and a panic in one is logged and survived.

Signals: SIGHUP reloads the config and the articles and runs a cycle (a bad
config is logged and the running one stays in force); SIGINT or SIGTERM stop
scheduling, cancel fetches and exit 0 within 10 seconds.`,
		Example: `  braid run
  braid run --config /etc/braid/config.yaml --listen :8080 --log-format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := lf.logger(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			hup := make(chan os.Signal, 1)
			signal.Notify(hup, syscall.SIGHUP)
			defer signal.Stop(hup)
			return daemon.Run(cmd.Context(), daemon.Options{
				ConfigPath: cfgPath, Listen: listen, Version: version, Logger: log,
				Reload: hup, ShutdownTimeout: 9 * time.Second,
			})
		},
	}
	configFlag(cmd, &cfgPath)
	cmd.Flags().StringVar(&listen, "listen", "", "address to serve on (default: the config's listen, 127.0.0.1:8080)")
	return cmd
}

func newServe(lf *logFlags) *cobra.Command {
	var cfgPath, listen string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the output folder over HTTP, without running cycles",
		Long: `serve serves what braid published (the config's out folder) with feed content
types, ETag and Last-Modified, 304 answers, gzip, /healthz and /metrics. It
never runs a cycle: use it beside "braid generate" run from cron, or use "braid run".`,
		Example: `  braid serve --listen 127.0.0.1:8080`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := lf.logger(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			cfg, err := config.Load(cfgPath)
			if err != nil {
				return err
			}
			if listen == "" {
				listen = cfg.Listen
			}
			h := serve.NewHandler(serve.Options{Root: cfg.Out, MaxAge: 5 * time.Minute, Logger: log})
			srv := serve.NewServer(listen, h)
			ln, err := listenTCP(listen)
			if err != nil {
				return err
			}
			log.Info("serving", "addr", ln.Addr().String(), "out", cfg.Out)
			return serve.Serve(cmd.Context(), srv, ln, 9*time.Second)
		},
	}
	configFlag(cmd, &cfgPath)
	cmd.Flags().StringVar(&listen, "listen", "", "address to serve on (default: the config's listen, 127.0.0.1:8080)")
	return cmd
}
