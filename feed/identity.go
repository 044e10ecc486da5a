package feed

import (
	"crypto/sha256"
	"encoding/binary"
	"net/url"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// fold removes accents: NFD, drop combining marks, NFC again.
func fold(s string) string {
	if isASCII(s) {
		// Nothing to fold, and the transform chain allocates tens of
		// kilobytes per call: dedupe folds every title of the pool.
		return s
	}
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Slug turns a title into a URL path segment: lowercase, apostrophes
// dropped (so "Honda’s" is "hondas", not "honda-s"), accents folded, and
// every other run of non-alphanumerics one "-".
func Slug(title string) string {
	s := strings.ToLower(fold(title))
	var b strings.Builder
	dash := false
	for _, r := range s {
		switch {
		case r == '\'' || r == '’' || r == 'ʼ' || r == '‘':
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	return b.String()
}

// NormalizeTitle is the dedupe key for titles: case, accents, punctuation
// and spacing do not make two titles different.
func NormalizeTitle(title string) string {
	s := strings.ToLower(fold(title))
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// trackingParams are query parameters that identify a campaign or a click,
// not a document; links differing only in them point at the same item.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "msclkid": true, "mc_cid": true,
	"mc_eid": true, "igshid": true, "yclid": true, "_hsenc": true, "_hsmi": true,
	"ref_src": true, "ncid": true, "cmpid": true,
}

// NormalizeLink is the dedupe key for links: scheme and host case, default
// ports, fragments, trailing slashes and tracking parameters (utm_* and the
// usual click ids) do not make two links different. A string that is not
// an absolute URL is returned trimmed.
func NormalizeLink(link string) string {
	link = strings.TrimSpace(link)
	u, err := url.Parse(link)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return link
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme == "https" {
		// http and https versions of one page are one page.
		u.Scheme = "http"
	}
	host := strings.ToLower(u.Hostname())
	host = strings.TrimPrefix(host, "www.")
	if p := u.Port(); p != "" && p != "80" && p != "443" {
		host += ":" + p
	}
	u.Host = host
	u.Fragment = ""
	u.RawFragment = ""
	u.User = nil
	q := u.Query()
	for k := range q {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "utm_") || trackingParams[lk] {
			q.Del(k)
		}
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var qs []string
	for _, k := range keys {
		vals := q[k]
		sort.Strings(vals)
		for _, v := range vals {
			qs = append(qs, url.QueryEscape(k)+"="+url.QueryEscape(v))
		}
	}
	u.RawQuery = strings.Join(qs, "&")
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u.String()
}

// KeysVersion names how Keys normalizes links and titles. Key hashes
// kept from an earlier cycle (SetKeyHashes) are used only when made by
// the same version: bump it with any change to NormalizeLink,
// NormalizeTitle or Keys.
const KeysVersion = 1

// Keys are the dedupe keys of an item, strongest first: GUID, normalized
// link, normalized title. Empty keys are left out.
func (it *Item) Keys() []string {
	var keys []string
	if it.GUID != "" {
		keys = append(keys, "guid:"+it.GUID)
	}
	if l := NormalizeLink(it.Link); l != "" {
		keys = append(keys, "link:"+l)
	}
	if t := NormalizeTitle(it.Title); t != "" {
		keys = append(keys, "title:"+t)
	}
	return keys
}

// KeyHashes are the item's Keys as numbers, in the same order: the first
// eight bytes of each key's SHA-256 with its kind (keyGUID, keyLink,
// keyTitle) in the two low bits. Dedupe compares these: a state keeps
// them with each item (SetKeyHashes), so a cycle neither normalizes every
// kept title and link again (a tenth of a cycle with one change) nor
// holds their strings (25 MB at 100,000 items). A cryptographic hash, as
// items come from outside: making a feed's key collide with another's,
// to have it dropped as a duplicate, takes a 64-bit second preimage.
func (it *Item) KeyHashes() []uint64 {
	if it.keyHashes != nil {
		return slices.Clip(it.keyHashes) // a caller's append must not write into the cache
	}
	keys := it.Keys()
	out := make([]uint64, len(keys))
	for i, k := range keys {
		out[i] = keyHash(k)
	}
	return out
}

// The kinds of dedupe key, in the low bits of a KeyHash.
const (
	keyGUID  = 1
	keyLink  = 2
	keyTitle = 3
)

// keyHash is one of Keys as KeyHashes gives it.
func keyHash(key string) uint64 {
	kind := uint64(keyTitle)
	switch {
	case strings.HasPrefix(key, "guid:"):
		kind = keyGUID
	case strings.HasPrefix(key, "link:"):
		kind = keyLink
	}
	sum := sha256.Sum256([]byte(key))
	return binary.BigEndian.Uint64(sum[:8])&^3 | kind
}

// keyKind names the kind of key a KeyHash is of.
func keyKind(h uint64) string {
	switch h & 3 {
	case keyGUID:
		return "guid"
	case keyLink:
		return "link"
	}
	return "title"
}

// SetKeyHashes gives the item the KeyHashes computed for it when it was
// kept. The caller vouches that they were made by this KeysVersion from
// the item's GUID, link and title as they are now.
func (it *Item) SetKeyHashes(h []uint64) {
	if h == nil {
		h = []uint64{}
	}
	it.keyHashes = h
}
