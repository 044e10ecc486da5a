package serve

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestContentTypes(t *testing.T) {
	root := t.TempDir()
	base, c := start(t, Options{Root: root})
	for _, tc := range []struct{ path, want string }{
		{"/rss.xml", "application/rss+xml; charset=utf-8"},
		{"/src/rss.xml", "application/rss+xml; charset=utf-8"},
		{"/news.rss", "application/rss+xml; charset=utf-8"},
		{"/atom.xml", "application/atom+xml; charset=utf-8"},
		{"/news.atom", "application/atom+xml; charset=utf-8"},
		{"/feed.json", "application/feed+json"},
		{"/src/feed.json", "application/feed+json"},
		{"/index.html", "text/html; charset=utf-8"},
		{"/feeds.opml", "text/x-opml; charset=utf-8"},
		{"/blob.bin", "application/octet-stream"},
		{"/noextension", "application/octet-stream"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			put(t, root, tc.path[1:], "content of "+tc.path)
			resp, body := fetch(t, c, "GET", base+tc.path, nil)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if got := resp.Header.Get("Content-Type"); got != tc.want {
				t.Errorf("Content-Type %q, want %q", got, tc.want)
			}
			if body != "content of "+tc.path {
				t.Errorf("body %q", body)
			}
		})
	}
}

func TestValidatorsAndCacheControl(t *testing.T) {
	root := t.TempDir()
	at := mtime(t, put(t, root, "rss.xml", feed50(1)))
	for _, tc := range []struct {
		maxAge time.Duration
		want   string
	}{
		{0, "no-cache"},
		{15 * time.Minute, "public, max-age=900"},
		{time.Hour + 500*time.Millisecond, "public, max-age=3600"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			base, c := start(t, Options{Root: root, MaxAge: tc.maxAge})
			resp, _ := fetch(t, c, "GET", base+"/rss.xml", nil)
			if got := resp.Header.Get("Cache-Control"); got != tc.want {
				t.Errorf("Cache-Control %q, want %q", got, tc.want)
			}
			if etag := resp.Header.Get("ETag"); !regexp.MustCompile(`^"[0-9a-f]{32}"$`).MatchString(etag) {
				t.Errorf("ETag %q is not a strong content hash", etag)
			}
			if got := resp.Header.Get("Last-Modified"); got != at.Format(http.TimeFormat) {
				t.Errorf("Last-Modified %q, want %q", got, at.Format(http.TimeFormat))
			}
		})
	}
}

func TestConditionalRequests(t *testing.T) {
	root := t.TempDir()
	at := mtime(t, put(t, root, "rss.xml", feed50(1)))
	base, c := start(t, Options{Root: root})
	resp, _ := fetch(t, c, "GET", base+"/rss.xml", nil)
	etag := resp.Header.Get("ETag")
	resp, _ = fetch(t, c, "GET", base+"/rss.xml", map[string]string{"Accept-Encoding": "gzip"})
	gzTag := resp.Header.Get("ETag")
	if gzTag == etag || gzTag != strings.TrimSuffix(etag, `"`)+`-gz"` {
		t.Fatalf("gzip ETag %q for identity ETag %q", gzTag, etag)
	}
	ims := func(d time.Duration) string { return at.Add(d).Format(http.TimeFormat) }
	for _, tc := range []struct {
		name string
		hdr  map[string]string
		want int
	}{
		{"etag", map[string]string{"If-None-Match": etag}, 304},
		{"etag in list", map[string]string{"If-None-Match": `"nope", ` + etag + `, "other"`}, 304},
		{"weak etag", map[string]string{"If-None-Match": "W/" + etag}, 304},
		{"star", map[string]string{"If-None-Match": "*"}, 304},
		{"other etag", map[string]string{"If-None-Match": `"0123"`}, 200},
		{"malformed", map[string]string{"If-None-Match": "garbage"}, 200},
		{"gzip etag, gzip accepted", map[string]string{"If-None-Match": gzTag, "Accept-Encoding": "gzip"}, 304},
		{"identity etag, gzip accepted", map[string]string{"If-None-Match": etag, "Accept-Encoding": "gzip"}, 200},
		{"gzip etag, gzip refused", map[string]string{"If-None-Match": gzTag}, 200},
		{"if-modified-since equal", map[string]string{"If-Modified-Since": ims(0)}, 304},
		{"if-modified-since later", map[string]string{"If-Modified-Since": ims(time.Hour)}, 304},
		{"if-modified-since earlier", map[string]string{"If-Modified-Since": ims(-time.Second)}, 200},
		{"if-modified-since garbage", map[string]string{"If-Modified-Since": "yesterday"}, 200},
		{"if-none-match wins", map[string]string{"If-None-Match": `"0123"`, "If-Modified-Since": ims(time.Hour)}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := fetch(t, c, "GET", base+"/rss.xml", tc.hdr)
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.want)
			}
			if tc.want == 304 {
				if body != "" {
					t.Errorf("304 with body %q", body)
				}
				if resp.Header.Get("ETag") == "" || resp.Header.Get("Cache-Control") == "" || resp.Header.Get("Vary") == "" {
					t.Errorf("304 lacks cache headers: %v", resp.Header)
				}
			}
		})
	}
}

