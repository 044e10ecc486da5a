package articles

import (
	"bytes"
	"fmt"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
)

// Encodings reported in Article.Encoding; UTF-8 (with or without a byte
// order mark) is the norm and reported as "".
const (
	EncodingUTF16LE     = "UTF-16LE"
	EncodingUTF16BE     = "UTF-16BE"
	EncodingWindows1252 = "windows-1252"
)

// maxControlShare is the share of control characters (other than tab,
// newline, carriage return and form feed) above which a file is taken for
// binary data rather than text in an unknown encoding.
const maxControlShare = 0.05

// decodeSource turns file bytes into UTF-8 text. A byte order mark decides
// first (UTF-8, UTF-16 LE or BE); otherwise valid UTF-8 is UTF-8, and
// anything else is read as Windows-1252, the encoding old CMS exports and
// Windows editors produce, which is also a superset of Latin-1's printable
// characters (so Latin-1 files come out right). A file with NUL
// characters or too many control characters is refused: decoding binary
// data as Windows-1252 would "succeed" and publish garbage.
func decodeSource(path string, data []byte) (text, encoding string, err error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		text = string(data[3:])
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		text, err = decodeUTF16(data, xunicode.LittleEndian)
		encoding = EncodingUTF16LE
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		text, err = decodeUTF16(data, xunicode.BigEndian)
		encoding = EncodingUTF16BE
	case utf8.Valid(data):
		text = string(data)
	default:
		var b []byte
		b, err = charmap.Windows1252.NewDecoder().Bytes(data)
		text, encoding = string(b), EncodingWindows1252
	}
	if err != nil {
		return "", "", invalid(path, 0, "cannot decode as %s: %v", encoding, err)
	}
	if msg := notText(text); msg != "" {
		return "", "", invalid(path, 0, "not a text file (%s)", msg)
	}
	return text, encoding, nil
}

func decodeUTF16(data []byte, order xunicode.Endianness) (string, error) {
	b, err := xunicode.UTF16(order, xunicode.ExpectBOM).NewDecoder().Bytes(data)
	return string(b), err
}

// notText says why decoded text looks like binary data; "" when it does
// not.
func notText(s string) string {
	runes, controls := 0, 0
	for _, r := range s {
		runes++
		switch {
		case r == 0:
			return "it contains NUL bytes"
		case r == '\t', r == '\n', r == '\r', r == '\f':
		case unicode.IsControl(r):
			controls++
		}
	}
	if runes > 0 && float64(controls) > maxControlShare*float64(runes) {
		return fmt.Sprintf("%d of its %d characters are control characters", controls, runes)
	}
	return ""
}
