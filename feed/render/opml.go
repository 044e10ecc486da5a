package render

import (
	"fmt"

	"github.com/braid-feeds/braid/internal/opml"
)

// OPMLEntry is one feed in an OPML subscription list.
type OPMLEntry struct {
	Title   string
	HTMLURL string // the page the feed is about
	XMLURL  string // the feed itself
}

// OPML renders an OPML 2.0 subscription list of feeds, in the given order,
// so a reader can subscribe to all of them at once. The writer is the one
// `braid sources export` uses: one OPML dialect for everything braid writes.
func OPML(title string, entries []OPMLEntry) ([]byte, error) {
	feeds := make([]opml.Feed, len(entries))
	for i, e := range entries {
		feeds[i] = opml.Feed{Name: e.Title, URL: e.XMLURL, HTMLURL: e.HTMLURL}
	}
	out, err := opml.Marshal(title, feeds)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	return out, nil
}
