package urls

import "testing"

func TestIsHTTP(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"http://example.org/feed", true},
		{"https://example.org", true},
		{"HTTPS://Example.org/x", true},
		{"http://", false},
		{"file:///tmp/feed.xml", false},
		{"feeds/local.xml", false},
		{"mailto:a@example.org", false},
		{"", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := IsHTTP(tc.in); got != tc.want {
				t.Errorf("IsHTTP(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}
