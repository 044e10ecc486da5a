package state

import (
	"reflect"
	"testing"
	"time"

	"github.com/braid-feeds/braid/feed"
)

// TestHeadRoundTrip: a head gives back every field it keeps, with the
// item's dedupe keys; keys made by another feed.KeysVersion are left out
// (Keys computes them again).
func TestHeadRoundTrip(t *testing.T) {
	t0 := time.Date(2026, 3, 4, 5, 6, 7, 8, time.UTC)
	for _, tc := range []struct {
		name string
		it   feed.Item
	}{
		{"empty", feed.Item{}},
		{"full", feed.Item{ID: "tag:x,2026:1", GUID: "g", Link: "https://x.example/a?utm_medium=b", Title: "Ünïcode — title",
			Published: t0.In(time.FixedZone("", -9000)), Updated: t0, FirstSeen: time.Unix(-5, 0).UTC(),
			Authors: []feed.Person{{Name: "A", Email: "a@x.example"}}, Categories: []string{"", "c"}, Role: feed.RoleRelated,
			Score: -1.5, AlsoReportedBy: []feed.Report{{Outlet: "O"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := encodeHead(nil, &tc.it)
			var got feed.Item
			if err := decodeHead(b, &got); err != nil {
				t.Fatal(err)
			}
			want := tc.it
			want.SetKeyHashes(want.KeyHashes())
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
			// Keys by another version are not trusted.
			b[1]++
			var other feed.Item
			if err := decodeHead(b, &other); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(other, tc.it) {
				t.Errorf("with another keys version: %+v, want %+v", other, tc.it)
			}
		})
	}
}

// FuzzDecodeHead: a corrupt head is an error, never a panic or a huge
// allocation, and what decodes survives encoding and decoding again.
func FuzzDecodeHead(f *testing.F) {
	f.Add(encodeHead(nil, &feed.Item{ID: "a", Title: "T", Categories: []string{"c"}, Published: time.Unix(1, 2)}))
	f.Add([]byte{headV1, 1, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		var it feed.Item
		if decodeHead(b, &it) != nil {
			return
		}
		var again feed.Item
		if err := decodeHead(encodeHead(nil, &it), &again); err != nil {
			t.Fatal(err)
		}
		// Compared encoded: a NaN score is never DeepEqual to itself.
		if a, b := encodeHead(nil, &it), encodeHead(nil, &again); string(a) != string(b) {
			t.Errorf("decoded %+v, then %+v", it, again)
		}
	})
}

// BenchmarkDecodeHead: a typical related item's head, as a cycle decodes
// every kept one (20,000 at 2,000 articles × 1,000 sources).
func BenchmarkDecodeHead(b *testing.B) {
	t0 := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	it := feed.Item{ID: "https://feeds42.example/2026/03/04/regulators-order-exchange-to-hand-over-records", GUID: "https://feeds42.example/?p=81723",
		Link: "https://feeds42.example/2026/03/04/regulators-order-exchange-to-hand-over-records", Title: "Regulators order exchange to hand over customer records",
		Published: t0, Updated: t0, FirstSeen: t0, Authors: []feed.Person{{Name: "Wire Desk"}}, Categories: []string{"Markets", "Regulation"}, Role: feed.RoleRelated}
	head := encodeHead(nil, &it)
	b.ReportAllocs()
	for b.Loop() {
		var got feed.Item
		if err := decodeHead(head, &got); err != nil {
			b.Fatal(err)
		}
	}
}
