// Package render turns a feed.Feed into the files braid publishes: RSS 2.0,
// Atom 1.0 and JSON Feed 1.1 for every feed, an OPML list of them, and the
// site's index.html.
//
// The output is what readers and the W3C Feed Validator see, so this
// package, not its callers, owns correctness: gorilla/feeds builds the
// skeleton of each format, and small structs of our own shadow the fields
// it gets wrong (RSS <source> without url, empty links, random Atom ids,
// one category, no atom:link self, no Atom <source>) or cannot write.
//
// Everything is normalised first (see clean.go): control characters and
// invalid UTF-8, which gorilla would put raw into CDATA and so break the
// XML, are stripped from every text field; times are converted to UTC and
// truncated to the second, so the three formats agree. Output is
// deterministic: the same input gives the same bytes, which keeps the
// published files (and their ETags) stable across runs.
//
// Dates: callers should give every item a Published or Updated time. An
// item with neither is dated Channel.Updated (a reader needs some date;
// Atom requires one), and a channel without Updated is dated by its
// newest item. A feed with no items and no Channel.Updated (an empty
// site) is dated EmptyFeedDate, a fixed time, so it stays valid and
// byte-identical across runs. Atom returns ErrNoDate when the feed has
// items but nothing in it has a date.
//
// Roles: an item's feed.Role (article, previous, next, related) is
// published as a category so that readers, and people, can tell the
// article from its context: in RSS <category domain="RoleScheme">related
// </category>, in Atom <category scheme="RoleScheme" term="related"/>, and
// in JSON Feed the tag "role:related" plus "role" in the item's "_braid"
// extension object, next to the item's source feed.
package render

// RoleScheme identifies the taxonomy of role categories: the RSS category
// domain and the Atom category scheme. It is the project's home, so the
// scheme explains itself to anyone who follows it.
const RoleScheme = "https://github.com/braid-feeds/braid#role"

// roleTagPrefix marks the role among a JSON Feed item's tags, which have
// no scheme.
const roleTagPrefix = "role:"

// Generator is the name written as the feeds' generator.
const Generator = "braid"

// generatorURI is the Atom generator uri and the JSON extension's "about".
const generatorURI = "https://github.com/braid-feeds/braid"
