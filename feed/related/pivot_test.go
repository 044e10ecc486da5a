package related

import (
	"testing"
	"unicode/utf8"

	"github.com/braid-feeds/braid/feed"
	"github.com/kljensen/snowball/russian"
)

func TestNumberKey(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"12", "twelv"}, // 3–20: the English word's key
		{"3", "three"},
		{"20", "twenti"},
		{"1", ""}, {"2", ""}, {"0", ""}, // too common
		{"2026", ""}, {"1968", ""}, // years
		{"2,000", "#2000"}, {"2.000", "#2000"}, {"60,000", "#60000"}, {"1\u00a0250\u00a0000", "#1250000"},
		{"640", "#640"}, {"41", "#41"}, {"2200", "#2200"}, {"1799", "#1799"},
		{"3.5", "#3.5"}, {"3,5", "#3.5"}, // decimals keep their point
		{"007", ""}, {"000", ""},
		{"12,34,567", "#12.34.567"}, // not thousands groups: as written
	} {
		if got := numberKey(c.in); got != c.want {
			t.Errorf("numberKey(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTokenizeNumbers(t *testing.T) {
	for _, c := range []struct {
		text string
		want []string // keys, in order
	}{
		{"Twelve miners, 640 metres down", []string{"twelv", "miner", "#640", "metr"}},
		{"About 2,000 residents left in 2026.", []string{"#2000", "resid", "left"}},
		{"Zwölf Bergleute eingeschlossen", []string{"twelv", "miner", "trap"}},
		{"двенадцать горняков, 12 часов", []string{"twelv", "miner", "twelv", "час"}},
		{"Дванаест рудара у руднику", []string{"twelv", "miner", "mine"}},
		{"Шахту затопило: 3D-модель", []string{"mine", "flood", "3d", "модел"}},
		{"He said 1, then 2.", []string{}},
	} {
		var got []string
		for _, tm := range tokenize(c.text) {
			if tm.key[0] != 'n' || len(tm.key) < 5 || tm.key[:5] != "name:" {
				got = append(got, tm.key)
			}
		}
		if len(got) != len(c.want) {
			t.Errorf("%q: keys %q, want %q", c.text, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%q: keys %q, want %q", c.text, got, c.want)
				break
			}
		}
	}
}

func TestPivotWords(t *testing.T) {
	for _, c := range []struct {
		words []string
		want  string
	}{
		{[]string{"шахта", "шахті", "Шахту", "рудник", "руднику", "Bergwerk", "rudnik", "mine"}, "mine"},
		{[]string{"горняков", "гірників", "рудари", "Bergleute", "miners"}, "miner"},
		{[]string{"двенадцать", "дванадцять", "дванаест", "zwölf", "twelve", "12"}, "twelv"},
		{[]string{"спасатели", "Рятувальники", "спасиоци", "gerettet", "rescue"}, "rescu"},
		{[]string{"пожар", "пожежа", "Feuer", "fire"}, "fire"},
	} {
		for _, w := range c.words {
			ts := tokenize(w)
			if len(ts) != 1 || ts[0].key != c.want {
				t.Errorf("%q: %+v, want key %q", w, ts, c.want)
				continue
			}
			if fl := occFlags(&ts[0]); fl&occPivot == 0 {
				t.Errorf("%q: flags %b lack occPivot", w, fl)
			}
		}
	}
	// Names and words outside the lexicon keep their keys.
	for w, want := range map[string]string{"Ковальчук": "kovalchuk", "миновала": russian.Stem("миновала", false), "Brand": "brand"} {
		if ts := tokenize(w); len(ts) != 1 || ts[0].key != want {
			t.Errorf("%q: %+v, want key %q", w, ts, want)
		}
	}
}

// A Latin-script form of the lexicon that is also an English word would
// turn that English word into another one ("Brand" is German for fire).
func TestPivotLatinFormsAreNotEnglish(t *testing.T) {
	bg, err := DefaultBackground()
	if err != nil {
		t.Fatal(err)
	}
	for f, key := range pivot.exact {
		if hasCyrillic(f) {
			continue
		}
		if k := englishStem(f); k != key && bg.knows(k) {
			t.Errorf("%q (→ %q) is an English word too (background key %q)", f, key, k)
		}
	}
}

// Each Cyrillic form's stem means one English word, and is long enough
// not to be some other word's stem too.
func TestPivotCyrillicStems(t *testing.T) {
	seen := map[string]string{}
	for en, forms := range pivotLexicon {
		key := englishStem(en)
		for _, f := range forms {
			f = foldWord(f)
			if !hasCyrillic(f) {
				continue
			}
			st := russian.Stem(f, false)
			if utf8.RuneCountInString(st) < 3 {
				t.Errorf("%q: stem %q too short", f, st)
			}
			if other, ok := seen[st]; ok && other != key {
				t.Errorf("%q: stem %q is both %q and %q", f, st, other, key)
			}
			seen[st] = key
		}
	}
}

// Pairs across languages: numbers and event words are evidence that
// survives translation, names shared with another event are not.
func TestCrossLanguageEventWords(t *testing.T) {
	d := Doc{
		Title: "Twelve Miners Trapped as Water Floods the Darnovo Coal Mine",
		Body: "Twelve miners were trapped underground on Thursday when water burst into a tunnel of the coal mine at Darnovo. " +
			"Rescue chief Ilya Gorin said the men were alive. The mine is run by Veltan Coal, which said it had followed the rules. " +
			"Rescuers at Darnovo began drilling a borehole.",
	}
	for _, c := range []struct {
		name     string
		item     feed.Item
		selected bool
	}{
		{"German, the town, the number and the event", feed.Item{Title: "Alle zwölf Bergleute in Darnovo gerettet", Summary: "Die Männer wurden nach fünf Tagen an die Oberfläche gebracht."}, true},
		{"Russian, the operator, the number and the event", feed.Item{Title: "Veltan Coal: двенадцать горняков живы", Summary: "Вода в шахте отступает, спасатели ведут работы."}, true},
		{"German namesake: the town in another event", feed.Item{Title: "Weinfest in Darnovo eröffnet", Summary: "Winzer aus der Region zeigen ihre Weine auf dem Festival."}, false},
		{"Russian namesake: the rescue chief's surname in sport", feed.Item{Title: "Нападающий Горин забил дважды", Summary: "Футболист принёс команде победу в матче."}, false},
	} {
		ix := NewIndex([]feed.Item{c.item}, mustBackgroundWeights())
		ms := ix.Score(d, 0)
		selected := len(ms) == 1 && !ms[0].Weak && ms[0].Score >= 0.13
		if selected != c.selected {
			t.Errorf("%s: selected %v, want %v (%+v)", c.name, selected, c.selected, ms)
		}
	}
}

// An item's event words that the article lacks count against it across
// languages: the same names with another event's words score lower.
func TestCrossLanguageEventWordsDisagree(t *testing.T) {
	d := Doc{
		Title: "Fire at Zarensk Plant Sends Ammonia Cloud Over Town",
		Body: "A fire broke out at the plant in Zarensk on Monday. Governor Pavel Mirov ordered residents to leave. " +
			"Mirov said the wind had saved the town of Zarensk.",
	}
	items := []feed.Item{
		{Title: "Губернатор Павел Миров посетил Заренск", Summary: "Он встретился с жителями."},
		{Title: "Губернатор Павел Миров открыл в Заренске фестиваль и концерт", Summary: "Он встретился с жителями."},
	}
	ix := NewIndex(items, mustBackgroundWeights())
	score := map[int]float64{}
	for _, m := range ix.Score(d, 0) {
		score[m.Item] = m.Raw
	}
	if !(score[1] < score[0]) {
		t.Errorf("festival item %.3f, plain visit %.3f: want the festival lower", score[1], score[0])
	}
}
