package daemon

import (
	"log/slog"

	"github.com/robfig/cron/v3"

	"github.com/braid-feeds/braid/internal/config"
)

// schedule adds the cycle to c on spec, parsed by the config's parser: the
// one that validated it, so the daemon runs exactly what check accepted.
func (d *Daemon) schedule(c *cron.Cron, spec string) (cron.EntryID, error) {
	s, err := config.ParseSchedule(spec)
	if err != nil {
		return 0, err
	}
	return c.Schedule(s, cron.FuncJob(func() { d.runCycle(d.ctx, "schedule") })), nil
}

// cronLogger adapts robfig/cron's logger (which prints to stdout by
// default) to slog.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "error", err)...)
}
