package cycle

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/braid-feeds/braid/feed"
)

// TestUnchangedCycleSkipsBuilding: a cycle whose inputs did not change
// neither scores nor renders, but one whose output was deleted, or whose
// articles changed, builds again.
func TestUnchangedCycleSkipsBuilding(t *testing.T) {
	cfg, st := riverSite(t, "related:\n  max_age: 0s\nsources:\n  - {name: Wire, url: feeds/wire.xml}\n")
	ctx := context.Background()
	run := func() (*Summary, []string) {
		t.Helper()
		var phases []string
		sum, err := Run(ctx, cfg, Options{Store: st, Progress: func(p Progress) { phases = append(phases, p.Phase) }})
		if err != nil {
			t.Fatal(err)
		}
		return sum, phases
	}
	scored := func(phases []string) bool {
		for _, p := range phases {
			if p == PhaseScore {
				return true
			}
		}
		return false
	}
	first, phases := run()
	if first.Written != 14 || !scored(phases) {
		t.Fatalf("first cycle: %d written, phases %v", first.Written, phases)
	}
	second, phases := run()
	if scored(phases) || second.Written != 0 || second.Unchanged != 14 || second.Items != first.Items {
		t.Errorf("unchanged cycle built: %+v, phases %v", second, phases)
	}
	os.Remove(filepath.Join(cfg.Out, "kelmor-ferry-returns", "rss.xml"))
	third, phases := run()
	if _, err := os.Stat(filepath.Join(cfg.Out, "kelmor-ferry-returns", "rss.xml")); !scored(phases) || third.Written != 1 || err != nil {
		t.Errorf("deleted feed not rewritten: %d written, phases %v", third.Written, phases)
	}
	os.WriteFile(filepath.Join(cfg.Content, "new.md"), []byte("---\ntitle: New Story\ndate: 2026-11-01\n---\nText.\n"), 0o644)
	fourth, phases := run()
	if !scored(phases) || fourth.Written == 0 {
		t.Errorf("new article not built: %d written, phases %v", fourth.Written, phases)
	}
}

// TestMissingContentNamesTheKey: a content folder that is not there is
// reported as the config's mistake, with its key, by every cycle (the
// daemon's included), not as a bare stat error.
func TestMissingContentNamesTheKey(t *testing.T) {
	cfg, st := riverSite(t, "")
	os.RemoveAll(cfg.Content)
	_, err := Run(context.Background(), cfg, Options{Store: st})
	if err == nil || !strings.Contains(err.Error(), `content: folder "content" does not exist`) {
		t.Errorf("error %v, want one naming the content key", err)
	}
}

// TestHashItemCoversEveryField: changing any field of an item, or of its
// origin, authors or reports, changes its hash; a field added to
// feed.Item without a mutation below fails the test until hashItem (and
// this list) cover it.
func TestHashItemCoversEveryField(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	base := feed.Item{ID: "id", GUID: "g", Link: "https://w.example/a", Title: "T", Summary: "<p>s</p>", ContentHTML: "<p>c</p>",
		Published: t0, Updated: t0, Authors: []feed.Person{{Name: "A", Email: "a@w.example"}}, Categories: []string{"c"},
		Role: feed.RoleRelated, Origin: &feed.Origin{Name: "wire", URL: "https://w.example/f", Title: "Wire", Link: "https://w.example/", ID: "urn:w", Updated: t0},
		Score: 0.5, FirstSeen: t0, AlsoReportedBy: []feed.Report{{Outlet: "O", Link: "https://o.example/"}}}
	origin := func(f func(*feed.Origin)) func(*feed.Item) {
		return func(it *feed.Item) { o := *it.Origin; f(&o); it.Origin = &o }
	}
	mutations := map[string]func(*feed.Item){
		"ID": func(it *feed.Item) { it.ID = "id2" }, "GUID": func(it *feed.Item) { it.GUID = "g2" },
		"Link": func(it *feed.Item) { it.Link += "b" }, "Title": func(it *feed.Item) { it.Title = "T2" },
		"Summary": func(it *feed.Item) { it.Summary = "<p>s2</p>" }, "ContentHTML": func(it *feed.Item) { it.ContentHTML = "" },
		"Published":   func(it *feed.Item) { it.Published = t0.Add(time.Second) },
		"Updated":     func(it *feed.Item) { it.Updated = t0.In(time.FixedZone("", 3600)) },
		"Authors":     func(it *feed.Item) { it.Authors = []feed.Person{{Name: "A", Email: "b@w.example"}} },
		"Categories":  func(it *feed.Item) { it.Categories = []string{"c", ""} },
		"Role":        func(it *feed.Item) { it.Role = feed.RoleNext },
		"Origin":      func(it *feed.Item) { it.Origin = nil },
		"Origin.Name": origin(func(o *feed.Origin) { o.Name = "w2" }), "Origin.URL": origin(func(o *feed.Origin) { o.URL += "2" }),
		"Origin.Title": origin(func(o *feed.Origin) { o.Title = "W2" }), "Origin.Link": origin(func(o *feed.Origin) { o.Link += "2" }),
		"Origin.ID": origin(func(o *feed.Origin) { o.ID += "2" }), "Origin.Updated": origin(func(o *feed.Origin) { o.Updated = time.Time{} }),
		"Score":          func(it *feed.Item) { it.Score = 0.25 },
		"FirstSeen":      func(it *feed.Item) { it.FirstSeen = time.Time{} },
		"AlsoReportedBy": func(it *feed.Item) { it.AlsoReportedBy = []feed.Report{{Outlet: "O"}} },
		"Digest":         func(it *feed.Item) { it.Digest = "d" },
	}
	for _, tc := range []struct {
		prefix string
		typ    reflect.Type
	}{{"", reflect.TypeFor[feed.Item]()}, {"Origin.", reflect.TypeFor[feed.Origin]()}} {
		for f := range tc.typ.Fields() {
			if f.IsExported() && mutations[tc.prefix+f.Name] == nil {
				t.Errorf("no mutation for %s%s: does hashItem cover it?", tc.prefix, f.Name)
			}
		}
	}
	sum := func(it *feed.Item) string {
		h := sha256.New()
		hashItem(h, it)
		return hex.EncodeToString(h.Sum(nil))
	}
	want := sum(&base)
	for name, mutate := range mutations {
		it := base
		mutate(&it)
		if sum(&it) == want {
			t.Errorf("changing %s leaves the hash as it was", name)
		}
	}
}
