package state

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// ClaimDue claims for node, until now+lease, up to limit (all when
// limit <= 0) of the named sources whose lease is free or expired, and
// returns the claimed names sorted. Callers pass only the sources they
// consider due; the lease makes sure a source is fetched by one node per
// lease, and that the sources of a node that died are claimed by another
// once its leases expire. A lease is not released by SaveSource: held
// until it expires, it is also the record that the source was fetched
// this period.
//
// On PostgreSQL, claimers skip rows another node is claiming (FOR UPDATE
// SKIP LOCKED) instead of queueing behind it. now comes from the caller
// so every node's clock is only compared with itself plus the lease.
func (s *Store) ClaimDue(ctx context.Context, node string, names []string, now time.Time, lease time.Duration, limit int) ([]string, error) {
	if len(names) == 0 {
		return nil, nil
	}
	if limit <= 0 || limit > len(names) {
		limit = len(names)
	}
	sorted := slices.Sorted(slices.Values(names))
	list, err := json.Marshal(sorted)
	if err != nil {
		return nil, fmt.Errorf("state: claim: %w", err)
	}
	// Sorted, so concurrent inserters take row locks in one order and
	// cannot deadlock.
	if _, err := s.exec(ctx, `INSERT INTO leases(source) `+s.d.jsonList()+` ORDER BY `+s.d.byName("value")+`
		ON CONFLICT(source) DO NOTHING`, string(list)); err != nil {
		return nil, fmt.Errorf("state: claim for %s: %w", node, err)
	}
	nowMS := now.UnixMilli()
	rows, err := s.query(ctx, `UPDATE leases SET node = ?, expires_ms = ?
		WHERE source IN (SELECT source FROM leases
			WHERE source IN (`+s.d.jsonList()+`) AND expires_ms <= ?
			ORDER BY `+s.d.byName("source")+` LIMIT ?`+s.d.lockRows()+`)
		RETURNING source`, node, now.Add(lease).UnixMilli(), string(list), nowMS, limit)
	if err != nil {
		return nil, fmt.Errorf("state: claim for %s: %w", node, err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("state: claim for %s: %w", node, err)
		}
		got = append(got, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("state: claim for %s: %w", node, err)
	}
	slices.Sort(got)
	return got, nil
}

// Release gives back node's lease on the named source before it expires,
// for a node that claimed a source and then did not fetch it (shutting
// down, or the source turned out not due). Releasing a lease the node no
// longer holds does nothing.
func (s *Store) Release(ctx context.Context, node, name string) error {
	if _, err := s.exec(ctx, `UPDATE leases SET expires_ms = 0 WHERE source = ? AND node = ?`, name, node); err != nil {
		return fmt.Errorf("state: release %s for %s: %w", name, node, err)
	}
	return nil
}

// Lease is who holds a source's lease, for monitoring.
type Lease struct {
	Source  string
	Node    string
	Expires time.Time
}

// Leases returns every lease row, by source.
func (s *Store) Leases(ctx context.Context) ([]Lease, error) {
	rows, err := s.query(ctx, `SELECT source, node, expires_ms FROM leases ORDER BY `+s.d.byName("source"))
	if err != nil {
		return nil, fmt.Errorf("state: leases: %w", err)
	}
	defer rows.Close()
	var out []Lease
	for rows.Next() {
		var l Lease
		var ms int64
		if err := rows.Scan(&l.Source, &l.Node, &ms); err != nil {
			return nil, fmt.Errorf("state: leases: %w", err)
		}
		if ms != 0 {
			l.Expires = time.UnixMilli(ms).UTC()
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("state: leases: %w", err)
	}
	return out, nil
}

// ClaimPing reports whether the caller is the first to announce feedURL
// with this content hash, so that of several nodes publishing the same
// bytes only one pings the WebSub hub. One row per feed holds the last
// announced hash: content that changes back to an earlier version is
// announced again, which subscribers need.
func (s *Store) ClaimPing(ctx context.Context, feedURL, contentHash string) (bool, error) {
	res, err := s.exec(ctx, `INSERT INTO pings(url, hash) VALUES(?, ?)
		ON CONFLICT(url) DO UPDATE SET hash = excluded.hash WHERE pings.hash <> excluded.hash`,
		feedURL, contentHash)
	if err != nil {
		return false, fmt.Errorf("state: ping %s: %w", feedURL, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("state: ping %s: %w", feedURL, err)
	}
	return n == 1, nil
}
