package related

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kljensen/snowball/russian"
)

// Words that cross languages besides names: numbers and a small
// bilingual lexicon of news-event words, each written under the key of
// its English word (its pivot), so "шахта", "рудник" and "Bergwerk" meet
// the English "mine", and "zwölf", "двенадцать" and "12" meet "twelve".
//
// A pivot word weighs what its English word weighs in the background:
// "twelve" and "rescue" are moderately rare, "water" less so, and the
// numbers one and two are stop words. Across languages, an item's pivot
// words are part of what it can share with the article (crosslang.go):
// an item about a festival that names the story's governor has
// "festival" in its cross-language norm, which the article does not
// share, and scores lower than one whose event words are the story's.
//
// The lexicon was written by hand for braid from general dictionary
// translations (no corpus sentences): the words of accidents, disasters,
// rescue, courts and inquiries, markets, and a few of sport and culture
// (the usual namesake stories), in Russian, Ukrainian and Serbian
// (Cyrillic, matched by their Russian Snowball stem, as the tokenizer
// stems them) and in German and Serbian Latin (matched as whole folded
// words: braid has no German stemmer, so German compounds like
// "Kohlegrube" are not matched). A Latin-script form that is also an
// English word ("Brand", "Tote", "pet", "Oper", "sud", "tri") is left out: it would turn the
// English word into another (TestPivotLatinFormsAreNotEnglish).

// pivotLexicon maps an English word to its translations. Cyrillic forms
// are stemmed; Latin forms must match whole (list the inflections).
var pivotLexicon = map[string][]string{
	// accidents and disasters
	"mine":       {"шахта", "шахты", "шахте", "шахту", "шахті", "рудник", "рудника", "руднике", "копальня", "копальні", "руднику", "Bergwerk", "Bergwerks", "Grube", "Zeche", "rudnik", "rudniku", "rudnika"},
	"miner":      {"шахтёр", "шахтёры", "шахтёров", "горняк", "горняки", "горняков", "шахтар", "шахтарі", "шахтарів", "гірник", "гірники", "гірників", "рудар", "рудари", "рудара", "рударима", "Bergmann", "Bergleute", "Bergleuten", "Bergarbeiter", "Bergarbeitern", "rudar", "rudari", "rudara", "rudarima"},
	"flood":      {"затопление", "затоплены", "затопленных", "затопило", "наводнение", "паводок", "затоплення", "затоплені", "затоплених", "повінь", "поплава", "поплаве", "поплављен", "поплављено", "Überschwemmung", "Hochwasser", "überflutet", "geflutet", "poplava", "poplave", "poplavljen"},
	"water":      {"вода", "воды", "воду", "водой", "водою", "Wasser", "voda", "vode", "vodu"},
	"rescue":     {"спасение", "спасатели", "спасателей", "спасли", "спасены", "рятувальники", "рятувальників", "рятування", "врятували", "спасиоци", "спасилаца", "спасавање", "спасени", "Rettung", "gerettet", "retten", "Retter", "spasioci", "spasavanje", "spaseni"},
	"trapped":    {"заблокированы", "заблокированных", "заблоковані", "заблоковано", "заробљени", "заробљено", "eingeschlossen", "verschüttet", "zarobljeni", "zarobljeno"},
	"collapse":   {"обрушение", "обрушилась", "обвал", "обвалення", "урушавање", "урушио", "Einsturz", "eingestürzt", "urušavanje"},
	"explosion":  {"взрыв", "взрыва", "вибух", "вибуху", "експлозија", "експлозије", "eksplozija"},
	"fire":       {"пожар", "пожара", "пожаре", "пожежа", "пожежі", "пожару", "Feuer", "požar", "požara"},
	"killed":     {"погибли", "погиб", "погибших", "загинули", "загинув", "загиблих", "погинули", "погинуо", "getötet", "poginuli", "poginuo"},
	"injured":    {"пострадавшие", "пострадавших", "ранены", "постраждалі", "постраждалих", "поранені", "повређени", "повређених", "Verletzte", "verletzt", "povređeni"},
	"hospital":   {"больница", "больнице", "больницу", "лікарня", "лікарні", "болница", "болници", "Krankenhaus", "Klinik", "bolnica", "bolnici"},
	"evacuated":  {"эвакуированы", "эвакуация", "эвакуировали", "евакуйовано", "евакуація", "евакуйовані", "евакуисано", "евакуација", "evakuiert", "Evakuierung", "evakuisano", "evakuacija"},
	"residents":  {"жители", "жителей", "мешканці", "мешканців", "становници", "становника", "Anwohner", "Einwohner", "stanovnici", "stanovnika"},
	"plant":      {"завод", "заводе", "завода", "фабрика", "фабрици", "Werk", "Werks", "Fabrik", "fabrika", "fabrici"},
	"workers":    {"рабочие", "рабочих", "робітники", "робітників", "радници", "радника", "Arbeiter", "radnici", "radnika"},
	"ammonia":    {"аммиак", "аммиака", "аміак", "аміаку", "амонијак", "Ammoniak", "amonijak"},
	"leak":       {"утечка", "утечки", "витік", "витоку", "цурење", "Leck", "curenje"},
	"accident":   {"авария", "аварии", "аварія", "аварії", "несрећа", "несреће", "Unglück", "Unfall", "nesreća"},
	"earthquake": {"землетрясение", "землетрус", "земљотрес", "Erdbeben", "zemljotres"},
	"landslide":  {"оползень", "оползня", "зсув", "клизиште", "Erdrutsch", "klizište"},
	"dam":        {"плотина", "плотины", "дамба", "гребля", "брана", "бране", "Staudamm", "brana"},
	"victims":    {"жертвы", "жертв", "жертви", "жртве", "жртава", "Opfer", "žrtve"},
	// inquiries, courts, politics, markets
	"prosecutor":    {"прокурор", "прокуратура", "прокуратуры", "прокуратури", "тужилац", "тужилаштво", "Staatsanwalt", "Staatsanwaltschaft", "tužilac", "tužilaštvo"},
	"investigation": {"расследование", "расследования", "розслідування", "истрага", "истраге", "Ermittlung", "Ermittlungen", "Untersuchung", "istraga"},
	"court":         {"суд", "суда", "суде", "Gericht"},
	"police":        {"полиция", "полиции", "поліція", "поліції", "полиција", "полиције", "Polizei", "policija"},
	"arrested":      {"арестован", "задержан", "задержаны", "заарештований", "затримано", "ухапшен", "ухапшени", "festgenommen", "verhaftet", "uhapšen"},
	"director":      {"директор", "директора", "директором", "Direktor", "direktor"},
	"governor":      {"губернатор", "губернатора", "гувернер", "Gouverneur", "guverner"},
	"compensation":  {"компенсация", "компенсации", "компенсації", "обештећење", "Entschädigung", "obeštećenje"},
	"safety":        {"безопасность", "безопасности", "безпека", "безпеки", "безбедност", "Sicherheit", "bezbednost"},
	"inspection":    {"проверка", "инспекция", "перевірка", "інспекція", "инспекција", "Inspektion", "inspekcija"},
	"election":      {"выборы", "выборов", "вибори", "виборів", "избори", "избора", "Wahl", "Wahlen", "izbori"},
	"shares":        {"акции", "акций", "акції", "акцій", "акције", "Aktie", "Aktien", "akcije"},
	"prices":        {"цены", "цен", "ціни", "цін", "цене", "Preise", "cene"},
	"strike":        {"забастовка", "забастовки", "страйк", "штрајк", "Streik", "štrajk"},
	// the usual namesake stories: sport and culture
	"festival":   {"фестиваль", "фестиваля", "фестивал", "фестивалу", "festivalu"},
	"concert":    {"концерт", "концерта", "Konzert", "koncert"},
	"football":   {"футбол", "футболист", "футболіст", "фудбал", "фудбалер", "Fußball", "fudbal"},
	"tennis":     {"теннис", "теннисист", "теніс", "тенісист", "тенис", "тенисер", "teniser"},
	"opera":      {"опера", "оперы", "опери", "Staatsoper"},
	"exhibition": {"выставка", "выставки", "виставка", "изложба", "Ausstellung", "izložba"},
}

