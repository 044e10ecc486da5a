package feed

import (
	"math/bits"
	"slices"
	"unicode"
	"unicode/utf8"
)

// shingleWords is how many consecutive words make one shingle. Three is
// the usual choice for short news text: long enough that two stories
// written from one template ("X won the Y cup on Sunday") share few
// shingles, short enough that an added dateline or a cut sentence only
// touches the shingles at its edges.
const shingleWords = 3

// FNV-1a 64 constants: a fixed, seedless hash keeps fingerprints the
// same on every run and every machine.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// mix64 is the SplitMix64 finalizer: it spreads FNV's weak low bits over
// the whole word, which both min-hashing and band keys rely on.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// wordHashes appends one hash per word of s to dst. A word is a run of
// letters and digits, lowercased; everything else separates words, so
// punctuation and spacing never tell two copies apart.
func wordHashes(dst []uint64, s string) []uint64 {
	h := uint64(fnvOffset)
	in := false
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		if r = wordRune(r); r >= 0 {
			h = (h ^ uint64(r)) * fnvPrime
			in = true
			continue
		}
		if in {
			dst = append(dst, mix64(h))
			h, in = fnvOffset, false
		}
	}
	if in {
		dst = append(dst, mix64(h))
	}
	return dst
}

// wordRune is r lowercased when it belongs to a word, -1 when it
// separates words. ASCII, most of any pool, skips the Unicode tables.
func wordRune(r rune) rune {
	switch {
	case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
		return r
	case 'A' <= r && r <= 'Z':
		return r + ('a' - 'A')
	case r < utf8.RuneSelf:
		return -1
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		return unicode.ToLower(r)
	}
	return -1
}

// shingles appends the set of word 3-shingles of words to dst: sorted,
// without repeats, so two sets compare in one merge walk.
func shingles(dst, words []uint64) []uint64 {
	start := len(dst)
	for i := 0; i+shingleWords <= len(words); i++ {
		dst = append(dst, shingleHash(words[i:]))
	}
	set := dst[start:]
	slices.Sort(set)
	set = slices.Compact(set)
	return dst[:start+len(set)]
}

// shingleHash is the shingle of the first shingleWords words of w.
// Rotations make the hash depend on word order ("a b c" is not "c b a");
// the final mix keeps it uniform for min-hashing.
func shingleHash(w []uint64) uint64 {
	return mix64(w[0] ^ bits.RotateLeft64(w[1], 21) ^ bits.RotateLeft64(w[2], 42))
}

// jaccard is |a ∩ b| / |a ∪ b| of two sorted sets; two empty sets are
// not similar (there is nothing to compare).
func jaccard(a, b []uint64) float64 {
	inter := 0
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	union := len(a) + len(b) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}
