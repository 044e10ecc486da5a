package cycle

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/sitetest"
	"github.com/braid-feeds/braid/internal/state"
)

// riverSite lays out testdata/sites/river-story.txtar with extra config
// keys, and returns its loaded config and open state file.
func riverSite(t *testing.T, extra string) (*config.Config, *state.Store) {
	t.Helper()
	return openSite(t, sitetest.Write(t, filepath.Join("testdata", "sites", "river-story.txtar"), "EXTRA", extra))
}

// openSite loads the config of the site in dir and opens its state until
// the test ends.
func openSite(t *testing.T, dir string) (*config.Config, *state.Store) {
	t.Helper()
	cfg, err := config.Load(filepath.Join(dir, "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := state.Open(context.Background(), cfg.State)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return cfg, st
}