func TestGzipNegotiation(t *testing.T) {
	root := t.TempDir()
	doc := feed50(1)
	put(t, root, "rss.xml", doc)
	base, c := start(t, Options{Root: root})
	for _, tc := range []struct {
		accept string
		gzip   bool
	}{
		{"", false},
		{"gzip", true},
		{"gzip, deflate, br", true},
		{"br;q=1.0, gzip;q=0.8", true},
		{"GZIP;Q=0.5", true},
		{"x-gzip", true},
		{"*", true},
		{"gzip;q=0", false},
		{"gzip; q=0.000", false},
		{"*, gzip;q=0", false},
		{"*;q=0", false},
		{"br", false},
		{"identity", false},
	} {
		t.Run(tc.accept, func(t *testing.T) {
			resp, body := fetch(t, c, "GET", base+"/rss.xml", map[string]string{"Accept-Encoding": tc.accept})
			if resp.Header.Get("Vary") != "Accept-Encoding" {
				t.Errorf("Vary %q", resp.Header.Get("Vary"))
			}
			if got := resp.Header.Get("Content-Length"); got != strconv.Itoa(len(body)) {
				t.Errorf("Content-Length %s for %d bytes", got, len(body))
			}
			if !tc.gzip {
				if resp.Header.Get("Content-Encoding") != "" || body != doc {
					t.Errorf("want identity, got encoding %q", resp.Header.Get("Content-Encoding"))
				}
				return
			}
			if resp.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("want gzip, got encoding %q", resp.Header.Get("Content-Encoding"))
			}
			if len(body) >= len(doc) {
				t.Errorf("gzip body %d bytes, identity %d", len(body), len(doc))
			}
			zr, err := gzip.NewReader(strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			plain, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			if string(plain) != doc {
				t.Error("gunzipped body differs from the file")
			}
		})
	}
}

func TestSmallOrBinaryFilesAreNotGzipped(t *testing.T) {
	root := t.TempDir()
	put(t, root, "tiny.json", "{}")
	put(t, root, "blob.bin", strings.Repeat("a", 4096))
	base, c := start(t, Options{Root: root})
	for _, p := range []string{"/tiny.json", "/blob.bin"} {
		t.Run(p, func(t *testing.T) {
			resp, _ := fetch(t, c, "GET", base+p, map[string]string{"Accept-Encoding": "gzip"})
			if resp.Header.Get("Content-Encoding") != "" || resp.Header.Get("Vary") != "" {
				t.Errorf("encoding %q vary %q", resp.Header.Get("Content-Encoding"), resp.Header.Get("Vary"))
			}
		})
	}
}

