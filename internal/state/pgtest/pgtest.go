// Package pgtest runs a throwaway PostgreSQL cluster for tests: initdb in
// a temporary folder, listening on 127.0.0.1 and a free port, stopped and
// deleted when the test binary ends. Tests that need PostgreSQL call URL;
// without Debian's postgresql package they skip, unless
// BRAID_REQUIRE_POSTGRES=1 (CI) makes that a failure.
package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// ErrNotInstalled is returned when no initdb/pg_ctl can be found.
var ErrNotInstalled = errors.New("pgtest: PostgreSQL not installed: apt-get install postgresql")

// Cluster is a running throwaway PostgreSQL.
type Cluster struct {
	bin   string // folder of initdb, pg_ctl
	dir   string // temp folder: data/, the socket, the log
	port  int
	owner *user.User // the postgres user when we run as root, else nil

	// Started is how long initdb plus start took.
	Started time.Duration
}

// findBin returns the folder of the newest installed PostgreSQL's
// binaries: Debian keeps them out of PATH, under /usr/lib/postgresql.
func findBin() (string, error) {
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	slices.SortFunc(found, func(a, b string) int { return majorOf(b) - majorOf(a) })
	if len(found) > 0 {
		return filepath.Dir(found[0]), nil
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", ErrNotInstalled
}

func majorOf(initdb string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return v
}

// Start creates and starts a cluster. initdb refuses to run as root, so
// as root the cluster belongs to the postgres user Debian's package
// creates.
func Start(ctx context.Context) (*Cluster, error) {
	t0 := time.Now()
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	c := &Cluster{bin: bin}
	if os.Geteuid() == 0 {
		if c.owner, err = user.Lookup("postgres"); err != nil {
			return nil, fmt.Errorf("pgtest: running as root needs the postgres user: %w", err)
		}
	}
	// Short: the socket path must fit in 107 bytes.
	if c.dir, err = os.MkdirTemp("", "braidpg"); err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	if err := c.chown(); err != nil {
		c.remove()
		return nil, err
	}
	if err := c.initdb(ctx); err != nil {
		c.remove()
		return nil, err
	}
	if err := c.start(ctx); err != nil {
		c.remove()
		return nil, err
	}
	c.Started = time.Since(t0)
	return c, nil
}

func (c *Cluster) chown() error {
	if c.owner == nil {
		return nil
	}
	uid, _ := strconv.Atoi(c.owner.Uid)
	gid, _ := strconv.Atoi(c.owner.Gid)
	if err := os.Chown(c.dir, uid, gid); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	return nil
}

// run runs one of the cluster's binaries, as its owner.
func (c *Cluster) run(ctx context.Context, name string, args ...string) error {
	path := filepath.Join(c.bin, name)
	var cmd *exec.Cmd
	if c.owner != nil {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", c.owner.Username, "--", path}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, path, args...)
	}
	cmd.Dir = c.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgtest: %s: %w\n%s", name, err, out)
	}
	return nil
}

func (c *Cluster) data() string { return filepath.Join(c.dir, "data") }

func (c *Cluster) initdb(ctx context.Context) error {
	return c.run(ctx, "initdb", "-D", c.data(), "--username=postgres", "--auth=trust",
		"--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions")
}

// start picks a free port and starts the server on it; another process
// may take the port between the two, so it tries a few.
func (c *Cluster) start(ctx context.Context) error {
	var err error
	for range 3 {
		if c.port, err = freePort(); err != nil {
			return err
		}
		if err = c.startOnPort(ctx); err == nil {
			return nil
		}
	}
	return err
}

func (c *Cluster) startOnPort(ctx context.Context) error {
	// fsync off: a test cluster never outlives a crash.
	opts := fmt.Sprintf("-h 127.0.0.1 -p %d -k %s -F -c max_connections=300", c.port, c.dir)
	err := c.run(ctx, "pg_ctl", "-D", c.data(), "-l", filepath.Join(c.dir, "log"), "-o", opts, "-w", "-t", "60", "start")
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
		return fmt.Errorf("%w\n%s", err, log)
	}
	return nil
}

// Pause stops the server, closing every connection, and keeps its data:
// the database becomes unreachable until Resume.
func (c *Cluster) Pause(ctx context.Context) error {
	return c.run(ctx, "pg_ctl", "-D", c.data(), "-m", "fast", "-w", "stop")
}

// Resume starts a paused server again on the same port, so URLs handed
// out before still work.
func (c *Cluster) Resume(ctx context.Context) error { return c.startOnPort(ctx) }

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// URL is the address of database db in the cluster.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// CreateDB creates an empty database and returns its URL.
func (c *Cluster) CreateDB(ctx context.Context, name string) (string, error) {
	db, err := sql.Open("pgx", c.URL("postgres"))
	if err != nil {
		return "", fmt.Errorf("pgtest: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE DATABASE "`+strings.ReplaceAll(name, `"`, `""`)+`"`); err != nil {
		return "", fmt.Errorf("pgtest: create database %s: %w", name, err)
	}
	return c.URL(name), nil
}

// Stop stops the server at once and deletes the cluster.
func (c *Cluster) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := c.run(ctx, "pg_ctl", "-D", c.data(), "-m", "immediate", "-w", "stop")
	c.remove()
	return err
}

func (c *Cluster) remove() { os.RemoveAll(c.dir) }
