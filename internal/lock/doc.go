// Package lock keeps two braid processes from running a cycle on one site
// at the same time.
//
// Cron, the daemon and a person typing `braid generate` can all meet on
// one folder; two cycles at once delete each other's temporary files and
// race to migrate the state. The lock is an OS file lock (flock(2) via
// github.com/gofrs/flock) on a file beside the state, so the kernel
// releases it when the holder exits or is killed: there is no stale lock
// to clean up by hand. The holder writes its pid into the file, only so
// that the process that is turned away can say who holds the site.
package lock
