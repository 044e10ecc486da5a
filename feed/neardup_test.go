package feed

import (
	"math/bits"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// A wire story written for these tests, one sentence per line.
var wireStory = []string{
	"The regional water board said on Monday it would replace every lead pipe in the old town of Dunmere by the end of next year.",
	"Engineers found raised lead levels in tap water at eleven homes during routine checks in the spring.",
	"The work will cost about forty million crowns and close several streets for up to three weeks at a time.",
	"Residents will be offered free water filters until their pipes are changed, the board's director Hanna Voss said.",
	"The opposition on the town council asked why the problem was not found during the last survey in 2019.",
}

func story(lines ...string) string { return strings.Join(lines, " ") }

func TestBodySimilarity(t *testing.T) {
	full := story(wireStory...)
	for _, tc := range []struct {
		name     string
		a, b     string
		min, max float64 // the similarity must fall in [min, max]
	}{
		{"identical texts", full, full, 1, 1},
		{"case, spacing and punctuation differ", full, strings.ToUpper(strings.ReplaceAll(full, ",", " ;  ")), 1, 1},
		{"HTML markup around the same words", full, "<p>" + strings.Join(wireStory, "</p>\n<p>") + "</p>", 1, 1},
		{"one sentence cut", full, story(wireStory[:4]...), NearThreshold, 0.95},
		{"dateline added", full, "DUNMERE (Estmark Wire) - " + full, NearThreshold, 0.99},
		{"credit added", full, full + " Reporting by Estmark Wire; editing by Jo Lund.", NearThreshold, 0.99},
		{"dateline added and a sentence cut", full, "DUNMERE (Estmark Wire) - " + story(wireStory[1:]...), NearThreshold, 0.9},
		{"different story, same topic", full, story(
			"The water board said on Tuesday it would replace old iron mains in the harbour district of Saltmere before winter.",
			"Engineers found leaks in the mains at nine streets during checks in the autumn.",
			"The work will cost about twelve million crowns and close the harbour road for two weeks.",
			"Residents will get bottled water during the work, the board's spokesman Arne Berg said.",
		), 0, 0.2},
		{"unrelated story", full, story(
			"Corvena Rovers won the cup final on penalties after a goalless draw in front of a full stadium on Sunday evening.",
			"Goalkeeper Jonas Fell saved two spot kicks and the captain lifted the trophy for the first time since 2011.",
		), 0, 0},
		{"short bodies are never near-duplicates", "Lead pipes will be replaced in Dunmere.", "Lead pipes will be replaced in Dunmere.", 0, 0},
		{"empty bodies", "", "", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := Item{Summary: tc.a}, Item{ContentHTML: tc.b}
			got := BodySimilarity(&a, &b)
			if got < tc.min || got > tc.max {
				t.Errorf("similarity %.3f, want %.2f–%.2f", got, tc.min, tc.max)
			}
			if back := BodySimilarity(&b, &a); back != got {
				t.Errorf("not symmetric: %.3f one way, %.3f the other", got, back)
			}
		})
	}
}

// TestCandidatesAtTheThreshold: pairs a little over the threshold share
// the two bands that make them candidates (minSharedBands), as the
// binomial in minhash.go says: at Jaccard 0.6, all but about one in
// 100,000; pairs at 0.1 rarely do (about 4 %).
func TestCandidatesAtTheThreshold(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	set := func(n int) []uint64 {
		out := make([]uint64, n)
		for i := range out {
			out[i] = r.Uint64()
		}
		return out
	}
	candidates := func(common, own int) int {
		n := 0
		for range 1000 {
			s := set(common)
			a, b := slices.Concat(s, set(own)), slices.Concat(s, set(own))
			slices.Sort(a)
			slices.Sort(b)
			pa, pb := printOf(a), printOf(b)
			shared := 0
			for j := range pa {
				if pa[j] == pb[j] {
					shared++
				}
			}
			if shared >= minSharedBands {
				n++
			}
		}
		return n
	}
	// 60 common of 100: Jaccard 0.6.
	if n := candidates(60, 20); n < 999 {
		t.Errorf("at Jaccard 0.6, %d of 1,000 pairs are candidates; want ≥ 999", n)
	}
	// 20 common of 200: Jaccard 0.1.
	if n := candidates(20, 90); n > 80 {
		t.Errorf("at Jaccard 0.1, %d of 1,000 pairs are candidates; want about 40", n)
	}
}

