package related

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/braid-feeds/braid/feed"
)

// ScoringVersion names the scoring method. Bump it whenever a change
// to tokenizing, weighing or scoring could change a score: a Memo made
// under another version is thrown away and every article is rescored.
const ScoringVersion = 3

// Memo is what scoring found in earlier cycles, kept so that a cycle
// scores only what changed (issue 12): each article's matches at or over
// its floor, and which items those matches cover. A score depends only
// on the article, the item and the weights, so scores kept from an
// earlier cycle are the scores a full rescoring would give, as long as
// the Key (scoring version, weights, floors) is the same.
type Memo struct {
	Key      string
	Items    map[string]uint64       // covered items: id → ItemHash
	Articles map[string]*ArticleMemo // by slug
	// DF and Docs are the site's kept document frequencies (how many
	// articles hold each index key) and its number of articles: the
	// site's weights, kept up to date from the articles that changed.
	// Nil DF: counted again from every article.
	DF   map[string]int
	Docs int
	// ScanVectors calls fn with every kept item vector (in any order),
	// for a cycle that scores an article against every item: they go
	// into the index one at a time. Nil, or an item missing, means
	// tokenizing again. id and kv.Vec may be the store's own buffers,
	// valid only until fn returns.
	ScanVectors func(fn func(id []byte, kv KeptVector) error) error
	// LoadQueries calls fn with the kept query of every article (in any
	// order), for a cycle with new items; LoadTerms returns the kept
	// terms of the given articles, for those that changed. They are read
	// when needed, not held: at 20,000 articles they were most of a
	// cycle's memory.
	LoadQueries func(fn func(slug string, query []byte) error) error
	LoadTerms   func(slugs []string) (map[string][]byte, error)
	// KeepVector receives every vector Update makes (new and changed
	// items, and any the store lacked), as it makes it: a first cycle
	// need not hold 100,000 items' vectors until it saves them. Nil:
	// vectors are not kept.
	KeepVector func(id string, kv KeptVector) error

	fresh   map[string][]byte // DocTerms computed this cycle, encoded, by slug
	digests map[string]string // TargetDigest computed this cycle, by slug
}

// KeptVector is an item's vector (ItemVector) as a store keeps it, with
// the hash of the text it was made from.
type KeptVector struct {
	Hash  uint64
	Vec   []byte
	Print feed.NearPrint // its near-duplicate fingerprint
}

// ArticleMemo is one article's part of a Memo.
type ArticleMemo struct {
	Digest  string   // TargetDigest of the article when scored
	Matches []Scored // at or over the article's floor, best first
	// Query and Terms are set when the article was scored this cycle,
	// for keeping, already encoded (EncodeTerms; a first cycle of 20,000
	// articles held 190 MB of them decoded): its query, to score new
	// items against it later without tokenizing it again, and its
	// DocTerms, for the site's weights. A memo read back holds neither:
	// see Memo.LoadQueries.
	Query, Terms []byte
}

// Scored is one match as a Memo keeps it.
type Scored struct {
	ID      string  `json:"i"`
	Hash    uint64  `json:"h"`
	Score   float64 `json:"s"`
	Raw     float64 `json:"r"`
	Shared  int     `json:"sh,omitempty"`
	Anchors int     `json:"an,omitempty"`
	Weak    string  `json:"w,omitempty"`
}

// NewMemo is an empty memo: every article will be scored.
func NewMemo() *Memo {
	return &Memo{Items: map[string]uint64{}, Articles: map[string]*ArticleMemo{}}
}

var sources = []Source{SourceSite, SourceBackground, SourceUnknown}

func encodeQuery(q Query) []byte {
	buf := make([]byte, 0, 17+len(q.Terms)*28)
	buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(q.Norm))
	buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(q.Port2))
	buf = append(buf, byte(q.Lang))
	for _, t := range q.Terms {
		buf = feed.AppendString(buf, t.Key)
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(t.W))
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(t.IDF))
		var flags byte
		if t.Anchor {
			flags |= 1
		}
		if t.Name {
			flags |= 2
		}
		buf = append(buf, flags, byte(slices.Index(sources, t.Source)+1))
	}
	return buf
}

var errBadQuery = errors.New("related: kept query: truncated or corrupt")

func decodeQuery(buf []byte) (Query, error) {
	if len(buf) < 17 || lang(buf[16]) >= numLangs {
		return Query{}, errBadQuery
	}
	q := Query{Norm: math.Float64frombits(binary.LittleEndian.Uint64(buf)),
		Port2: math.Float64frombits(binary.LittleEndian.Uint64(buf[8:])), Lang: lang(buf[16])}
	buf = buf[17:]
	for len(buf) > 0 {
		n, k := binary.Uvarint(buf)
		if k <= 0 || uint64(len(buf)-k) < n+18 {
			return Query{}, errBadQuery
		}
		buf = buf[k:]
		t := QueryTerm{Key: string(buf[:n])}
		buf = buf[n:]
		t.W = math.Float64frombits(binary.LittleEndian.Uint64(buf))
		t.IDF = math.Float64frombits(binary.LittleEndian.Uint64(buf[8:]))
		t.Anchor, t.Name = buf[16]&1 != 0, buf[16]&2 != 0
		if i := int(buf[17]) - 1; i >= 0 && i < len(sources) {
			t.Source = sources[i]
		}
		buf = buf[18:]
		q.Terms = append(q.Terms, t)
	}
	return q, nil
}

