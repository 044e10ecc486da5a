package serve

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// put writes rel under root the way the publisher does: a dot-named temp
// file in the same folder renamed over the target.
func put(t testing.TB, root, rel, content string) string {
	t.Helper()
	target, err := publish(root, rel, content)
	if err != nil {
		t.Fatal(err)
	}
	return target
}

// publish is put for goroutines other than the test's, which must not
// call t.Fatal.
func publish(root, rel, content string) (string, error) {
	target := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return "", err
	}
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	return target, os.Rename(tmp.Name(), target)
}

// start serves a handler for root on 127.0.0.1 and returns its base URL
// and a client that leaves Accept-Encoding and gzip bodies alone.
func start(t testing.TB, opt Options) (string, *http.Client) {
	t.Helper()
	srv := httptest.NewServer(NewHandler(opt))
	t.Cleanup(srv.Close)
	tr := &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 16}
	t.Cleanup(tr.CloseIdleConnections)
	return srv.URL, &http.Client{
		Transport: tr,
		// Redirects are asserted on, not followed.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// fetch does one request and returns the response with its body read.
func fetch(t testing.TB, c *http.Client, method, url string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	resp, body, err := do(c, method, url, hdr)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// do is fetch for goroutines other than the test's.
func do(c *http.Client, method, url string, hdr map[string]string) (*http.Response, string, error) {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		return nil, "", err
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, string(body), err
}

// raw sends target verbatim on the request line, bypassing every client
// side normalisation, and returns status and body.
func raw(t testing.TB, base, target string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n", target); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// feed50 is an RSS document of the size braid publishes: 50 items with
// summaries. version makes each one distinct and recognisable. The prose
// is pseudo-random words so it compresses like real text, not like a
// repeated string.
func feed50(version int) string {
	words := strings.Fields(`the a of to and in for on with as by at from that this it is was are be
		has have had new report city council market energy battery grid bank aid regulators policy
		said says will would could after before during over under about against between into
		week year month today yesterday officials company plan project price prices rise fall
		growth storage platform investment funding approval review decision court ruling vote`)
	seed := uint32(version*7919 + 1)
	word := func() string {
		seed = seed*1664525 + 1013904223
		return words[int(seed>>16)%len(words)]
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>braid v%d</title>\n", version)
	for i := range 50 {
		fmt.Fprintf(&b, "<item><title>Item %d of version %d: %s %s %s</title><link>https://example.org/%d/%d</link>"+
			"<guid>https://example.org/%d/%d</guid><pubDate>Mon, 02 Jan 2006 15:04:05 GMT</pubDate><description>",
			i, version, word(), word(), word(), version, i, version, i)
		for range 90 {
			b.WriteString(word())
			b.WriteByte(' ')
		}
		b.WriteString("</description></item>\n")
	}
	b.WriteString("</channel></rss>\n")
	return b.String()
}

func newRegistry() *prometheus.Registry { return prometheus.NewRegistry() }

// mtime is a whole-second time in the past, so If-Modified-Since
// comparisons are exact.
func mtime(t testing.TB, path string) time.Time {
	t.Helper()
	at := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	if err := os.Chtimes(path, at, at); err != nil {
		t.Fatal(err)
	}
	return at
}
