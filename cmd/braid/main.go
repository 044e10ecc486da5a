// Command braid publishes a feed per article of a news site: the article,
// its previous and next neighbours, and related items from external feeds.
//
// The layout follows restic's cmd/restic: this file holds main, the root
// command and the one place errors become exit codes; each subcommand
// lives in cmd_<name>.go, with an options struct and a runX function that
// its cobra RunE calls in one line.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
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

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopProfile, stopMemProfile := startProfile(), startMemProfile()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stopMemProfile()
	stopProfile()
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// run is the whole CLI behind main, so tests can drive it in-process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	return root.ExecuteContext(ctx)
}

// globalOptions are the flags every command takes.
type globalOptions struct {
	logFlags
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
	g := &globalOptions{}
	root.PersistentFlags().StringVar(&g.format, "log-format", "auto", "log format: auto (text on a terminal, JSON otherwise), text or json")
	root.PersistentFlags().StringVar(&g.level, "log-level", "info", "log level: debug, info, warn or error")
	registerLogFlagCompletion(root)
	root.AddCommand(newGenerate(g), newExplain(), newSources(), newRun(g), newServe(g), newVersion())
	root.AddCommand(newInit(), newCheck(), newCompletion(root), newState())
	root.CompletionOptions.DisableDefaultCmd = true
	return root
}

// exitCode turns an error into the process exit code, printing it once.
// It is the only place that decides exit codes.
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
	}
	// Invalid config or article, unwritable output, unusable state, a
	// failed check: all are failures the user fixes outside the command line.
	return exitFailure
}

// isCobraUsage catches cobra's own unknown-command errors, which are plain
// strings.
func isCobraUsage(err error) bool {
	s := err.Error()
	return strings.HasPrefix(s, "unknown command ") || strings.HasPrefix(s, "unknown flag: -")
}

// usageArgs is a cobra Args check that turns a wrong argument count into
// a usage error (exit 2) with a message naming the command.
func usageArgs(check func(args []string) error) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if err := check(args); err != nil {
			return fmt.Errorf("%w: %w", errUsage, err)
		}
		return nil
	}
}
