package config

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// scheduleEpoch is where schedule checks start counting, fixed so that
// `braid check` gives the same answer on every day.
var scheduleEpoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// scheduleSamples is how many firings the period is measured on: enough
// to see "0,1 * * * *" fire twice in a minute.
const scheduleSamples = 16

// maxCycleTimeout caps the derived fetch.cycle_timeout: a cycle that
// fetches for longer than this is stuck, whatever the schedule.
const maxCycleTimeout = 10 * time.Minute

// SchedulePeriod is the shortest gap between two firings of a parsed
// schedule among its next few, and when it first fires; zero first
// means it never fires within a year.
func SchedulePeriod(s cron.Schedule) (period time.Duration, first time.Time) {
	first = s.Next(scheduleEpoch)
	if first.IsZero() || first.Sub(scheduleEpoch) > 366*24*time.Hour {
		return 0, time.Time{}
	}
	t := first
	for range scheduleSamples {
		n := s.Next(t)
		if n.IsZero() {
			break
		}
		if d := n.Sub(t); period == 0 || d < period {
			period = d
		}
		t = n
	}
	return period, first
}

// checkSchedule parses spec and refuses what would run braid into the
// ground or never run it: a period below minPeriod, and specs that do not
// fire within a year. robfig/cron silently turns "@every 0s", "@every
// -5m" and "@every 1ns" into one second, so those are refused by name.
func checkSchedule(spec string, minPeriod time.Duration) error {
	sched, err := ParseSchedule(spec)
	if err != nil {
		return err
	}
	if d, ok := strings.CutPrefix(strings.TrimSpace(spec), "@every"); ok {
		v, err := ParseDuration(d)
		if err == nil && v < time.Second {
			return fmt.Errorf("%q must be at least one second apart", spec)
		}
	}
	period, first := SchedulePeriod(sched)
	if first.IsZero() {
		return fmt.Errorf("%q never fires within a year", spec)
	}
	if period > 0 && period < minPeriod {
		return fmt.Errorf("%q fires every %v, more often than schedule_min_period (%v)", spec, period, minPeriod)
	}
	return nil
}

// DefaultPeriod stands for the period of a schedule that does not parse or
// never fires; validation refuses those, so only a config never checked
// meets it.
const DefaultPeriod = 30 * time.Minute

// PeriodOf is the period of a schedule spec: the shortest gap between its
// next firings. It sets the daemon's health patience and Cache-Control
// max-age, a fleet's lease and the cycle's fetch deadline, so all of them
// agree on what one period is.
func PeriodOf(spec string) time.Duration {
	s, err := ParseSchedule(spec)
	if err != nil {
		return DefaultPeriod
	}
	if p, _ := SchedulePeriod(s); p > 0 {
		return p
	}
	return DefaultPeriod
}

// CycleFetchTimeout is how long one cycle may fetch: fetch.cycle_timeout
// if set, else 80 % of the schedule's period (a cycle must end before the
// next one is due), capped at ten minutes and never below fetch.timeout.
func (c *Config) CycleFetchTimeout() time.Duration {
	if c.Fetch.CycleTimeout > 0 {
		return time.Duration(c.Fetch.CycleTimeout)
	}
	d := min(PeriodOf(c.Schedule)*4/5, maxCycleTimeout)
	return max(d, time.Duration(c.Fetch.Timeout))
}

var errMinPeriod = errors.New("must be at least 1s")
