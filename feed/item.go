package feed

import (
	"time"
)

// Role says why an item is in an article's feed. It is published as a
// category so readers (and people) can tell the article from its context.
type Role string

// The roles an item can play in an article's feed.
const (
	RoleArticle  Role = "article"
	RolePrevious Role = "previous"
	RoleNext     Role = "next"
	RoleRelated  Role = "related"
)

// Person is an author.
type Person struct {
	Name  string
	Email string
}

// Origin describes the external feed a related item came from, for the
// RSS <source url> and the Atom <source> element.
type Origin struct {
	Name    string    // source name from the config
	URL     string    // the feed's URL (where it was fetched), or its file path
	Title   string    // the feed's own title
	Link    string    // the feed's site link
	ID      string    // the feed's id (Atom id, else its URL)
	Updated time.Time // the feed's updated time, or the newest item's time
}

// Item is one entry of a published feed: a local article, a neighbour or
// an external item. Everything in it is already safe to publish: HTML is
// sanitized and URLs are absolute.
type Item struct {
	// ID is stable across runs: the permalink of local articles, the
	// source's GUID or link of external ones, or a tag: URI. Readers use
	// it to tell a new item from one they have seen.
	ID string
	// GUID is the id the source gave the item, kept for dedupe.
	GUID        string
	Link        string
	Title       string
	Summary     string // sanitized HTML
	ContentHTML string // sanitized HTML
	Published   time.Time
	Updated     time.Time
	Authors     []Person
	Categories  []string
	Role        Role
	Origin      *Origin // nil for local items
	Score       float64 // relatedness, for RoleRelated items
	// FirstSeen is when braid first saw an external item; among
	// duplicates from several sources the earliest seen wins.
	FirstSeen time.Time `json:",omitzero"`
	// AlsoReportedBy are the other outlets whose copies of this story
	// were grouped into this item (earliest seen first): one entry per
	// story, not one per outlet. Merge turns them into a line of the
	// published content.
	AlsoReportedBy []Report `json:",omitempty"`
	// Digest identifies what the source sent for an external item
	// (title, link, summary, content, categories), "" for local items.
	// Sources set it; it lets a cycle tell that a kept item's text is
	// the one it scored before without reading that text, so kept items
	// are read without their summary and content until one is needed.
	Digest string `json:"-"`
	// keyHashes caches KeyHashes for a kept item (SetKeyHashes).
	keyHashes []uint64
}

// Report is another outlet's copy of a story braid shows once.
type Report struct {
	Outlet string // the outlet's feed title, else its source name
	Link   string // the copy's own http(s) link, "" when it has none
}

// IDIsPermalink reports whether the item's ID is its link, which decides
// RSS guid isPermaLink.
func (it *Item) IDIsPermalink() bool { return it.ID != "" && it.ID == it.Link }

// Channel is what a published feed says about itself.
type Channel struct {
	Title       string
	Description string
	Language    string
	Link        string // the page the feed is about (article or site URL)
	ID          string // stable id of the feed (used as the Atom feed id)
	Author      Person
	Updated     time.Time
	Self        Links  // where each format of this feed is served
	Hub         string // optional WebSub hub
}

// Link is where one format of a feed is served.
type Link struct {
	Format string // a format name from render.Formats ("rss", "atom", "json")
	URL    string
}

// Links are the absolute URLs of one feed, one per published format, in
// the order of render.Formats. The formats themselves are described once,
// as data, in feed/render; this package only carries their names.
type Links []Link

// Get is the URL of one format, "" when it is not published.
func (l Links) Get(format string) string {
	for _, x := range l {
		if x.Format == format {
			return x.URL
		}
	}
	return ""
}

// First is the URL of the first published format, "" when there is none.
func (l Links) First() string {
	for _, x := range l {
		if x.URL != "" {
			return x.URL
		}
	}
	return ""
}

// Feed is a channel with its items, in publishing order.
type Feed struct {
	Channel
	Items []Item
}
