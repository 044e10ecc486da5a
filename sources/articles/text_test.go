package articles

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

// chromeMarkers are fragments of page chrome that must never be
// published.
var chromeMarkers = []string{
	"Please enter", "Leave a Reply", "Cancel reply", "Save my name", "Δ",
	"Comment:", "Name:*", "Email:*", "Website:", "Related articles", "More from author",
	"Previous article", "Next article",
}

func TestParseText(t *testing.T) {
	const story = "Wind Farm Cable Reaches Shore\nCredit by Island Gazette\n\n" +
		"The first export cable of the northern wind farm came ashore at dawn on Friday.\n\n" +
		"Engineers Watch the Tide\n\n" +
		"Crews waited two days for a neap tide before pulling the cable through the dunes.\n\n" +
		"Previous articleHarbour Fees Rise for Cruise Ships\n" +
		"Next articleLocal Ferry Gets a Battery Refit\n\n\n" +
		"Please enter your comment!\nPlease enter your name here"
	tests := []struct {
		name, src           string
		title, credit       string
		headings            []string
		prev, next          string
		paragraphs          int
		textHas, textHasNot []string
	}{
		{
			name: "seed shape", src: story,
			title: "Wind Farm Cable Reaches Shore", credit: "Island Gazette",
			headings: []string{"Engineers Watch the Tide"},
			prev:     "Harbour Fees Rise for Cruise Ships", next: "Local Ferry Gets a Battery Refit",
			paragraphs: 2,
		},
		{
			name: "CRLF", src: strings.ReplaceAll(story, "\n", "\r\n"),
			title: "Wind Farm Cable Reaches Shore", credit: "Island Gazette",
			headings: []string{"Engineers Watch the Tide"},
			prev:     "Harbour Fees Rise for Cruise Ships", next: "Local Ferry Gets a Battery Refit",
			paragraphs: 2,
		},
		{
			name: "BOM, trailing spaces, lone CR", src: "\ufeff" + strings.ReplaceAll(strings.ReplaceAll(story, "\n", "  \t\r"), "Credit by", "CREDIT BY"),
			title: "Wind Farm Cable Reaches Shore", credit: "Island Gazette",
			headings: []string{"Engineers Watch the Tide"},
			prev:     "Harbour Fees Rise for Cruise Ships", next: "Local Ferry Gets a Battery Refit",
			paragraphs: 2,
		},
		{
			name: "single line breaks, credit with colon, spaced neighbours",
			src: "Title Here\nCredit: Wire Desk.\nFirst paragraph of the piece ends here.\nShort Heading\nSecond paragraph, also a sentence.\n" +
				"Third one with a trailing heading-like line\nPrevious article: Older Story\nNext article\tNewer Story\nLeave a Reply",
			title: "Title Here", credit: "Wire Desk",
			headings: []string{"Short Heading"},
			prev:     "Older Story", next: "Newer Story",
			paragraphs: 3,
		},
		{
			name:  "neighbour title on the next line, chrome mid-body",
			src:   "T\n\nOne.\n\nPlease enter your comment!\n\nRelated articles\n\nTwo.\n\nNext article\n\nThe Following Story\n\nPrevious article – The Preceding Story\nMore from author\nSome Other Story",
			title: "T", prev: "The Preceding Story", next: "The Following Story", paragraphs: 2,
			textHasNot: []string{"Some Other Story"},
		},
		{
			name:  "not neighbour lines",
			src:   "T\n\nPrevious articles on this site covered the port.\n\nNext article in the series will cover rail.\n\nEnd.",
			title: "T", paragraphs: 3,
			textHas: []string{"Previous articles on this site", "Next article in the series"},
		},
		{
			name: "hand-wrapped paragraphs",
			src: "Wrapped Story\n\nThis paragraph was wrapped by hand at a short\nwidth, so its lines stop in the middle of\nsentences and must be joined.\n\n" +
				"Second Part\n\nAnother paragraph that is\nwrapped as well.\n",
			title: "Wrapped Story", headings: []string{"Second Part"}, paragraphs: 2,
			textHas: []string{"short width, so its lines stop in the middle of sentences"},
		},
		{
			name:  "headings need a following paragraph and read like headings",
			src:   "T\n\nIntro sentence.\n\nTwo Headings\n\nIn a Row\n\nbody text.\n\nlowercase start\n\nMore text.\n\nEnding With Colon:\n\nText.\n\nLast Line Heading",
			title: "T", headings: []string{"In a Row"}, paragraphs: 8,
		},
		{
			name: "invalid UTF-8 read as windows-1252", src: "Bad \xff Bytes\n\nBody \xfe here.",
			title: "Bad ÿ Bytes", paragraphs: 1, textHas: []string{"Body þ here."},
		},
		{
			name: "html escaped", src: "A <b> & \"Title\"\n\n<script>alert(1)</script> & more.",
			title: "A <b> & \"Title\"", paragraphs: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _, err := parseFile(t, "some story.txt", tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if a.Format != FormatText || a.Slug != "some-story" {
				t.Errorf("format %q slug %q", a.Format, a.Slug)
			}
			if a.Title != tt.title || a.Credit != tt.credit || a.Previous != tt.prev || a.Next != tt.next {
				t.Errorf("title %q credit %q previous %q next %q", a.Title, a.Credit, a.Previous, a.Next)
			}
			if !reflect.DeepEqual(a.Headings, tt.headings) {
				t.Errorf("headings %q, want %q", a.Headings, tt.headings)
			}
			if n := strings.Count(a.HTML, "<p>"); n != tt.paragraphs {
				t.Errorf("%d paragraphs, want %d:\n%s", n, tt.paragraphs, a.HTML)
			}
			if n := strings.Count(a.HTML, "<h2>"); n != len(tt.headings) {
				t.Errorf("%d <h2>, want %d", n, len(tt.headings))
			}
			for _, h := range tt.headings {
				if !strings.Contains(a.Text, "\n\n"+h+"\n\n") {
					t.Errorf("heading %q not in Text", h)
				}
			}
			for _, s := range tt.textHas {
				if !strings.Contains(a.Text, s) {
					t.Errorf("Text lacks %q:\n%s", s, a.Text)
				}
			}
			for _, s := range append(tt.textHasNot, chromeMarkers...) {
				if strings.Contains(a.Text, s) && !contains(tt.textHas, s) || strings.Contains(a.HTML, s) && !contains(tt.textHas, s) {
					t.Errorf("%q published:\n%s", s, a.HTML)
				}
			}
			if strings.Contains(a.HTML, "<script") || strings.Contains(a.HTML, "<b>") {
				t.Errorf("unescaped HTML: %s", a.HTML)
			}
			if a.Summary == "" {
				t.Error("no summary")
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if strings.Contains(l, s) || strings.Contains(s, l) {
			return true
		}
	}
	return false
}

func TestParseTextErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"empty", "", ":1: no title"},
		{"blank lines and BOM", "\ufeff\r\n  \r\n\t\n", ":1: no title"},
		{"only chrome", "Please enter your comment!\nLeave a Reply\n", ":1: no title"},
		{"title only", "\n\nJust A Title\n", ":3: no body after the title"},
		{"title and chrome", "A Title\nCredit by X\nPrevious articleB\nPlease enter your name here", ":1: no body"},
		{"title too long", strings.Repeat("long ", 100), ":1: no title: the first line has"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, path, err := parseFile(t, "x.txt", tt.src)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "articles: "+path+tt.want) {
				t.Errorf("error %q, want %q", err, path+tt.want)
			}
		})
	}
}

