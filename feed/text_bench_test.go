package feed

import (
	"strings"
	"testing"
)

// BenchmarkStripHTML strips a summary shaped as generated feeds write
// them; scoring and fingerprinting strip every item's text.
func BenchmarkStripHTML(b *testing.B) {
	s := "<p>" + strings.Repeat("harbour cranes &amp; dock workers ", 12) + ".</p><p>" +
		strings.Repeat("the port said ", 8) + `. <a href="https://feeds.example/more/3">More</a></p>`
	b.ReportAllocs()
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		if StripHTML(s) == "" {
			b.Fatal("empty")
		}
	}
}
