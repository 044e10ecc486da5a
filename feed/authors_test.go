package feed_test

import (
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/feed/render"
)

// TestRelatedItemsNameAnAuthor renders an article feed in every format and
// reads it back the way a feed reader does: a related item without an
// author of its own must be credited to its source, never left blank
// (readers would then show the channel's author, the site's own desk).
func TestRelatedItemsNameAnAuthor(t *testing.T) {
	at := time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)
	site := feed.Site{Title: "Example News", URL: "https://news.example", Author: feed.Person{Name: "Example News Desk", Email: "desk@news.example"}}
	art := &feed.Article{Slug: "harbour", Title: "Harbour cranes", Published: at}
	article := site.ArticleItem(art, feed.RoleArticle, true)
	wire := &feed.Origin{Name: "Example Wire", URL: "https://wire.example/feed.xml", Title: "The Wire"}
	untitled := &feed.Origin{URL: "https://blog.example/feed.xml", Title: "Blog Feed"}
	related := []feed.Item{
		{ID: "https://wire.example/1", Link: "https://wire.example/1", Title: "Cranes arrive", Published: at, Role: feed.RoleRelated, Origin: wire},
		{ID: "https://wire.example/2", Link: "https://wire.example/2", Title: "Cranes tested", Published: at, Role: feed.RoleRelated, Origin: wire,
			Authors: []feed.Person{{Name: "Ana Reporter"}}},
		{ID: "https://blog.example/3", Link: "https://blog.example/3", Title: "Crane day", Published: at, Role: feed.RoleRelated, Origin: untitled},
	}
	want := map[string]string{
		"https://wire.example/1": "Example Wire",
		"https://wire.example/2": "Ana Reporter",
		"https://blog.example/3": "Blog Feed",
	}
	f := site.ArticleFeed(art, article, nil, nil, related, 10, feed.Address{ID: "tag:news.example,2024:harbour"})
	for _, fm := range render.Formats {
		t.Run(fm.Name, func(t *testing.T) {
			data, err := fm.Render(&f)
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := gofeed.NewParser().ParseString(string(data))
			if err != nil {
				t.Fatal(err)
			}
			seen := 0
			for _, it := range parsed.Items {
				name, ok := want[it.Link]
				if !ok {
					continue
				}
				seen++
				if len(it.Authors) == 0 || it.Authors[0].Name != name {
					t.Errorf("%s: authors %+v, want %q", it.Link, it.Authors, name)
				}
			}
			if seen != len(want) {
				t.Errorf("found %d related items, want %d", seen, len(want))
			}
		})
	}
}
