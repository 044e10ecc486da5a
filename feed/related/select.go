package related

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/braid-feeds/braid/feed"
)

// Options are the selection policy, in plain values: the cycle maps the
// config onto them, so this package knows nothing of YAML.
type Options struct {
	MinScore float64       // a candidate's score must reach it
	MaxAge   time.Duration // older items are rejected; 0: no limit
	MaxItems int           // related items per feed
	Sources  map[string]SourceRule
	// Weights weigh the terms; nil: the shipped background alone.
	Weights *Weights
	// Fill, when set, gives an item read without its summary and content
	// (a kept item: see feed.Item.Digest) its text, in place; it leaves
	// any other item as it is. Scoring calls it before it reads an item's
	// text: to tokenize or fingerprint one with nothing kept, to compare
	// near-duplicate candidates, and to apply text rules to a match.
	Fill func(*feed.Item)
	// Release, when set, lets an item's text go once scoring has made
	// what it keeps of it (its vector): Fill must be able to give it
	// back. A first cycle held every new item's text through scoring.
	Release func(*feed.Item)
}

// SourceRule is one source's relatedness controls.
type SourceRule struct {
	Weight           float64 // multiplies the score (0: never selected)
	Include, Exclude []*regexp.Regexp
}

// Target is one article as selection sees it.
type Target struct {
	Doc      Doc
	MinScore *float64     // the article's own threshold, when it sets one
	Exclude  []string     // terms that rule an item out for this article
	Local    []*feed.Item // the article and its neighbours: they win collisions
	// Digest, when set, is TargetDigest of the target with its Body: a
	// caller that keeps parsed articles without their text gives Doc
	// without it, and Body to read it.
	Digest string
	// Body, when set, reads Doc.Body, which Doc was given without.
	// Scoring calls it only for an article whose text it reads: one it
	// scores again, or counts into the site's frequencies.
	Body func() (string, error)
}

// withBody is t with its Doc's Body read, when it was given without.
func (t Target) withBody() (Target, error) {
	if t.Body == nil {
		return t, nil
	}
	b, err := t.Body()
	if err != nil {
		return t, err
	}
	t.Doc.Body, t.Body = b, nil
	return t, nil
}

// Pool is a cycle's candidate items, deduplicated and indexed once for
// every article.
type Pool struct {
	Items   []feed.Item
	Dups    []feed.Duplicate
	prints  []feed.NearPrint // of Items, for keeping
	hashes  []uint64         // ItemHash of Items; nil until first needed
	index   *Index           // of every item, built when first needed
	weights *Weights
	opt     Options
	maxW    float64 // the largest source weight, at least 1
}

// NewPool deduplicates the items; they are indexed when first scored.
func NewPool(items []feed.Item, opt Options) *Pool { return NewPoolWith(items, nil, opt) }

// NewPoolWith is NewPool given the near-duplicate fingerprints a cycle
// kept: kept returns the one kept for an item id and ItemHash, nil when
// none was kept for that text (then it is computed).
func NewPoolWith(items []feed.Item, kept func(id string, hash uint64) feed.NearPrint, opt Options) *Pool {
	w := opt.Weights
	if w == nil {
		w = mustBackgroundWeights()
	}
	prints := make([]feed.NearPrint, len(items))
	var hashes []uint64
	if kept != nil {
		hashes = make([]uint64, len(items))
		for i := range items {
			hashes[i] = ItemHash(&items[i])
			prints[i] = kept(items[i].ID, hashes[i])
		}
	}
	keep, from, dups := feed.DedupeWith(items, prints, opt.Fill)
	p := &Pool{Items: keep, Dups: dups, weights: w, opt: opt, maxW: maxWeight(opt), prints: make([]feed.NearPrint, len(keep))}
	if hashes != nil {
		p.hashes = make([]uint64, len(keep))
	}
	for k, i := range from {
		p.prints[k] = prints[i]
		if hashes != nil {
			p.hashes[k] = hashes[i]
		}
	}
	return p
}

// fill gives Items[i] its text when it was read without it.
func (p *Pool) fill(i int) {
	if p.opt.Fill != nil {
		p.opt.Fill(&p.Items[i])
	}
}

// release lets Items[i]'s text go (Options.Release).
func (p *Pool) release(i int) {
	if p.opt.Release != nil {
		p.opt.Release(&p.Items[i])
	}
}

// readsText reports whether deciding on Items[i] for t reads the item's
// text: only the text rules do (its source's include and exclude
// patterns, the article's exclude terms).
func (p *Pool) readsText(i int, t Target) bool {
	if len(t.Exclude) > 0 {
		return true
	}
	if o := p.Items[i].Origin; o != nil {
		r := p.opt.Sources[o.Name]
		return len(r.Include)+len(r.Exclude) > 0
	}
	return false
}

// itemHashes is ItemHash of every item, computed once.
func (p *Pool) itemHashes() []uint64 {
	if p.hashes == nil {
		p.hashes = make([]uint64, len(p.Items))
		for i := range p.Items {
			p.hashes[i] = ItemHash(&p.Items[i])
		}
	}
	return p.hashes
}

// fullIndex is the index of every item. A cycle that finds its scores
// in a Memo never builds it: indexing is most of a full scoring's cost.
func (p *Pool) fullIndex() *Index {
	if p.index == nil {
		for i := range p.Items {
			p.fill(i)
		}
		p.index = NewIndex(p.Items, p.weights)
	}
	return p.index
}

