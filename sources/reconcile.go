package sources

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/internal/urls"
)

// reconcile merges a fresh fetch with what the state remembers of the
// source, so that ids and first-seen times never move:
//   - an item seen before keeps its id and first-seen time; if its content
//     changed it gets Updated = now, otherwise it keeps its old Updated;
//   - a new item is first seen now; items without a date take their
//     first-seen time, and future dates are clamped to it, so neither can
//     pin an item to the top of a feed;
//   - items undated in one fetch get first-seen times a second apart in
//     feed order (newest first), so they stay distinct and ordered;
//   - duplicates within the source (same GUID, link or title) keep the first.
func reconcile(authority, source string, prev []state.Item, fresh []feed.Item, now time.Time) []state.Item {
	now = now.UTC().Truncate(time.Second)
	// Keys are compared as their hashes: a kept item has its hashes from
	// the state, and a fresh one's, made here once, go with it to the
	// state and to dedupe (normalizing each fresh item's link and title
	// three times was 4 % of a first cycle).
	byKey := map[uint64]*state.Item{}
	for i := range prev {
		for _, k := range prev[i].KeyHashes() {
			if _, ok := byKey[k]; !ok {
				byKey[k] = &prev[i]
			}
		}
	}
	seen := feed.KeySet{}
	out := make([]state.Item, 0, len(fresh))
	var scratch []byte // hash's, reused item to item
	for i, it := range fresh {
		it.SetKeyHashes(it.KeyHashes())
		if !seen.Claim(&it) {
			continue
		}
		var old *state.Item
		for _, k := range it.KeyHashes() {
			if p := byKey[k]; p != nil {
				old = p
				break
			}
		}
		si := state.Item{Item: it, Hash: hash(&it, &scratch)}
		if old != nil {
			si.ID = old.ID
			si.FirstSeen = old.FirstSeen
		} else {
			si.FirstSeen = now.Add(-time.Duration(i) * time.Second)
			si.ID = stableID(authority, source, &it, si.FirstSeen)
		}
		if si.Published.IsZero() || si.Published.After(now) {
			si.Published = si.FirstSeen
		}
		switch {
		case old != nil && old.Hash != si.Hash:
			si.Updated = now
		case old != nil:
			si.Updated = old.Updated
		}
		if si.Updated.After(now) || si.Updated.Before(si.Published) {
			si.Updated = si.Published
		}
		out = append(out, si)
	}
	return out
}

// stableID picks the id readers will know the item by: its GUID when that
// is a URL, else its link, else an RFC 4151 tag URI derived from the GUID
// or title and the day the item was first seen.
func stableID(authority, source string, it *feed.Item, firstSeen time.Time) string {
	if urls.IsHTTP(it.GUID) {
		return it.GUID
	}
	if it.Link != "" && it.GUID == "" {
		return it.Link
	}
	basis := it.GUID
	if basis == "" {
		basis = feed.NormalizeTitle(it.Title)
	}
	// The tag's date is the item's own publication day when it has one,
	// so the id comes out the same even if the state file is lost; the
	// day braid first saw it otherwise.
	day := firstSeen
	if !it.Published.IsZero() && !it.Published.After(firstSeen) {
		day = it.Published
	}
	sum := sha256.Sum256([]byte(source + "\x00" + basis))
	return fmt.Sprintf("tag:%s,%s:braid/%s/%s", authority, day.UTC().Format("2006-01-02"),
		feed.Slug(source), hex.EncodeToString(sum[:10]))
}

// hash identifies an item's content, to notice edits.
//
// The fields are hashed as one buffer, each ended by a NUL, with the
// categories joined by NULs: the bytes are those the hash was always made
// of, so stored hashes stay valid. A []byte of each field was a
// fortieth of a first cycle's garbage; scratch is the buffer, kept
// between calls.
func hash(it *feed.Item, scratch *[]byte) string {
	b := (*scratch)[:0]
	for _, s := range []string{it.Title, it.Link, it.Summary, it.ContentHTML, strings.Join(it.Categories, "\x00")} {
		b = append(append(b, s...), 0)
	}
	*scratch = b
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}
