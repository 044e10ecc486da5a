package lock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// ErrHeld is wrapped by the error Acquire returns when another process
// holds the lock, so callers can tell "busy" from a failure with errors.Is.
var ErrHeld = errors.New("lock: held by another process")

// HeldError says which process holds the lock. Its message is what the
// user sees; it matches ErrHeld with errors.Is.
type HeldError struct {
	PID int // 0 when the holder has not written its pid yet
}

func (e *HeldError) Error() string {
	if e.PID <= 0 {
		return "another braid is running a cycle on this site"
	}
	return fmt.Sprintf("another braid (pid %d) is running a cycle on this site", e.PID)
}

// Unwrap makes errors.Is(err, ErrHeld) true.
func (e *HeldError) Unwrap() error { return ErrHeld }

// Lock is a held site lock.
type Lock struct {
	fl *flock.Flock
}

// PathFor is where the lock of the site whose state is at statePath
// lives: beside the state, so every process that shares the state shares
// the lock.
func PathFor(statePath string) string { return statePath + ".lock" }

// retryEvery is how often a waiting Acquire tries again.
const retryEvery = 50 * time.Millisecond

// Acquire takes the exclusive lock at path, creating the file (not its
// folder) if needed, and writes this process's pid into it. When another
// process holds it, Acquire retries until wait has passed (0: it does not
// wait) and then returns a *HeldError naming the holder's pid, which
// wraps ErrHeld. Cancelling ctx stops the wait with ctx's error.
func Acquire(ctx context.Context, path string, wait time.Duration) (*Lock, error) {
	fl := flock.New(path, flock.SetPermissions(0o644))
	deadline := time.Now().Add(wait)
	for {
		ok, err := fl.TryLock()
		if err != nil {
			return nil, fmt.Errorf("lock: %s: %w", path, err)
		}
		if ok {
			l := &Lock{fl: fl}
			if err := writePID(path); err != nil {
				_ = l.Release()
				return nil, err
			}
			return l, nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, &HeldError{PID: holderPID(ctx, path)}
		}
		t := time.NewTimer(min(left, retryEvery))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("lock: waiting for %s: %w", path, ctx.Err())
		case <-t.C:
		}
	}
}

// Release gives the lock up. The pid is cleared first so that nobody
// reads a finished process as the holder.
func (l *Lock) Release() error {
	if l == nil || l.fl == nil {
		return nil
	}
	truncErr := os.Truncate(l.fl.Path(), 0)
	err := l.fl.Unlock()
	l.fl = nil
	if err != nil {
		return fmt.Errorf("lock: release: %w", err)
	}
	if truncErr != nil {
		return fmt.Errorf("lock: release: %w", truncErr)
	}
	return nil
}

// writePID records the holder through a second descriptor: flock(2)
// locks belong to the descriptor that took them, so opening and closing
// another one leaves the lock in place.
func writePID(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	_, err = f.WriteString(strconv.Itoa(os.Getpid()) + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("lock: writing pid to %s: %w", path, err)
	}
	return nil
}

// pidReadTries bounds how long holderPID waits for a holder that has just
// taken the lock to write its pid.
const pidReadTries = 20

// holderPID reads the holder's pid; 0 when it cannot be read. A holder
// writes its pid just after locking, so an empty file is retried briefly.
func holderPID(ctx context.Context, path string) int {
	for range pidReadTries {
		data, err := os.ReadFile(path)
		if err != nil {
			return 0
		}
		if pid, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil && pid > 0 {
			return pid
		}
		select {
		case <-ctx.Done():
			return 0
		case <-time.After(5 * time.Millisecond):
		}
	}
	return 0
}
