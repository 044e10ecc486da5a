// Package cycle wires braid's pipeline in one place: load articles, fetch
// sources, score relatedness, merge, render and publish. Each step lives in
// its own package and knows nothing of the others; only this package sees
// them all, so `braid generate` and the daemon run exactly the same cycle.
package cycle
