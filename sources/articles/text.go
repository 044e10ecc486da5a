package articles

import (
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Plain-text exports look like this (one paragraph a line, or paragraphs
// separated by blank lines):
//
//	Title of the article
//	Credit by Some Outlet
//
//	First paragraph…
//
//	A Section Heading
//
//	Paragraph…
//
//	Previous articleTitle of the previous article
//	Next articleTitle of the next article
//
//	Please enter your comment!
//	Please enter your name here
//
// The first line that is not page chrome is the title. The body ends at
// the first "Previous article"/"Next article" line: what follows in an
// export is the rest of the web page (comment form, related links), and
// none of it is republished.

// ParseText parses a plain-text export. The first line is the title, a
// "Credit by X" (or "Credit: X") line the credit, a short line that does
// not end like a sentence and is followed by a paragraph a section
// heading, and "Previous article…"/"Next article…" lines the neighbours;
// comment-form and link-list lines are dropped wherever they are. CRLF
// and a byte order mark are tolerated; the encoding is detected (see
// decodeSource) and recorded in Encoding. It fails when the file is not
// text or has no title or no body.
func ParseText(path string, data []byte) (Article, error) {
	src, enc, err := decodeSource(path, data)
	if err != nil {
		return Article{}, err
	}
	raw := strings.Split(cleanSource(src), "\n")
	lines := make([]string, len(raw))
	for i, l := range raw {
		lines[i] = strings.TrimSpace(l)
	}
	a := Article{Path: path, Format: FormatText, Encoding: enc}
	if enc != "" {
		a.Notes = append(a.Notes, note(path, 0, "", "not UTF-8: read as %s", enc))
	}
	titleAt, err := textTitle(path, lines, &a)
	if err != nil {
		return Article{}, err
	}
	end := textNeighbours(lines, titleAt, &a)
	paras := paragraphs(textBody(lines[titleAt+1:end], &a))
	if len(paras) == 0 {
		return Article{}, invalid(path, titleAt+1, "no body after the title %q", a.Title)
	}
	textHTML(paras, &a)
	if a.Slug, err = slugFromPath(path); err != nil {
		return Article{}, err
	}
	return a, nil
}

// textTitle finds the title: the first line that is not page chrome.
func textTitle(path string, lines []string, a *Article) (int, error) {
	titleAt := -1
	for i, l := range lines {
		if l != "" && !isBoilerplate(l) {
			titleAt = i
			break
		}
	}
	if titleAt < 0 {
		return 0, invalid(path, 1, "no title: the file has no text")
	}
	a.Title = collapseSpace(lines[titleAt])
	if n := utf8.RuneCountInString(a.Title); n > maxTitle {
		return 0, invalid(path, titleAt+1, "no title: the first line has %d characters, too long for a title", n)
	}
	return titleAt, nil
}

// textNeighbours reads the "Previous article…"/"Next article…" lines after
// the title and returns where the page chrome starts: at the first of them.
func textNeighbours(lines []string, titleAt int, a *Article) (end int) {
	end = len(lines)
	for i := titleAt + 1; i < len(lines); i++ {
		kind, title, ok := neighbourLine(lines[i])
		if !ok {
			continue
		}
		if end == len(lines) {
			end = i
		}
		at := i + 1
		if title == "" {
			// "Previous article" alone: the title is on the next line.
			title, i = titleBelow(lines, i)
		}
		switch {
		case kind == "previous" && a.Previous == "" && title != "":
			a.Previous, a.PreviousLine = title, at
		case kind == "next" && a.Next == "" && title != "":
			a.Next, a.NextLine = title, at
		}
	}
	return end
}

// titleBelow is the neighbour title on the first non-empty line after
// line i, and the index of that line (i when there is none).
func titleBelow(lines []string, i int) (string, int) {
	for j := i + 1; j < len(lines); j++ {
		if lines[j] == "" {
			continue
		}
		if _, _, marker := neighbourLine(lines[j]); !marker && !isBoilerplate(lines[j]) && utf8.RuneCountInString(lines[j]) <= maxTitle {
			return collapseSpace(lines[j]), j
		}
		break
	}
	return "", i
}

// textBody is the lines between title and chrome, with the credit read
// and both it and chrome turned into blank lines, so they never glue two
// paragraphs together.
func textBody(lines []string, a *Article) []string {
	body := make([]string, 0, len(lines))
	for _, l := range lines {
		if c, ok := creditLine(l); ok {
			if a.Credit == "" {
				a.Credit = c
			}
			l = ""
		}
		if isBoilerplate(l) {
			l = ""
		}
		body = append(body, l)
	}
	return body
}

// textHTML turns paragraphs into the article's HTML, text, headings and
// summary: a heading-like paragraph followed by a real one is a heading.
func textHTML(paras []string, a *Article) {
	heading := make([]bool, len(paras))
	for i := len(paras) - 2; i >= 0; i-- {
		heading[i] = headingLike(paras[i]) && !heading[i+1]
	}
	var h strings.Builder
	for i, p := range paras {
		if i > 0 {
			h.WriteByte('\n')
		}
		if heading[i] {
			a.Headings = append(a.Headings, p)
			h.WriteString("<h2>" + html.EscapeString(p) + "</h2>")
			continue
		}
		if a.Summary == "" {
			a.Summary = summarize(p)
		}
		h.WriteString("<p>" + html.EscapeString(p) + "</p>")
	}
	a.HTML = h.String()
	a.Text = strings.Join(paras, "\n\n")
}

// maxTitle is the longest line, in runes, taken for a title.
const maxTitle = 300

// wrapWidth is the longest line of text wrapped by hand.
const wrapWidth = 100

// paragraphs groups body lines into paragraphs. Web exports put each
// paragraph on one (long) line, with or without blank lines between; text
// wrapped by hand has short lines, blank lines between paragraphs and
// lines that stop mid-sentence. Only text that looks wrapped (every line
// short, most lines followed by another in the same block ending
// mid-sentence) has its blocks joined; otherwise every line is a
// paragraph.
func paragraphs(lines []string) []string {
	var blocks [][]string
	var cur []string
	short := true
	for _, l := range lines {
		if utf8.RuneCountInString(l) > wrapWidth {
			short = false
		}
		if l == "" {
			if len(cur) > 0 {
				blocks = append(blocks, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, l)
	}
	if len(cur) > 0 {
		blocks = append(blocks, cur)
	}
	inner, open := 0, 0
	for _, b := range blocks {
		for _, l := range b[:len(b)-1] {
			inner++
			if last, _ := utf8.DecodeLastRuneInString(l); !strings.ContainsRune(sentenceEnd, last) {
				open++
			}
		}
	}
	wrapped := short && inner > 0 && 2*open > inner

	var out []string
	add := func(p string) {
		if p = collapseSpace(p); p != "" && !isBoilerplate(p) {
			out = append(out, p)
		}
	}
	for _, b := range blocks {
		if wrapped {
			add(strings.Join(b, " "))
			continue
		}
		for _, l := range b {
			add(l)
		}
	}
	return out
}

// sentenceEnd holds the characters a sentence (not a heading) ends with.
const sentenceEnd = ".!?:;…\"”’»"

// headingLike reports whether a paragraph reads like a section heading:
// short, starting with a capital or digit, not ending like a sentence.
func headingLike(p string) bool {
	if utf8.RuneCountInString(p) > 80 || len(strings.Fields(p)) > 12 {
		return false
	}
	first, _ := utf8.DecodeRuneInString(p)
	last, _ := utf8.DecodeLastRuneInString(p)
	if unicode.IsLower(first) || strings.ContainsRune("-–—•*·>", first) {
		return false
	}
	if strings.ContainsRune(sentenceEnd+",", last) {
		return false
	}
	return strings.IndexFunc(p, unicode.IsLetter) >= 0
}

// creditRE matches "Credit by X" and "Credit: X" lines.
var creditRE = regexp.MustCompile(`(?i)^credits?(?:\s+by\b\s*:?|\s*:)\s*(.*?)[\s.]*$`)

// creditLine returns the outlet named by a credit line.
func creditLine(l string) (string, bool) {
	if utf8.RuneCountInString(l) > 80 {
		return "", false
	}
	m := creditRE.FindStringSubmatch(l)
	if m == nil || m[1] == "" {
		return "", false
	}
	return collapseSpace(m[1]), true
}

// neighbourLine recognises "Previous article<title>" and "Next
// article<title>" lines. Exports glue the title to the word "article";
// a space, colon, tab or dash between them is tolerated too. title is ""
// for a marker with the title on the next line.
func neighbourLine(l string) (kind, title string, ok bool) {
	for _, k := range [...]string{"previous", "next"} {
		if len(l) < len(k) || !strings.EqualFold(l[:len(k)], k) {
			continue
		}
		rest := strings.TrimLeft(l[len(k):], " ")
		word := ""
		for _, w := range [...]string{"article", "post", "story"} {
			if len(rest) >= len(w) && strings.EqualFold(rest[:len(w)], w) {
				word = w
				break
			}
		}
		if word == "" {
			return "", "", false
		}
		rest = rest[len(word):]
		trimmed := strings.TrimLeft(rest, " \t:|-–—»›>")
		if trimmed == rest && rest != "" {
			// Glued: "Previous articleHonda…", but not "Previous articles".
			if r, _ := utf8.DecodeRuneInString(rest); unicode.IsLower(r) {
				return "", "", false
			}
		}
		title = collapseSpace(trimmed)
		if utf8.RuneCountInString(title) > maxTitle ||
			(strings.HasSuffix(title, ".") && !strings.HasSuffix(title, "..")) {
			// A sentence that happens to start with "Next article", not a link.
			return "", "", false
		}
		return k, title, true
	}
	return "", "", false
}

// Page chrome of exported articles: comment forms, share widgets and
// link lists. boilerplateLines are whole lines (compared by chromeKey),
// boilerplatePrefixes their beginnings, formFields labels that count only
// with the ":" or "*" of a form.
var (
	boilerplateLines = map[string]bool{
		"please enter your comment":                   true,
		"please enter your name here":                 true,
		"please enter your email address here":        true,
		"you have entered an incorrect email address": true,
		"leave a reply":                               true,
		"leave a comment":                             true,
		"cancel reply":                                true,
		"post comment":                                true,
		"submit comment":                              true,
		"δ":                                           true,
		"related articles":                            true,
		"related posts":                               true,
		"related stories":                             true,
		"more from author":                            true,
		"more from the author":                        true,
		"share this article":                          true,
		"share this":                                  true,
		"share on facebook":                           true,
		"share on twitter":                            true,
		"load more":                                   true,
		"popular posts":                               true,
		"recent posts":                                true,
		"recent comments":                             true,
		"you might also like":                         true,
		"you may also like":                           true,
		"most popular":                                true,
		"editor picks":                                true,
		"editors picks":                               true,
		"latest articles":                             true,
		"advertisement":                               true,
		"skip to content":                             true,
		"previous article":                            true,
		"next article":                                true,
	}
	boilerplatePrefixes = []string{
		"please enter your ",
		"you have entered an incorrect email address",
		"save my name, email, and website in this browser",
		"save my name, email and website in this browser",
		"save my name and email in this browser",
		"notify me of follow-up comments",
		"notify me of new posts",
		"this site uses akismet",
		"you must be logged in to post a comment",
		"your email address will not be published",
	}
	formFields = map[string]bool{
		"comment": true, "name": true, "email": true, "e-mail": true, "website": true,
	}
)

// chromeKey is how lines are compared with the chrome lists: lower case,
// curly apostrophes straightened, white space collapsed, and the form
// punctuation around it ("*", ":", "!", ".") removed.
func chromeKey(l string) string {
	k := strings.ToLower(collapseSpace(l))
	k = strings.ReplaceAll(k, "’", "'")
	k = strings.ReplaceAll(k, "'", "")
	return strings.Trim(k, " *:!.…")
}

// isBoilerplate reports whether a line is page chrome.
func isBoilerplate(l string) bool {
	k := chromeKey(l)
	if k == "" {
		return false
	}
	if boilerplateLines[k] {
		return true
	}
	for _, p := range boilerplatePrefixes {
		if strings.HasPrefix(k, strings.TrimSpace(p)) {
			return true
		}
	}
	if formFields[k] {
		t := strings.TrimSpace(l)
		return strings.HasSuffix(t, ":") || strings.HasSuffix(t, "*")
	}
	return false
}
