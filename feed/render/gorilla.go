package render

import (
	"encoding/xml"

	"github.com/gorilla/feeds"
)

// xmlHeader is the declaration every XML file starts with.
const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// gorillaFeed is the cleaned feed in gorilla's model, the skeleton all
// three formats start from. Authors, sources and categories are left out:
// gorilla writes them wrongly or not at all, so each format adds its own.
func gorillaFeed(c *cleaned) *feeds.Feed {
	f := &feeds.Feed{
		Title:       c.Title,
		Link:        &feeds.Link{Href: c.Link},
		Description: c.Description,
		Updated:     c.Updated,
		Id:          c.ID,
	}
	for i := range c.Items {
		it := &c.Items[i]
		gi := &feeds.Item{
			Id:          it.ID,
			Title:       it.Title,
			Description: it.Summary,
			Content:     it.ContentHTML,
			Created:     it.Published,
			Updated:     it.Updated,
			IsPermaLink: "false",
		}
		if it.IDIsPermalink() {
			gi.IsPermaLink = "true"
		}
		if it.Link != "" {
			gi.Link = &feeds.Link{Href: it.Link}
		}
		f.Items = append(f.Items, gi)
	}
	return f
}

// marshalXML writes v indented, with the XML declaration and a final newline.
func marshalXML(v any) ([]byte, error) {
	body, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(xmlHeader)+len(body)+1)
	out = append(out, xmlHeader...)
	out = append(out, body...)
	return append(out, '\n'), nil
}