// numberWords are the numbers three to twenty (one and two are too
// common to tell stories apart) in the lexicon's languages, whole
// folded forms.
var numberWords = [...][]string{
	3:  {"three", "три", "трое", "троих", "трёх", "троє", "трьох", "drei"},
	4:  {"four", "четыре", "четырёх", "четверо", "чотири", "чотирьох", "четворо", "четири", "vier", "četiri"},
	5:  {"five", "пять", "пяти", "пятеро", "пятьох", "пет", "петоро", "fünf"},
	6:  {"six", "шесть", "шести", "шестеро", "шість", "шістьох", "шест", "sechs", "šest"},
	7:  {"seven", "семь", "семи", "семеро", "сім", "семеро", "седам", "sieben", "sedam"},
	8:  {"eight", "восемь", "восьми", "восьмеро", "вісім", "осам", "acht", "osam"},
	9:  {"nine", "девять", "девяти", "девятеро", "девять", "девет", "neun", "devet"},
	10: {"ten", "десять", "десяти", "десятеро", "десет", "zehn", "deset"},
	11: {"eleven", "одиннадцать", "одиннадцати", "одинадцять", "одинадцяти", "једанаест", "jedanaest"},
	12: {"twelve", "двенадцать", "двенадцати", "дванадцять", "дванадцяти", "дванаест", "zwölf", "dvanaest"},
	13: {"thirteen", "тринадцать", "тринадцати", "тринадцять", "тринаест", "dreizehn", "trinaest"},
	14: {"fourteen", "четырнадцать", "четырнадцати", "чотирнадцять", "четрнаест", "vierzehn", "četrnaest"},
	15: {"fifteen", "пятнадцать", "пятнадцати", "пятнадцять", "петнаест", "fünfzehn", "petnaest"},
	16: {"sixteen", "шестнадцать", "шестнадцати", "шістнадцять", "шеснаест", "sechzehn", "šesnaest"},
	17: {"seventeen", "семнадцать", "семнадцати", "сімнадцять", "седамнаест", "siebzehn", "sedamnaest"},
	18: {"eighteen", "восемнадцать", "восемнадцати", "вісімнадцять", "осамнаест", "achtzehn", "osamnaest"},
	19: {"nineteen", "девятнадцать", "девятнадцати", "девятнадцять", "деветнаест", "neunzehn", "devetnaest"},
	20: {"twenty", "двадцать", "двадцати", "двадцять", "двадесет", "zwanzig", "dvadeset"},
}

