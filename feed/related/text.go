package related

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/russian"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// term is one token of a document: a stemmed word or a whole name.
type term struct {
	key string // index key: stem, or "name:" + folded words
	// surface is how it first appeared, for explanations: as written;
	// displaySurface gives the form shown.
	surface string
	// proper: capitalized where a capital says something (not at the
	// start of a sentence), or a whole name.
	proper bool
	// sentStart: the word began a sentence. acronym: all capitals or
	// letters with digits ("BFI", "CX"), proper wherever it stands.
	sentStart, acronym bool
	// lower: written in lower case (a common word, wherever it stands).
	lower bool
	// runAtStart: a name run whose first word began a sentence ("Мэр
	// Олег Сабуров": its first capital may say nothing).
	runAtStart bool
	// number: written in digits ("12", "2,000"); foreign: a Latin-script
	// word the pivot lexicon translated ("zwölf", "Bergleute"), not
	// English whatever its key (pivot.go).
	number, foreign bool
}

// folders hold accent-folding chains: a chain keeps state between calls,
// so each goroutine that tokenizes needs its own, and making one per word
// would allocate for every accented word.
var folders = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

func fold(s string) string {
	t := folders.Get().(transform.Transformer)
	defer folders.Put(t)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return out
}

// extraStop are words that carry no story in news text but are not in
// Snowball's English list.
var extraStop = map[string]bool{
	"said": true, "says": true, "say": true, "also": true, "would": true, "could": true,
	"one": true, "two": true, "new": true, "year": true, "years": true, "according": true,
	"will": true, "may": true, "can": true, "like": true, "just": true, "many": true,
	"much": true, "first": true, "last": true, "since": true, "however": true, "still": true,
	"back": true, "make": true, "made": true, "well": true, "even": true, "week": true,
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true,
	"saturday": true, "sunday": true, "per": true, "cent": true, "percent": true,
	"article": true, "previous": true, "next": true, "news": true, "report": true, "reported": true,
	"told": true, "including": true, "include": true, "includes": true, "among": true, "another": true,
	"get": true, "got": true, "way": true, "part": true, "set": true, "time": true, "day": true,
}

func isStop(w string) bool {
	return utf8.RuneCountInString(w) < 2 || english.IsStopWord(w) || extraStop[w]
}

func stem(w string) string {
	// A word with any Cyrillic letter is Russian: a digit or a Latin
	// letter in front of it ("5-летний", "iPhone-версия") must not send
	// it to the English stemmer.
	if hasCyrillic(w) {
		return russian.Stem(w, false)
	}
	return englishStem(w)
}

func englishStem(w string) string {
	if len(w) <= 3 {
		return w
	}
	return english.Stem(w, false)
}

// wordKey is a folded word's index key: the English key of a word the
// pivot lexicon translates (pivot.go), else its stem, or for a
// capitalized Cyrillic word (a name, most likely) its transliterated
// stem, so names meet across scripts.
func wordKey(folded string, capital bool) string {
	if k, ok := pivotKey(folded); ok {
		return k // a word the lexicon translates: its English key
	}
	if capital && hasCyrillic(folded) {
		return cyrillicNameKey(folded)
	}
	return stem(folded)
}

// Key is the index key of one word ("" for a stop word): the background
// table is written in these keys.
func Key(word string) string {
	f := foldWord(word)
	if skipWord(f) {
		return ""
	}
	return stem(f)
}

// foldWord lower-cases a word, drops its apostrophes and folds accents.
// Most words are plain ASCII letters, and for them the Unicode
// normalization (which allocates) is skipped.
func foldWord(raw string) string {
	ascii := true
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c >= 0x80 || c == '\'' {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(raw)
	}
	return strings.ToLower(fold(strings.ReplaceAll(strings.ReplaceAll(raw, "'", ""), "’", "")))
}

// word is a raw word with what tokenizing needs to know about it.
type word struct {
	raw       string
	folded    string
	capital   bool
	sentStart bool // first word of a sentence: its capital says nothing
}

// splitWords cuts text into words, noting capitalization and sentence
// starts; possessive 's is dropped so "Binance’s" is "Binance".
func splitWords(text string) []word { return appendWords(make([]word, 0, len(text)/6), text) }

// appendWords is splitWords appending to out.
func appendWords(out []word, text string) []word {
	// Words are substrings of text, found by byte offsets: no rune
	// slice of the whole text and no string built per word (tokenizing
	// is most of what scoring a new item costs).
	sentStart := true
	start := -1 // byte offset where the current word began
	flush := func(end int) {
		if start < 0 {
			return
		}
		raw := text[start:end]
		start = -1
		raw = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(raw, "'s"), "’s"), "'")
		raw = strings.Trim(raw, "'’")
		if raw == "" {
			return
		}
		r0, _ := utf8.DecodeRuneInString(raw)
		out = append(out, word{
			raw:       raw,
			folded:    foldWord(raw),
			capital:   unicode.IsUpper(r0),
			sentStart: sentStart,
		})
		sentStart = false
	}
	nextIsLetter := func(i int) bool {
		r, _ := utf8.DecodeRuneInString(text[i:])
		return i < len(text) && unicode.IsLetter(r)
	}
	for i, size := 0, 0; i < len(text); i += size {
		var r rune
		r, size = utf8.DecodeRuneInString(text[i:])
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			if start < 0 {
				start = i
			}
		case (r == '\'' || r == '’') && start >= 0 && nextIsLetter(i+size):
			// inside a word: "don't", "O’Brien"
		case (r == ',' || r == '.' || r == '\u00a0' || r == '\u202f') && start >= 0 && isDigitByte(text[i-1]) && i+size < len(text) && isDigitByte(text[i+size]):
			// inside a number: "2,000", "60.000", "3.5"
		case r == '-' && start >= 0 && nextIsLetter(i+size):
			// "e-commerce", "Rosfin-linked": split, but stay in the name run.
			flush(i)
		default:
			flush(i)
			if r == '.' || r == '!' || r == '?' || r == '\n' || r == ':' || r == ';' || r == '“' || r == '"' || r == '(' || r == ')' || r == ',' {
				// punctuation breaks name runs; sentence ends also reset
				// the capital signal.
				out = append(out, word{})
				if r == '.' || r == '!' || r == '?' || r == '\n' || r == ':' {
					sentStart = true
				}
			}
		}
	}
	flush(len(text))
	return out
}

