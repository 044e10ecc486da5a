package related

import (
	"math"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/braid-feeds/braid/feed"
)

// Field weights: a word in a title says more about what a text is about
// than the same word deep in its body.
const (
	itemTitleWeight    = 3.0
	itemCategoryWeight = 2.0
	itemBodyWeight     = 1.0

	docTitleWeight    = 3.0
	docHeadingWeight  = 2.0
	docTagWeight      = 2.0
	docCreditWeight   = 0.5
	docBodyWeight     = 1.0
	nameBoost         = 1.5 // names ("Gleb Kostarev") are stronger evidence than words
	maxQueryTerms     = 80  // a long article's tail words are noise, and cost time
	minInformativeIDF = 0.7 // terms in about half of all documents or more do not count as shared evidence
	// minTermsWithoutAnchor: an item sharing none of the story's names
	// needs this many informative terms to count ("patients in halted
	// lupus study" names no one but is plainly the same story).
	minTermsWithoutAnchor = 7
	// minTermsOneAnchor: an item sharing one name of the story needs
	// this many informative terms in all.
	minTermsOneAnchor = 4
)

// Index holds the candidate items of one cycle, ready to be scored against
// any number of articles. It is not safe for concurrent use: scoring
// reuses buffers and a stem cache.
type Index struct {
	n       int
	weights *Weights
	terms   map[string]*termInfo
	norms   []float64
	scratch sync.Pool
	cross   crossIndex
}

// scratch holds per-call accumulators, reused across articles.
type scratch struct {
	dot     []float64
	info    []uint8
	anchor  []uint8
	touched []int32
	// qAdd, dAdd: for a cross-language pair, the squared weights of
	// shared terms outside each side's cross-language norm.
	qAdd, dAdd []float64
}

type termInfo struct {
	key      string
	id       int32 // order of first appearance, for deterministic sums
	df       int
	weight        // idf, where it came from, whether an everyday word
	english  bool // the background knows it: tells an item's language
	surface  string
	postings []posting // by ascending doc
}

type posting struct {
	doc int32
	// maybe: not surely a name in its doc, so in the doc's
	// cross-language norm only when an article shares it.
	maybe bool
	w     float64 // the term's weight in the doc: (1 + ln tf) · idf · boost
}

// NewIndex indexes items (title, categories, summary and content). Term
// weights come from w, never from the items: an item's score against an
// article is the same in whatever pool it is scored.
func NewIndex(items []feed.Item, w *Weights) *Index {
	v := newVectorizer(true)
	b := newBuilder(len(items), w)
	for i := range items {
		b.add(i, v.vector(&items[i])) // a vector just made always decodes
	}
	return b.finish(v.surface)
}

// Doc is an article as the scorer sees it.
type Doc struct {
	Title    string
	Headings []string
	Body     string // plain text
	Tags     []string
	Credit   string
	Include  []string // extra terms that describe the story
}

// Contribution is one shared term's part of a score.
type Contribution struct {
	Term   string  `json:"term"`
	Value  float64 `json:"value"`
	Weight float64 `json:"weight"` // the term's idf
	Source Source  `json:"source"` // where the weight came from
}

// Match is one candidate's score against an article.
type Match struct {
	Item  int            // index into the items given to NewIndex
	Score float64        // 0..1; 0 when Weak is set
	Raw   float64        // cosine before the evidence rule
	Terms []Contribution // shared terms, largest first
	Weak  bool           // too little evidence: see WeakReason
	// Shared counts the informative terms in common, Anchors those of
	// them that are names of the story.
	Shared, Anchors int
	// WeakReason says why a match is weak: fewer than two informative
	// shared terms, or none of the story's names (anchors).
	WeakReason string
}

// Reasons a match is weak.
const (
	ReasonOneTerm  = "only one informative term in common"
	ReasonNoAnchor = "no name or proper noun of the story in common"
	// ReasonOneAnchor: a shared surname or place alone is how a
	// footballer's goal or a village fete looks like the story.
	ReasonOneAnchor = "only one name of the story in common, and little else"
)

// Query is an article as an index scores it: its top terms, weighed.
type Query struct {
	Terms []QueryTerm
	Norm  float64
	// Lang is the article's language, Port2 its squared norm over the
	// terms that cross languages (its anchors): what scoring an item in
	// another language needs (crosslang.go).
	Lang  lang
	Port2 float64
}

