package opml

import (
	"bytes"
	"reflect"
	"testing"
)

// FuzzParse feeds Parse arbitrary documents. It must never panic, and what
// it accepts must survive a round trip: Marshal takes every list Parse
// returns, and parsing the export gives the same feeds back, so an import
// followed by an export never changes or loses a subscription.
func FuzzParse(f *testing.F) {
	for _, tt := range parseTests {
		f.Add([]byte(tt.doc))
	}
	for _, doc := range []string{
		"<opml version=\"2.0\"><body>\n<outline text=\"a\" xmlUrl=\"https://a.example.com/\">",
		`<opml version="2.0"><head/></opml>`,
		`<opml><body><outline xmlUrl="https://a.example.com/ x&#9;y" htmlUrl=" h " title="&#x85;t"/></body></opml>`,
		"",
	} {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		feeds, err := Parse(bytes.NewReader(doc))
		if err != nil {
			return
		}
		out, err := Marshal("fuzz", feeds)
		if err != nil {
			t.Fatalf("Parse returned feeds Marshal refuses: %v\n%+v", err, feeds)
		}
		again, err := Parse(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("the export does not parse: %v\n%s", err, out)
		}
		if len(feeds) == 0 && len(again) == 0 {
			return
		}
		if !reflect.DeepEqual(again, feeds) {
			t.Errorf("round trip changed the feeds:\nparsed   %q\nreparsed %q\nexport:\n%s", feeds, again, out)
		}
	})
}
