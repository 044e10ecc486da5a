package cycle

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"time"

	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/sources"
)

// A state in PostgreSQL may be shared by several braid nodes: they divide
// the fetching through leases and each publishes the whole site from the
// shared state. A SQLite state belongs to one braid, which works alone.

// fleet reports whether this cycle shares its state with other nodes.
func (c *run) fleet() bool { return c.opt.Store.Backend() == "postgres" }

// NodeName is this node's name in a fleet: explicit when given (run
// --node), else $BRAID_NODE, else the host name. Two nodes on one host
// need names of their own.
func NodeName(explicit string) string {
	if explicit != "" {
		return explicit
	}
	if n := os.Getenv("BRAID_NODE"); n != "" {
		return n
	}
	if h, err := os.Hostname(); err == nil && h != "" {
		return h
	}
	return "braid"
}

// LeaseFor is how long a node's claim on a source lasts on schedule: three
// quarters of a period, so that one period's cycles on every node find
// the source taken while the next period's first cycle finds it free
// even when it starts a little earlier in its period than the claimer
// did. A node that dies holds its sources no longer than that.
func LeaseFor(schedule string) time.Duration { return config.PeriodOf(schedule) * 3 / 4 }

// fleetFetch is the fetcher's share of the fleet, nil when alone.
func (c *run) fleetFetch() *sources.Fleet {
	if !c.fleet() {
		return nil
	}
	lease := c.opt.Lease
	if lease <= 0 {
		lease = LeaseFor(c.cfg.Schedule)
	}
	return &sources.Fleet{Node: NodeName(c.opt.Node), Lease: lease, Claims: c.opt.Store}
}

// fingerprintKey is where the fingerprint of the last publish is kept. It
// describes this node's out/, so each node of a fleet keeps its own: with
// one shared key, a node would find "its" inputs unchanged after another
// node published them, and never write them.
func (c *run) fingerprintKey() string {
	if !c.fleet() {
		return metaFingerprint
	}
	return metaFingerprint + "@" + NodeName(c.opt.Node)
}

// claimPings keeps of the changed feeds those this node is the first in
// the fleet to announce with these bytes: every node publishes the same
// feed, and the hub should hear of each version once.
func (c *run) claimPings(ctx context.Context, changed []string) []string {
	if !c.fleet() {
		return changed
	}
	var out []string
	for _, u := range changed {
		first, err := c.opt.Store.ClaimPing(ctx, u, c.hashes[u])
		if err != nil {
			// Better a second ping than none.
			c.opt.Logger.Warn("websub: cannot claim the ping; sending it", "url", u, "error", err)
			first = true
		}
		if first {
			out = append(out, u)
		}
	}
	return out
}

func contentHash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:16])
}
