package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/spf13/cobra"

	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/serve"
)

type serveOptions struct {
	configPath string
	listen     string
}

func newServe(g *globalOptions) *cobra.Command {
	opts := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the output folder over HTTP, without running cycles",
		Long: `serve serves what braid published (the config's out folder) with feed content
types, ETag and Last-Modified, 304 answers, gzip, /healthz and /metrics. It
never runs a cycle: use it beside "braid generate" run from cron, or use "braid run".`,
		Example: `  braid serve --listen 127.0.0.1:8080`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), g, opts, cmd.ErrOrStderr())
		},
	}
	configFlag(cmd, &opts.configPath)
	listenFlag(cmd, &opts.listen)
	return cmd
}

func runServe(ctx context.Context, g *globalOptions, opts *serveOptions, stderr io.Writer) error {
	log, err := g.logger(stderr)
	if err != nil {
		return err
	}
	cfg, err := config.Load(opts.configPath)
	if err != nil {
		return err
	}
	listen := opts.listen
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
	return serve.Serve(ctx, srv, ln, 9*time.Second)
}

// listenFlag is the --listen flag of run and serve.
func listenFlag(cmd *cobra.Command, addr *string) {
	cmd.Flags().StringVar(addr, "listen", "", "address to serve on (default: the config's listen, 127.0.0.1:8080)")
}

func listenTCP(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return ln, nil
}