func TestHead(t *testing.T) {
	root := t.TempDir()
	doc := feed50(1)
	put(t, root, "rss.xml", doc)
	base, c := start(t, Options{Root: root})
	for _, accept := range []string{"", "gzip"} {
		t.Run("accept="+accept, func(t *testing.T) {
			hdr := map[string]string{"Accept-Encoding": accept}
			get, getBody := fetch(t, c, "GET", base+"/rss.xml", hdr)
			head, headBody := fetch(t, c, "HEAD", base+"/rss.xml", hdr)
			if head.StatusCode != 200 || headBody != "" {
				t.Fatalf("HEAD status %d body %d bytes", head.StatusCode, len(headBody))
			}
			if head.ContentLength != int64(len(getBody)) {
				t.Errorf("HEAD Content-Length %d, GET body %d bytes", head.ContentLength, len(getBody))
			}
			for _, k := range []string{"Content-Type", "Content-Encoding", "ETag", "Last-Modified", "Cache-Control", "Vary"} {
				if head.Header.Get(k) != get.Header.Get(k) {
					t.Errorf("%s: HEAD %q, GET %q", k, head.Header.Get(k), get.Header.Get(k))
				}
			}
		})
	}
}

func TestOnlyGetAndHead(t *testing.T) {
	root := t.TempDir()
	put(t, root, "rss.xml", "x")
	base, c := start(t, Options{Root: root})
	for _, tc := range []struct{ method, path string }{
		{"POST", "/rss.xml"}, {"PUT", "/rss.xml"}, {"DELETE", "/rss.xml"},
		{"OPTIONS", "/rss.xml"}, {"PATCH", "/"}, {"POST", "/healthz"}, {"POST", "/metrics"},
	} {
		t.Run(tc.method+tc.path, func(t *testing.T) {
			resp, _ := fetch(t, c, tc.method, base+tc.path, nil)
			if resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("status %d Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
			}
		})
	}
	if got, _ := os.ReadFile(filepath.Join(root, "rss.xml")); string(got) != "x" {
		t.Error("file changed")
	}
}

func TestDirectories(t *testing.T) {
	root := t.TempDir()
	put(t, root, "index.html", "<h1>home</h1>")
	put(t, root, "bare/rss.xml", "bare feed")
	put(t, root, "site/index.html", "<h1>site</h1>")
	base, c := start(t, Options{Root: root})
	for _, tc := range []struct {
		path     string
		want     int
		body     string
		location string
	}{
		{"/", 200, "<h1>home</h1>", ""},
		{"/site/", 200, "<h1>site</h1>", ""},
		{"/site", 301, "", "/site/"},
		{"/site?x=1", 301, "", "/site/?x=1"},
		{"/bare/", 404, "", ""},
		{"/bare", 404, "", ""},
		{"/rss.xml/", 404, "", ""},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp, body := fetch(t, c, "GET", base+tc.path, nil)
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.want)
			}
			if tc.body != "" && body != tc.body {
				t.Errorf("body %q", body)
			}
			if strings.Contains(body, "rss.xml") {
				t.Errorf("directory listed: %q", body)
			}
			if got := resp.Header.Get("Location"); got != tc.location {
				t.Errorf("Location %q, want %q", got, tc.location)
			}
		})
	}
	t.Run("no index at root", func(t *testing.T) {
		empty := t.TempDir()
		put(t, empty, "rss.xml", "x")
		base, c := start(t, Options{Root: empty})
		resp, body := fetch(t, c, "GET", base+"/", nil)
		if resp.StatusCode != 404 || strings.Contains(body, "rss.xml") {
			t.Errorf("status %d body %q", resp.StatusCode, body)
		}
	})
}