// QueryTerm is one term of a Query.
type QueryTerm struct {
	Key    string
	W      float64 // in the article's vector: (1 + ln tf) · idf
	IDF    float64 // the article-side weight
	Source Source
	Anchor bool // a name or proper noun of the story
	Name   bool // a run of capitalized words: evidence only as an anchor
}

// Query turns an article into its weighted top terms and their norm. It
// depends on the article and the weights only, never on an index, so a
// cycle can keep it and score it against new items later.
//
// Anchors are what tell a story apart from its topic: the names and proper
// nouns of the article (terms its body writes capitalized mid-sentence at
// least four times in five, and runs of capitalized words), its
// capitalized tags and its related.include terms. Titles and headings are
// in title case, so they say nothing about which words are proper.
func (w *Weights) Query(d Doc) Query {
	tf := map[string]float64{}
	anchors := map[string]bool{}
	var lc langCounter // the title's and body's words: their language
	add := func(text string, w float64) {
		for _, t := range tokenize(text) {
			tf[t.key] += w
		}
	}
	for _, t := range tokenize(d.Title) {
		tf[t.key] += docTitleWeight
		w.countLang(&lc, &t)
	}
	for _, h := range d.Headings {
		add(h, docHeadingWeight)
	}
	for _, tag := range d.Tags {
		for _, t := range tokenize(tag) {
			tf[t.key] += docTagWeight
			if t.proper || isCapitalized(tag) {
				anchors[t.key] = true
			}
		}
	}
	for _, inc := range d.Include {
		for _, t := range tokenize(inc) {
			tf[t.key] += docTagWeight
			anchors[t.key] = true
		}
	}
	add(d.Credit, docCreditWeight)
	seen, capital := map[string]int{}, map[string]int{}
	for _, t := range tokenize(d.Body) {
		tf[t.key] += docBodyWeight
		w.countLang(&lc, &t)
		if t.acronym {
			anchors[t.key] = true
		}
		if t.sentStart {
			continue // a capital there says nothing
		}
		seen[t.key]++
		if t.proper {
			capital[t.key]++
		}
	}
	for k, n := range seen {
		if c := capital[k]; c > 0 && c*5 >= n*4 {
			anchors[k] = true
		}
	}

	q := make([]QueryTerm, 0, len(tf))
	for k, v := range tf {
		wt := w.ofArticle(k)
		anchor := anchors[k] && !wt.common
		name := strings.HasPrefix(k, "name:")
		if name {
			// "Stenvik Minerals" is the name "Stenvik" again, not a second
			// piece of evidence; "Timur Laskarev" is two.
			anchor = anchors[k] && w.uncommonWords(k) >= 2
		}
		qt := QueryTerm{Key: k, W: (1 + math.Log(v)) * wt.idf, IDF: wt.idf, Source: wt.source, Anchor: anchor, Name: name}
		q = append(q, qt)
	}
	sort.Slice(q, func(i, j int) bool {
		if q[i].W != q[j].W {
			return q[i].W > q[j].W
		}
		return q[i].Key < q[j].Key
	})
	if len(q) > maxQueryTerms {
		// A copy, not a reslice: a cycle keeps every article's query,
		// and the backing array holds all of a long article's terms.
		q = slices.Clone(q[:maxQueryTerms])
	}
	var norm, port float64
	for _, t := range q {
		norm += t.W * t.W
		if t.Anchor {
			port += t.W * t.W
		}
	}
	return Query{Terms: q, Norm: math.Sqrt(norm), Lang: lc.lang(), Port2: port}
}

// Score returns the candidates that share a term with doc and score at
// least min (with min <= 0, every one of them, weak ones included), best
// first; ties go to the lower item index.
func (ix *Index) Score(d Doc, min float64) []Match { return ix.ScoreQuery(ix.weights.Query(d), min) }

