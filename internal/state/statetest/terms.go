package statetest

import (
	"context"
	"reflect"
	"testing"

	"github.com/braid-feeds/braid/internal/state"
)

// testTermHistory: each document counts once, however often it is
// recorded, and the counts survive reopening.
func testTermHistory(t *testing.T, fresh NewDSN) {
	ctx := context.Background()
	dsn := fresh(t)
	s := open(t, dsn)
	steps := []struct {
		docs    []state.TermDoc
		added   int
		wantDoc int
		wantDF  map[string]int
	}{
		{[]state.TermDoc{{Doc: "a/1", Terms: []string{"laskarev", "trial"}}, {Doc: "a/2", Terms: []string{"trial"}}}, 2, 2, map[string]int{"laskarev": 1, "trial": 2}},
		{[]state.TermDoc{{Doc: "a/1", Terms: []string{"laskarev", "trial"}}, {Doc: "b/1", Terms: []string{"name:timur laskarev", "laskarev"}}}, 1, 3,
			map[string]int{"laskarev": 2, "trial": 2, "name:timur laskarev": 1}},
		{nil, 0, 3, map[string]int{"laskarev": 2, "trial": 2, "name:timur laskarev": 1}},
	}
	for i, st := range steps {
		n, err := s.RecordTerms(ctx, st.docs)
		if err != nil {
			t.Fatal(err)
		}
		if n != st.added {
			t.Errorf("step %d: %d new documents, want %d", i, n, st.added)
		}
		h, err := s.TermHistory(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if h.Docs != st.wantDoc || !reflect.DeepEqual(h.DF, st.wantDF) {
			t.Errorf("step %d: history %d %v, want %d %v", i, h.Docs, h.DF, st.wantDoc, st.wantDF)
		}
	}
	s.Close()
	h, err := open(t, dsn).TermHistory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if h.Docs != 3 || h.DF["laskarev"] != 2 {
		t.Errorf("after reopening: %d %v", h.Docs, h.DF)
	}
}