// EncodeMatches encodes the matches; DecodeMatches reverses it.
func (a *ArticleMemo) EncodeMatches() ([]byte, error) { return json.Marshal(a.Matches) }

// DecodeMatches is EncodeMatches reversed.
func DecodeMatches(data []byte) ([]Scored, error) {
	var m []Scored
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("related: kept matches: %w", err)
	}
	return m, nil
}

// ItemHash hashes what scoring reads of an item: an item whose text
// changed is scored again. An item with a Digest is hashed by it, so a
// kept item read without its summary and content (Options.Fill) hashes
// as it did with them; the caller's memo key must then name anything
// done to the text after it was digested (a cycle's bound on item size).
func ItemHash(it *feed.Item) uint64 {
	h := fnv.New64a()
	if it.Digest != "" {
		h.Write([]byte("digest\x00" + it.Digest))
		return h.Sum64()
	}
	for _, s := range []string{it.Title, strings.Join(it.Categories, "\x1f"), it.Summary, it.ContentHTML} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// TargetDigest identifies what scoring reads of an article: its text
// and its own threshold.
func TargetDigest(t Target) string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	enc.Encode(t.Doc)
	if t.MinScore != nil {
		fmt.Fprintf(h, "min %g", *t.MinScore)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// SiteDF brings the kept document frequencies up to date with the
// articles (targets[i] named slugs[i]): the terms of edited and removed
// articles (read back with LoadTerms) are taken out, those of new and
// edited ones put in. Without kept frequencies every article is counted.
// The new and edited articles' terms are kept for Update to store.
func (m *Memo) SiteDF(slugs []string, targets []Target) (map[string]int, int, error) {
	m.fresh = map[string][]byte{}
	// count adds the terms of the articles at positions, tokenized on
	// every core.
	count := func(positions []int) error {
		terms := make([][]string, len(positions))
		return withBodies(targets, positions, func(k int, t Target) {
			terms[k] = DocTerms(t.Doc)
		}, func(k int) error {
			for _, key := range terms[k] {
				m.DF[key]++
			}
			m.fresh[slugs[positions[k]]] = EncodeTerms(terms[k])
			terms[k] = nil
			return nil
		})
	}
	sameVersion := strings.HasPrefix(m.Key, fmt.Sprintf("v%d ", ScoringVersion))
	if m.DF == nil || !sameVersion {
		m.DF = map[string]int{}
		all := make([]int, len(slugs))
		for i := range all {
			all[i] = i
		}
		if err := count(all); err != nil {
			return nil, 0, err
		}
		m.Docs = len(slugs)
		return m.DF, m.Docs, nil
	}
	seen := make(map[string]bool, len(slugs))
	var out []string // kept articles whose terms leave the count
	var fresh []int  // new and edited articles, whose terms join it
	for i, slug := range slugs {
		seen[slug] = true
		am := m.Articles[slug]
		if am != nil && am.Digest == m.digest(slug, targets[i]) {
			continue
		}
		if am != nil {
			out = append(out, slug)
		}
		fresh = append(fresh, i)
	}
	for slug := range m.Articles {
		if !seen[slug] {
			out = append(out, slug)
		}
	}
	if len(out) > 0 {
		if m.LoadTerms == nil {
			return nil, 0, errors.New("related: kept terms: no store")
		}
		old, err := m.LoadTerms(out)
		if err != nil {
			return nil, 0, err
		}
		for _, slug := range out {
			data, ok := old[slug]
			if !ok {
				return nil, 0, fmt.Errorf("related: kept terms of %s: missing", slug)
			}
			for _, k := range DecodeTerms(data) {
				if m.DF[k]--; m.DF[k] <= 0 {
					delete(m.DF, k)
				}
			}
		}
	}
	if err := count(fresh); err != nil {
		return nil, 0, err
	}
	m.Docs = len(slugs)
	return m.DF, m.Docs, nil
}

// digest is TargetDigest of the article, computed once a cycle.
func (m *Memo) digest(slug string, t Target) string {
	if d, ok := m.digests[slug]; ok {
		return d
	}
	if m.digests == nil {
		m.digests = map[string]string{}
	}
	d := t.Digest
	if d == "" {
		d = TargetDigest(t)
	}
	m.digests[slug] = d
	return d
}

// EncodeDF and DecodeDF are how a store keeps document frequencies:
// keys sorted, each as uvarint(len) key uvarint(count).
func EncodeDF(df map[string]int) []byte {
	keys := make([]string, 0, len(df))
	n := 0
	for k := range df {
		keys = append(keys, k)
		n += len(k) + 3
	}
	slices.Sort(keys)
	buf := make([]byte, 0, n)
	for _, k := range keys {
		buf = binary.AppendUvarint(feed.AppendString(buf, k), uint64(df[k]))
	}
	return buf
}

// DecodeDF is EncodeDF reversed; nil (count again) when damaged.
func DecodeDF(buf []byte) map[string]int {
	df := map[string]int{}
	for len(buf) > 0 {
		n, k := binary.Uvarint(buf)
		if k <= 0 || uint64(len(buf)-k) < n {
			return nil
		}
		key := string(buf[k : k+int(n)])
		buf = buf[k+int(n):]
		c, k := binary.Uvarint(buf)
		if k <= 0 {
			return nil
		}
		buf = buf[k:]
		df[key] = int(c)
	}
	return df
}

// EncodeTerms and DecodeTerms are how a store keeps an article's terms:
// keys never hold a NUL (words are letters, digits and marks).
func EncodeTerms(keys []string) []byte { return []byte(strings.Join(keys, "\x00")) }

// DecodeTerms is EncodeTerms reversed.
func DecodeTerms(data []byte) []string {
	if len(data) == 0 {
		return []string{}
	}
	return strings.Split(string(data), "\x00")
}

// MemoKey is the key a Memo must have for this pool to use it.
func (p *Pool) MemoKey() string {
	return fmt.Sprintf("v%d w%s min%g max%g", ScoringVersion, p.weights.Digest(), p.opt.MinScore, p.maxWeight())
}

// Delta says what Update changed in a Memo: the articles to save, the
// ones to forget, and what it had to score.
type Delta struct {
	Changed, Removed []string // slugs
	Rescored         int      // articles scored against every item
	NewItems         int      // items scored against every kept article
	Full             bool     // the memo was unusable: everything was scored
	// Gone are the ids of items that left. Vectors go to KeepVector as
	// they are made; with Full, every kept vector not made this cycle is
	// to be forgotten.
	Gone []string
}

// print is the near-duplicate fingerprint of Items[i].
func (p *Pool) print(i int) feed.NearPrint {
	if i < len(p.prints) && p.prints[i] != nil {
		return p.prints[i]
	}
	p.fill(i)
	return feed.NearPrintOf(&p.Items[i])
}

// EncodePrint and DecodePrint are how a store keeps a fingerprint.
func EncodePrint(np feed.NearPrint) []byte {
	buf := make([]byte, 0, 8*len(np))
	for _, k := range np {
		buf = binary.LittleEndian.AppendUint64(buf, k)
	}
	return buf
}

// DecodePrint is EncodePrint reversed; nil (compute it again) when the
// bytes are not a fingerprint.
func DecodePrint(data []byte) feed.NearPrint {
	if len(data)%8 != 0 {
		return nil
	}
	np := make(feed.NearPrint, len(data)/8)
	for i := range np {
		np[i] = binary.LittleEndian.Uint64(data[8*i:])
	}
	if !np.Valid() {
		return nil
	}
	return np
}

// sortScored orders matches as Index.Score does: best first, ties to
// the earlier pool position.
func (p *Pool) sortScored(ms []Scored, byID map[string]int) {
	sort.Slice(ms, func(a, b int) bool {
		if ms[a].Score != ms[b].Score {
			return ms[a].Score > ms[b].Score
		}
		return byID[ms[a].ID] < byID[ms[b].ID]
	})
}

// decideMemo judges an article's kept matches, as Decide does its fresh
// ones (without the per-term explanation, which only explain shows).
// byID is the pool position of each item id.
func (p *Pool) decideMemo(t Target, am *ArticleMemo, now time.Time, byID map[string]int) []Decision {
	ms := make([]Match, 0, len(am.Matches))
	for _, s := range am.Matches {
		i, ok := byID[s.ID]
		if !ok {
			continue
		}
		ms = append(ms, Match{Item: i, Score: s.Score, Raw: s.Raw, Shared: s.Shared, Anchors: s.Anchors, Weak: s.Weak != "", WeakReason: s.Weak})
	}
	// Positions may have moved since the matches were kept.
	sort.SliceStable(ms, func(a, b int) bool {
		if ms[a].Score != ms[b].Score {
			return ms[a].Score > ms[b].Score
		}
		return ms[a].Item < ms[b].Item
	})
	return p.decide(t, now, ms)
}

// SelectAll is what each article's feed gets (targets[i] named
// slugs[i]), from an up-to-date memo.
func (p *Pool) SelectAll(m *Memo, slugs []string, targets []Target, now time.Time) [][]feed.Item {
	byID := make(map[string]int, len(p.Items))
	for i := range p.Items {
		byID[p.Items[i].ID] = i
	}
	out := make([][]feed.Item, len(slugs))
	for k, slug := range slugs {
		if am := m.Articles[slug]; am != nil {
			out[k] = Selected(p.decideMemo(targets[k], am, now, byID))
		}
	}
	return out
}
