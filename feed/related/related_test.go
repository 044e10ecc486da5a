package related

import (
	"reflect"
	"strings"
	"testing"

	"github.com/braid-feeds/braid/feed"
	"github.com/kljensen/snowball/russian"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		in   string
		want []string // keys that must be present
		not  []string // keys that must be absent
	}{
		{"Gleb Kostarev, the Head of Binance Russia, met Rosfinmonitoring.", []string{"name:gleb kostarev", "binanc", "rosfinmonitor"}, []string{"the", "of"}},
		{"The World Bank provides aid.", []string{"name:world bank", "bank", "aid"}, []string{"name:the world bank"}},
		{"Binance’s regulators", []string{"binanc", "regul"}, []string{"binances"}},
		// Capitalized Cyrillic words are names: transliterated stems.
		{"Банк России ввёл санкции", []string{"bank", "ross", "name:bank ross", "санкц"}, []string{"банк"}},
		{"Crème Brûlée", []string{"name:creme brule"}, nil},
		{"Суд над Тимуром Ласкаревым", []string{"name:timur laskarev", "timur", "laskarev"}, nil},
		{"Адвокат: Тимур Ласкарев, Олега Сабурова", []string{"name:timur laskarev", "laskarev", "saburov"}, nil},
		{"Timur Laskarev in court", []string{"name:timur laskarev"}, nil},
		{"Навальный и Навального", []string{"navalni"}, []string{"навальн"}},
		{"Alexei Navalny", []string{"navalni", "name:alexei navalni"}, nil},
		{"в Велигорске, над Велигорском", []string{"veligorsk"}, nil},
		{"<p>Hello <b>bank</b> &amp; co</p>", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			keys := map[string]bool{}
			for _, tm := range tokenize(feed.StripHTML(tt.in)) {
				keys[tm.key] = true
			}
			for _, w := range tt.want {
				if !keys[w] {
					t.Errorf("missing %q in %v", w, keys)
				}
			}
			for _, w := range tt.not {
				if keys[w] {
					t.Errorf("unexpected %q", w)
				}
			}
		})
	}
}

var pool = []feed.Item{
	{Title: "Regulators Order Vantrix Exchange to Surrender Customer Data", Summary: "Estmarch's conduct office wants Vantrix customer records."},
	{Title: "River Bank Rovers Win Cup Final", Summary: "The football club beat its rivals on penalties at the river ground."},
	{Title: "Vantrix Fights Estmarch Order in Court", Summary: "The crypto exchange Vantrix appealed the regulator's data order."},
	{Title: "Stamp Exchange Fair Returns", Summary: "Collectors swap stamps at the town hall."},
	{Title: "Slow-Roasted Tomato Soup", Summary: "A recipe for autumn evenings."},
	{Title: "Crypto Prices Slip", Summary: "Bitcoin and ether slipped as traders weighed regulation."},
}

var doc = Doc{
	Title:    "Estmarch Regulators Order Vantrix Exchange to Hand Over Customer Records",
	Headings: []string{"What the Order Covers"},
	Body:     "Estmarch's Financial Conduct Office ordered the crypto exchange Vantrix to hand over customer records. Vantrix said it would comply with the data order while it considers an appeal.",
	Tags:     []string{"crypto", "regulation"},
}

