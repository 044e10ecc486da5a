package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestExplain(t *testing.T) {
	_, cfg := site(t, allFormatsServed(t), "")
	if _, stderr, code := braid(t, "generate", "-c", cfg); code != 0 {
		t.Fatal(stderr)
	}
	stdout, stderr, code := braid(t, "explain", "halden-strata-battery-platform", "-c", cfg, "--json")
	if code != 0 {
		t.Fatal(stderr)
	}
	var ex struct {
		Slug       string `json:"slug"`
		Candidates []struct {
			Score    float64 `json:"score"`
			Selected bool    `json:"selected"`
			Reason   string  `json:"reason"`
			Title    string  `json:"title"`
			Source   string  `json:"source"`
			Terms    []struct {
				Term         string  `json:"term"`
				Contribution float64 `json:"contribution"`
				Weight       float64 `json:"weight"`
				WeightSource string  `json:"weight_source"`
			} `json:"terms"`
		} `json:"candidates"`
	}
	if err := json.Unmarshal([]byte(stdout), &ex); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	var selected, rejected int
	last := 2.0
	for _, c := range ex.Candidates {
		if c.Score > last {
			t.Errorf("not in score order at %q", c.Title)
		}
		last = c.Score
		if c.Selected {
			selected++
			if len(c.Terms) == 0 || c.Source == "" {
				t.Errorf("selected %q without terms or source", c.Title)
			}
			for _, tm := range c.Terms {
				switch tm.WeightSource {
				case "background", "site", "unknown":
				default:
					t.Errorf("%q: term %q weight source %q", c.Title, tm.Term, tm.WeightSource)
				}
				if tm.Weight <= 0 {
					t.Errorf("%q: term %q weight %v", c.Title, tm.Term, tm.Weight)
				}
			}
		} else {
			rejected++
			if c.Reason == "" {
				t.Errorf("rejected %q without a reason", c.Title)
			}
		}
	}
	if selected == 0 || rejected == 0 {
		t.Errorf("selected %d, rejected %d", selected, rejected)
	}

	text, _, code := braid(t, "explain", "halden-strata-battery-platform", "-c", cfg)
	if code != 0 || !strings.Contains(text, "SCORE") || !strings.Contains(text, "rejected: ") || !strings.Contains(text, " background)") {
		t.Errorf("text output:\n%s", text)
	}
	if _, stderr, code := braid(t, "explain", "no-such-article", "-c", cfg); code != 1 || !strings.Contains(stderr, "no-such-article") {
		t.Errorf("unknown slug: %d %q", code, stderr)
	}
}

func TestShownDropsBidiAndControls(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Invoice \u202efdp.exe\u202c", "Invoice fdp.exe"},
		{"a\u2066b\u2067c\u2068d\u2069e", "abcde"},
		{"\u200eleft\u200f right\u061c", "left right"},
		{"\u202a\u202b\u202dx", "x"},
		{"bell\x07 tab\t esc\x1b[31m", "bell tab esc[31m"},
		{"שלום مرحبا", "שלום مرحبا"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := shown(tt.in); got != tt.want {
				t.Errorf("shown(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
