package related

import (
	"math"
	"sort"
	"strings"

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
	minInformativeIDF = 0.7 // terms in about half the pool or more do not count as shared evidence
)

// Index holds the candidate items of one cycle, ready to be scored against
// any number of articles.
type Index struct {
	n        int
	df       map[string]int
	norms    []float64
	postings map[string][]posting
	surface  map[string]string
}

type posting struct {
	doc int
	tf  float64 // field-weighted term frequency
}

// NewIndex indexes items (title, categories, summary and content).
func NewIndex(items []feed.Item) *Index {
	ix := &Index{
		n:        len(items),
		df:       map[string]int{},
		norms:    make([]float64, len(items)),
		postings: map[string][]posting{},
		surface:  map[string]string{},
	}
	tfs := make([]map[string]float64, len(items))
	for i := range items {
		it := &items[i]
		tf := map[string]float64{}
		ix.add(tf, it.Title, itemTitleWeight)
		ix.add(tf, strings.Join(it.Categories, ". "), itemCategoryWeight)
		body := it.ContentHTML
		if body == "" || !strings.Contains(StripHTML(body), strings.TrimSpace(StripHTML(it.Summary))) {
			body = it.Summary + "\n" + body
		}
		ix.add(tf, StripHTML(body), itemBodyWeight)
		tfs[i] = tf
		for k := range tf {
			ix.df[k]++
		}
	}
	// Postings are appended in doc order, so scoring is deterministic.
	for i, tf := range tfs {
		// Sorted keys: float sums in map order would differ in the last
		// bit between runs, and so could the order of near-equal scores.
		keys := make([]string, 0, len(tf))
		for k := range tf {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var sum float64
		for _, k := range keys {
			v := tf[k]
			w := ix.weight(k, v)
			sum += w * w
			ix.postings[k] = append(ix.postings[k], posting{doc: i, tf: v})
		}
		ix.norms[i] = math.Sqrt(sum)
	}
	return ix
}

func (ix *Index) add(tf map[string]float64, text string, w float64) {
	for _, t := range tokenize(text) {
		tf[t.key] += w
		if _, ok := ix.surface[t.key]; !ok {
			ix.surface[t.key] = t.surface
		}
	}
}

// idf is smoothed so a term in every document still weighs a little and a
// term in none does not blow up.
func (ix *Index) idf(key string) float64 {
	return math.Log((float64(ix.n) + 1) / (float64(ix.df[key]) + 0.5))
}

func (ix *Index) weight(key string, tf float64) float64 {
	if tf <= 0 {
		return 0
	}
	w := (1 + math.Log(tf)) * ix.idf(key)
	if strings.HasPrefix(key, "name:") {
		w *= nameBoost
	}
	return w
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
	Term  string  `json:"term"`
	Value float64 `json:"value"`
}

// Match is one candidate's score against an article.
type Match struct {
	Item  int            // index into the items given to NewIndex
	Score float64        // 0..1; 0 when Weak is set
	Raw   float64        // cosine before the evidence rule
	Terms []Contribution // shared terms, largest first
	Weak  bool           // fewer than two informative shared terms
}

// Score returns every candidate sharing at least one term with doc, best
// first (ties: lower item index first).
func (ix *Index) Score(d Doc) []Match {
	tf := map[string]float64{}
	ix.add(tf, d.Title, docTitleWeight)
	for _, h := range d.Headings {
		ix.add(tf, h, docHeadingWeight)
	}
	ix.add(tf, strings.Join(d.Tags, ". ")+". "+strings.Join(d.Include, ". "), docTagWeight)
	ix.add(tf, d.Credit, docCreditWeight)
	ix.add(tf, d.Body, docBodyWeight)

	type qt struct {
		key string
		w   float64
	}
	q := make([]qt, 0, len(tf))
	for k, v := range tf {
		q = append(q, qt{k, ix.weight(k, v)})
	}
	sort.Slice(q, func(i, j int) bool {
		if q[i].w != q[j].w {
			return q[i].w > q[j].w
		}
		return q[i].key < q[j].key
	})
	if len(q) > maxQueryTerms {
		q = q[:maxQueryTerms]
	}
	var qnorm float64
	for _, t := range q {
		qnorm += t.w * t.w
	}
	qnorm = math.Sqrt(qnorm)
	if qnorm == 0 {
		return nil
	}

	type acc struct {
		dot   float64
		terms []Contribution
		info  int
		names int
	}
	accs := map[int]*acc{}
	for _, t := range q {
		for _, p := range ix.postings[t.key] {
			a := accs[p.doc]
			if a == nil {
				a = &acc{}
				accs[p.doc] = a
			}
			c := t.w * ix.weight(t.key, p.tf)
			a.dot += c
			a.terms = append(a.terms, Contribution{Term: ix.surface[t.key], Value: c})
			if ix.idf(t.key) >= minInformativeIDF {
				a.info++
				if strings.HasPrefix(t.key, "name:") {
					a.names++
				}
			}
		}
	}
	out := make([]Match, 0, len(accs))
	for doc, a := range accs {
		if ix.norms[doc] == 0 {
			continue
		}
		raw := a.dot / (qnorm * ix.norms[doc])
		m := Match{Item: doc, Raw: raw, Score: raw, Terms: a.terms}
		if a.info < 2 {
			m.Weak, m.Score = true, 0
		}
		for i := range m.Terms {
			m.Terms[i].Value /= qnorm * ix.norms[doc]
		}
		sort.SliceStable(m.Terms, func(i, j int) bool { return m.Terms[i].Value > m.Terms[j].Value })
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
