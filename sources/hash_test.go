package sources

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/braid-feeds/braid/feed"
)

// hashAsStored is hash as every stored item's hash was made: a changed
// formula would mark every kept item edited once after an upgrade.
func hashAsStored(it *feed.Item) string {
	h := sha256.New()
	for _, s := range []string{it.Title, it.Link, it.Summary, it.ContentHTML, strings.Join(it.Categories, "\x00")} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

func TestHashIsTheStoredOne(t *testing.T) {
	var scratch []byte
	for _, it := range []feed.Item{
		{},
		{Title: "Cranes", Link: "https://a.example/1", Summary: "<p>s</p>", ContentHTML: "<p>c</p>"},
		{Title: "Long", Summary: strings.Repeat("word ", 500), Categories: []string{"a", "b\x00c", ""}},
		{Title: "After a long one", Categories: []string{"one"}},
		{Categories: []string{"", ""}},
	} {
		if got, want := hash(&it, &scratch), hashAsStored(&it); got != want {
			t.Errorf("hash(%q…) = %s, stored hashes are %s", it.Title, got, want)
		}
	}
}
