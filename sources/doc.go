// Package sources turns the configured external feeds into items braid can
// publish: it fetches (or reads) each source, parses it with gofeed,
// makes every item safe (sanitized HTML, absolute URLs, stable ids, sane
// dates) and reconciles it with what the state file remembers, so a
// broken source never erases the items we already had from it.
//
// Local articles are read by the subpackage sources/articles.
package sources
