package sources

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
)

// TestOutcomeLog: one debug line per source and cycle, snake_case keys,
// the error under "error".
func TestOutcomeLog(t *testing.T) {
	var buf bytes.Buffer
	e := newEnv(t, func(o *Options) {
		o.Retries = -1
		o.Logger = slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	good, _ := serve(t, feedOK(goodFeed))
	bad, _ := serve(t, status(404))
	e.cycle(Spec{Name: "good", URL: good.URL}, Spec{Name: "bad", URL: bad.URL})
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d log lines, want 2:\n%s", len(lines), buf.String())
	}
	seen := map[string]map[string]any{}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		seen[m["source"].(string)] = m
	}
	if g := seen["good"]; g["level"] != "DEBUG" || g["status"] != StatusOK || g["items"] != 2.0 || g["error"] != nil {
		t.Errorf("good: %v", g)
	}
	if b := seen["bad"]; b["status"] != StatusFailed || b["class"] != ClassHTTP || !strings.Contains(b["error"].(string), "HTTP 404") {
		t.Errorf("bad: %v", b)
	}
}
