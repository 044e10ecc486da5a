package articles

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestEncodings reads one export saved in every supported encoding: each
// must give the same article as the UTF-8 file, and say which encoding
// was assumed.
func TestEncodings(t *testing.T) {
	base := parseFixture(t, "testdata/encodings/utf8-crlf.txt")
	if base.Encoding != "" || len(base.Notes) != 0 {
		t.Fatalf("UTF-8: encoding %q notes %v", base.Encoding, base.Notes)
	}
	if base.Title != "Lighthouse Keeper’s Cottage Opens to Visitors" || base.Credit != "Shoreline Gazette" ||
		base.Previous != "Ferry Timetables Change for the Winter Season" || base.NextLine != 13 ||
		len(base.Headings) != 1 || !strings.Contains(base.Text, "opened its doors on Saturday – and") {
		t.Fatalf("UTF-8 fixture parsed wrongly: %+v", base)
	}
	tests := []struct {
		file, encoding string
	}{
		{"utf8-bom.txt", ""},
		{"utf16le-bom.txt", EncodingUTF16LE},
		{"utf16be-bom.txt", EncodingUTF16BE},
		{"windows-1252.txt", EncodingWindows1252},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			a := parseFixture(t, filepath.Join("testdata/encodings", tt.file))
			if a.Encoding != tt.encoding {
				t.Errorf("Encoding = %q, want %q", a.Encoding, tt.encoding)
			}
			if tt.encoding != "" && (len(a.Notes) != 1 || !strings.Contains(a.Notes[0].Msg, "read as "+tt.encoding)) {
				t.Errorf("notes = %+v", a.Notes)
			}
			// Apart from where and how it was read, the article is the same.
			a.Path, a.Slug, a.Encoding, a.Notes = base.Path, base.Slug, "", nil
			if !reflect.DeepEqual(a, base) {
				t.Errorf("differs from the UTF-8 file:\n got %+v\nwant %+v", a, base)
			}
		})
	}
}

func TestLatin1(t *testing.T) {
	a := parseFixture(t, "testdata/encodings/latin1.txt")
	if a.Title != "Café Owners Welcome the Café Quarter" || a.Encoding != EncodingWindows1252 ||
		!strings.Contains(a.Text, "a baker from Montréal") || strings.ContainsRune(a.Text, '\uFFFD') {
		t.Errorf("title %q encoding %q text %q", a.Title, a.Encoding, a.Text)
	}
}

func TestNotText(t *testing.T) {
	for _, name := range []string{"random-bytes.txt", "controls.txt"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata/encodings/bad", name)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for parser, parse := range map[string]func(string, []byte) (Article, error){"text": ParseText, "markdown": ParseMarkdown} {
				_, err := parse(path, data)
				if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "articles: "+path+": not a text file") {
					t.Errorf("%s: err = %v, want a not-a-text-file error naming the file", parser, err)
				}
			}
		})
	}
}

func parseFixture(t *testing.T, path string) Article {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a, err := parserFor(path)(path, data)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
