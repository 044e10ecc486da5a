// Command pgcluster runs a throwaway PostgreSQL for bench/fleet.sh (the
// one internal/state/pgtest starts for tests): it writes the cluster's
// URL for database "postgres" to -url, then waits for SIGINT or SIGTERM
// and deletes the cluster.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/braid-feeds/braid/internal/state/pgtest"
)

func main() {
	urlFile := flag.String("url", "pg.url", "where to write the URL")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, err := pgtest.Start(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Stop()
	if err := os.WriteFile(*urlFile, []byte(c.URL("postgres")+"\n"), 0o644); err != nil {
		log.Print(err)
		return
	}
	log.Printf("PostgreSQL at %s (started in %v)", c.URL("postgres"), c.Started)
	<-ctx.Done()
}
