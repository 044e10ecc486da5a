package feed

import (
	"html"
	"regexp"
	"strings"
)

var tagRE = regexp.MustCompile(`(?s)<(script|style)[^>]*>.*?</(script|style)>|<[^>]*>`)

// StripHTML turns HTML into plain text (tags dropped, entities decoded).
// It lives here, beside the item model, because both fetching (titles
// from HTML) and scoring (text to tokenize) need it, and neither of them
// should import the other for it. Script and style bodies go with their
// tags: their text was never meant to be read.
func StripHTML(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	return html.UnescapeString(tagRE.ReplaceAllString(s, " "))
}
