// Package state keeps what braid must remember between cycles in one
// SQLite file (modernc.org/sqlite, pure Go): when an undated article was
// first seen, and per source its fetch status, validators and last good
// items. Every change is one transaction, so a crash mid-cycle leaves the
// previous state whole.
package state
