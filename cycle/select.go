package cycle

import (
	"fmt"
	"strings"
	"time"

	"github.com/braid-feeds/braid/config"
	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/feed/related"
)

// candidates is the cycle's pool of external items, deduplicated and
// indexed once for all articles.
type candidates struct {
	items []feed.Item
	dups  []feed.Duplicate
	index *related.Index
}

func newCandidates(pool []feed.Item) *candidates {
	kept, dups := feed.Dedupe(pool)
	return &candidates{items: kept, dups: dups, index: related.NewIndex(kept)}
}

// Decision is one candidate item judged for one article: selected, or
// rejected with the reason. `braid explain` prints these.
type Decision struct {
	Item     feed.Item
	Score    float64
	Terms    []related.Contribution
	Selected bool
	Reason   string // why it was rejected; empty when selected
}

// decide judges the candidates for one article, best first: every one
// sharing a term with it when all is set (for explain), else only those
// reaching the threshold. The selected ones are what the article's feed
// gets, before merging drops collisions with local items.
func decide(c *candidates, af *articleFeed, rc config.Related, now time.Time, all bool) []Decision {
	a := af.art
	threshold := rc.MinScore
	if a.Related.MinScore != nil {
		threshold = *a.Related.MinScore
	}
	floor := threshold
	if all {
		floor = 0
	}
	matches := c.index.Score(related.Doc{
		Title: a.Title, Headings: a.Headings, Body: a.Text, Tags: a.Tags,
		Credit: a.Credit, Include: a.Related.Include,
	}, floor)
	var cutoff time.Time
	if rc.MaxAge > 0 {
		cutoff = now.Add(-time.Duration(rc.MaxAge))
	}
	local := feed.KeySet{}
	for _, it := range []*feed.Item{&af.item, af.prev, af.next} {
		if it != nil {
			local.Claim(it)
		}
	}
	out := make([]Decision, 0, len(matches))
	var selected []int
	for _, m := range matches {
		it := c.items[m.Item]
		it.Score, it.Role = m.Score, feed.RoleRelated
		d := Decision{Item: it, Score: m.Score, Terms: m.Terms}
		switch {
		case m.Weak:
			d.Reason = "only one informative term in common"
		case m.Score < threshold:
			d.Reason = fmt.Sprintf("below threshold (%.3f < %.3f)", m.Score, threshold)
		case !cutoff.IsZero() && it.Published.Before(cutoff):
			d.Reason = fmt.Sprintf("too old (published %s, max_age %s)", it.Published.Format("2006-01-02"), time.Duration(rc.MaxAge))
		case excludedBy(&it, a.Related.Exclude) != "":
			d.Reason = fmt.Sprintf("excluded by rule %q", excludedBy(&it, a.Related.Exclude))
		case !local.Claim(&it):
			d.Reason = "same as a local item (the local one wins)"
		default:
			d.Selected = true
			selected = append(selected, len(out))
		}
		out = append(out, d)
	}
	// Rank the selected ones by score, then date; past max_items they
	// are rejected too, and explain says so.
	items := make([]feed.Item, len(selected))
	for i, j := range selected {
		items[i] = out[j].Item
	}
	feed.RankRelated(items)
	over := map[string]bool{}
	for _, it := range items[min(len(items), max(rc.MaxItems, 0)):] {
		over[it.ID] = true
	}
	for j := range out {
		if out[j].Selected && over[out[j].Item.ID] {
			out[j].Selected = false
			out[j].Reason = fmt.Sprintf("over related.max_items (%d)", rc.MaxItems)
		}
	}
	return out
}

// relatedItems are the selected decisions' items, ranked.
func relatedItems(ds []Decision) []feed.Item {
	var items []feed.Item
	for _, d := range ds {
		if d.Selected {
			items = append(items, d.Item)
		}
	}
	feed.RankRelated(items)
	return items
}

// excludedBy returns the first exclude term the item mentions.
func excludedBy(it *feed.Item, terms []string) string {
	if len(terms) == 0 {
		return ""
	}
	text := strings.ToLower(it.Title + " " + related.StripHTML(it.Summary+" "+it.ContentHTML))
	for _, t := range terms {
		if t = strings.ToLower(strings.TrimSpace(t)); t != "" && strings.Contains(text, t) {
			return t
		}
	}
	return ""
}

// buildFeeds merges each article with its neighbours and related items.
func buildFeeds(cfg *config.Config, local []articleFeed, c *candidates, now time.Time) []feed.Feed {
	out := make([]feed.Feed, 0, len(local))
	for i := range local {
		af := &local[i]
		rel := relatedItems(decide(c, af, cfg.Related, now, false))
		items := feed.Merge(af.item, af.prev, af.next, rel, cfg.Related.MaxItems)
		out = append(out, feed.Feed{Channel: articleChannel(cfg, *af, items), Items: items})
	}
	return out
}