// The min-hash functions must estimate Jaccard: agreement of the
// signatures within sampling error (64 hashes: σ ≤ 0.0625) of the exact
// value, across the whole range.
func TestMinHashEstimatesJaccard(t *testing.T) {
	full := story(wireStory...)
	words := strings.Fields(full)
	for cut := 0; cut <= len(words); cut += 8 {
		t.Run(strings.Join(words[:min(cut, 3)], "_"), func(t *testing.T) {
			a := shingles(nil, wordHashes(nil, full))
			other := story(wireStory[0], "Volunteers from the Dunmere sailing club repainted the lighthouse steps over two weekends in June without pay.")
			b := shingles(nil, wordHashes(nil, strings.Join(words[:cut], " ")+" "+other))
			exact := jaccard(a, b)
			sa, sb := minHash(a), minHash(b)
			if est := sa.estimate(&sb); est < exact-0.2 || est > exact+0.2 {
				t.Errorf("estimate %.3f, exact %.3f", est, exact)
			}
		})
	}
}

func TestShinglesAreASortedSet(t *testing.T) {
	set := shingles(nil, wordHashes(nil, "a b c a b c a b c d"))
	// a b c, b c a, c a b, b c d: the repeats collapse.
	if len(set) != 4 {
		t.Errorf("%d shingles, want 4", len(set))
	}
	for i := 1; i < len(set); i++ {
		if set[i-1] >= set[i] {
			t.Fatalf("not strictly increasing at %d", i)
		}
	}
	if got := shingles(nil, wordHashes(nil, "two words")); len(got) != 0 {
		t.Errorf("two words give %d shingles", len(got))
	}
}

// wireCopy is one outlet's copy of the test story.
func wireCopy(id, outlet, body string, seen time.Time) Item {
	return Item{
		ID: id, GUID: id, Title: "Title from " + outlet + " " + id,
		Link:      "https://" + outlet + ".example/" + id,
		Summary:   body,
		FirstSeen: seen,
		Origin:    &Origin{Name: outlet, Title: strings.ToUpper(outlet[:1]) + outlet[1:] + " News"},
	}
}

func TestDedupeGroupsNearDuplicates(t *testing.T) {
	t0 := time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)
	full := story(wireStory...)
	other := story(
		"Corvena Rovers won the cup final on penalties after a goalless draw in front of a full stadium on Sunday evening.",
		"Goalkeeper Jonas Fell saved two spot kicks and the captain lifted the trophy for the first time since 2011.",
	)
	items := []Item{
		wireCopy("c", "courier", "DUNMERE - "+full, t0.Add(time.Hour)),
		wireCopy("x", "sport", other, t0),
		wireCopy("a", "wire", full, t0),
		wireCopy("b", "ledger", story(wireStory[:4]...)+" Reporting by Wire.", t0.Add(2*time.Hour)),
		wireCopy("d", "wire", full+" This story was updated.", t0.Add(3*time.Hour)),
		wireCopy("e", "evil", full, t0.Add(4*time.Hour)),
	}
	items[5].Link = "javascript:alert(1)"
	items[5].Origin.Title = `<b>Evil</b> & Co`
	kept, dups := Dedupe(items)
	var ids []string
	for _, it := range kept {
		ids = append(ids, it.ID)
	}
	if strings.Join(ids, " ") != "x a" {
		t.Fatalf("kept %v, want [x a] (input order, earliest copy)", ids)
	}
	want := []Report{
		{"Courier News", "https://courier.example/c"},
		{"Ledger News", "https://ledger.example/b"},
		{"<b>Evil</b> & Co", ""},
	}
	if got := kept[1].AlsoReportedBy; len(got) != len(want) {
		t.Fatalf("AlsoReportedBy %v, want %v (the wire's own update is not another outlet)", got, want)
	}
	for i := range want {
		if kept[1].AlsoReportedBy[i] != want[i] {
			t.Errorf("report %d = %v, want %v", i, kept[1].AlsoReportedBy[i], want[i])
		}
	}
	if len(dups) != 4 {
		t.Fatalf("%d duplicates, want 4", len(dups))
	}
	for _, d := range dups {
		if d.Of.ID != "a" || d.Similarity < NearThreshold || !strings.HasPrefix(d.Reason, `near-duplicate of "Title from wire a"`) {
			t.Errorf("%s: of %s, similarity %.2f, reason %q", d.Item.ID, d.Of.ID, d.Similarity, d.Reason)
		}
	}
	if items[2].AlsoReportedBy != nil {
		t.Error("Dedupe modified its input")
	}
}

