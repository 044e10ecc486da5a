package lock

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// holdEnv makes the test binary, re-executed, a lock holder: it takes the
// lock at the path in the variable, says "locked", and holds it until its
// stdin closes (or it is killed).
const holdEnv = "BRAID_LOCK_TEST_HOLD"

func TestMain(m *testing.M) {
	if path := os.Getenv(holdEnv); path != "" {
		os.Exit(hold(path))
	}
	os.Exit(m.Run())
}

func hold(path string) int {
	l, err := Acquire(context.Background(), path, 0)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("locked")
	_, _ = io.Copy(io.Discard, os.Stdin)
	if err := l.Release(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// holder is a second, real process holding the lock.
type holder struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

func startHolder(t *testing.T, path string) *holder {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), holdEnv+"="+path)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &holder{cmd: cmd, stdin: stdin}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "locked" {
		t.Fatalf("holder did not take the lock: %q, %v", line, err)
	}
	return h
}

func TestHeldByAnotherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db.lock")
	h := startHolder(t, path)

	_, err := Acquire(context.Background(), path, 0)
	var held *HeldError
	if !errors.As(err, &held) || !errors.Is(err, ErrHeld) {
		t.Fatalf("Acquire while held: err = %v, want a HeldError wrapping ErrHeld", err)
	}
	want := fmt.Sprintf("another braid (pid %d) is running a cycle on this site", h.cmd.Process.Pid)
	if err.Error() != want {
		t.Errorf("message = %q, want %q", err, want)
	}

	// A holder that finishes normally frees the lock.
	if err := h.stdin.Close(); err != nil {
		t.Fatal(err)
	}
	if err := h.cmd.Wait(); err != nil {
		t.Fatalf("holder: %v", err)
	}
	l, err := Acquire(context.Background(), path, 0)
	if err != nil {
		t.Fatalf("Acquire after release: %v", err)
	}
	defer l.Release()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(data)); got != strconv.Itoa(os.Getpid()) {
		t.Errorf("lock file holds %q, want our pid %d", got, os.Getpid())
	}
}

// TestKilledHolderFreesLock waits for a holder that is then killed: the
// kernel releases its lock and the waiter gets it.
func TestKilledHolderFreesLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db.lock")
	h := startHolder(t, path)

	got := make(chan error, 1)
	go func() {
		l, err := Acquire(context.Background(), path, time.Hour)
		if err == nil {
			err = l.Release()
		}
		got <- err
	}()
	if err := h.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = h.cmd.Wait()
	if err := <-got; err != nil {
		t.Fatalf("Acquire after the holder was killed: %v", err)
	}
	// And at once, without waiting, once nobody holds it.
	l, err := Acquire(context.Background(), path, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
}

func TestWaitHonoursContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db.lock")
	startHolder(t, path)

	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan error, 1)
	go func() {
		_, err := Acquire(ctx, path, time.Hour)
		got <- err
	}()
	cancel()
	if err := <-got; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestAcquireErrors(t *testing.T) {
	tests := []struct {
		name string
		path string
	}{
		{"missing folder", filepath.Join(t.TempDir(), "no", "such", "dir", "state.db.lock")},
		{"path is a folder", t.TempDir()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Acquire(context.Background(), tc.path, 0)
			if err == nil {
				_ = l.Release()
				t.Fatal("Acquire succeeded")
			}
			if errors.Is(err, ErrHeld) || !strings.HasPrefix(err.Error(), "lock: ") {
				t.Errorf("err = %v, want a lock: error that is not ErrHeld", err)
			}
		})
	}
}

func TestPathFor(t *testing.T) {
	if got := PathFor(filepath.Join(".braid", "state.db")); got != filepath.Join(".braid", "state.db.lock") {
		t.Errorf("PathFor = %q", got)
	}
}

func TestReleaseTwice(t *testing.T) {
	l, err := Acquire(context.Background(), filepath.Join(t.TempDir(), "x.lock"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if err := l.Release(); err != nil {
		t.Errorf("second Release: %v", err)
	}
}