// ScoreQuery is Score for an article's Query. A match's score depends on
// the query and the item only, whichever other items the index holds.
func (ix *Index) ScoreQuery(q Query, min float64) []Match {
	if q.Norm == 0 || ix.n == 0 {
		return nil
	}
	// Items in another language than the article's are scored on what
	// can cross languages (crosslang.go): the article's anchors. An
	// article without anchors has nothing that crosses, and a cosine
	// over the shared terms alone would be near 1 for any pair sharing
	// two words: such an article is scored as usual.
	cross := q.Port2 > 0 && ix.cross.others(q.Lang)
	sc := ix.scratch.Get().(*scratch)
	defer ix.scratch.Put(sc)
	if cross && sc.qAdd == nil {
		sc.qAdd, sc.dAdd = make([]float64, ix.n), make([]float64, ix.n)
	}
	dot, info, anchor, touched := sc.dot, sc.info, sc.anchor, sc.touched[:0]
	qAdd, dAdd, docLang := sc.qAdd, sc.dAdd, ix.cross.lang
	defer func() {
		// Reset only what this call touched: clearing 20,000 slots per
		// article would cost more than the scoring.
		for _, d := range touched {
			dot[d], info[d], anchor[d] = 0, 0, 0
			if cross {
				qAdd[d], dAdd[d] = 0, 0
			}
		}
		sc.touched = touched
	}()
	hasAnchors := false
	for _, t := range q.Terms {
		if t.Anchor {
			hasAnchors = true
		}
		ti := ix.terms[t.Key]
		if ti == nil {
			continue
		}
		informative := t.IDF >= minInformativeIDF && !t.Name
		f := dotWeight(t, ti)
		for _, p := range ti.postings {
			if dot[p.doc] == 0 {
				touched = append(touched, p.doc)
			}
			dot[p.doc] += f * p.w
			if informative && info[p.doc] < 255 {
				info[p.doc]++
			}
			if t.Anchor && anchor[p.doc] < 255 {
				anchor[p.doc]++
			}
			if cross && docLang[p.doc] != q.Lang {
				if !t.Anchor {
					qAdd[p.doc] += t.W * t.W
				}
				if p.maybe {
					dAdd[p.doc] += p.w * p.w
				}
			}
		}
	}
	var out []Match
	for _, doc := range touched {
		if ix.norms[doc] == 0 {
			continue
		}
		denom := q.Norm * ix.norms[doc]
		if cross && docLang[doc] != q.Lang {
			denom = math.Sqrt((q.Port2 + qAdd[doc]) * (ix.cross.port2[doc] + dAdd[doc]))
		}
		raw := dot[doc] / denom
		m := Match{Item: int(doc), Raw: raw, Score: raw, Shared: int(info[doc]), Anchors: int(anchor[doc])}
		switch {
		case info[doc] < 2:
			m.Weak, m.WeakReason = true, ReasonOneTerm
		case hasAnchors && anchor[doc] == 0 && info[doc] < minTermsWithoutAnchor:
			m.Weak, m.WeakReason = true, ReasonNoAnchor
		case hasAnchors && anchor[doc] == 1 && info[doc] < minTermsOneAnchor:
			m.Weak, m.WeakReason = true, ReasonOneAnchor
		}
		if m.Weak {
			m.Score = 0
		}
		if min > 0 && m.Score < min {
			continue
		}
		m.Terms = ix.contributions(q, denom, doc)
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Item < out[j].Item
	})
	return out
}

// dotWeight is what a query term multiplies an item's posting weight by:
// the item side weighs the term by its own weight; in the dot product a
// shared term counts at the article's.
func dotWeight(t QueryTerm, ti *termInfo) float64 {
	if ti.idf > 0 {
		return t.W * t.IDF / ti.idf
	}
	return t.W
}

// contributions explains one doc's score: each shared term's share of
// dot/denom.
func (ix *Index) contributions(q Query, denom float64, doc int32) []Contribution {
	var cs []Contribution
	for _, t := range q.Terms {
		ti := ix.terms[t.Key]
		if ti == nil {
			continue
		}
		ps := ti.postings
		i := sort.Search(len(ps), func(i int) bool { return ps[i].doc >= doc })
		if i < len(ps) && ps[i].doc == doc {
			cs = append(cs, Contribution{Term: ti.surface, Value: dotWeight(t, ti) * ps[i].w / denom,
				Weight: t.IDF, Source: t.Source})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Value > cs[j].Value })
	return cs
}