func TestDedupeKeeperOrder(t *testing.T) {
	t0 := time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)
	full := story(wireStory...)
	for _, tc := range []struct {
		name  string
		items []Item
		want  string
	}{
		{"earliest seen", []Item{wireCopy("a", "one", full, t0.Add(time.Minute)), wireCopy("b", "two", full, t0)}, "b"},
		{"then earliest published", func() []Item {
			a, b := wireCopy("a", "one", full, t0), wireCopy("b", "two", full, t0)
			a.Published, b.Published = t0.Add(time.Hour), t0
			return []Item{a, b}
		}(), "b"},
		{"then smallest id", []Item{wireCopy("b", "two", full, t0), wireCopy("a", "one", full, t0)}, "a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kept, dups := Dedupe(tc.items)
			if len(kept) != 1 || kept[0].ID != tc.want || len(dups) != 1 {
				t.Fatalf("kept %d (%v), %d dups; want only %s", len(kept), kept, len(dups), tc.want)
			}
		})
	}
}

// An exact duplicate of a near-duplicate ends in the same group, and an
// exact duplicate from another outlet at another address is named too.
func TestDedupeExactAndNearTogether(t *testing.T) {
	t0 := time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)
	full := story(wireStory...)
	a := wireCopy("a", "wire", full, t0)
	b := wireCopy("b", "ledger", "DUNMERE - "+full, t0.Add(time.Hour))
	c := wireCopy("c", "digest", "Short digest text.", t0.Add(2*time.Hour))
	c.Title = b.Title // same headline as b: exact
	kept, dups := Dedupe([]Item{c, b, a})
	if len(kept) != 1 || kept[0].ID != "a" {
		t.Fatalf("kept %v", kept)
	}
	if got := kept[0].AlsoReportedBy; len(got) != 2 || got[0].Outlet != "Ledger News" || got[1].Outlet != "Digest News" {
		t.Errorf("AlsoReportedBy %v", got)
	}
	for _, d := range dups {
		if d.Of.ID != "a" {
			t.Errorf("%s duplicates %s, want a", d.Item.ID, d.Of.ID)
		}
		if d.Item.ID == "c" && d.Reason != `same title as "Title from ledger b"` {
			t.Errorf("reason %q", d.Reason)
		}
	}
}

func TestMergeAddsAlsoReportedBy(t *testing.T) {
	art := Item{ID: "https://n.example/a/", Link: "https://n.example/a/", Title: "Article", Role: RoleArticle}
	reps := []Report{{"Courier <News>", "https://courier.example/c?a=1&b=2"}, {"Bad", "javascript:alert(1)"}}
	line := `<p>Also reported by: <a href="https://courier.example/c?a=1&amp;b=2">Courier &lt;News&gt;</a>, Bad</p>`
	for _, tc := range []struct {
		name                 string
		in                   Item
		wantSummary, wantCnt string
	}{
		{"summary only", Item{ID: "r", Summary: "<p>Text.</p>"}, "<p>Text.</p>\n" + line, ""},
		{"content only", Item{ID: "r", ContentHTML: "<p>Body.</p>"}, "", "<p>Body.</p>\n" + line},
		{"both", Item{ID: "r", Summary: "S", ContentHTML: "C"}, "S\n" + line, "C\n" + line},
		{"neither", Item{ID: "r"}, line, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.Title, in.Link, in.AlsoReportedBy = "Related", "https://r.example/1", reps
			out := Merge(art, nil, nil, []Item{in}, 5)
			if len(out) != 2 {
				t.Fatalf("%d items", len(out))
			}
			if out[1].Summary != tc.wantSummary || out[1].ContentHTML != tc.wantCnt {
				t.Errorf("summary %q\ncontent %q", out[1].Summary, out[1].ContentHTML)
			}
		})
	}
}

