package parser

import (
	"bytes"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
)

// xmlDecl finds the XML declaration and its encoding pseudo-attribute.
var (
	xmlDecl     = regexp.MustCompile(`^\s*<\?xml\s[^>]*?\?>`)
	xmlEncoding = regexp.MustCompile(`\sencoding\s*=\s*["']([A-Za-z0-9._:-]*)["']`)
)

// declaredEncoding returns the encoding the XML declaration names, or ""
// when there is no declaration or it names none. Only the first bytes are
// searched: a declaration must come first.
func declaredEncoding(body []byte) string {
	head := body[:min(len(body), 512)]
	d := xmlDecl.Find(head)
	if d == nil {
		return ""
	}
	m := xmlEncoding.FindSubmatch(d)
	if m == nil {
		return ""
	}
	return string(m[1])
}

// headerCharset returns the charset parameter of a Content-Type header.
func headerCharset(contentType string) string {
	if contentType == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(params["charset"])
}

// decodeBody turns a fetched body into what gofeed can read, following
// the rule in the notes: gofeed looks only at a BOM and the XML
// declaration, so
//   - a UTF-16 BOM is decoded here, and the declaration rewritten to say
//     UTF-8, so nothing decodes it a second time;
//   - the Content-Type charset is applied only when it names a non-UTF-8
//     charset and the XML declaration names none (when both name one,
//     gofeed applies the declaration; applying the header as well would
//     decode twice);
//   - a body that is already valid UTF-8 is kept as UTF-8 even when the
//     header names a single-byte charset: servers that label every file
//     ISO-8859-1 are common, while Latin or Cyrillic text that happens to
//     be valid multi-byte UTF-8 practically does not exist;
//   - what is left as UTF-8 has each run of invalid bytes replaced with
//     one U+FFFD, so bad bytes cost a character instead of the whole
//     source (gofeed refuses invalid UTF-8 outright), and the replacement
//     character shows a reader that something was there;
//   - C0 control characters other than tab, CR and LF are dropped: XML
//     forbids them, and one of them fails the whole document.
func decodeBody(body []byte, contentType string) []byte {
	switch {
	case bytes.HasPrefix(body, []byte{0xEF, 0xBB, 0xBF}):
		body = body[3:]
		body = validUTF8(body)
	case bytes.HasPrefix(body, []byte{0xFE, 0xFF}), bytes.HasPrefix(body, []byte{0xFF, 0xFE}):
		dec := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
		if out, err := dec.Bytes(body); err == nil {
			body = declareUTF8(out)
		}
		body = validUTF8(body)
	default:
		decl := declaredEncoding(body)
		if decl != "" && !isUTF8Label(decl) {
			// gofeed applies the declaration itself.
			break
		}
		if decl == "" {
			if enc := headerEncoding(contentType); enc != nil && (!utf8.Valid(body) || !asciiCompatible(enc)) {
				if out, err := enc.NewDecoder().Bytes(body); err == nil {
					body = out
				}
			}
		}
		body = validUTF8(body)
	}
	return stripC0(body)
}

// headerEncoding is the non-UTF-8 encoding named by the Content-Type
// header, or nil.
func headerEncoding(contentType string) encoding.Encoding {
	label := headerCharset(contentType)
	if label == "" || isUTF8Label(label) {
		return nil
	}
	enc, name := charset.Lookup(label)
	if enc == nil || name == "utf-8" {
		return nil
	}
	return enc
}

func isUTF8Label(label string) bool {
	l := strings.ToLower(strings.TrimSpace(label))
	return l == "utf-8" || l == "utf8" || l == "unicode-1-1-utf-8"
}

// asciiCompatible reports whether ASCII bytes mean ASCII in enc, which is
// what makes the "already valid UTF-8" guard meaningful.
func asciiCompatible(enc encoding.Encoding) bool {
	out, err := enc.NewDecoder().Bytes([]byte("<?xml a=\"b\"?>"))
	return err == nil && string(out) == "<?xml a=\"b\"?>"
}

// declareUTF8 rewrites the encoding the XML declaration names to UTF-8,
// for a body braid has just transcoded.
func declareUTF8(body []byte) []byte {
	loc := xmlDecl.FindIndex(body[:min(len(body), 512)])
	if loc == nil {
		return body
	}
	decl := xmlEncoding.ReplaceAll(body[loc[0]:loc[1]], []byte(` encoding="UTF-8"`))
	out := make([]byte, 0, len(body)+len(decl))
	out = append(out, body[:loc[0]]...)
	out = append(out, decl...)
	return append(out, body[loc[1]:]...)
}

func validUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	return bytes.ToValidUTF8(b, []byte("\uFFFD"))
}

// stripC0 drops the control characters XML 1.0 forbids. It copies only
// when there is something to drop.
func stripC0(b []byte) []byte {
	bad := func(c byte) bool { return c < 0x20 && c != '\t' && c != '\n' && c != '\r' }
	i := bytes.IndexFunc(b, func(r rune) bool { return r < 0x20 && bad(byte(r)) })
	if i < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	out = append(out, b[:i]...)
	for _, c := range b[i:] {
		if !bad(c) {
			out = append(out, c)
		}
	}
	return out
}
