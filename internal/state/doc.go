// Package state keeps what braid must remember between cycles: when an
// undated article was first seen, per source its fetch status, validators
// and last good items, the files braid wrote into each output folder
// (with the hash of what each was rendered from, so a cycle renders only
// what changed and removes only its own files), and for a fleet of
// daemons the leases on sources and the last feed hash announced to the
// WebSub hub.
//
// The state lives in one SQLite file (modernc.org/sqlite, pure Go), the
// default, or in PostgreSQL (pgx through database/sql, so both backends
// share every query; dialect.go holds the few differences). Every change
// is one transaction, so a crash mid-cycle leaves the previous state
// whole, and schema migrations are locked so daemons may start at once.
package state
