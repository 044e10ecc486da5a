package feed

import "testing"

func TestMergeNeverHoldsAnItemTwice(t *testing.T) {
	art := Item{ID: "https://n.example/c/", Link: "https://n.example/c/", Title: "Follow Up", Role: RoleArticle}
	mid := Item{ID: "https://n.example/b/", Link: "https://n.example/b/", Title: "Middle Part"}
	self := art
	for _, tc := range []struct {
		name       string
		prev, next *Item
		related    []Item
		want       []string
	}{
		{"previous and next are the same article", &mid, &mid, nil, []string{"https://n.example/c/", "https://n.example/b/"}},
		{"a neighbour is the article itself", &self, &mid, nil, []string{"https://n.example/c/", "https://n.example/b/"}},
		{"a related item repeats a neighbour", &mid, nil, []Item{{ID: "https://n.example/b/", Link: "https://n.example/b/", Title: "Middle Part (copy)"}},
			[]string{"https://n.example/c/", "https://n.example/b/"}},
		{"two related items with one id", nil, nil, []Item{{ID: "x:1", Title: "One"}, {ID: "x:1", Title: "One again"}},
			[]string{"https://n.example/c/", "x:1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Merge(art, tc.prev, tc.next, tc.related, 10)
			var ids []string
			seen := map[string]bool{}
			for _, it := range got {
				if seen[it.ID] {
					t.Errorf("id %s twice", it.ID)
				}
				seen[it.ID] = true
				ids = append(ids, it.ID)
			}
			if len(ids) != len(tc.want) {
				t.Fatalf("ids %v, want %v", ids, tc.want)
			}
			for i := range ids {
				if ids[i] != tc.want[i] {
					t.Errorf("ids %v, want %v", ids, tc.want)
				}
			}
		})
	}
}
