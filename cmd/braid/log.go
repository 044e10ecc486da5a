package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/mattn/go-isatty"
)

// logFlags are the persistent --log-format and --log-level flags.
type logFlags struct {
	format string
	level  string
}

// logger builds the one slog.Logger of the process: text for a person at
// a terminal, JSON for a log collector, unless --log-format says.
func (f *logFlags) logger(w io.Writer) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(f.level)); err != nil {
		return nil, fmt.Errorf("%w: --log-level %q: want debug, info, warn or error", errUsage, f.level)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	format := strings.ToLower(f.format)
	if format == "auto" {
		format = "json"
		if fh, ok := w.(*os.File); ok && isatty.IsTerminal(fh.Fd()) {
			format = "text"
		}
	}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("%w: --log-format %q: want auto, text or json", errUsage, f.format)
}
