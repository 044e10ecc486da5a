package cycle

import (
	"github.com/braid-feeds/braid/feed/related"
)

// weights are a cycle's term weights: the shipped background blended with
// the site's own articles (how many articles hold each term). Nothing the sources send weighs a term, in
// this cycle or (as a history) in later ones: which items are related
// must not depend on which other feeds are configured, and the same
// inputs must give the same output on every run.
func weights(df map[string]int, docs int) (*related.Weights, error) {
	bg, err := related.DefaultBackground()
	if err != nil {
		return nil, err
	}
	return related.NewWeightsFromDF(bg, df, docs), nil
}
