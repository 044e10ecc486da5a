package render

import (
	"time"

	"github.com/braid-feeds/braid/feed"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// fixture is a representative article feed: the article, its neighbours
// and related items from other feeds, one undated, one with control
// characters and markup in its text, Cyrillic throughout one.
func fixture() *feed.Feed {
	return &feed.Feed{
		Channel: feed.Channel{
			Title:       "Braid & the art of feeds",
			Description: "An article and what it connects to.",
			Language:    "en",
			Link:        "https://braid.example/articles/art-of-feeds/",
			ID:          "https://braid.example/articles/art-of-feeds/",
			Author:      feed.Person{Name: "Ada Example", Email: "ada@braid.example"},
			Updated:     at("2024-05-12T07:08:09+02:00"),
			Self:        feed.Links{{Format: "rss", URL: "https://braid.example/feeds/art-of-feeds/rss.xml"}, {Format: "atom", URL: "https://braid.example/feeds/art-of-feeds/atom.xml"}, {Format: "json", URL: "https://braid.example/feeds/art-of-feeds/feed.json"}},
			Hub:         "https://hub.example/",
		},
		Items: []feed.Item{
			{
				ID:          "https://braid.example/articles/art-of-feeds/",
				Link:        "https://braid.example/articles/art-of-feeds/",
				Title:       "The art of feeds",
				Summary:     "<p>Why feeds &amp; links still matter.</p>",
				ContentHTML: `<p>Full text with <a href="https://braid.example/about/">a link</a>.</p><p>Second paragraph.</p>`,
				Published:   at("2024-05-01T10:00:00Z"),
				Updated:     at("2024-05-02T11:00:00-04:00"),
				Authors:     []feed.Person{{Name: "Ada Example", Email: "ada@braid.example"}},
				Categories:  []string{"feeds", "web", "feeds"},
				Role:        feed.RoleArticle,
			},
			{
				ID:        "https://braid.example/articles/older/",
				Link:      "https://braid.example/articles/older/",
				Title:     "An older article",
				Summary:   "<p>The one before.</p>",
				Published: at("2024-04-20T09:00:00Z"),
				Authors:   []feed.Person{{Name: "Bob Noemail"}},
				Role:      feed.RolePrevious,
			},
			{
				ID:          "https://braid.example/articles/newer/",
				Link:        "https://braid.example/articles/newer/",
				Title:       "A newer article",
				ContentHTML: "<p>The one after, content only.</p>",
				Published:   at("2024-05-10T12:30:00.123456+01:00"),
				Role:        feed.RoleNext,
			},
			{
				ID:          "tag:novosti.example,2024-05-03:/item/42",
				GUID:        "42",
				Link:        "https://novosti.example/item/42",
				Title:       "Как устроены ленты новостей",
				Summary:     "<p>Краткий рассказ о лентах — «RSS» и&nbsp;Atom.</p>",
				ContentHTML: "<p>Полный текст: ленты, подписки, читалки.</p>",
				Published:   at("2024-05-03T08:00:00+03:00"),
				Updated:     at("2024-05-04T09:15:00+03:00"),
				Authors:     []feed.Person{{Name: "Иван Петров", Email: "ivan@novosti.example"}, {Name: "Мария"}},
				Categories:  []string{"технологии"},
				Role:        feed.RoleRelated,
				Score:       0.82,
				Origin: &feed.Origin{
					Name:    "novosti",
					URL:     "https://novosti.example/feed.xml",
					Title:   "Новости",
					Link:    "https://novosti.example/",
					ID:      "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427",
					Updated: at("2024-05-04T10:00:00+03:00"),
				},
			},
			{
				ID:      "https://blog.example/posts/undated",
				Link:    "https://blog.example/posts/undated",
				Title:   "An undated post",
				Summary: "<p>The source gave no date.</p>",
				Role:    feed.RoleRelated,
				Score:   0.5,
				Origin:  &feed.Origin{Name: "Blog Example", URL: "https://blog.example/atom.xml"},
			},
			{
				ID:          "https://news.example/tom-and-jerry",
				Link:        "https://news.example/tom-and-jerry",
				Title:       "Tom & Jerry <3\x00\x07 bell\x1b \uFFFEbad\xff bytes\x7f",
				Summary:     "a\x01b <b>bold</b> &amp; ]]> end",
				ContentHTML: "<p>CDATA end ]]> and \x0bvertical tab\x0c, tab\tkept.</p>",
				Updated:     at("2024-05-05T06:00:00Z"),
				Authors:     []feed.Person{{Email: "desk@news.example"}},
				Categories:  []string{"cartoons\x00", " <classic> & old "},
				Role:        feed.RoleRelated,
				Score:       0.3,
				Origin: &feed.Origin{
					Name:  "news",
					URL:   "https://news.example/rss",
					Title: "News & <Views>",
					Link:  "https://news.example/",
				},
			},
		},
	}
}

// edgeFixture has everything a caller might leave out: no description,
// author, language, hub or channel date; an item without id and link, one
// without title and content, an origin with only a site link.
func edgeFixture() *feed.Feed {
	return &feed.Feed{
		Channel: feed.Channel{
			Title: "Edge cases",
			Link:  "https://braid.example/edge/",
			Self:  feed.Links{{Format: "rss", URL: "https://braid.example/edge/rss.xml"}, {Format: "atom", URL: "https://braid.example/edge/atom.xml"}, {Format: "json", URL: "https://braid.example/edge/feed.json"}},
		},
		Items: []feed.Item{
			{
				Title:     "No id, no link",
				Summary:   "<p>Only a summary.</p>",
				Published: at("2024-01-02T03:04:05Z"),
				Role:      feed.RoleRelated,
				Origin:    &feed.Origin{Link: "https://elsewhere.example/"},
			},
			{
				ID:      "https://braid.example/edge/bare",
				Link:    "https://braid.example/edge/bare",
				Updated: at("2024-01-01T00:00:00Z"),
			},
		},
	}
}

func indexFixture() IndexData {
	f := fixture()
	return IndexData{
		Site: feed.Channel{
			Title:       "Braid <example> site",
			Description: "Articles, and the feeds that tie them to the rest of the web.",
			Language:    "en",
			Link:        "https://braid.example/",
			Self:        feed.Links{{Format: "rss", URL: "https://braid.example/rss.xml"}, {Format: "atom", URL: "https://braid.example/atom.xml"}, {Format: "json", URL: "https://braid.example/feed.json"}},
		},
		// Given oldest first and out of title order: Index lists them
		// newest article first, then by title, undated last.
		Feeds: []IndexFeed{
			{Title: "Как устроены ленты", ArticleURL: "https://braid.example/articles/lenty/", Links: feed.Links{{Format: "rss", URL: "https://braid.example/feeds/lenty/rss.xml"}, {Format: "atom", URL: "https://braid.example/feeds/lenty/atom.xml"}, {Format: "json", URL: "https://braid.example/feeds/lenty/feed.json"}}, Related: 1, Published: at("2024-03-04T05:06:07+01:00")},
			{Title: "Zebra crossing returns", ArticleURL: "https://braid.example/articles/zebra/", Links: feed.Links{{Format: "rss", URL: "https://braid.example/feeds/zebra/rss.xml"}}, Related: 0, Published: at("2024-05-10T12:00:00Z")},
			{Title: "Undated notice", ArticleURL: "https://braid.example/articles/notice/", Links: feed.Links{{Format: "rss", URL: "https://braid.example/feeds/notice/rss.xml"}}, Related: 2},
			{Title: f.Title, ArticleURL: f.Link, Links: f.Self, Related: 3, Published: at("2024-05-10T12:00:00Z")},
		},
		Generated: at("2024-05-12T08:00:00+02:00"),
		Sources: []IndexSource{
			{Name: "novosti", URL: "https://novosti.example/feed.xml", Status: "ok", LastSuccess: at("2024-05-12T05:00:00Z")},
			{Name: "Blog & Co", URL: "https://blog.example/atom.xml", Status: "error: HTTP 503", LastSuccess: at("2024-05-01T00:00:00Z")},
			{Name: "never-worked", Status: "error: timeout"},
		},
	}
}

func opmlFixture() []OPMLEntry {
	return []OPMLEntry{
		{Title: "Braid & the art of feeds", HTMLURL: "https://braid.example/articles/art-of-feeds/", XMLURL: "https://braid.example/feeds/art-of-feeds/rss.xml"},
		{Title: "Как устроены ленты", HTMLURL: "https://braid.example/articles/lenty/", XMLURL: "https://braid.example/feeds/lenty/rss.xml"},
	}
}

// emptyFixture is the site feed of a site with no articles yet: no items
// and no channel date, which must still render a valid, dated feed.
func emptyFixture() *feed.Feed {
	return &feed.Feed{
		Channel: feed.Channel{
			Title:       "Example News",
			Description: "Every article of Example News.",
			Language:    "en",
			Link:        "https://braid.example/",
			ID:          "https://braid.example/",
			Self:        feed.Links{{Format: "rss", URL: "https://braid.example/feeds/rss.xml"}, {Format: "atom", URL: "https://braid.example/feeds/atom.xml"}, {Format: "json", URL: "https://braid.example/feeds/feed.json"}},
		},
	}
}
