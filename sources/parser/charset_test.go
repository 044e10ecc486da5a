package parser

import (
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

func TestDecodeBody(t *testing.T) {
	cp1251, _ := charmap.Windows1251.NewEncoder().String("Новости")
	latin1, _ := charmap.ISO8859_1.NewEncoder().String("Café")
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(`<?xml version="1.0" encoding="UTF-16"?><t>Ünïcode</t>`)
	tests := []struct {
		name, body, contentType, want string
	}{
		{"utf-8 untouched", "<t>Grüße</t>", "text/xml; charset=utf-8", "<t>Grüße</t>"},
		{"header charset, no declaration", "<t>" + cp1251 + "</t>", "text/xml; charset=windows-1251", "<t>Новости</t>"},
		{"header and declaration: left to gofeed", `<?xml version="1.0" encoding="windows-1251"?><t>` + cp1251 + "</t>",
			"text/xml; charset=windows-1251", `<?xml version="1.0" encoding="windows-1251"?><t>` + cp1251 + "</t>"},
		{"declaration names utf-8, header another", `<?xml version="1.0" encoding="utf-8"?><t>` + cp1251 + "</t>",
			"text/xml; charset=windows-1251", `<?xml version="1.0" encoding="utf-8"?><t>` + "\uFFFD</t>"},
		{"no charset anywhere, invalid bytes replaced", "<t>" + latin1 + "</t>", "text/xml", "<t>Caf\uFFFD</t>"},
		{"latin-1 header", "<t>" + latin1 + "</t>", "text/xml; charset=ISO-8859-1", "<t>Café</t>"},
		{"unknown header charset", "<t>" + latin1 + "</t>", "text/xml; charset=x-klingon", "<t>Caf\uFFFD</t>"},
		{"UTF-8 BOM", "\xEF\xBB\xBF<t>é</t>", "", "<t>é</t>"},
		{"UTF-16 BOM rewrites the declaration", utf16, "", `<?xml version="1.0" encoding="UTF-8"?><t>Ünïcode</t>`},
		{"control characters", "<t>a\x00b\x1bc\td</t>", "", "<t>abc\td</t>"},
		{"broken content type", "<t>x</t>", "text/xml; charset", "<t>x</t>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(decodeBody([]byte(tt.body), tt.contentType)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
