// Command panicky is braid's daemon with a fault injected: every other
// cycle panics. The end-to-end test runs it as a real process to show a
// panic in a cycle does not kill the daemon. It lives under testdata so
// the shipped binary carries no fault-injection hook.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/cycle"
	"github.com/braid-feeds/braid/internal/daemon"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var n atomic.Int64
	err := daemon.Run(ctx, daemon.Options{
		ConfigPath: os.Args[1], Listen: os.Args[2], Version: "panicky",
		Logger: slog.New(slog.NewJSONHandler(os.Stderr, nil)),
		Cycle: func(ctx context.Context, c *config.Config, o cycle.Options) (*cycle.Summary, error) {
			if n.Add(1)%2 == 1 {
				panic("injected fault")
			}
			return cycle.Run(ctx, c, o)
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
