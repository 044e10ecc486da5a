package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/spf13/cobra"

	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/cycle"
	"github.com/braid-feeds/braid/sources/articles"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

// Exit codes, documented in the README.
const (
	exitOK      = 0
	exitFailure = 1 // invalid config or article, output not writable, state unusable
	exitUsage   = 2 // unknown command or flag
	exitSignal  = 130
)

// errUsage marks command-line mistakes.
var errUsage = errors.New("usage")

// run is the whole CLI behind main, so tests can drive it in-process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	return root.ExecuteContext(ctx)
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "braid",
		Short: "Publish a feed per article: the article, its neighbours and related external items",
		Long: `braid reads a news site's local articles and a list of external feeds, picks the
external items related to each article, and publishes one RSS, Atom and JSON
feed per article that follows its story.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return fmt.Errorf("%w: %w", errUsage, err)
	})
	lf := &logFlags{}
	root.PersistentFlags().StringVar(&lf.format, "log-format", "auto", "log format: auto (text on a terminal, JSON otherwise), text or json")
	root.PersistentFlags().StringVar(&lf.level, "log-level", "info", "log level: debug, info, warn or error")
	root.AddCommand(newGenerate(lf), newExplain(), newSources(), newRun(lf), newServe(lf), newVersion())
	root.AddCommand(newInit(), newCheck())
	return root
}

// exitCode turns an error into the process exit code, printing it once.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, "braid:", err)
	switch {
	case errors.Is(err, context.Canceled):
		return exitSignal
	case errors.Is(err, errUsage), isCobraUsage(err):
		return exitUsage
	case errors.Is(err, config.ErrInvalid), errors.Is(err, articles.ErrInvalid), errors.Is(err, cycle.ErrOutput):
		return exitFailure
	}
	return exitFailure
}

// isCobraUsage catches cobra's own unknown-command errors, which are plain
// strings.
func isCobraUsage(err error) bool {
	s := err.Error()
	return len(s) > 16 && (s[:16] == "unknown command " || s[:15] == "unknown flag: -")
}

func newVersion() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print braid's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "braid %s\n", version)
			return err
		},
	}
}

func listenTCP(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return ln, nil
}
