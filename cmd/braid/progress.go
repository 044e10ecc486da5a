package main

import (
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/mattn/go-isatty"

	"github.com/braid-feeds/braid/internal/cycle"
)

// progress shows a cycle's progress: one line redrawn in place on a
// terminal, which the final summary replaces, or plain lines otherwise.
type progress struct {
	mu   sync.Mutex
	w    io.Writer
	tty  bool
	last string
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		p.tty = true
	}
	return p
}

func (p *progress) update(ev cycle.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	line := ev.Phase
	if ev.SourcesTotal > 0 && ev.Phase != cycle.PhaseArticles {
		line = fmt.Sprintf("%s: sources %d/%d", ev.Phase, ev.SourcesDone, ev.SourcesTotal)
		if ev.Failed > 0 {
			line += fmt.Sprintf(", %d failed", ev.Failed)
		}
	}
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s…", line)
		p.last = line
		return
	}
	// Plain output: a line per phase, not per source, so logs stay short.
	if ev.Phase != p.last {
		fmt.Fprintf(p.w, "braid: %s\n", ev.Phase)
		p.last = ev.Phase
	}
}

// done clears the live line so the summary takes its place.
func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && p.last != "" {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