// TestSeedExport parses the real export kept next to the repository.
func TestSeedExport(t *testing.T) {
	const path = "../../../shared/seed/article-binance-russia.txt"
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("seed export not present")
	}
	if err != nil {
		t.Fatal(err)
	}
	a, err := ParseText(path, data)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name, got, want string
	}{
		{"title", a.Title, "Russian FSB-Linked to Binance"},
		{"credit", a.Credit, "CNBC"},
		{"previous", a.Previous, "Honda’s Three New EV Platforms by 2030"},
		{"next", a.Next, "World Bank Provides Sri Lanka with Aid Package, IMF Calls the Loan “Fruitful”"},
		{"slug", a.Slug, "article-binance-russia"},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		})
	}
	if want := []string{"Binance Response", "Binance Operation"}; !reflect.DeepEqual(a.Headings, want) {
		t.Errorf("headings %q, want %q", a.Headings, want)
	}
	for _, field := range []string{a.HTML, a.Text, a.Summary, a.Title, a.Credit, a.Previous, a.Next} {
		if strings.Contains(field, "Please enter") || strings.Contains(field, "Previous article") {
			t.Errorf("page chrome published: %q", field)
		}
	}
	if n := strings.Count(a.HTML, "<p>"); n != 7 {
		t.Errorf("%d paragraphs, want 7", n)
	}
}

func TestCreditLine(t *testing.T) {
	tests := []struct{ line, want string }{
		{"Credit by CNBC", "CNBC"},
		{"credit BY  Harbour   Ledger.", "Harbour Ledger"},
		{"Credit by: Wire", "Wire"},
		{"Credit: Valley Courier", "Valley Courier"},
		{"Credits: A & B", "A & B"},
		{"Credit", ""},
		{"Credit by", ""},
		{"Creditors met on Monday", ""},
		{"Credit by the bank was tight all year, and lenders worried that it would get tighter still in the new year.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			got, ok := creditLine(tt.line)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("got %q %v, want %q", got, ok, tt.want)
			}
		})
	}
}
