package cycle

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/feed/related"
)

// candidates is the cycle's pool of external items, deduplicated and
// indexed once for all articles.
type candidates struct {
	items []feed.Item
	dups  []feed.Duplicate
	index *related.Index
	rules map[string]sourceRules // by source name
}

// sourceRules are a source's relatedness controls from the config.
type sourceRules struct {
	weight           float64
	include, exclude []*regexp.Regexp
}

func newCandidates(cfg *config.Config, pool []feed.Item) *candidates {
	kept, dups := feed.Dedupe(pool)
	c := &candidates{items: kept, dups: dups, index: related.NewIndex(kept), rules: map[string]sourceRules{}}
	for _, s := range cfg.Sources {
		r := sourceRules{weight: s.Weight}
		// Validate compiled these already; MustCompile cannot fail here.
		for _, re := range s.Include {
			r.include = append(r.include, regexp.MustCompile(re))
		}
		for _, re := range s.Exclude {
			r.exclude = append(r.exclude, regexp.MustCompile(re))
		}
		c.rules[s.Name] = r
	}
	return c
}

func (c *candidates) maxWeight() float64 {
	w := 1.0
	for _, r := range c.rules {
		w = math.Max(w, r.weight)
	}
	return w
}

// sourceVerdict applies the item's source rules: its weight, and the
// reason it is ruled out ("" when it is not).
func (c *candidates) sourceVerdict(it *feed.Item) (weight float64, reason string) {
	if it.Origin == nil {
		return 1, ""
	}
	r, ok := c.rules[it.Origin.Name]
	if !ok {
		return 1, ""
	}
	text := it.Title + "\n" + related.StripHTML(it.Summary+"\n"+it.ContentHTML)
	for _, re := range r.exclude {
		if re.MatchString(text) {
			return r.weight, fmt.Sprintf("excluded by source rule /%s/", re)
		}
	}
	if len(r.include) > 0 {
		for _, re := range r.include {
			if re.MatchString(text) {
				return r.weight, ""
			}
		}
		return r.weight, "matches none of the source's include rules"
	}
	return r.weight, ""
}

// Decision is one candidate item judged for one article: selected, or
// rejected with the reason. `braid explain` prints these.
type Decision struct {
	Item     feed.Item
	Score    float64
	Cosine   float64 // similarity before evidence rules and source weight
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
	// A source weight above 1 can lift an item over the threshold, so
	// the index must return everything that weight could lift.
	floor := threshold / c.maxWeight()
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
	for _, m := range matches {
		it := c.items[m.Item]
		weight, ruled := c.sourceVerdict(&it)
		score := math.Min(1, m.Score*weight)
		it.Score, it.Role = score, feed.RoleRelated
		d := Decision{Item: it, Score: score, Cosine: m.Raw, Terms: m.Terms}
		switch {
		case ruled != "":
			d.Reason = ruled
		case m.Weak:
			d.Reason = m.WeakReason
		case score < threshold:
			d.Reason = fmt.Sprintf("below threshold (%.3f < %.3f)", score, threshold)
		case !cutoff.IsZero() && it.Published.Before(cutoff):
			d.Reason = fmt.Sprintf("too old (published %s, max_age %s)", it.Published.Format("2006-01-02"), time.Duration(rc.MaxAge))
		case excludedBy(&it, a.Related.Exclude) != "":
			d.Reason = fmt.Sprintf("excluded by rule %q", excludedBy(&it, a.Related.Exclude))
		case !local.Claim(&it):
			d.Reason = "same as a local item (the local one wins)"
		default:
			d.Selected = true
		}
		out = append(out, d)
	}
	// Weights may have reordered the scores.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	// Rank the selected ones by score, then date; past max_items they
	// are rejected too, and explain says so.
	items := relatedItems(out)
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
