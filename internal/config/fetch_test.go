package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestFetchDefaults(t *testing.T) {
	c, err := Load(write(t, minimal))
	if err != nil {
		t.Fatal(err)
	}
	f := c.Fetch
	if time.Duration(f.Timeout) != 20*time.Second || time.Duration(f.ConnectTimeout) != 10*time.Second ||
		f.MaxBytes != 10<<20 || f.Concurrency != 64 || f.PerHost != 2 || !f.RespectHints || f.UserAgent != "" {
		t.Errorf("defaults: %+v", f)
	}
	c, err = Load(write(t, minimal+"fetch:\n  respect_hints: false\n  per_host: 4\n  connect_timeout: 3s\n  timeout: 1m\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Fetch.RespectHints || c.Fetch.PerHost != 4 || time.Duration(c.Fetch.ConnectTimeout) != 3*time.Second ||
		time.Duration(c.Fetch.Timeout) != time.Minute || c.Fetch.Concurrency != 64 {
		t.Errorf("set: %+v", c.Fetch)
	}
}

func TestFetchInvalid(t *testing.T) {
	tests := []struct{ body, key string }{
		{"fetch:\n  timeout: 0s\n", "fetch.timeout"},
		{"fetch:\n  connect_timeout: -1s\n", "fetch.connect_timeout"},
		{"fetch:\n  max_bytes: 0\n", "fetch.max_bytes"},
		{"fetch:\n  concurrency: 0\n", "fetch.concurrency"},
		{"fetch:\n  per_host: 0\n", "fetch.per_host"},
		{"fetch:\n  user_agent: \"a\\nb\"\n", "fetch.user_agent"},
		{"fetch:\n  respect_hints: sometimes\n", "respect_hints"},
		{"fetch:\n  per_hosts: 3\n", "per_hosts"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			_, err := Load(write(t, minimal+tt.body))
			if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.key) {
				t.Errorf("err = %v, want ErrInvalid naming %s", err, tt.key)
			}
		})
	}
}
