package statetest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"

	"github.com/braid-feeds/braid/internal/state"
)

// childEnv names the state a re-executed test binary opens; see Child.
const childEnv = "BRAID_STATETEST_OPEN"

// Child makes a test binary re-executed by the suite open the state it
// was given and exit: 0 when Open succeeded. Call it first in TestMain.
func Child() {
	target := os.Getenv(childEnv)
	if target == "" {
		return
	}
	s, err := state.Open(context.Background(), target)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := s.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

const openers = 8

// testConcurrentOpenGoroutines: daemons starting at once on a fresh
// state each find the schema migrated exactly once.
func testConcurrentOpenGoroutines(t *testing.T, fresh NewDSN) {
	dsn := fresh(t)
	errs := make(chan error, openers)
	var wg sync.WaitGroup
	for range openers {
		wg.Go(func() {
			s, err := state.Open(context.Background(), dsn)
			if err == nil {
				err = s.Close()
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	checkUsable(t, dsn)
}

// testConcurrentOpenProcesses is the same with real processes, which do
// not share Go's locks: only the database's own locking protects them.
func testConcurrentOpenProcesses(t *testing.T, fresh NewDSN) {
	dsn := fresh(t)
	cmds := make([]*exec.Cmd, openers)
	outs := make([]*lockedBuffer, openers)
	for i := range cmds {
		outs[i] = &lockedBuffer{}
		cmds[i] = exec.Command(os.Args[0], "-test.run=^$")
		cmds[i].Env = append(os.Environ(), childEnv+"="+dsn)
		cmds[i].Stdout, cmds[i].Stderr = outs[i], outs[i]
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Errorf("process %d: %v\n%s", i, err, outs[i].String())
		}
	}
	checkUsable(t, dsn)
}

func checkUsable(t *testing.T, dsn string) {
	t.Helper()
	s := open(t, dsn)
	if err := s.SetMeta(context.Background(), "k", "v"); err != nil {
		t.Fatalf("after concurrent opens: %v", err)
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b = append(l.b, p...)
	return len(p), nil
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.b)
}
