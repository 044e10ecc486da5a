package feed

import (
	"cmp"
	"html"
	"strings"

	"github.com/braid-feeds/braid/internal/urls"
)

// collectReports lists, for every kept item, the other outlets whose
// copies were dropped in its favour, earliest seen first. keeperOf maps
// an item to the item kept in its place (itself when it is kept).
func collectReports(items []Item, keeperOf func(int) int) map[int][]Report {
	all := make([]int, len(items))
	for i := range all {
		all[i] = i
	}
	out := map[int][]Report{}
	for _, i := range seenOrder(items, all) {
		k := keeperOf(i)
		if k == i {
			continue
		}
		if r, ok := reportOf(&items[k], &items[i], out[k]); ok {
			out[k] = append(out[k], r)
		}
	}
	return out
}

// reportOf is dup as a report on keep, when it is one: a copy from
// another outlet at another address. A copy from keep's own outlet, or
// the very same page listed by another source, names no one new.
func reportOf(keep, dup *Item, have []Report) (Report, bool) {
	name := outletName(dup)
	if name == "" || dup.Origin.Name == keep.originName() || name == outletName(keep) {
		return Report{}, false
	}
	if l := NormalizeLink(dup.Link); l != "" && l == NormalizeLink(keep.Link) {
		return Report{}, false
	}
	for _, r := range have {
		if r.Outlet == name {
			return Report{}, false
		}
	}
	r := Report{Outlet: name}
	if urls.IsHTTP(dup.Link) {
		r.Link = strings.TrimSpace(dup.Link)
	}
	return r, true
}

// outletName is how readers know a source: its feed's own title, else
// the name it has in the config.
func outletName(it *Item) string {
	if it.Origin == nil {
		return ""
	}
	return cmp.Or(strings.TrimSpace(it.Origin.Title), strings.TrimSpace(it.Origin.Name))
}

func (it *Item) originName() string {
	if it.Origin == nil {
		return ""
	}
	return it.Origin.Name
}

// withReports is the item as published: its AlsoReportedBy appended to
// its content as one line. It is added here, when the feed is assembled,
// and not when the copies are grouped, so the outlet names never count
// as words of the story when it is scored.
func (it Item) withReports() Item {
	if len(it.AlsoReportedBy) == 0 {
		return it
	}
	line := ReportsHTML(it.AlsoReportedBy)
	hadContent := it.ContentHTML != ""
	if hadContent {
		it.ContentHTML += "\n" + line
	}
	switch {
	case it.Summary != "":
		it.Summary += "\n" + line
	case !hadContent:
		it.Summary = line
	}
	return it
}

// ReportsHTML is the "Also reported by" line: outlet names escaped,
// linked only to http(s) addresses, so a hostile feed can put neither
// markup nor a javascript: link into it.
func ReportsHTML(rs []Report) string {
	var b strings.Builder
	b.WriteString("<p>Also reported by: ")
	for i, r := range rs {
		if i > 0 {
			b.WriteString(", ")
		}
		name := html.EscapeString(r.Outlet)
		if !urls.IsHTTP(r.Link) {
			b.WriteString(name)
			continue
		}
		b.WriteString(`<a href="`)
		b.WriteString(html.EscapeString(strings.TrimSpace(r.Link)))
		b.WriteString(`">`)
		b.WriteString(name)
		b.WriteString("</a>")
	}
	b.WriteString("</p>")
	return b.String()
}
