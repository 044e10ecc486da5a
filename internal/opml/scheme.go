package opml

import "strings"

// feedURL rewrites the URL schemes feed readers still export into the
// http(s) URL they stand for: "feed://host/x" (the feed: scheme of old
// browsers, meaning http), "feed:https://host/x" and "feed:http://…"
// (feed: wrapping a URL), and an upper- or mixed-case scheme such as
// "HTTP://", which URL schemes allow but braid's source check does not
// expect. Anything else is returned as it is, so the import can still
// name it when it ignores it.
func feedURL(s string) string {
	scheme, rest, ok := strings.Cut(s, ":")
	if !ok {
		return s
	}
	switch strings.ToLower(scheme) {
	case "feed":
		if strings.HasPrefix(rest, "//") {
			return "http:" + rest
		}
		return feedURL(rest)
	case "http", "https":
		return strings.ToLower(scheme) + ":" + rest
	}
	return s
}
