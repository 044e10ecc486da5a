package feed

import "strings"

// IsBidiControl reports whether r is a Unicode bidirectional formatting
// character: the embeddings and overrides U+202A–U+202E, the isolates
// U+2066–U+2069, the marks U+200E, U+200F and U+061C. In text from outside
// they are a spoofing tool (an override makes "gpj.exe" read as
// "exe.jpg", a title can reorder the line it is shown on) and feed text
// never needs them, so braid strips them like control characters.
func IsBidiControl(r rune) bool {
	switch {
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}

// StripBidi removes the bidi controls from s.
func StripBidi(s string) string {
	if strings.IndexFunc(s, IsBidiControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if IsBidiControl(r) {
			return -1
		}
		return r
	}, s)
}