// newTokenizer returns tokenize with a key cache (news text repeats its
// words, and Snowball is the costliest step of indexing) and with reused
// buffers: the terms it returns are good until its next call. The cache
// also remembers which words are skipped (stop words, digits): one
// lookup per word instead of three.
func newTokenizer() func(string) []term {
	type cached struct {
		key  string
		skip bool
	}
	cache := map[string]cached{}
	keyCached := func(w string, capital bool) (string, bool) {
		ck := w
		if capital && hasCyrillic(w) {
			ck = "\x00" + w // a name's key differs from the word's
		}
		if c, ok := cache[ck]; ok {
			return c.key, !c.skip
		}
		c := cached{skip: skipWord(w)}
		if !c.skip {
			c.key = sharedKey(w, capital)
		}
		cache[ck] = c
		return c.key, !c.skip
	}
	// The words and terms of one text are let go by the next: the
	// vectorizer counts them at once, and allocating them afresh was a
	// sixth of a first cycle's garbage.
	var ws []word
	var ts []term
	return func(text string) []term {
		ws = appendWords(ws[:0], text)
		ts = appendTerms(ts[:0], ws, keyCached)
		return ts
	}
}

// tokenize returns the terms of text: stems of non-stop words, plus one
// name term for each run of two or more capitalized words.
func tokenize(text string) []term { return tokenizeWith(text, sharedKey) }

// keyCache keeps word keys across calls: the Snowball stemmer is most of
// the cost of tokenizing, and a cycle meets the same few thousand words
// in every item. It is bounded: past maxCachedKeys it starts over.
var keyCache = struct {
	sync.RWMutex
	m map[string]string
}{m: map[string]string{}}

const maxCachedKeys = 1 << 17

func sharedKey(w string, capital bool) string {
	ck := w
	if capital && hasCyrillic(w) {
		ck = "\x00" + w // a name's key differs from the word's
	}
	keyCache.RLock()
	k, ok := keyCache.m[ck]
	keyCache.RUnlock()
	if ok {
		return k
	}
	k = wordKey(w, capital)
	keyCache.Lock()
	if len(keyCache.m) >= maxCachedKeys {
		keyCache.m = map[string]string{}
	}
	keyCache.m[ck] = k
	keyCache.Unlock()
	return k
}

func tokenizeWith(text string, key func(string, bool) string) []term {
	ws := splitWords(text)
	keyed := func(w string, capital bool) (string, bool) {
		if skipWord(w) {
			return "", false
		}
		return key(w, capital), true
	}
	return appendTerms(make([]term, 0, len(ws)/2+1), ws, keyed) // about half of news words are stop words or marks
}

// skipWord reports whether a folded word makes no term: a stop word, or
// digits alone (numbers written as such are terms of their own kind).
func skipWord(w string) bool { return isStop(w) || isAllDigits(w) }

// appendTerms appends the terms of the words ws to out. key gives a
// folded word's key, or false for a word that makes no term.
func appendTerms(out []term, ws []word, key func(string, bool) (string, bool)) []term {
	var run []word
	var runKeys []string
	endRun := func() {
		if len(run) >= 2 {
			var surf []string
			for _, w := range run {
				surf = append(surf, w.raw)
			}
			out = append(out, term{key: "name:" + strings.Join(runKeys, " "), surface: strings.Join(surf, " "), proper: true, runAtStart: run[0].sentStart})
		}
		run, runKeys = run[:0], runKeys[:0]
	}
	for _, w := range ws {
		if w.raw == "" {
			endRun()
			continue
		}
		if isNumber(w.folded) {
			endRun()
			if k := numberKey(w.folded); k != "" {
				out = append(out, term{key: k, surface: w.raw, number: true})
			}
			continue
		}
		k, ok := key(w.folded, w.capital)
		if !ok {
			endRun()
			continue
		}
		if w.capital {
			run = append(run, w)
			runKeys = append(runKeys, k)
		} else {
			endRun()
		}
		out = append(out, term{key: k, surface: w.raw,
			proper: w.capital && !w.sentStart, sentStart: w.sentStart, acronym: isAcronym(w.raw),
			lower: !w.capital, foreign: isForeignForm(w.folded)})
	}
	endRun()
	return out
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// isNumber reports whether a word is a number in ASCII digits, maybe with
// separators inside ("2,000"): splitWords keeps those only between digits.
func isNumber(w string) bool {
	if w == "" || !isDigitByte(w[0]) {
		return false
	}
	for _, r := range w {
		if !(r >= '0' && r <= '9' || r == ',' || r == '.' || r == '\u00a0' || r == '\u202f') {
			return false
		}
	}
	return true
}

func isAllDigits(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return s != ""
}

// isCapitalized reports whether s starts with an upper-case letter.
func isCapitalized(s string) bool {
	for _, r := range strings.TrimSpace(s) {
		return unicode.IsUpper(r)
	}
	return false
}

// isAcronym reports whether a word is written in capitals (at least two
// letters, none lower-case), like "BFI" or "QRV".
func isAcronym(w string) bool {
	letters := 0
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 2
}
