package urls

import (
	"net/url"
	"strings"
)

// secretParams are query parameter names (lower case) that carry
// credentials by convention. A name also counts when it ends in one of
// them after "_" or "-" ("x_api_key", "client-secret").
var secretParams = []string{
	"token", "key", "apikey", "api_key", "secret", "password", "passwd", "pass", "pwd",
	"auth", "authorization", "sig", "signature", "access_token", "refresh_token",
	"session", "sessionid", "session_id", "credential", "credentials", "client_secret",
}

// SecretParam reports whether a query parameter's name looks like it
// carries a credential.
func SecretParam(name string) bool {
	n := strings.ToLower(name)
	for _, s := range secretParams {
		if n == s || strings.HasSuffix(n, "_"+s) || strings.HasSuffix(n, "-"+s) {
			return true
		}
	}
	return false
}

// Redact drops what must never be published from a URL: its userinfo
// and every query parameter whose name looks secret. Readers of a feed
// see the URL, so a subscription's password or token must not reach
// them. Anything that is not an absolute URL (a file path) is returned
// unchanged; a URL that does not parse is returned as "" rather than
// risk publishing it.
func Redact(s string) string {
	if !strings.Contains(s, "://") && !strings.Contains(s, "?") && !strings.Contains(s, "@") {
		return s
	}
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	if u.Scheme == "" {
		return s
	}
	u.User = nil
	if u.RawQuery != "" {
		u.RawQuery = redactQuery(u.RawQuery)
	}
	return u.String()
}

// redactQuery keeps the order and spelling of the parameters it keeps:
// url.Values would re-sort and re-escape them.
func redactQuery(q string) string {
	parts := strings.Split(q, "&")
	kept := parts[:0]
	for _, p := range parts {
		name, _, _ := strings.Cut(p, "=")
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		if !SecretParam(name) {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, "&")
}

// RedactIn replaces every occurrence of raw (a URL, as configured) in s
// with its redacted form, plus its userinfo password and secret values
// alone, since errors quote URLs in several shapes.
func RedactIn(s, raw string) string {
	if r := Redact(raw); r != "" {
		s = strings.ReplaceAll(s, raw, r)
	}
	for _, secret := range Secrets(raw) {
		s = strings.ReplaceAll(s, secret, "REDACTED")
	}
	return s
}

// Secrets are the credential strings inside a URL: its userinfo password
// (and user, which is often a key) and the values of secret parameters.
func Secrets(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	var out []string
	add := func(v string) {
		if len(v) >= 3 { // shorter values would redact ordinary text
			out = append(out, v, url.QueryEscape(v), url.PathEscape(v))
		}
	}
	if u.User != nil {
		add(u.User.Username())
		if p, ok := u.User.Password(); ok {
			add(p)
		}
	}
	for name, vals := range u.Query() {
		if SecretParam(name) {
			for _, v := range vals {
				add(v)
			}
		}
	}
	return out
}

// RedactError is err with every secret of raw removed from its message;
// errors.Is and errors.As still see the original chain.
func RedactError(err error, raw string) error {
	if err == nil || len(Secrets(raw)) == 0 {
		return err
	}
	return &redacted{err: err, msg: RedactIn(err.Error(), raw)}
}

type redacted struct {
	err error
	msg string
}

func (r *redacted) Error() string { return r.msg }
func (r *redacted) Unwrap() error { return r.err }
