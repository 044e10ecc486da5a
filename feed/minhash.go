package feed

import "math"

// MinHash (Broder 1997) with banding (locality-sensitive hashing) finds
// the pairs worth comparing without comparing every pair: two sets agree
// on one min-hash with probability equal to their Jaccard similarity, so
// sets that agree on a whole band of them are likely similar.
//
// 32 bands of 2 rows: a pair of Jaccard J shares each band with
// probability J², so the bands it shares follow Binomial(32, J²). A pair
// is a candidate when it shares at least two (minSharedBands): 0.9988 at
// J = 0.5 (the grouping threshold), 0.99999 at 0.6, and 0.04 at J = 0.1
// (0.37 at 0.2). Candidates are then checked with the exact Jaccard of
// their shingle sets, so a false candidate costs one merge walk and the
// decision itself has no sampling error.
const (
	minHashes = 64
	bandRows  = 2
	bands     = minHashes / bandRows
)

// signature is a set's 64 min-hashes.
type signature [minHashes]uint64

// minHashA and minHashB are the hash functions h_i(x) = a_i·x + b_i mod
// 2⁶⁴ (a_i odd, so each is a permutation of the 64-bit words; the min
// is decided by the high bits, which are the well-mixed ones). They are
// drawn from SplitMix64 with a constant seed: every run, every machine
// gets the same functions, so groups never change between runs.
var minHashA, minHashB = minHashParams(0x62726169642d6e64) // "braid-nd"

func minHashParams(seed uint64) (a, b [minHashes]uint64) {
	next := func() uint64 {
		seed += 0x9e3779b97f4a7c15
		return mix64(seed)
	}
	for i := range a {
		a[i] = next() | 1
		b[i] = next()
	}
	return a, b
}

// minHash is the signature of a shingle set. An empty set gets all
// ones, which no band lookup treats as a match (see bandKey's caller).
func minHash(set []uint64) signature {
	sig := newSignature()
	for _, x := range set {
		sig.add(x)
	}
	return sig
}

// newSignature is the signature of no shingle, to add shingles to.
func newSignature() signature {
	var sig signature
	for i := range sig {
		sig[i] = math.MaxUint64
	}
	return sig
}

// add takes shingle x into the signature.
func (s *signature) add(x uint64) {
	for i := range s {
		if v := minHashA[i]*x + minHashB[i]; v < s[i] {
			s[i] = v
		}
	}
}

// bandKey is band j of the signature as one word, with j mixed in so
// band 3 of one item never meets band 5 of another.
func (s *signature) bandKey(j int) uint64 {
	k := j * bandRows
	return mix64(s[k] ^ mix64(s[k+1]+uint64(j)))
}

// estimate is the fraction of min-hashes two signatures agree on: an
// unbiased estimate of the Jaccard similarity of their sets. Grouping
// decides on the exact value; this is here to test the hash functions.
func (s *signature) estimate(o *signature) float64 {
	n := 0
	for i := range s {
		if s[i] == o[i] {
			n++
		}
	}
	return float64(n) / minHashes
}
