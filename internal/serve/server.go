package serve

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// DefaultShutdownTimeout is used by Serve when given no positive timeout.
const DefaultShutdownTimeout = 10 * time.Second

// NewServer wraps h in an http.Server whose timeouts keep slow or idle
// clients from pinning connections and goroutines: the server faces the
// open internet, where slowloris-style clients are routine.
func NewServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

// Serve serves on ln until ctx is done, then shuts down gracefully: the
// listener closes at once, in-flight requests get up to shutdownTimeout to
// finish, and whatever is still open after that is cut. It returns nil
// after a shutdown, also when connections had to be cut at the deadline.
func Serve(ctx context.Context, srv *http.Server, ln net.Listener, shutdownTimeout time.Duration) error {
	if shutdownTimeout <= 0 {
		shutdownTimeout = DefaultShutdownTimeout
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil // someone else shut the server down
		}
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	// ctx is already done; the grace period needs a fresh deadline.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	<-errc // Serve returns ErrServerClosed as soon as Shutdown starts
	if errors.Is(err, context.DeadlineExceeded) {
		// Clients still downloading past the grace period (slow readers,
		// stalled connections) are cut: that is what the deadline is for,
		// and the stop is still an orderly one.
		_ = srv.Close()
		return nil
	}
	if err != nil {
		_ = srv.Close()
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	return nil
}
