// Package parser turns the bytes of a fetched feed into items braid can
// publish safely: it finds the charset (gofeed only reads a BOM and the
// XML declaration), parses RSS, Atom or JSON Feed with gofeed, resolves
// relative links, sanitizes HTML with bluemonday, and converts what is
// left into feed.Item values. It does no I/O and keeps no state: the
// same bytes always give the same items.
package parser