func TestScoreRanksStoryFirstAndKeepsOneWordMatchesOut(t *testing.T) {
	ix := NewIndex(pool, mustBackgroundWeights())
	ms := ix.Score(doc, 0)
	if len(ms) == 0 || (ms[0].Item != 0 && ms[0].Item != 2) {
		t.Fatalf("best match %+v", ms)
	}
	score := map[int]Match{}
	for _, m := range ms {
		score[m.Item] = m
		if m.Score < 0 || m.Score > 1 {
			t.Errorf("score %v outside 0..1", m.Score)
		}
	}
	if score[0].Score < 0.15 || score[2].Score < 0.15 {
		t.Errorf("same-story items score low: %v %v", score[0].Score, score[2].Score)
	}
	// "exchange" alone links the stamp fair to the article.
	if m, ok := score[3]; ok && (m.Score != 0 || !m.Weak) {
		t.Errorf("single shared word scored %+v", m)
	}
	if m, ok := score[4]; ok && m.Score > 0 {
		t.Errorf("soup scored %v", m.Score)
	}
	for _, m := range ms {
		if m.Score > 0 && len(m.Terms) == 0 {
			t.Errorf("score without explanation: %+v", m)
		}
	}
	if !strings.Contains(strings.ToLower(score[2].Terms[0].Term+score[2].Terms[1].Term+score[2].Terms[2].Term), "vantrix") {
		t.Errorf("top terms of the court story: %v", score[2].Terms)
	}
}

func TestScoreIsDeterministic(t *testing.T) {
	first := NewIndex(pool, mustBackgroundWeights()).Score(doc, 0)
	for range 20 {
		if got := NewIndex(pool, mustBackgroundWeights()).Score(doc, 0); !reflect.DeepEqual(got, first) {
			t.Fatal("scores differ between runs")
		}
	}
}

func FuzzTokenize(f *testing.F) {
	f.Add("Gleb Kostarev met Binance’s team in Moscow.")
	f.Add("<b>Банк</b> &amp; Crème")
	f.Fuzz(func(t *testing.T, s string) {
		for _, tm := range tokenize(feed.StripHTML(s)) {
			if tm.key == "" || tm.key == "name:" {
				t.Fatalf("empty term from %q", s)
			}
		}
	})
}

func TestStemMixedScript(t *testing.T) {
	// The stemmer choice must not depend on the first rune only.
	for _, tc := range []struct{ in, want string }{
		{"5-летний", russian.Stem("5-летний", false)},
		{"running", "run"},
		{"новости", russian.Stem("новости", false)},
	} {
		if got := stem(tc.in); got != tc.want {
			t.Errorf("stem(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if stem("5-летний") == "5-летний" {
		t.Errorf("a word starting with a digit and written in Cyrillic was not stemmed")
	}
}

// TestBackground: the embedded table parses, knows everyday words as
// common and names as names, and weighs rare words above common ones.
func TestBackground(t *testing.T) {
	bg, err := DefaultBackground()
	if err != nil {
		t.Fatal(err)
	}
	w := NewWeights(bg, nil)
	tests := []struct {
		key    string
		common bool
		source Source
	}{
		{"bank", true, SourceBackground},
		{Key("court"), true, SourceBackground},
		{"london", false, SourceBackground},
		{"laskarev", false, SourceUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			got := w.of(tt.key)
			if got.common != tt.common || got.source != tt.source || got.idf <= 0 {
				t.Errorf("%+v, want common %v from %s", got, tt.common, tt.source)
			}
		})
	}
	if !(w.of("bank").idf < w.of(Key("verdict")).idf && w.of(Key("verdict")).idf < w.of("laskarev").idf) {
		t.Errorf("weights out of order: bank %v, verdict %v, laskarev %v", w.of("bank").idf, w.of(Key("verdict")).idf, w.of("laskarev").idf)
	}
	if _, err := parseBackground([]byte("not gzip")); err == nil {
		t.Error("garbage parsed")
	}
}

// TestScoreDoesNotDependOnThePool: the weight of a story's name, and so
// an item's score, does not depend on what else is in the pool.
func TestScoreDoesNotDependOnThePool(t *testing.T) {
	bg, err := DefaultBackground()
	if err != nil {
		t.Fatal(err)
	}
	w := NewWeights(bg, nil)
	small := NewIndex(pool[:2], w).Score(doc, 0)
	large := NewIndex(append(append([]feed.Item(nil), pool[:2]...), newSynthetic(3).items(2000)...), w).Score(doc, 0)
	if len(small) == 0 || len(large) == 0 || small[0].Score != large[0].Score {
		t.Errorf("score depends on the pool: %v vs %v", small, large)
	}
}
