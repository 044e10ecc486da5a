package main

import (
	"fmt"
	"os"
	"runtime/pprof"
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
