// Command loadgen hammers one URL of a running braid server to check that
// serving keeps up with the feed readers polling it. It runs as its own
// process so its CPU use is visible apart from the server's; point it at
// a server on this machine only.
//
//	go run ./bench/loadgen -url http://127.0.0.1:8080/rss.xml -c 32 -d 10s -gzip -etag
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

type stats struct {
	latencies []time.Duration
	status    map[int]int
	errors    int
	firstErr  error
	bytes     int64
}

func main() {
	url := flag.String("url", "http://127.0.0.1:8080/rss.xml", "URL to request")
	conc := flag.Int("c", 16, "concurrent connections")
	dur := flag.Duration("d", 10*time.Second, "how long to run")
	etag := flag.Bool("etag", false, "send If-None-Match with the ETag of a first fetch (measures 304s)")
	gz := flag.Bool("gzip", false, "send Accept-Encoding: gzip")
	timeout := flag.Duration("timeout", 10*time.Second, "per-request timeout")
	flag.Parse()
	if err := run(*url, *conc, *dur, *timeout, *etag, *gz); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run(url string, conc int, dur, timeout time.Duration, etag, gz bool) error {
	if conc < 1 || dur <= 0 {
		return errors.New("-c and -d must be positive")
	}
	client := &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			MaxIdleConns:        conc,
			MaxIdleConnsPerHost: conc,
			// Count the gzip bytes as sent, and keep decompression cost
			// out of the client so it measures the server.
			DisableCompression: true,
		},
	}
	hdr := http.Header{}
	if gz {
		hdr.Set("Accept-Encoding", "gzip")
	}
	if etag {
		tag, err := fetchETag(client, url, hdr)
		if err != nil {
			return err
		}
		hdr.Set("If-None-Match", tag)
	}

	ctx, cancel := context.WithTimeout(context.Background(), dur)
	defer cancel()
	results := make([]*stats, conc)
	var wg sync.WaitGroup
	begin := time.Now()
	for i := range conc {
		st := &stats{status: map[int]int{}}
		results[i] = st
		wg.Go(func() { worker(ctx, client, url, hdr, st) })
	}
	wg.Wait()
	elapsed := time.Since(begin)

	total := &stats{status: map[int]int{}}
	for _, st := range results {
		total.latencies = append(total.latencies, st.latencies...)
		total.errors += st.errors
		total.bytes += st.bytes
		if total.firstErr == nil {
			total.firstErr = st.firstErr
		}
		for code, n := range st.status {
			total.status[code] += n
		}
	}
	report(os.Stdout, url, conc, elapsed, etag, gz, total)
	if len(total.latencies) == 0 {
		return errors.New("no request succeeded")
	}
	return nil
}

// fetchETag gets the validator a polling feed reader would hold, using
// the same Accept-Encoding so it names the variant that will be asked for.
func fetchETag(client *http.Client, url string, hdr http.Header) (string, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return "", fmt.Errorf("loadgen: %w", err)
	}
	req.Header = hdr.Clone()
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("loadgen: first fetch: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	tag := resp.Header.Get("ETag")
	if tag == "" {
		return "", fmt.Errorf("loadgen: %s sent no ETag (status %s)", url, resp.Status)
	}
	return tag, nil
}

func worker(ctx context.Context, client *http.Client, url string, hdr http.Header, st *stats) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		st.errors++
		st.firstErr = err
		return
	}
	req.Header = hdr
	for ctx.Err() == nil {
		t0 := time.Now()
		resp, err := client.Do(req)
		if err == nil {
			var n int64
			n, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			st.bytes += n
			if err == nil {
				st.latencies = append(st.latencies, time.Since(t0))
				st.status[resp.StatusCode]++
				continue
			}
		}
		if ctx.Err() != nil {
			return // cut off by the end of the run, not a failure
		}
		st.errors++
		if st.firstErr == nil {
			st.firstErr = err
		}
	}
}

func report(w io.Writer, url string, conc int, elapsed time.Duration, etag, gz bool, st *stats) {
	n := len(st.latencies)
	secs := elapsed.Seconds()
	fmt.Fprintf(w, "url %s  concurrency %d  duration %s  gzip %v  etag %v\n", url, conc, elapsed.Round(time.Millisecond), gz, etag)
	fmt.Fprintf(w, "requests %d  %.0f req/s  %.2f MB/s body\n", n, float64(n)/secs, float64(st.bytes)/secs/1e6)
	if n > 0 {
		slices.Sort(st.latencies)
		fmt.Fprintf(w, "latency p50 %s  p99 %s  max %s\n",
			pct(st.latencies, 0.50), pct(st.latencies, 0.99), st.latencies[n-1].Round(time.Microsecond))
	}
	fmt.Fprintf(w, "errors %d", st.errors)
	if st.firstErr != nil {
		fmt.Fprintf(w, " (first: %v)", st.firstErr)
	}
	fmt.Fprintln(w)
	codes := make([]int, 0, len(st.status))
	for c := range st.status {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	parts := make([]string, 0, len(codes))
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%d=%d", c, st.status[c]))
	}
	fmt.Fprintf(w, "status %s\n", strings.Join(parts, " "))
}

// pct reads a percentile from sorted latencies (nearest rank).
func pct(sorted []time.Duration, p float64) time.Duration {
	i := int(p*float64(len(sorted))+0.5) - 1
	i = max(0, min(i, len(sorted)-1))
	return sorted[i].Round(time.Microsecond)
}
