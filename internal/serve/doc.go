// Package serve is the HTTP face of the daemon: it hands the files in the
// output folder to feed readers and exposes health and Prometheus metrics.
//
// Feed readers poll, most of them far more often than feeds change, so the
// hot path is a conditional GET answered with 304 from memory. Each file's
// bytes, strong ETag and gzip variant are therefore computed once per
// version (keyed by inode, size and mtime) and reused until the publisher
// renames a new version into place. Reading a version whole before sending
// it is what guarantees a client never sees half a document while the
// daemon is rewriting the folder underneath the server.
//
// The folder is opened as an os.Root so no request path, encoded trick or
// symlink can reach a file outside it, and nothing is ever listed: only
// files the publisher meant to publish (no dot files, no temp files) are
// served.
package serve
