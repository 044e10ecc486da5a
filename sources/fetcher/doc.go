// Package fetcher is the HTTP half of reading a source: one conditional
// GET with its redirects, retries and limits, and nothing else. It keeps
// no state and parses nothing; it hands back bytes, headers and a typed
// error, and its caller (package sources) decides what they mean for the
// source.
//
// What it guarantees: validators are sent (the server picks: an ETag
// match wins over a date, and a 304 means "unchanged"); a body larger
// than MaxBytes after decompression is ErrTooLarge, never a truncated
// document; temporary failures are retried with jittered exponential
// delays inside the caller's deadline, and never before a Retry-After;
// no more than PerHost requests go to one host at a time (Limiter); the
// User-Agent says who is asking.
package fetcher
