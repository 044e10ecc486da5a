package state

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// dialect holds every difference between the SQLite and PostgreSQL SQL
// braid writes, so each query is written once, in SQLite's spelling with
// ? placeholders, and translated here.
type dialect struct {
	pg bool
}

// q translates a query: PostgreSQL numbers its placeholders. No query
// has a ? inside a string literal.
func (d dialect) q(query string) string {
	if !d.pg {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// rowCtx is the context for the one-row statements of a transaction
// that writes many rows; the caller checks ctx between rows. On SQLite a
// statement run under a context that can end starts a goroutine to
// interrupt it (modernc.org/sqlite), and a first cycle's 40,000 one-row
// statements at 1,000 sources spent about 2 % of its CPU starting and
// ending them, for statements that take microseconds. PostgreSQL's
// statements wait on the network: they keep ctx.
func (d dialect) rowCtx(ctx context.Context) context.Context {
	if d.pg {
		return ctx
	}
	return context.WithoutCancel(ctx)
}

// rowCheck is how many rows a writer runs between two looks at its
// context.
const rowCheck = 256

// ddl translates a schema step: PostgreSQL's INTEGER is 32 bits, and unix
// times and durations must not overflow in 2038.
func (d dialect) ddl(s string) string {
	if !d.pg {
		return s
	}
	return strings.NewReplacer("INTEGER", "BIGINT", "BLOB", "BYTEA").Replace(s)
}

// jsonList is a subquery yielding the strings of a JSON array bound to
// its placeholder: one parameter however many names, where SQLite would
// otherwise hit its variable limit and PostgreSQL has no shared array
// syntax.
func (d dialect) jsonList() string {
	if d.pg {
		return `SELECT value FROM json_array_elements_text(?::json) WHERE true`
	}
	return `SELECT value FROM json_each(?) WHERE true`
}

// lockRows makes concurrent claimers skip rows another node is claiming
// instead of waiting for it; SQLite has one writer at a time anyway.
func (d dialect) lockRows() string {
	if d.pg {
		return ` FOR UPDATE SKIP LOCKED`
	}
	return ``
}

// byName orders by a text column byte-wise, as SQLite does: PostgreSQL
// would follow the database's locale, and listings (hence output) must
// not depend on where the state lives.
func (d dialect) byName(col string) string {
	if d.pg {
		return col + ` COLLATE "C"`
	}
	return col
}

// snapshot is how Copy reads a consistent view of a whole database.
func (d dialect) snapshot() *sql.TxOptions {
	if d.pg {
		return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	return nil // one connection, BEGIN IMMEDIATE: nobody writes meanwhile
}
