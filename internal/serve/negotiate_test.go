package serve

import (
	"fmt"
	"net/url"
	"testing"
)

func TestAcceptsGzip(t *testing.T) {
	for _, tc := range []struct {
		values []string
		want   bool
	}{
		{nil, false},
		{[]string{""}, false},
		{[]string{"gzip"}, true},
		{[]string{" gzip ; q=1 "}, true},
		{[]string{"deflate", "gzip"}, true},
		{[]string{"gzip;q=0.001"}, true},
		{[]string{"gzip;level=1;q=0.5"}, true},
		{[]string{"gzip;q=0"}, false},
		{[]string{"gzip;q=0."}, false},
		{[]string{"gzip;q=0.000"}, false},
		{[]string{"gzip;q=bogus"}, false},
		{[]string{"gzip;q=2"}, false},
		{[]string{"*;q=0.1"}, true},
		{[]string{"*;q=0, gzip"}, true},
		{[]string{"gzip;q=0, *"}, false},
		{[]string{"gzipped"}, false},
	} {
		t.Run(fmt.Sprintf("%q", tc.values), func(t *testing.T) {
			if got := acceptsGzip(tc.values); got != tc.want {
				t.Errorf("acceptsGzip(%q) = %v", tc.values, got)
			}
		})
	}
}

func TestNoneMatch(t *testing.T) {
	const tag = `"abc"`
	for _, tc := range []struct {
		name   string
		values []string
		want   bool
	}{
		{"exact", []string{`"abc"`}, true},
		{"weak", []string{`W/"abc"`}, true},
		{"list", []string{`"x", "abc"`}, true},
		{"list without spaces", []string{`"x","abc"`}, true},
		{"second header line", []string{`"x"`, `"abc"`}, true},
		{"star", []string{"*"}, true},
		{"other", []string{`"abd"`}, false},
		{"unquoted", []string{`abc`}, false},
		{"prefix only", []string{`"ab"`}, false},
		{"unterminated", []string{`"abc`}, false},
		{"empty", []string{""}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := noneMatch(tc.values, tag); got != tc.want {
				t.Errorf("noneMatch(%q) = %v", tc.values, got)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	for _, tc := range []struct {
		path, rawPath string
		name          string
		code          int
	}{
		{"/", "", "index.html", 0},
		{"/rss.xml", "", "rss.xml", 0},
		{"/a/b/feed.json", "", "a/b/feed.json", 0},
		{"/a/", "", "a/index.html", 0},
		{"/a b.xml", "/a%20b.xml", "a b.xml", 0},
		{"/../x", "", "", 400},
		{"/a/../x", "", "", 400},
		{"/a/./x", "", "", 400},
		{"/a//x", "", "", 400},
		{"/a/b", "/a%2Fb", "", 400},
		{"/a\\b", "/a%5cb", "", 400},
		{"/a\x00", "/a%00", "", 400},
		{"", "", "", 400},
		{"/.hidden", "", "", 404},
		{"/a/.rss.xml.tmp-1", "", "", 404},
		{"/.git/x", "", "", 404},
	} {
		t.Run(tc.path, func(t *testing.T) {
			name, _, code := resolve(&url.URL{Path: tc.path, RawPath: tc.rawPath})
			if name != tc.name || code != tc.code {
				t.Errorf("resolve(%q) = %q, %d; want %q, %d", tc.path, name, code, tc.name, tc.code)
			}
		})
	}
}

func TestContentTypeTable(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"x/rss.xml", "application/rss+xml; charset=utf-8"},
		{"page.HTM", "text/html; charset=utf-8"},
		{"list.OPML", "text/x-opml; charset=utf-8"},
		{"data.json", "application/json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := contentType(tc.name)[0]; got != tc.want {
				t.Errorf("contentType(%q) = %q, want %q", tc.name, got, tc.want)
			}
		})
	}
}
