package serve

import (
	"github.com/braid-feeds/braid/feed/render"
	"mime"
	"net/textproto"
	"path"
	"strings"
)

// Header values are shared slices so the hot path assigns them into the
// header map without allocating or canonicalising anything.
var (
	ctFormat = formatTypes()
	ctHTML   = []string{"text/html; charset=utf-8"}
	ctOPML   = []string{"text/x-opml; charset=utf-8"}
	ctOctet  = []string{"application/octet-stream"}
)

// formatTypes are the header values of the published formats, by file
// name and by the extensions other tools give such feeds (.rss, .atom).
func formatTypes() map[string][]string {
	m := map[string][]string{}
	for _, f := range render.Formats {
		v := f.MediaType
		if strings.HasSuffix(v, "+xml") {
			v += "; charset=utf-8"
		}
		m[f.File] = []string{v}
		m["."+f.Name] = m[f.File]
	}
	delete(m, ".json") // any JSON file is not a feed
	return m
}

// contentType picks the media type feed readers expect. Feed files are
// matched by name because rss.xml and atom.xml share an extension with any
// other XML, and readers are picky about the feed types.
func contentType(name string) []string {
	base := path.Base(name)
	ext := strings.ToLower(path.Ext(base))
	if ct, ok := ctFormat[base]; ok {
		return ct
	}
	if ct, ok := ctFormat[ext]; ok {
		return ct
	}
	switch {
	case ext == ".html" || ext == ".htm":
		return ctHTML
	case ext == ".opml":
		return ctOPML
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return []string{t}
	}
	return ctOctet
}

// compressible says whether gzip is worth trying: text formats shrink a
// lot, while images and archives are already compressed.
func compressible(ct string) bool {
	ct = strings.ToLower(ct)
	if strings.HasPrefix(ct, "text/") {
		return true
	}
	for _, s := range []string{"xml", "json", "javascript", "opml", "svg"} {
		if strings.Contains(ct, s) {
			return true
		}
	}
	return false
}

// acceptsGzip reads Accept-Encoding (RFC 9110 §12.5.3). An explicit gzip
// entry wins over "*"; q=0 refuses. Anything unparsable counts as a
// refusal, because identity is always an acceptable answer.
func acceptsGzip(values []string) bool {
	gzip, star := -1, -1 // -1: not mentioned, 0: refused, 1: accepted
	for _, v := range values {
		for v != "" {
			var elem string
			elem, v, _ = strings.Cut(v, ",")
			coding, params, _ := strings.Cut(elem, ";")
			coding = textproto.TrimString(coding)
			q := qAccepts(params)
			switch {
			case strings.EqualFold(coding, "gzip"), strings.EqualFold(coding, "x-gzip"):
				gzip = q
			case coding == "*":
				star = q
			}
		}
	}
	if gzip >= 0 {
		return gzip == 1
	}
	return star == 1
}

// qAccepts returns 1 when the q parameter in params is absent or positive,
// 0 when it is zero or malformed.
func qAccepts(params string) int {
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		name, val, ok := strings.Cut(p, "=")
		if !ok || !strings.EqualFold(textproto.TrimString(name), "q") {
			continue
		}
		val = textproto.TrimString(val)
		if val == "" || len(val) > 5 {
			return 0
		}
		switch val[0] {
		case '1':
			return boolInt(allIn(val[1:], ".0"))
		case '0':
			rest := val[1:]
			if rest == "" {
				return 0
			}
			if rest[0] != '.' || !allIn(rest[1:], "0123456789") {
				return 0
			}
			return boolInt(!allIn(rest[1:], "0"))
		default:
			return 0
		}
	}
	return 1
}

func allIn(s, set string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(set, s[i]) < 0 {
			return false
		}
	}
	return true
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// noneMatch evaluates If-None-Match against etag (RFC 9110 §13.1.2): true
// when "*" or any listed tag matches under weak comparison, i.e. ignoring
// a W/ prefix. A malformed list stops the scan with what matched so far,
// which errs on sending the full body.
func noneMatch(values []string, etag string) bool {
	for _, v := range values {
		for {
			v = strings.TrimLeft(v, " \t,")
			if v == "" {
				break
			}
			if v[0] == '*' {
				return true
			}
			v = strings.TrimPrefix(v, "W/")
			if len(v) < 2 || v[0] != '"' {
				return false
			}
			end := strings.IndexByte(v[1:], '"')
			if end < 0 {
				return false
			}
			if v[:end+2] == etag {
				return true
			}
			v = v[end+2:]
		}
	}
	return false
}
