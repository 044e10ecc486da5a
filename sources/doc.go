// Package sources turns the configured external feeds into items braid can
// publish, one source at a time, in four steps:
//
//   - plan: from the stored state alone, decide whether the source is due
//     (Every, Retry-After, failure backoff, the publisher's hints, 410);
//   - fetch: get the bytes (sources/fetcher, or a local file) and turn
//     them into safe items (sources/parser);
//   - apply: decide what the outcome does to the stored state (failures,
//     backoff, validators, a permanent redirect, the hints, the items);
//   - save: write it through the Store.
//
// plan and apply are pure functions over plain values; all I/O is in
// fetch and save. A broken source never erases the items we already had
// from it: every Result carries the source's current or last good items.
//
// Local articles are read by the subpackage sources/articles.
package sources
