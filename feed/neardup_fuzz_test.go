package feed

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// fuzzItems builds a pool from fuzz input: each "|"-separated chunk is a
// story, padded to a body long enough to be fingerprinted; a digit in it
// asks for that many edited copies (a word dropped, a dateline added) from
// other outlets, so groups of every size arise. Every item has its own
// FirstSeen and id, which makes the expected result independent of order.
func fuzzItems(s string) []Item {
	t0 := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	var items []Item
	add := func(body, title, link string) {
		n := len(items)
		id := "i" + strings.Repeat("x", n%7) + string(rune('a'+n%26)) + strings.Repeat("z", n/26)
		items = append(items, Item{
			ID: id, GUID: id, Title: title, Link: link, Summary: body,
			FirstSeen: t0.Add(time.Duration(n*7%11) * time.Hour).Add(time.Duration(n) * time.Second),
			Origin:    &Origin{Name: "o" + id, Title: title},
		})
	}
	for k, chunk := range strings.Split(s, "|") {
		words := strings.Fields(chunk)
		if len(words) == 0 {
			continue
		}
		for k, orig := 0, len(words); len(words) < MinNearWords+5; k++ {
			words = append(words, words[k%orig]+"q")
		}
		copies := 0
		if i := strings.IndexAny(chunk, "123456789"); i >= 0 {
			copies = int(chunk[i] - '0')
		}
		add(strings.Join(words, " "), chunk, "https://a.example/"+chunk)
		for c := range copies {
			edited := slices.Delete(slices.Clone(words), c%len(words), c%len(words)+1)
			add("DATELINE "+strings.Join(edited, " "), chunk+" copy", "https://b.example/"+string(rune('a'+k%26))+string(rune('a'+c)))
		}
	}
	return items
}

// owners maps every item id to the id of the item kept for it.
func owners(t *testing.T, items, kept []Item, dups []Duplicate) map[string]string {
	t.Helper()
	if len(kept)+len(dups) != len(items) {
		t.Fatalf("%d kept + %d dropped of %d items", len(kept), len(dups), len(items))
	}
	own := map[string]string{}
	for _, it := range kept {
		if _, ok := own[it.ID]; ok {
			t.Fatalf("%s kept twice", it.ID)
		}
		own[it.ID] = it.ID
	}
	for _, d := range dups {
		if _, ok := own[d.Item.ID]; ok {
			t.Fatalf("%s both kept and dropped", d.Item.ID)
		}
		if own[d.Of.ID] != d.Of.ID {
			t.Fatalf("%s dropped for %s, which is not kept", d.Item.ID, d.Of.ID)
		}
		if d.Of.FirstSeen.After(d.Item.FirstSeen) {
			t.Fatalf("%s dropped for %s, seen later", d.Item.ID, d.Of.ID)
		}
		own[d.Item.ID] = d.Of.ID
	}
	return own
}

func FuzzDedupe(f *testing.F) {
	full := story(wireStory...)
	f.Add(full + "|" + full + " 3|" + story(wireStory[1:]...) + "|unrelated words about the cup final 2")
	f.Add("a|a|a 9|b b b b 1|" + full)
	f.Add("|||")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		items := fuzzItems(s)
		kept, dups := Dedupe(items)
		own := owners(t, items, kept, dups)
		// Every group keeps exactly one item whatever order the pool
		// arrives in.
		rev := slices.Clone(items)
		slices.Reverse(rev)
		kept2, dups2 := Dedupe(rev)
		own2 := owners(t, rev, kept2, dups2)
		for id, o := range own {
			if own2[id] != o {
				t.Fatalf("%s kept as %s, reversed as %s", id, o, own2[id])
			}
		}
	})
}
