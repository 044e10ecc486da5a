// Command feedserver serves generated feeds for bench/fetch.sh: N feeds
// spread over many loopback addresses (127.0.0.2, 127.0.0.3, …), a few
// per address, each answer delayed by -latency. It writes the feed URLs
// to -urls, one a line, and answers GET /stats (JSON; ?reset=1 starts
// the counts over) on -ctl. Bytes are counted on the sockets: headers and
// bodies, everything a client downloads.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/braid-feeds/braid/bench/feedgen"
)

var wire atomic.Int64

type countingListener struct{ net.Listener }

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return countingConn{c}, nil
}

type countingConn struct{ net.Conn }

func (c countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	wire.Add(int64(n))
	return n, err
}

func main() {
	n := flag.Int("n", 100, "number of feeds")
	items := flag.Int("items", 20, "items per feed")
	perAddr := flag.Int("per-addr", 4, "feeds per loopback address")
	first := flag.String("first", "127.0.0.2", "first loopback address")
	port := flag.Int("port", 18080, "port on every address")
	latency := flag.Duration("latency", 50*time.Millisecond, "added to every answer")
	ctl := flag.String("ctl", "127.0.0.1:18079", "address of the /stats endpoint")
	urls := flag.String("urls", "urls.txt", "where to write the feed URLs")
	flag.Parse()

	srv := feedgen.NewServer(*n, *items, *latency)
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	addr := netip.MustParseAddr(*first)
	var list strings.Builder
	hosts := 0
	for i := 0; i < *n; i++ {
		if i%*perAddr == 0 {
			if i > 0 {
				addr = addr.Next()
			}
			l, err := net.Listen("tcp", netip.AddrPortFrom(addr, uint16(*port)).String())
			if err != nil {
				log.Fatal(err)
			}
			go hs.Serve(countingListener{l})
			hosts++
		}
		fmt.Fprintf(&list, "http://%s%s\n", netip.AddrPortFrom(addr, uint16(*port)), feedgen.URLPath(i))
	}
	if err := os.WriteFile(*urls, []byte(list.String()), 0o644); err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		reset := r.URL.Query().Get("reset") != ""
		st := srv.Stats(reset)
		out := struct {
			feedgen.Stats
			WireBytes int64 `json:"wire_bytes"`
		}{st, wire.Load()}
		if reset {
			wire.Store(0)
		}
		json.NewEncoder(w).Encode(out)
	})
	// POST /bump?feed=i: feed i publishes a whole new set of items, for
	// bench/scale.sh's "one source changed" cycle.
	mux.HandleFunc("POST /bump", func(w http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(r.URL.Query().Get("feed"))
		if err != nil || !srv.Bump(i) {
			http.Error(w, "no such feed", http.StatusNotFound)
		}
	})
	log.Printf("serving %d feeds on %d addresses from %s:%d, latency %v", *n, hosts, *first, *port, *latency)
	log.Fatal(http.ListenAndServe(*ctl, mux))
}
