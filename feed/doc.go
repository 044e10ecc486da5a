// Package feed holds braid's item model and the rules that decide which
// items end up together in one article's feed: identity (stable ids and
// dedupe keys), slugs, dedupe (exact keys, then near-duplicate bodies:
// one entry per story, not one per outlet, see neardup.go), and merging
// an article with its neighbours and related items. Rendering lives in
// feed/render, scoring in feed/related.
package feed
