package related

import (
	"strings"
	"unicode"

	"github.com/kljensen/snowball/russian"
)

// icao is the Cyrillic → Latin table of ICAO Doc 9303 (the one Russian
// passports use since 2013, and GOST R 52535.1-2006): "Навальный" is
// "Navalnyi" there, which after stemming meets the English "Navalny".
var icao = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh",
	'з': "z", 'и': "i", 'й': "i", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o",
	'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts",
	'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "ie", 'ы': "y", 'ь': "", 'э': "e", 'ю': "iu",
	'я': "ia",
	// Ukrainian and Belarusian letters, as the same standard writes them.
	'є': "ie", 'і': "i", 'ї': "i", 'ґ': "g", 'ў': "u",
	// Serbian and Macedonian letters, as Serbian Latin writes them with
	// its accents folded ("Ђорђевић" is "Djordjevic" there, "Dordevic"
	// folded).
	'ђ': "d", 'ј': "j", 'љ': "lj", 'њ': "nj", 'ћ': "c", 'џ': "dz", 'ѓ': "g", 'ќ': "k", 'ѕ': "dz",
}

// translit writes a lower-case Cyrillic word in Latin letters; other
// letters pass through.
func translit(w string) string {
	var b strings.Builder
	for _, r := range w {
		if s, ok := icao[r]; ok {
			b.WriteString(s)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// adjectival are Russian endings of the adjective-shaped surnames and
// names ("Навальный", "Навального", "Достоевский"): English spells their
// nominative with a final "y", which the English stemmer turns into "i".
var adjectival = []string{"ый", "ий", "ого", "его", "ому", "ему", "ая", "ую", "ые", "ие", "ых", "их", "ыми", "ими"}

// cyrillicNameKey is the key of a capitalized Cyrillic word: its Russian
// stem (so "Велигорске" and "Велигорском" meet "Велигорск") written in
// Latin, so it meets the Latin spelling of the same name: "Ласкаревым"
// and "Laskarev" are both "laskarev".
func cyrillicNameKey(folded string) string {
	if base, ok := surnameBase(folded); ok {
		return englishStem(translit(base))
	}
	st := russian.Stem(folded, false)
	key := translit(st)
	if strings.HasPrefix(folded, st) {
		end := folded[len(st):]
		for _, a := range adjectival {
			if end == a && !possessive(st) {
				key += "i"
				break
			}
		}
	}
	return englishStem(key)
}

// surnameBase strips the case ending of an -ov/-ev/-in surname or place
// ("Ласкаревым", "Сабурова", "Путину"): the Russian stemmer cuts the
// nominative "Ласкарев" to "ласкар" but "Ласкаревым" to "ласкарев".
func surnameBase(w string) (string, bool) {
	for _, end := range []string{"ыми", "ым", "ой", "ых", "а", "у", "е", "ы", ""} {
		base, ok := strings.CutSuffix(w, end)
		if ok && possessive(base) {
			return base, true
		}
	}
	return "", false
}

// possessive reports whether a stem ends like the -ov/-ev/-in surnames
// ("Ласкарев", "Путин"), whose "-ым" is a case ending, not an adjective.
func possessive(st string) bool {
	for _, s := range []string{"ов", "ев", "ёв", "ин", "ын"} {
		if strings.HasSuffix(st, s) {
			return true
		}
	}
	return false
}

func hasCyrillic(w string) bool {
	return strings.IndexFunc(w, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) >= 0
}
