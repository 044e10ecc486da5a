package urls

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"http://reader:s3cretpass@example.org/feed.rss?token=SECRETTOKEN123", "http://example.org/feed.rss"},
		{"https://example.org/f?a=1&API_KEY=x&b=2", "https://example.org/f?a=1&b=2"},
		{"https://example.org/f?Signature=abc&X-Amz-Signature=d&page=2", "https://example.org/f?page=2"},
		{"https://k3y@example.org/f", "https://example.org/f"},
		{"https://example.org/f?access_token=a&session=b&passwd=c&sig=d&auth=e", "https://example.org/f"},
		{"https://example.org/f?keyword=go&monkey=1", "https://example.org/f?keyword=go&monkey=1"},
		{"https://example.org/a%20b?q=1#frag", "https://example.org/a%20b?q=1#frag"},
		{"feeds/local.xml", "feeds/local.xml"},
		{"", ""},
		{"http://[::1", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := Redact(tc.in); got != tc.want {
				t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestRedactError(t *testing.T) {
	raw := "http://reader:s3cretpass@127.0.0.1:1/feed.rss?token=SECRETTOKEN123"
	base := fmt.Errorf("Get %q: dial tcp: %w", raw, fs.ErrNotExist)
	err := RedactError(fmt.Errorf("sources: x: %w", base), raw)
	for _, secret := range []string{"s3cretpass", "SECRETTOKEN123"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("%q still holds %q", err, secret)
		}
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the chain is lost: %v", err)
	}
	if RedactError(nil, raw) != nil {
		t.Error("nil error became non-nil")
	}
}

func FuzzRedact(f *testing.F) {
	f.Add("http://u:p@h/x?token=1&a=2")
	f.Add("https://h/x?A%70i_Key=1")
	f.Fuzz(func(t *testing.T, s string) {
		r := Redact(s)
		u, err := url.Parse(r)
		if r == "" || err != nil || u.Scheme == "" {
			return
		}
		if u.User != nil {
			t.Errorf("Redact(%q) = %q keeps userinfo", s, r)
		}
		for name := range u.Query() {
			if SecretParam(name) {
				t.Errorf("Redact(%q) = %q keeps parameter %q", s, r, name)
			}
		}
	})
}
