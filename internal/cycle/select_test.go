package cycle

import (
	"testing"
	"time"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/feed/related"
	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/sources/articles"
)

func story(title, summary, source string, day int) feed.Item {
	link := "https://" + source + ".example/" + feed.Slug(title)
	return feed.Item{ID: link, Link: link, Title: title, Summary: summary,
		Published: time.Date(2026, 11, day, 0, 0, 0, 0, time.UTC), Origin: &feed.Origin{Name: source}}
}

var controlPool = []feed.Item{
	story("Vantrix Appeals Estmarch Data Order", "The crypto exchange Vantrix asked a court in Estmarch to pause the customer data order.", "wire", 20),
	story("Vantrix Customers Move Funds After Estmarch Order", "Customers of Vantrix withdrew funds after the Estmarch regulator's data order, analysts said.", "markets", 21),
	story("Vantrix Sponsors Football Cup in Estmarch", "Vantrix, the crypto exchange, will sponsor the Estmarch football cup despite the data order.", "sport", 22),
	story("River Bank Rovers Win Cup", "The football club won on penalties.", "sport", 23),
}

func controlArticle(rules articles.Rules) *articleFeed {
	a := &articles.Article{Slug: "vantrix", Title: "Estmarch Regulators Order Vantrix Exchange to Hand Over Customer Records",
		Text: "Estmarch's Financial Conduct Office ordered the crypto exchange Vantrix to hand over customer records. Vantrix said it would comply with the data order.",
		Tags: []string{"crypto", "Vantrix"}, Related: rules}
	return &articleFeed{art: a, item: feed.Item{ID: "https://news.example.com/vantrix/", Link: "https://news.example.com/vantrix/", Title: a.Title}}
}

func selected(ds []related.Decision) map[string]string {
	m := map[string]string{}
	for _, d := range ds {
		if d.Selected {
			m[d.Item.Title] = "selected"
		} else {
			m[d.Item.Title] = d.Reason
		}
	}
	return m
}

func TestRelatednessControls(t *testing.T) {
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	half := 0.5
	tests := []struct {
		name    string
		sources []config.Source
		rules   articles.Rules
		rc      func(*config.Related)
		want    map[string]string // title → "selected" or a reason prefix
	}{
		{"defaults", nil, articles.Rules{}, nil, map[string]string{
			"Vantrix Appeals Estmarch Data Order": "selected", "Vantrix Sponsors Football Cup in Estmarch": "selected",
		}},
		{"article exclude", nil, articles.Rules{Exclude: []string{"football"}}, nil, map[string]string{
			"Vantrix Sponsors Football Cup in Estmarch": `excluded by rule "football"`,
		}},
		{"article min_score", nil, articles.Rules{MinScore: &half}, nil, map[string]string{
			"Vantrix Appeals Estmarch Data Order": "below threshold",
		}},
		{"source exclude", []config.Source{{Name: "sport", Weight: 1, Exclude: []string{`(?i)football|cup\b`}}}, articles.Rules{}, nil, map[string]string{
			"Vantrix Sponsors Football Cup in Estmarch": "excluded by source rule",
		}},
		{"source include", []config.Source{{Name: "markets", Weight: 1, Include: []string{`(?i)analysts`}}, {Name: "wire", Weight: 1, Include: []string{`nothing matches this`}}}, articles.Rules{}, nil, map[string]string{
			"Vantrix Customers Move Funds After Estmarch Order": "selected", "Vantrix Appeals Estmarch Data Order": "matches none",
		}},
		{"source weight zero", []config.Source{{Name: "wire", Weight: 0}}, articles.Rules{}, nil, map[string]string{
			"Vantrix Appeals Estmarch Data Order": "below threshold",
		}},
		{"max_age", nil, articles.Rules{}, func(rc *config.Related) { rc.MaxAge = config.Duration(8 * 24 * time.Hour) }, map[string]string{
			"Vantrix Appeals Estmarch Data Order": "too old", "Vantrix Sponsors Football Cup in Estmarch": "selected",
		}},
		{"max_items", nil, articles.Rules{}, func(rc *config.Related) { rc.MaxItems = 1 }, map[string]string{
			"Vantrix Sponsors Football Cup in Estmarch": "over related.max_items",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := &config.Config{Sources: tt.sources}
			rc := config.Default().Related
			rc.MaxAge = 0
			if tt.rc != nil {
				tt.rc(&rc)
			}
			pool := related.NewPool(controlPool, selectionOptions(rc, cfg.Sources))
			got := selected(pool.Decide(target(controlArticle(tt.rules)), now, true))
			for title, want := range tt.want {
				if g := got[title]; len(g) < len(want) || g[:len(want)] != want {
					t.Errorf("%q: %q, want %q…", title, g, want)
				}
			}
			if g := got["River Bank Rovers Win Cup"]; g == "selected" {
				t.Error("one-word match selected")
			}
		})
	}
}
