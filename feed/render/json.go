package render

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/braid-feeds/braid/feed"
	"github.com/gorilla/feeds"
)

const jsonFeedVersion = "https://jsonfeed.org/version/1.1"

// jsonFeed shadows gorilla's items; "items" is required, so it is written
// even when empty.
type jsonFeed struct {
	*feeds.JSONFeed
	Items []*jsonItem `json:"items"`
}

// jsonItem is gorilla's item (whose buggy banner_image and deprecated
// author fields stay empty) plus braid's extension object.
type jsonItem struct {
	*feeds.JSONItem
	Braid *jsonBraid `json:"_braid,omitempty"`
}

// jsonBraid is the "_braid" extension: why the item is in the feed and the
// feed it came from. (external_url is for linked-to content, not sources.)
type jsonBraid struct {
	About  string      `json:"about"`
	Role   string      `json:"role,omitempty"`
	Source *jsonSource `json:"source,omitempty"`
}

type jsonSource struct {
	Name  string `json:"name,omitempty"`
	URL   string `json:"url,omitempty"`
	Title string `json:"title,omitempty"`
}

// JSON renders f as JSON Feed 1.1, indented by two spaces.
func JSON(f *feed.Feed) ([]byte, error) {
	c := clean(f)
	jf := (&feeds.JSON{Feed: gorillaFeed(c)}).JSONFeed()
	jf.Version = jsonFeedVersion
	jf.FeedUrl = c.Self.Get(NameJSON)
	jf.Language = c.Language
	if c.Description == c.Title {
		jf.Description = "" // only the fallback, not a real description
	}
	jf.Author, jf.Authors = nil, nil
	if c.Author.Name != "" {
		jf.Authors = []*feeds.JSONAuthor{{Name: c.Author.Name}}
	}
	if c.Hub != "" {
		jf.Hubs = []*feeds.JSONHub{{Type: "WebSub", Url: c.Hub}}
	}
	out := &jsonFeed{JSONFeed: jf, Items: make([]*jsonItem, 0, len(jf.Items))}
	for i, gi := range jf.Items {
		it := &c.Items[i]
		gi.Id = it.ID
		gi.Url = it.Link
		gi.ExternalUrl = ""
		gi.ContentHTML = firstNonEmpty(it.ContentHTML, it.Summary)
		if gi.ContentHTML == "" {
			gi.ContentText = firstNonEmpty(it.Title, it.Link, it.ID)
		}
		gi.Summary = plainText(it.Summary)
		gi.PublishedDate = jsonDate(itemDate(it)) // readers sort by it: Updated when unpublished
		gi.ModifiedDate = jsonDate(it.Updated)
		gi.Author, gi.Authors = nil, nil
		for _, p := range it.Authors {
			if p.Name != "" {
				gi.Authors = append(gi.Authors, &feeds.JSONAuthor{Name: p.Name})
			} else {
				gi.Authors = append(gi.Authors, &feeds.JSONAuthor{Url: "mailto:" + p.Email})
			}
		}
		gi.Tags = append([]string(nil), it.Categories...)
		ji := &jsonItem{JSONItem: gi}
		if it.Role != "" {
			gi.Tags = append(gi.Tags, roleTagPrefix+string(it.Role))
		}
		if it.Role != "" || it.Origin != nil {
			ji.Braid = &jsonBraid{About: generatorURI, Role: string(it.Role)}
		}
		if o := it.Origin; o != nil {
			ji.Braid.Source = &jsonSource{Name: o.Name, URL: o.URL, Title: o.Title}
		}
		out.Items = append(out.Items, ji)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func jsonDate(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}
