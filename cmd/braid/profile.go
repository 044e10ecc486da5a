package main

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"time"
)

// startProfile writes a CPU profile to $BRAID_CPUPROFILE, when set, until
// the returned function is called: bench/scale.sh profiles whole cycles of
// the real binary with it. An environment variable rather than a flag, so
// no command's help grows an option only benchmarks use.
func startProfile() func() {
	name := os.Getenv("BRAID_CPUPROFILE")
	if name == "" {
		return func() {}
	}
	f, err := os.Create(name)
	if err != nil {
		fmt.Fprintln(os.Stderr, "braid: cpu profile:", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintln(os.Stderr, "braid: cpu profile:", err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// startMemProfile writes, when $BRAID_MEMPROFILE is set, a heap profile
// taken when the heap was at its largest (checked every 20 ms, after
// each garbage collection): what a peak RSS is made of, which a profile
// at exit, with most of the heap freed, cannot say.
func startMemProfile() func() {
	name := os.Getenv("BRAID_MEMPROFILE")
	if name == "" {
		return func() {}
	}
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		var peak uint64
		var lastGC uint32
		var buf bytes.Buffer
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				if buf.Len() > 0 {
					os.WriteFile(name, buf.Bytes(), 0o644)
				}
				return
			case <-t.C:
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.NumGC == lastGC || ms.HeapAlloc <= peak {
				continue
			}
			lastGC, peak = ms.NumGC, ms.HeapAlloc
			buf.Reset()
			pprof.Lookup("heap").WriteTo(&buf, 0)
		}
	}()
	return func() {
		close(done)
		<-stopped
	}
}