// TestDedupeWithKeptPrints: grouping with kept fingerprints (all, some,
// none) gives exactly what grouping from scratch gives.
func TestDedupeWithKeptPrints(t *testing.T) {
	items, copies := syntheticPool(3000)
	wantKept, wantDups := Dedupe(items)
	if len(wantDups) < copies/2 {
		t.Fatalf("only %d duplicates of %d copies: the test compares little", len(wantDups), copies)
	}
	for _, every := range []int{1, 2, 7} {
		prints := make([]NearPrint, len(items))
		for i := range items {
			if i%every == 0 {
				prints[i] = NearPrintOf(&items[i])
			}
		}
		kept, _, dups := DedupeWith(items, prints, nil)
		if !reflect.DeepEqual(kept, wantKept) || !reflect.DeepEqual(dups, wantDups) {
			t.Errorf("prints kept for one item in %d: %d kept, %d dups; from scratch %d, %d", every, len(kept), len(dups), len(wantKept), len(wantDups))
		}
	}
}

// TestSortBandsEqualsComparisonSort: the radix sort orders entries as
// a comparison sort does, keys alike in many bytes included.
func TestSortBandsEqualsComparisonSort(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2, 50, 5000} {
		es := make([]uint64, n)
		for i := range es {
			es[i] = r.Uint64()
			switch r.IntN(4) {
			case 0:
				es[i] &= 0xff // alike in their high bytes
			case 1:
				if i > 0 {
					es[i] = es[r.IntN(i)] ^ uint64(i) // a shared band, another slot
				}
			}
		}
		want := slices.Clone(es)
		slices.Sort(want)
		if got := sortBands(es, make([]uint64, n)); !slices.Equal(got, want) {
			t.Errorf("%d entries: radix order differs from comparison order", n)
		}
	}
}

// TestBandIndexOffersEarlierSharers: each(p, j) offers exactly the
// earlier positions whose band j has p's key, the latest first, up to
// maxBucketWalk; never one that shares a key in another band, never one
// whose body was too short to fingerprint.
func TestBandIndexOffersEarlierSharers(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 2, 7, 300} {
		prints := make([]NearPrint, n)
		for p := range prints {
			if r.IntN(5) == 0 {
				prints[p] = NearPrint{} // too short
				continue
			}
			prints[p] = make(NearPrint, bands)
			for j := range prints[p] {
				prints[p][j] = r.Uint64()
				switch r.IntN(6) {
				case 0:
					prints[p][j] = uint64(r.IntN(3)) << 50 // crowded buckets
				case 1:
					prints[p][j] = 1 << 40 // one key in every band
				}
			}
		}
		bi := newBandIndex(prints)
		shift := uint(bits.Len(uint(n)))
		for p, pr := range prints {
			for j := range pr {
				var want, got []int
				for q := p - 1; q >= 0 && len(want) < maxBucketWalk; q-- {
					if len(prints[q]) > 0 && prints[q][j]>>shift == pr[j]>>shift {
						want = append(want, q)
					}
				}
				bi.each(p, j, func(q int) { got = append(got, q) })
				if !slices.Equal(got, want) {
					t.Fatalf("%d items: each(%d, %d) = %v, want %v", n, p, j, got, want)
				}
			}
		}
	}
}

// TestNearPrintStreamsAsTheSet: fingerprinting shingles as they come
// gives the fingerprint of the sorted, deduplicated shingle set, repeated
// phrases and too-short bodies included.
func TestNearPrintStreamsAsTheSet(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	vocab := strings.Fields("the port of kelmor ferry river council said on monday that a new bridge would open again after repairs")
	for n := range 200 {
		words := make([]string, r.IntN(120))
		for i := range words {
			words[i] = vocab[r.IntN(len(vocab))]
		}
		if n%3 == 0 && len(words) > 10 {
			words = append(words, words[:10]...) // a repeated phrase
		}
		it := Item{Summary: strings.Join(words, " "), ContentHTML: "<p>" + strings.Join(words[:len(words)/2], " ") + "</p>"}
		if got, want := NearPrintOf(&it), printOf(shingleSet(&it)); !slices.Equal(got, want) || (got == nil) != (want == nil) {
			t.Fatalf("%d words: streamed print differs from the set's", len(words))
		}
	}
}
