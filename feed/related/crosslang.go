package related

import "strings"

// Cross-language pairs.
//
// An item written in another language than the article (a Russian item
// about an English article's story) can share with it only the words
// that cross languages: names and proper nouns (Cyrillic ones meet their
// Latin spelling through transliteration) and acronyms. Its other words
// can never be in the article, and the article's ordinary words can
// never be in the item, so a plain cosine of such a pair is made small
// by words neither side could have shared ("Мэр Олег Сабуров попросил
// помощи у армии" against an English article scores 0.08 while naming
// two of the story's names and its town).
//
// For a pair whose languages differ, the cosine is taken over the
// vocabulary that could cross between them: on the article's side its
// anchors (the names and proper nouns of the story) plus any other term
// the item shares; on the item's side the words it surely writes as
// names (capitalized mid-sentence, acronyms, runs of capitalized words
// not at the start of a sentence) and its numbers and pivot-lexicon
// words (pivot.go: "двенадцать горняков" is "twelve miners" there), plus
// any other term the article shares. Numbers and event words are what
// lets a German item naming only the town ("zwölf Bergleute …
// gerettet") pass the evidence rules; an item's event words the article
// lacks ("фестиваль") lower its score. A word whose capital says nothing (the first word of a
// sentence, or any capitalized word in a language that capitalizes its
// nouns) is a name only if the article has it. The evidence rules (two
// informative terms, anchors) are the same as for any pair, so a Russian
// item about a footballer who shares the story's surname, or about the
// same town in another event, is still rejected. Like every score, this
// one depends only on the article, the item and the weights.

// lang is the language class of a text, as far as relatedness needs it:
// which of its words another text could share.
type lang uint8

const (
	langEnglish    lang = iota // Latin script, words the background knows
	langOtherLatin             // Latin script, mostly words it does not: German, Serbian Latin…
	langCyrillic               // Cyrillic script: Russian, Ukrainian, Serbian…
	numLangs
)

// Occurrence flags of a term in one text, or-ed over its occurrences.
const (
	occName    uint8 = 1 << iota // capitalized mid-sentence, an acronym, or a name run not at a sentence start
	occLower                     // written in lower case
	occCyr                       // written in Cyrillic
	occRun                       // a run of capitalized words
	occAcronym                   // written in capitals ("BFI")
	occPivot                     // a number or a word of the pivot lexicon: it crosses languages (pivot.go)
	occForeign                   // a Latin-script word the lexicon translated: not English
	occNumber                    // written in digits: no language
)

// occFlags are the flags of one occurrence.
func occFlags(t *term) uint8 {
	var f uint8
	if t.number {
		return occPivot | occNumber
	}
	if strings.HasPrefix(t.key, "name:") {
		f |= occRun
		if !t.runAtStart {
			f |= occName
		}
	} else if t.proper || t.acronym {
		f |= occName
	}
	if t.acronym {
		f |= occAcronym
	}
	if t.lower {
		f |= occLower
	}
	if t.foreign {
		f |= occForeign
	}
	if f&occRun == 0 && crossesAsWord(t.key) {
		f |= occPivot
	}
	if len(t.surface) > 0 && t.surface[0] >= 0x80 && hasCyrillic(t.surface) {
		f |= occCyr
	}
	return f
}

// langCounter tells a text's language from its distinct terms: Cyrillic
// when most of its words are; else English unless at least two of its
// lower-case words, and a third of them, are unknown to the English
// background (German "bittet", "tagelangem", "gegen").
type langCounter struct{ cyr, latin, en, other int }

func (c *langCounter) add(fl uint8, english bool) {
	if fl&(occRun|occNumber) != 0 {
		return // a run's words are counted one by one; digits are no language
	}
	if fl&occCyr != 0 {
		c.cyr++
		return
	}
	c.latin++
	if fl&occLower == 0 {
		return
	}
	if english && fl&occForeign == 0 {
		c.en++
	} else {
		c.other++
	}
}

func (c *langCounter) lang() lang {
	switch {
	case c.cyr > c.latin:
		return langCyrillic
	case c.other >= 2 && 2*c.other > c.en:
		return langOtherLatin
	}
	return langEnglish
}

// surelyName reports whether a term of a text in language l surely
// crosses languages, so that it counts in the text's cross-language norm
// even when the other text lacks it: a name, or a number or word of the
// pivot lexicon (pivot.go), which the other text would have written
// under the same key had it told the same event. Where nouns are
// capitalized (German) or the language is unknown, only acronyms and
// runs are sure names; in English and the Cyrillic languages, a capital
// mid-sentence is a name.
func surelyName(fl uint8, l lang) bool {
	if fl&occPivot != 0 {
		return true
	}
	if l == langOtherLatin {
		return fl&occAcronym != 0
	}
	return fl&occName != 0
}

// occurrences are a term's weighted count in one item and its flags.
type occurrences struct {
	tf    float64
	flags uint8
}

// entry is one term of one item, as NewIndex collects them.
type entry struct {
	ti    *termInfo
	tf    float32 // exact: sums of the small whole field weights
	flags uint8
}

// crossIndex is what the index keeps per item for cross-language pairs.
type crossIndex struct {
	lang  []lang
	port2 []float64 // squared norm over the terms surely names
	count [numLangs]int
}

func (c *crossIndex) init(n int) {
	c.lang = make([]lang, n)
	c.port2 = make([]float64, n)
}

func (c *crossIndex) set(doc int, l lang, port2 float64) {
	c.lang[doc], c.port2[doc] = l, port2
	c.count[l]++
}

// others reports whether any item is in another language than l.
func (c *crossIndex) others(l lang) bool { return c.count[l] < len(c.lang) }

// entriesLang is the language of an item from its terms.
func entriesLang(doc []entry) lang {
	var c langCounter
	for _, e := range doc {
		c.add(e.flags, e.ti.english)
	}
	return c.lang()
}

// countLang counts one word of an article towards its language (every
// occurrence: an article is long enough).
func (w *Weights) countLang(c *langCounter, t *term) {
	fl := occFlags(t)
	c.add(fl, fl&(occLower|occCyr) == occLower && w.bg.knows(t.key))
}

// minKnownCount: a word the background counts this often is English
// enough to tell an English text from a German one; rarer ones are
// often foreign words in the subtitles.
const minKnownCount = 5

// knows reports whether the background holds the key as an English
// word at all (any case).
func (b *Background) knows(key string) bool {
	c, ok := b.terms[key]
	return ok && c.count >= minKnownCount
}
