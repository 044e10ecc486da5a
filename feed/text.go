package feed

import (
	"html"
	"strings"
)

// StripHTML turns HTML into plain text (tags dropped, entities decoded).
// It lives here, beside the item model, because both fetching (titles
// from HTML) and scoring (text to tokenize) need it, and neither of them
// should import the other for it. Script and style bodies go with their
// tags: their text was never meant to be read.
//
// Each tag becomes one space. The cut is the regular expression
//
//	(?s)<(script|style)[^>]*>.*?</(script|style)>|<[^>]*>
//
// replaced by " ", found by a scan instead: a first cycle strips every
// item's text two or three times, and the expression was a fortieth of
// its CPU and a twentieth of its garbage. FuzzStripHTML holds the scan
// to the expression.
func StripHTML(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	return html.UnescapeString(stripTags(s))
}

// stripTags replaces each match of the expression above with a space.
// Both alternatives need a '>' after the '<': without one nothing more
// matches. The next closing tag is remembered while it lies ahead, so
// text with many unclosed <script> is still cut in one pass.
func stripTags(s string) string {
	i := strings.IndexByte(s, '<')
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	closeAt, closeEnd := -2, 0 // -2: not looked for yet; -1: none ahead
	last := 0                  // s[last:] is not yet written
	for i >= 0 {
		gt := indexFrom(s, i, ">")
		if gt < 0 {
			break
		}
		end := gt + 1 // <[^>]*>, unless a script or style body goes too
		if rest := s[i+1:]; strings.HasPrefix(rest, "script") || strings.HasPrefix(rest, "style") {
			if closeAt < gt+1 && closeAt != -1 {
				closeAt, closeEnd = nextClose(s, gt+1)
			}
			if closeAt >= 0 {
				end = closeEnd
			}
		}
		b.WriteString(s[last:i])
		b.WriteByte(' ')
		last = end
		i = indexFrom(s, end, "<")
	}
	b.WriteString(s[last:])
	return b.String()
}

// indexFrom is the index in s of the first sep at or after from, or -1.
func indexFrom(s string, from int, sep string) int {
	if from > len(s) {
		return -1
	}
	if j := strings.Index(s[from:], sep); j >= 0 {
		return from + j
	}
	return -1
}

// nextClose finds the first "</script>" or "</style>" at or after from:
// where it starts and where it ends, or -1.
func nextClose(s string, from int) (at, end int) {
	at, end = -1, 0
	for _, c := range []string{"</script>", "</style>"} {
		if j := indexFrom(s, from, c); j >= 0 && (at < 0 || j < at) {
			at, end = j, j+len(c)
		}
	}
	return at, end
}
