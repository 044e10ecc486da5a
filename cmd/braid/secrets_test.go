package main

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// secretFeeds serves example feeds only to a client that sends the
// subscription's credentials, the way a paywalled feed is subscribed to.
func secretFeeds(t *testing.T) *httptest.Server {
	t.Helper()
	files := map[string]string{"/feed.rss": "../../examples/wire.xml", "/markets": "../../examples/markets.atom", "/tech": "../../examples/tech.json"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, _ := r.BasicAuth()
		if user != "reader" || pass != "s3cretpass" || r.URL.Query().Get("token") != "SECRETTOKEN123" {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		data, err := os.ReadFile(files[r.URL.Path])
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestSecretsNeverPublished runs a cycle whose sources are subscribed
// with a password and a token, and greps every file of out/, every log
// line and what `braid sources` and `braid explain` print for them.
func TestSecretsNeverPublished(t *testing.T) {
	secrets := []string{"s3cretpass", "SECRETTOKEN123"}
	srv := secretFeeds(t)
	auth := strings.Replace(srv.URL, "http://", "http://reader:s3cretpass@", 1)
	extra := "sources:\n" +
		"  - name: Wire\n    url: " + auth + "/feed.rss?token=SECRETTOKEN123\n" +
		"  - name: Markets\n    url: " + auth + "/markets?token=SECRETTOKEN123\n    public_url: https://markets.example/feed\n" +
		"  - name: Tech\n    url: " + auth + "/tech?token=SECRETTOKEN123&private_path=yes\n    private: true\n" +
		// Refused at once: net/http's error quotes the whole URL.
		"  - name: Down\n    url: http://reader:s3cretpass@127.0.0.1:1/feed.rss?token=SECRETTOKEN123\n"
	dir, cfg := site(t, nil, "")
	data, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, []byte(strings.TrimSuffix(string(data), "sources:\n")+extra), 0o644)

	var logs strings.Builder
	stdout, stderr, code := braid(t, "generate", "--config", cfg, "--log-level", "debug", "--log-format", "json")
	logs.WriteString(stdout + stderr)
	if code != 1 && code != 0 {
		t.Fatalf("generate: exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "3 ok") {
		t.Errorf("the three reachable sources were not fetched: %s", stdout)
	}
	for _, args := range [][]string{{"sources"}, {"explain", "halden-strata-battery-platform"}, {"check", "--sources"}} {
		o, e, _ := braid(t, append(args, "--config", cfg)...)
		logs.WriteString(o + e)
	}
	for _, secret := range secrets {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("output of the commands holds %q:\n%s", secret, logs.String())
		}
	}

	var all strings.Builder
	filepath.WalkDir(filepath.Join(dir, "out"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		for _, secret := range secrets {
			if strings.Contains(string(b), secret) {
				t.Errorf("%s holds %q", path, secret)
			}
		}
		all.Write(b)
		return err
	})
	out := all.String()
	for _, want := range []string{srv.URL + "/feed.rss", "https://markets.example/feed"} {
		if !strings.Contains(out, want) {
			t.Errorf("out/ never names %s: the source links are gone, not redacted", want)
		}
	}
	for _, hidden := range []string{"private_path", srv.URL + "/markets", "reader@", "reader:"} {
		if strings.Contains(out, hidden) {
			t.Errorf("out/ holds %q", hidden)
		}
	}
}

func TestSourcesExportKeepsSecretsAndSaysSo(t *testing.T) {
	_, cfg := site(t, [][2]string{{"Wire", "https://reader:s3cretpass@feeds.example/x?token=SECRETTOKEN123"}}, "")
	stdout, stderr, code := braid(t, "sources", "export", "--config", cfg)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "s3cretpass") || !strings.Contains(stdout, "SECRETTOKEN123") {
		t.Errorf("export dropped the credentials:\n%s", stdout)
	}
	if !strings.Contains(stderr, "1 source URLs hold credentials") {
		t.Errorf("stderr does not say so: %q", stderr)
	}
}