func TestPathEscapes(t *testing.T) {
	parent := t.TempDir()
	root := filepath.Join(parent, "out")
	const secret = "TOP-SECRET-CONTENT"
	if err := os.WriteFile(filepath.Join(parent, "secret.txt"), []byte(secret), 0o644); err != nil {
		t.Fatal(err)
	}
	put(t, root, "rss.xml", "feed")
	put(t, root, "sub/rss.xml", "feed")
	if err := os.Symlink(filepath.Join(parent, "secret.txt"), filepath.Join(root, "link.xml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(parent, filepath.Join(root, "up")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../secret.txt", filepath.Join(root, "rel.txt")); err != nil {
		t.Fatal(err)
	}
	base, _ := start(t, Options{Root: root})
	for _, tc := range []struct {
		target string
		want   int
	}{
		{"/../secret.txt", 400},
		{"/sub/../../secret.txt", 400},
		{"/%2e%2e/secret.txt", 400},
		{"/%2E%2E/secret.txt", 400},
		{"/sub/%2e%2e/%2e%2e/secret.txt", 400},
		{"/..%2fsecret.txt", 400},
		{"/..%2Fsecret.txt", 400},
		{"/a%2fb", 400},
		{"/..%5csecret.txt", 400},
		{"/..\\secret.txt", 400},
		{"/sub%5c..%5c..%5csecret.txt", 400},
		{"/./rss.xml", 400},
		{"//secret.txt", 400},
		{"/rss.xml%00", 400},
		{"http://test/../secret.txt", 400},
		{"/link.xml", 404},
		{"/rel.txt", 404},
		{"/up/secret.txt", 404},
		{"/up/out/rss.xml", 404},
		{"/sub/rss.xml", 200}, // control: the same client does reach real files
	} {
		t.Run(tc.target, func(t *testing.T) {
			code, body := raw(t, base, tc.target)
			if code != tc.want {
				t.Errorf("status %d, want %d", code, tc.want)
			}
			if strings.Contains(body, secret) {
				t.Errorf("served the outside file")
			}
		})
	}
	t.Run("client with RawPath", func(t *testing.T) {
		req, err := http.NewRequest("GET", base+"/", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.URL.Path, req.URL.RawPath = "/sub/../../secret.txt", "/sub/..%2f..%2fsecret.txt"
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 400 || bytes.Contains(body, []byte(secret)) {
			t.Errorf("status %d", resp.StatusCode)
		}
	})
}

func TestSymlinkInsideRootIsServed(t *testing.T) {
	root := t.TempDir()
	put(t, root, "real/rss.xml", "inside")
	if err := os.Symlink("real/rss.xml", filepath.Join(root, "alias.xml")); err != nil {
		t.Fatal(err)
	}
	base, c := start(t, Options{Root: root})
	if resp, body := fetch(t, c, "GET", base+"/alias.xml", nil); resp.StatusCode != 200 || body != "inside" {
		t.Errorf("status %d body %q", resp.StatusCode, body)
	}
}

func TestHiddenFiles(t *testing.T) {
	root := t.TempDir()
	put(t, root, ".rss.xml.tmp-12345", "half a feed")
	put(t, root, "sub/.atom.xml.tmp-1", "half a feed")
	put(t, root, ".git/config", "secret")
	put(t, root, ".env", "secret")
	base, c := start(t, Options{Root: root})
	for _, p := range []string{"/.rss.xml.tmp-12345", "/sub/.atom.xml.tmp-1", "/.git/config", "/.git/", "/.env"} {
		t.Run(p, func(t *testing.T) {
			resp, body := fetch(t, c, "GET", base+p, nil)
			if resp.StatusCode != 404 || strings.Contains(body, "feed") || strings.Contains(body, "secret") {
				t.Errorf("status %d body %q", resp.StatusCode, body)
			}
		})
	}
}

func TestReplacedFileServesNewVersion(t *testing.T) {
	for _, tc := range []struct {
		name     string
		old, new string
		sameTime bool
	}{
		{"new content", "version one", "version two, longer", false},
		// Same size and mtime: only the inode tells the versions apart.
		{"same size and mtime", "version one", "version two", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			p := put(t, root, "feed.json", tc.old)
			at := mtime(t, p)
			base, c := start(t, Options{Root: root})
			resp, body := fetch(t, c, "GET", base+"/feed.json", nil)
			oldTag := resp.Header.Get("ETag")
			if body != tc.old {
				t.Fatalf("body %q", body)
			}
			put(t, root, "feed.json", tc.new)
			if tc.sameTime {
				if err := os.Chtimes(p, at, at); err != nil {
					t.Fatal(err)
				}
			}
			resp, body = fetch(t, c, "GET", base+"/feed.json", map[string]string{"If-None-Match": oldTag})
			if resp.StatusCode != 200 || body != tc.new {
				t.Fatalf("status %d body %q", resp.StatusCode, body)
			}
			if resp.Header.Get("ETag") == oldTag {
				t.Error("ETag unchanged after replace")
			}
		})
	}
}

func TestConcurrentReplaceNeverServesPartial(t *testing.T) {
	root := t.TempDir()
	const versions, clients, requests = 150, 4, 150
	docs := make([]string, versions)
	for i := range docs {
		// Sizes differ between versions so a torn read cannot pass.
		docs[i] = feed50(i) + strings.Repeat("<!-- pad -->\n", i)
	}
	known := make(map[string]bool, 2*versions)
	for _, d := range docs {
		known[d] = true
	}
	put(t, root, "rss.xml", docs[0])
	base, c := start(t, Options{Root: root})

	var wg sync.WaitGroup
	errs := make(chan string, clients*requests+1)
	wg.Go(func() {
		for _, d := range docs[1:] {
			if _, err := publish(root, "rss.xml", d); err != nil {
				errs <- err.Error()
				return
			}
		}
	})
	for n := range clients {
		wg.Go(func() {
			hdr := map[string]string{}
			if n%2 == 0 {
				hdr["Accept-Encoding"] = "gzip"
			}
			for range requests {
				resp, body, err := do(c, "GET", base+"/rss.xml", hdr)
				if err != nil {
					errs <- err.Error()
					continue
				}
				if resp.StatusCode != 200 {
					errs <- "status " + resp.Status
					continue
				}
				if resp.Header.Get("Content-Encoding") == "gzip" {
					zr, err := gzip.NewReader(strings.NewReader(body))
					if err != nil {
						errs <- err.Error()
						continue
					}
					plain, err := io.ReadAll(zr)
					if err != nil {
						errs <- err.Error()
						continue
					}
					body = string(plain)
				}
				if !known[body] {
					errs <- "partial or unknown body of " + strconv.Itoa(len(body)) + " bytes"
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if _, body := fetch(t, c, "GET", base+"/rss.xml", nil); body != docs[versions-1] {
		t.Error("last version not served after the writer stopped")
	}
}

func TestFolderCreatedLaterOrReplaced(t *testing.T) {
	parent := t.TempDir()
	root := filepath.Join(parent, "out")
	base, c := start(t, Options{Root: root})
	if resp, _ := fetch(t, c, "GET", base+"/rss.xml", nil); resp.StatusCode != 404 {
		t.Fatalf("status %d before the folder exists", resp.StatusCode)
	}
	put(t, root, "rss.xml", "first")
	if resp, body := fetch(t, c, "GET", base+"/rss.xml", nil); body != "first" {
		t.Fatalf("status %d body %q once the folder exists", resp.StatusCode, body)
	}
	if err := os.RemoveAll(root); err != nil {
		t.Fatal(err)
	}
	put(t, root, "atom.xml", "second")
	if resp, body := fetch(t, c, "GET", base+"/atom.xml", nil); body != "second" {
		t.Errorf("status %d body %q after the folder was recreated", resp.StatusCode, body)
	}
}

func TestLargeFilesAreStreamed(t *testing.T) {
	root := t.TempDir()
	// A 16 KiB budget caches files up to 4 KiB; this one is 16 KiB.
	big := strings.Repeat("0123456789abcdef", 1024)
	at := mtime(t, put(t, root, "big.txt", big))
	put(t, root, "rss.xml", feed50(1))
	base, c := start(t, Options{Root: root, CacheBytes: 16 << 10})
	resp, body := fetch(t, c, "GET", base+"/big.txt", map[string]string{"Accept-Encoding": "gzip"})
	if resp.StatusCode != 200 || body != big || resp.Header.Get("Content-Encoding") != "" {
		t.Fatalf("status %d, %d bytes, encoding %q", resp.StatusCode, len(body), resp.Header.Get("Content-Encoding"))
	}
	resp, _ = fetch(t, c, "GET", base+"/big.txt", map[string]string{"If-Modified-Since": at.Format(http.TimeFormat)})
	if resp.StatusCode != 304 {
		t.Errorf("If-Modified-Since: status %d", resp.StatusCode)
	}
	// The feed no longer fits the cache with this budget, but still works.
	if resp, _ := fetch(t, c, "GET", base+"/rss.xml", nil); resp.StatusCode != 200 {
		t.Errorf("feed status %d", resp.StatusCode)
	}
}
