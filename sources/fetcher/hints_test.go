package fetcher

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		value string
		want  time.Time
	}{
		{"", time.Time{}},
		{"120", now.Add(2 * time.Minute)},
		{" 0 ", now},
		{"-5", time.Time{}},
		{"soon", time.Time{}},
		{now.Add(time.Hour).Format(http.TimeFormat), now.Add(time.Hour)},
		{now.Add(-time.Hour).Format(http.TimeFormat), time.Time{}},
		{"99999999999", now.Add(maxRetryAfter)},
		{now.AddDate(5, 0, 0).Format(http.TimeFormat), now.Add(maxRetryAfter)},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			h := http.Header{}
			if tt.value != "" {
				h.Set("Retry-After", tt.value)
			}
			if got := RetryAfter(h, now); !got.Equal(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFreshness(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	date := now.Format(http.TimeFormat)
	tests := []struct {
		name string
		hdr  []string
		ttl  time.Duration
		want time.Duration
	}{
		{"nothing", nil, 0, 0},
		{"ttl only", nil, time.Hour, time.Hour},
		{"max-age", []string{"Cache-Control", "max-age=90"}, 0, 90 * time.Second},
		{"quoted max-age among others", []string{"Cache-Control", `public, max-age="300", must-revalidate`}, 0, 5 * time.Minute},
		{"s-maxage is for shared caches", []string{"Cache-Control", "s-maxage=600"}, time.Hour, time.Hour},
		{"no-store", []string{"Cache-Control", "no-store, max-age=600"}, time.Hour, 0},
		{"max-age beats Expires", []string{"Cache-Control", "max-age=60", "Expires", now.Add(time.Hour).Format(http.TimeFormat)}, 0, time.Minute},
		{"Expires against Date", []string{"Date", date, "Expires", now.Add(2 * time.Hour).Format(http.TimeFormat)}, 0, 2 * time.Hour},
		{"Expires in the past", []string{"Date", date, "Expires", now.Add(-time.Hour).Format(http.TimeFormat)}, time.Hour, 0},
		{"invalid Expires is expired", []string{"Expires", "0"}, time.Hour, 0},
		{"capped", []string{"Cache-Control", "max-age=99999999"}, 0, maxHint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for i := 0; i+1 < len(tt.hdr); i += 2 {
				h.Set(tt.hdr[i], tt.hdr[i+1])
			}
			if got := Freshness(h, tt.ttl, now); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
