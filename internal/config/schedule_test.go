package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestDegenerateSchedules(t *testing.T) {
	for _, tc := range []struct {
		name, extra string
		want        string // "" for accepted; else a part of the message
	}{
		{"zero", `schedule: "@every 0s"`, "at least one second"},
		{"negative", `schedule: "@every -5m"`, "at least one second"},
		{"nanosecond", `schedule: "@every 1ns"`, "at least one second"},
		{"every second", `schedule: "* * * * * *"`, "more often than schedule_min_period"},
		{"thirty seconds", `schedule: "@every 30s"`, "more often than schedule_min_period"},
		{"two in a minute", `schedule: "0,30 * * * * *"`, "fires every 30s"},
		{"february 30", `schedule: "0 0 30 2 *"`, "never fires within a year"},
		{"february 29", `schedule: "0 0 29 2 *"`, "never fires within a year"},
		{"one minute", `schedule: "@every 1m"`, ""},
		{"half hour", `schedule: "*/30 * * * *"`, ""},
		{"yearly", `schedule: "@yearly"`, ""},
		{"lowered minimum", "schedule: \"@every 1s\"\nschedule_min_period: 1s", ""},
		{"lowered but 0s", "schedule: \"@every 0s\"\nschedule_min_period: 1s", "at least one second"},
		{"minimum too low", "schedule: \"@every 1s\"\nschedule_min_period: 500ms", "schedule_min_period: must be at least 1s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("c.yaml", []byte(minimal+tc.extra+"\n"))
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("rejected: %v", err)
			case tc.want == "":
				return
			case err == nil:
				t.Fatalf("accepted, want %q", tc.want)
			case !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want):
				t.Fatalf("error %v, want %q", err, tc.want)
			case !strings.Contains(tc.want, "schedule_min_period:") && !strings.Contains(err.Error(), "c.yaml:4: invalid config: schedule:"):
				t.Errorf("error does not name schedule at its line: %v", err)
			}
		})
	}
}

func TestCycleFetchTimeout(t *testing.T) {
	for _, tc := range []struct {
		extra string
		want  time.Duration
	}{
		{"", 10 * time.Minute},                                                 // */30: 24m, capped
		{`schedule: "*/5 * * * *"`, 4 * time.Minute},                           // 80 % of 5m
		{`schedule: "@every 1m"`, 48 * time.Second},                            // 80 % of 1m
		{"schedule: \"@every 2s\"\nschedule_min_period: 1s", 20 * time.Second}, // never below fetch.timeout
		{"fetch:\n  cycle_timeout: 3s", 3 * time.Second},
	} {
		t.Run(tc.extra, func(t *testing.T) {
			c, err := Parse("c.yaml", []byte(minimal+tc.extra+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			if got := c.CycleFetchTimeout(); got != tc.want {
				t.Errorf("CycleFetchTimeout = %v, want %v", got, tc.want)
			}
		})
	}
}
