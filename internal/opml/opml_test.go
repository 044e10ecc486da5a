package opml

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// parseTests are also the fuzz seeds.
var parseTests = []struct {
	name string
	doc  string
	want []Feed
}{
	{
		name: "OPML 2.0 with nested folders",
		doc: `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Subscriptions</title></head>
  <body>
    <outline text="News">
      <outline type="rss" text="Wire" title="Wire Top Stories" xmlUrl="https://wire.example.com/top.xml" htmlUrl="https://wire.example.com/"/>
      <outline text="Deeper">
        <outline type="atom" text="Markets" xmlUrl="https://markets.example.com/feed.atom"/>
      </outline>
    </outline>
    <outline type="rss" text="Tech" xmlUrl="https://tech.example.com/feed.json"/>
  </body>
</opml>`,
		want: []Feed{
			{Name: "Wire Top Stories", URL: "https://wire.example.com/top.xml", HTMLURL: "https://wire.example.com/"},
			{Name: "Markets", URL: "https://markets.example.com/feed.atom"},
			{Name: "Tech", URL: "https://tech.example.com/feed.json"},
		},
	},
	{
		name: "OPML 1.0, attribute case and name fallbacks",
		doc: `<?xml version="1.0" encoding="ISO-8859-1"?>
<opml version="1.0"><head><title>x</title></head><body>
<outline text="  Caf` + "\xe9" + `   Daily " xmlurl="https://cafe.example.com/rss"/>
<outline xmlURL="https://nameless.example.com/feed"/>
<outline text="" title="" xmlUrl="  "/>
<outline title="Entities &eacute;t&eacute;" xmlUrl="https://ete.example.com/?a=1&amp;b=2"/>
</body></opml>`,
		want: []Feed{
			{Name: "Café Daily", URL: "https://cafe.example.com/rss"},
			{Name: "nameless.example.com", URL: "https://nameless.example.com/feed"},
			{Name: "Entities été", URL: "https://ete.example.com/?a=1&b=2"},
		},
	},
	{
		name: "a feed outline with children keeps both",
		doc: `<opml version="2.0"><body><outline text="Parent" xmlUrl="https://p.example.com/f">` +
			`<outline text="Child" xmlUrl="https://c.example.com/f"/></outline></body></opml>`,
		want: []Feed{{Name: "Parent", URL: "https://p.example.com/f"}, {Name: "Child", URL: "https://c.example.com/f"}},
	},
	{
		name: "feed: and upper-case schemes become http(s)",
		doc: `<opml version="2.0"><body>
<outline text="a" xmlUrl="feed://a.example.com/rss"/>
<outline text="b" xmlUrl="feed:https://b.example.com/rss"/>
<outline text="c" xmlUrl="FEED:http://c.example.com/rss"/>
<outline text="d" xmlUrl="HTTP://d.example.com/Feed.XML"/>
<outline text="e" xmlUrl="HTTPS://e.example.com/rss"/>
<outline xmlUrl="feed://nameless.example.com/rss"/>
<outline text="f" xmlUrl="feed:gopher://f.example.com/"/>
</body></opml>`,
		want: []Feed{
			{Name: "a", URL: "http://a.example.com/rss"},
			{Name: "b", URL: "https://b.example.com/rss"},
			{Name: "c", URL: "http://c.example.com/rss"},
			{Name: "d", URL: "http://d.example.com/Feed.XML"},
			{Name: "e", URL: "https://e.example.com/rss"},
			{Name: "nameless.example.com", URL: "http://nameless.example.com/rss"},
			{Name: "f", URL: "gopher://f.example.com/"},
		},
	},
	{
		name: "empty body",
		doc:  `<opml version="2.0"><head/><body/></opml>`,
		want: nil,
	},
}

func TestParse(t *testing.T) {
	tests := parseTests
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"truncated", "<opml version=\"2.0\"><body>\n<outline text=\"a\" xmlUrl=\"https://a.example.com/\">", "line 2"},
		{"bare ampersand", "<opml version=\"2.0\">\n<body>\n<outline xmlUrl=\"https://a.example.com/?a=1&b=2\"/></body></opml>", "line 3"},
		{"not OPML", `<rss version="2.0"><channel/></rss>`, "opml"},
		{"no body", `<opml version="2.0"><head/></opml>`, "<body>"},
		{"empty", ``, "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.doc))
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrInvalid) || !strings.HasPrefix(err.Error(), "opml: ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q: want ErrInvalid, the opml: prefix and %q", err, tt.want)
			}
		})
	}
}

func TestParseFileNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "broken.opml")
	if err := os.WriteFile(bad, []byte("<opml><body><outline"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "none.opml")
	for _, tt := range []struct{ name, path, want string }{
		{"malformed", bad, "opml: " + bad + ":1: invalid OPML: "},
		{"missing", missing, missing},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseFile(tt.path)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v lacks %q", err, tt.want)
			}
		})
	}
}

func TestMarshalRoundTripAndDeterminism(t *testing.T) {
	feeds := []Feed{
		{Name: "Wire <Top> & \"More\"", URL: "https://wire.example.com/top.xml?a=1&b=2", HTMLURL: "https://wire.example.com/"},
		{Name: "Markets", URL: "https://markets.example.com/feed.atom"},
		{Name: "Local", URL: "file:///srv/feeds/local.xml"},
	}
	a, err := Marshal("My Sources", feeds)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Marshal("My Sources", feeds)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("two marshals differ")
	}
	for _, want := range []string{`<opml version="2.0">`, "<title>My Sources</title>", `xmlUrl="https://markets.example.com/feed.atom"`} {
		if !bytes.Contains(a, []byte(want)) {
			t.Errorf("output lacks %s:\n%s", want, a)
		}
	}
	back, err := Parse(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, feeds) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, feeds)
	}
}

func TestMarshalRefusesFeedWithoutURL(t *testing.T) {
	if _, err := Marshal("t", []Feed{{Name: "x"}}); err == nil {
		t.Error("no error")
	}
}

func TestMarshalCleansControlCharacters(t *testing.T) {
	out, err := Marshal("a\x01b", []Feed{{Name: "line\none\x00", URL: "https://x.example.com/f"}})
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(back) != 1 || back[0].Name != "line one" {
		t.Errorf("got %+v", back)
	}
}
