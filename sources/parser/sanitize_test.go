package parser

import (
	"bytes"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// absolutizeTree is how absolutize worked before it streamed tokens: the
// fragment parsed to a tree, its URL attributes resolved, the tree
// rendered back.
func absolutizeTree(fragment string, base *url.URL) string {
	nodes, err := html.ParseFragment(strings.NewReader(fragment), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return fragment
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for i, a := range n.Attr {
				if urlAttrs[strings.ToLower(a.Key)] {
					n.Attr[i].Val = resolve(base, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	var buf bytes.Buffer
	for _, n := range nodes {
		walk(n)
		html.Render(&buf, n)
	}
	return buf.String()
}

// TestAbsolutizeStreamsAsTheTreeDid: on the HTML feeds carry, resolving
// URLs token by token and then sanitizing gives what the parse tree gave.
// Only broken or abridged markup differs (a tree closes an open <b>, adds
// a table's <tbody>), and the sanitizer takes either.
func TestAbsolutizeStreamsAsTheTreeDid(t *testing.T) {
	base, _ := url.Parse("https://news.example/world/2026/story.html")
	for _, frag := range []string{
		`<p>Plain words &amp; an entity&nbsp;here, “quotes” and 'apostrophes'.</p>`,
		`<p><a href="../more">More</a> <img src="img/a.jpg" alt="A &quot;photo&quot;"> <a href="//cdn.example/x">cdn</a> <a href="#top">top</a></p>`,
		`<figure><img src="/i/1.png" width="600"><figcaption>Credit: <a href="https://agency.example/">Agency</a></figcaption></figure>`,
		`<ul><li><a href="a">one</a></li><li><A HREF="B">two</A></li></ul><br><hr/>`,
		`<blockquote cite="quotes/1"><p>Said <em>this</em> and <strong>that</strong>.</p></blockquote>`,
		`<p onclick="steal()">Hi</p><script>document.cookie</script><a href="javascript:alert(1)">x</a><img src="x.png" onerror="alert(1)">`,
		`<!-- a comment --><p>After a comment<br/>and a break</p><video poster="p.jpg" src="v.mp4"></video>`,
		`text only, no markup`,
	} {
		want := policy().Sanitize(absolutizeTree(frag, base))
		if got := policy().Sanitize(absolutizeString(frag, base)); got != want {
			t.Errorf("%s\nstreamed: %s\ntree:     %s", frag, got, want)
		}
	}
}

func absolutizeString(frag string, base *url.URL) string {
	var b bytes.Buffer
	absolutize(&b, frag, base)
	return b.String()
}

// sanitizeByString is sanitize as it was before its buffers were pooled:
// bluemonday's Sanitize on the resolved string.
func sanitizeByString(fragment string, base *url.URL) string {
	fragment = stripControl(fragment)
	if strings.TrimSpace(fragment) == "" {
		return ""
	}
	if base != nil && strings.ContainsAny(fragment, "<") {
		fragment = absolutizeString(fragment, base)
	}
	return strings.TrimSpace(policy().Sanitize(fragment))
}

// FuzzSanitizePooled holds the pooled buffers to bluemonday's own
// Sanitize, with a long fragment first so each call reuses a buffer
// that held more than it writes.
func FuzzSanitizePooled(f *testing.F) {
	base, _ := url.Parse("https://news.example/a/b.html")
	for _, s := range []string{
		"", "  ", "plain &amp; text", `<p>a <a href="/x">b</a></p>`, `<img src="i.png"><br>`,
		`<script>alert(1)</script>ok`, `<a href="javascript:x()">j</a>`, "<p>\x00\x1b bad \u202e</p>",
		`<table><tr><td>cell</td></tr></table>`, `<a href="a b">space</a>`, "<p>" + strings.Repeat("long text ", 2000) + "</p>",
	} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, withBase bool) {
		b := base
		if !withBase {
			b = nil
		}
		sanitize(strings.Repeat("<p>warm the pool</p>", 50), b)
		if got, want := sanitize(s, b), sanitizeByString(s, b); got != want {
			t.Fatalf("sanitize(%q) = %q, bluemonday's Sanitize gives %q", s, got, want)
		}
	})
}

// stripControlEveryRune is stripControl without its byte-scan shortcut,
// as it was: the reference FuzzStripControl holds it to.
func stripControlEveryRune(s string) string {
	return strings.Map(func(r rune) rune {
		if dropped(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}

func FuzzStripControl(f *testing.F) {
	for _, s := range []string{"", "plain words", "tab\tnew\nline\r", "bell\x07", "del\x7f", "bad \xff utf-8",
		"\xe2\x80", "ok \ufffd kept", "\ufffe\uffff", "rtl \u202e override", "isolate \u2067x\u2069", "é à ü 日本", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := stripControlEveryRune(s)
		if got := stripControl(s); got != want {
			t.Fatalf("stripControl(%q) = %q, want %q", s, got, want)
		}
		if needsStrip(s) != (want != s) {
			t.Fatalf("needsStrip(%q) = %v, but stripping gives %q", s, needsStrip(s), want)
		}
	})
}
