package parser

import (
	"testing"
	"time"
)

func TestParseTTL(t *testing.T) {
	for in, want := range map[string]time.Duration{"60": time.Hour, " 5 ": 5 * time.Minute, "0": 0, "-3": 0, "x": 0, "100000": maxTTL} {
		t.Run(in, func(t *testing.T) {
			if got := parseTTL(in); got != want {
				t.Errorf("ttl %q = %v, want %v", in, got, want)
			}
		})
	}
}