// floor is the least score an index must return for the target: a
// source weight above 1 can lift an item over the threshold, so the
// index must return everything that weight could lift.
func (p *Pool) floor(t Target) float64 {
	threshold := p.opt.MinScore
	if t.MinScore != nil {
		threshold = *t.MinScore
	}
	return threshold / p.maxWeight()
}

// maxWeight is the largest source weight, at least 1, computed with the
// pool: every article's floor needs it (20,000 articles × 5,000 sources
// spent a second here).
func (p *Pool) maxWeight() float64 { return p.maxW }

func maxWeight(opt Options) float64 {
	w := 1.0
	for _, r := range opt.Sources {
		w = math.Max(w, r.Weight)
	}
	return w
}

// sourceVerdict applies the item's source rules: its weight, and the
// reason it is ruled out ("" when it is not).
func (p *Pool) sourceVerdict(it *feed.Item) (weight float64, reason string) {
	if it.Origin == nil {
		return 1, ""
	}
	r, ok := p.opt.Sources[it.Origin.Name]
	if !ok {
		return 1, ""
	}
	text := it.Title + "\n" + feed.StripHTML(it.Summary+"\n"+it.ContentHTML)
	for _, re := range r.Exclude {
		if re.MatchString(text) {
			return r.Weight, fmt.Sprintf("excluded by source rule /%s/", re)
		}
	}
	if len(r.Include) == 0 {
		return r.Weight, ""
	}
	for _, re := range r.Include {
		if re.MatchString(text) {
			return r.Weight, ""
		}
	}
	return r.Weight, "matches none of the source's include rules"
}

// Decision is one candidate item judged for one article: selected, or
// rejected with the reason. `braid explain` prints these.
type Decision struct {
	Item     feed.Item
	Score    float64
	Cosine   float64 // similarity before evidence rules and source weight
	Terms    []Contribution
	Selected bool
	Reason   string // why it was rejected; empty when selected
	// Shared and Anchors: informative terms in common, and how many of
	// them are names of the story.
	Shared, Anchors int
}

// Decide judges the candidates for one article, best first: every one
// sharing a term with it when all is set (for explain), else only those
// reaching the threshold. The selected ones are what the article's feed
// gets, before merging drops collisions with local items.
//
// Decide reads t.Doc as given: a target without its Body (Target.Body)
// is for Memo and Update.
func (p *Pool) Decide(t Target, now time.Time, all bool) []Decision {
	floor := p.floor(t)
	if all {
		floor = 0
	}
	return p.decide(t, now, p.fullIndex().Score(t.Doc, floor))
}

// decide judges an article's matches, best first.
func (p *Pool) decide(t Target, now time.Time, matches []Match) []Decision {
	threshold := p.opt.MinScore
	if t.MinScore != nil {
		threshold = *t.MinScore
	}
	var cutoff time.Time
	if p.opt.MaxAge > 0 {
		cutoff = now.Add(-p.opt.MaxAge)
	}
	local := feed.KeySet{}
	for _, it := range t.Local {
		if it != nil {
			local.Claim(it)
		}
	}
	out := make([]Decision, 0, len(matches))
	for _, m := range matches {
		if p.readsText(m.Item, t) {
			p.fill(m.Item)
		}
		it := p.Items[m.Item]
		weight, ruled := p.sourceVerdict(&it)
		score := math.Min(1, m.Score*weight)
		it.Score, it.Role = score, feed.RoleRelated
		d := Decision{Item: it, Score: score, Cosine: m.Raw, Terms: m.Terms, Shared: m.Shared, Anchors: m.Anchors}
		switch {
		case ruled != "":
			d.Reason = ruled
		case m.Weak:
			d.Reason = m.WeakReason
		case score < threshold:
			d.Reason = fmt.Sprintf("below threshold (%.3f < %.3f)", score, threshold)
		case !cutoff.IsZero() && it.Published.Before(cutoff):
			d.Reason = fmt.Sprintf("too old (published %s, max_age %s)", it.Published.Format("2006-01-02"), p.opt.MaxAge)
		case excludedBy(&it, t.Exclude) != "":
			d.Reason = fmt.Sprintf("excluded by rule %q", excludedBy(&it, t.Exclude))
		case !local.Claim(&it):
			d.Reason = "same as a local item (the local one wins)"
		default:
			d.Selected = true
		}
		out = append(out, d)
	}
	// Weights may have reordered the scores.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	p.capSelected(out)
	return out
}

// capSelected rejects the selected decisions past MaxItems, ranked by
// score then date, so explain says why they are not in the feed.
func (p *Pool) capSelected(out []Decision) {
	items := Selected(out)
	over := map[string]bool{}
	for _, it := range items[min(len(items), max(p.opt.MaxItems, 0)):] {
		over[it.ID] = true
	}
	for j := range out {
		if out[j].Selected && over[out[j].Item.ID] {
			out[j].Selected = false
			out[j].Reason = fmt.Sprintf("over related.max_items (%d)", p.opt.MaxItems)
		}
	}
}

// Select is the items an article's feed gets, ranked.
func (p *Pool) Select(t Target, now time.Time) []feed.Item {
	return Selected(p.Decide(t, now, false))
}

// Selected are the selected decisions' items, ranked.
func Selected(ds []Decision) []feed.Item {
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
	text := strings.ToLower(it.Title + " " + feed.StripHTML(it.Summary+" "+it.ContentHTML))
	for _, t := range terms {
		if t = strings.ToLower(strings.TrimSpace(t)); t != "" && strings.Contains(text, t) {
			return t
		}
	}
	return ""
}
