package daemon

import (
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/braid-feeds/braid/internal/config"
)

var scheduleParser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour |
	cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// schedulePeriod is the gap between two runs of the schedule, measured on
// the next two runs; it sets health's patience and the served max-age.
func schedulePeriod(spec string) time.Duration {
	s, err := config.ParseSchedule(spec)
	if err != nil {
		return 30 * time.Minute
	}
	t1 := s.Next(time.Now().UTC())
	p := s.Next(t1).Sub(t1)
	if p <= 0 {
		return 30 * time.Minute
	}
	return p
}

// cronLogger adapts robfig/cron's logger (which prints to stdout by
// default) to slog.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "error", err)...)
}