// pivots is the lexicon as the tokenizer looks it up.
type pivots struct {
	cyrStem map[string]string // Russian stem of a Cyrillic form → English key
	exact   map[string]string // folded whole word (Latin forms, number words) → English key
	keys    map[string]bool   // every English key: these words cross languages
	digits  [len(numberWords)]string
}

var pivot = buildPivots()

func buildPivots() *pivots {
	p := &pivots{cyrStem: map[string]string{}, exact: map[string]string{}, keys: map[string]bool{}}
	for en, forms := range pivotLexicon {
		key := englishStem(en)
		p.keys[key] = true
		for _, f := range forms {
			f = foldWord(f)
			if hasCyrillic(f) {
				p.cyrStem[russian.Stem(f, false)] = key
			} else {
				p.exact[f] = key
			}
		}
	}
	for n, forms := range numberWords {
		if len(forms) == 0 {
			continue
		}
		key := englishStem(forms[0])
		p.keys[key] = true
		p.digits[n] = key
		for _, f := range forms[1:] {
			p.exact[foldWord(f)] = key
		}
	}
	return p
}

// pivotKey is the English key of a folded word the lexicon translates,
// and whether it translates it. English words are not looked up: they
// are their own pivot.
func pivotKey(folded string) (string, bool) {
	if k, ok := pivot.exact[folded]; ok {
		return k, true
	}
	if hasCyrillic(folded) {
		k, ok := pivot.cyrStem[russian.Stem(folded, false)]
		return k, ok
	}
	return "", false
}

// isForeignForm reports whether a folded Latin-script word is one the
// lexicon translates: a German or Serbian word, whatever its key.
func isForeignForm(folded string) bool {
	_, ok := pivot.exact[folded]
	return ok && !hasCyrillic(folded)
}

// crossesAsWord reports whether a key is a pivot: an English word of the
// lexicon, a number, whichever language it was written in.
func crossesAsWord(key string) bool {
	return pivot.keys[key] || isNumberKey(key)
}

// numberPrefix marks the key of a number written in digits that has no
// English word in the lexicon ("640", "2,000"): "#640".
const numberPrefix = "#"

func isNumberKey(key string) bool { return strings.HasPrefix(key, numberPrefix) }

// numberKey is the key of a word written in digits, "" when it says
// nothing: 0–2 (too common), and a four-digit year written without
// separators (1800–2199), which every item of its year shares. 3–20 are
// the English number word ("12" is "twelve"); larger numbers are "#"
// and their digits with separators dropped ("2,000" and "2.000" are
// "#2000"; a decimal "3.5" is "#3.5").
func numberKey(w string) string {
	digits := strings.Map(func(r rune) rune {
		if r == ',' || r == '.' || r == '\u00a0' || r == '\u202f' {
			return -1
		}
		return r
	}, w)
	if !isAllDigits(digits) || !isASCIIDigits(digits) {
		return ""
	}
	grouped := digits != w && isThousandsGrouped(w)
	if !grouped && digits != w {
		// a decimal: keep its point, as written
		return numberPrefix + strings.ReplaceAll(w, ",", ".")
	}
	if digits[0] == '0' {
		return "" // "007", "000": a code, or a thousands group cut off
	}
	n, err := strconv.Atoi(digits)
	if err != nil {
		return numberPrefix + digits // too long for an int: still a number
	}
	switch {
	case n < len(numberWords):
		return pivot.digits[n] // "" for 0–2
	case !grouped && len(digits) == 4 && n >= 1800 && n < 2200:
		return "" // a year
	}
	return numberPrefix + digits
}

// isThousandsGrouped reports whether w is digits in groups of three after
// the first, split by one kind of separator ("2,000", "60.000",
// "1 250 000" with no-break spaces).
func isThousandsGrouped(w string) bool {
	var sep rune
	groups := 0
	run := 0
	for _, r := range w {
		if r >= '0' && r <= '9' {
			run++
			continue
		}
		if sep == 0 {
			sep = r
		} else if r != sep {
			return false
		}
		if (groups == 0 && (run == 0 || run > 3)) || (groups > 0 && run != 3) {
			return false
		}
		groups++
		run = 0
	}
	return groups > 0 && run == 3
}

func isASCIIDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != "" && utf8.ValidString(s)
}
