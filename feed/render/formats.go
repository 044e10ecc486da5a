package render

import "github.com/braid-feeds/braid/feed"

// Format is one output format of a feed: its config name, the file it is
// published as, the media type it is served with and its renderer. Config
// validation, the cycle, the index page and the server all look formats up
// here, so adding one is one row.
type Format struct {
	Name      string // as written in the config's formats list
	File      string // file name inside a feed's folder
	MediaType string // without parameters
	Label     string // its full name, in autodiscovery titles
	Short     string // its name on a subscribe button
	Render    func(*feed.Feed) ([]byte, error)
}

// Names and media types of the formats, for the renderers that must find
// their own link (the table below cannot be read from inside them: it
// refers to them).
const (
	NameRSS  = "rss"
	NameAtom = "atom"
	NameJSON = "json"

	mediaRSS  = "application/rss+xml"
	mediaAtom = "application/atom+xml"
	mediaJSON = "application/feed+json"
)

// Formats are every format braid can publish, in the order they are
// listed on the index page and in a feed's links.
var Formats = []Format{
	{NameRSS, "rss.xml", mediaRSS, "RSS", "RSS", RSS},
	{NameAtom, "atom.xml", mediaAtom, "Atom", "Atom", Atom},
	{NameJSON, "feed.json", mediaJSON, "JSON Feed", "JSON", JSON},
}

// FormatByName finds a format by its config name.
func FormatByName(name string) (Format, bool) {
	for _, f := range Formats {
		if f.Name == name {
			return f, true
		}
	}
	return Format{}, false
}

// FormatByFile finds a format by the file name it is published as.
func FormatByFile(file string) (Format, bool) {
	for _, f := range Formats {
		if f.File == file {
			return f, true
		}
	}
	return Format{}, false
}

// FormatNames are the config names of every format, in table order.
func FormatNames() []string {
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = f.Name
	}
	return names
}

// LinksFor are the URLs of a feed published under base (ending in "/")
// in each of the named formats, in table order.
func LinksFor(base string, names []string) feed.Links {
	var l feed.Links
	for _, f := range Formats {
		for _, n := range names {
			if n == f.Name {
				l = append(l, feed.Link{Format: f.Name, URL: base + f.File})
				break
			}
		}
	}
	return l
}
