package config

import (
	"testing"
	"time"
)

func TestPeriodOf(t *testing.T) {
	for spec, want := range map[string]time.Duration{"@every 10m": 10 * time.Minute, "*/30 * * * *": 30 * time.Minute, "@hourly": time.Hour, "*/5 * * * * *": 5 * time.Second} {
		if got := PeriodOf(spec); got != want {
			t.Errorf("%q: %v, want %v", spec, got, want)
		}
	}
}
