package parser

import (
	"bytes"
	"net/url"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/braid-feeds/braid/feed"
)

// policy is bluemonday's policy for user-generated content: formatting,
// links and images survive; scripts, styles, event handlers, iframes and
// javascript: URLs do not.
var policy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(false)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	return p
})

// sanitize resolves relative URLs against base, then sanitizes. The order
// matters: bluemonday drops relative URLs it cannot resolve.
func sanitize(fragment string, base *url.URL) string {
	fragment = stripControl(fragment)
	if strings.TrimSpace(fragment) == "" {
		return ""
	}
	if base != nil && strings.ContainsAny(fragment, "<") {
		fragment = absolutize(fragment, base)
	}
	return strings.TrimSpace(policy().Sanitize(fragment))
}

var urlAttrs = map[string]bool{"href": true, "src": true, "poster": true, "cite": true, "srcset": false}

// absolutize rewrites href/src attributes of an HTML fragment to absolute
// URLs against base.
func absolutize(fragment string, base *url.URL) string {
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
		if err := html.Render(&buf, n); err != nil {
			return fragment
		}
	}
	return buf.String()
}

// resolve makes ref absolute against base; unparseable refs are returned
// as they are (the sanitizer then drops them).
func resolve(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || base == nil {
		return ref
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	return base.ResolveReference(u).String()
}

// stripControl drops control characters (other than tab and newlines) and
// invalid UTF-8, which are not allowed in XML, and bidi controls, which
// XML allows but which let a source reorder how its title reads (see
// feed.IsBidiControl).
func stripControl(s string) string {
	s = strings.ToValidUTF8(s, "")
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f || r == 0xfffe || r == 0xffff || feed.IsBidiControl(r) {
			return -1
		}
		return r
	}, s)
}
