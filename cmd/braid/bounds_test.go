package main

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hugeItemFeed is an RSS feed with one item whose description is about
// size bytes of text sharing the words of every example article, so the
// item relates to all of them.
func hugeItemFeed(t *testing.T, size int) string {
	t.Helper()
	// The titles' words, not the bodies: an item repeating an article's
	// text would be dropped as a near-duplicate of it.
	unit := "Halden Motors Strata battery platform electric vehicles. Estmarch regulators order Vantrix exchange " +
		"customer records crypto. Atlas Development Bank aid package Tavora minister loan reform. "
	body := strings.Repeat(unit, size/len(unit)+1)
	return `<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title><link>https://big.example/</link>` +
		`<item><title>Halden Strata Vantrix Estmarch Atlas Bank Tavora</title><link>https://big.example/story</link>` +
		`<guid>https://big.example/story</guid><pubDate>Mon, 02 Mar 2026 10:00:00 GMT</pubDate>` +
		`<description><![CDATA[<p>` + body + `</p>]]></description></item></channel></rss>`
}

// TestHugeRelatedItemStaysSmall: one external item of megabytes related
// to every article must not be copied whole into each article's feeds.
func TestHugeRelatedItemStaysSmall(t *testing.T) {
	const size = 3 << 20
	data := hugeItemFeed(t, size)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(data))
	}))
	t.Cleanup(srv.Close)
	dir, cfg := site(t, [][2]string{{"Big", srv.URL + "/feed.rss"}}, "")
	stdout, stderr, code := braid(t, "generate", "--config", cfg)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	var total int64
	related := 0
	filepath.WalkDir(filepath.Join(dir, "out"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		total += info.Size()
		if b, _ := os.ReadFile(path); strings.Contains(string(b), "Read the full story at") {
			related++
		}
		return err
	})
	// Three articles, three formats: the item reached every feed, cut to
	// related.max_item_bytes (32 KiB) for its content and its summary.
	if related < 9 {
		t.Errorf("the excerpt is in %d files, want every article feed (9)", related)
	}
	if limit := int64(9 * 4 * 32 << 10); total > limit {
		t.Errorf("out/ holds %d bytes, over %d: the item was copied whole", total, limit)
	}
}
