package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/braid-feeds/braid/feed"
	"github.com/mmcdole/gofeed"
)

// An item that grouped other outlets' copies carries an "Also reported
// by" line; every format must stay valid with it and readers must get
// the line back with its links, names escaped and no unsafe link.
func TestAlsoReportedByRenders(t *testing.T) {
	base := fixture()
	reps := []feed.Report{
		{Outlet: "Courier <News> & Co", Link: "https://courier.example/c?a=1&b=2"},
		{Outlet: "Ledger", Link: "javascript:alert(1)"},
		{Outlet: "Нива", Link: "https://niva.example/42"},
	}
	related := append([]feed.Item(nil), base.Items[3:]...)
	for i := range related {
		related[i].AlsoReportedBy = reps
	}
	f := &feed.Feed{Channel: base.Channel}
	f.Items = feed.Merge(base.Items[0], &base.Items[1], &base.Items[2], related, 10)
	line := `Also reported by: <a href="https://courier.example/c?a=1&amp;b=2">Courier &lt;News&gt; &amp; Co</a>, Ledger, <a href="https://niva.example/42">Нива</a>`
	for _, format := range Formats {
		t.Run(format.Name, func(t *testing.T) {
			out, err := format.Render(f)
			if err != nil {
				t.Fatal(err)
			}
			checkText(t, out)
			if format.Name != NameJSON {
				if err := wellFormed(out); err != nil {
					t.Fatalf("not well-formed: %v", err)
				}
			}
			if bytes.Contains(out, []byte("javascript:")) {
				t.Error("output holds a javascript: link")
			}
			parsed, err := gofeed.NewParser().Parse(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if len(parsed.Items) != len(f.Items) {
				t.Fatalf("%d items read back, want %d", len(parsed.Items), len(f.Items))
			}
			for i, it := range parsed.Items {
				text := it.Description + "\n" + it.Content
				if has := strings.Contains(text, line); has != (i >= 3) {
					t.Errorf("item %d (%s): has the line %v, want %v\n%s", i, it.Title, has, i >= 3, text)
				}
			}
		})
	}
}
