package cycle

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/state"
)

// testSite lays out a site in a temp folder: the repository's example
// articles (and, with examples, its example feeds) and a config with the
// given body. It returns the loaded config and its open state file.
func testSite(t *testing.T, configBody string, examples bool) (*config.Config, *state.Store) {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "content"), os.DirFS("../../content")); err != nil {
		t.Fatal(err)
	}
	if examples {
		if err := os.CopyFS(filepath.Join(dir, "examples"), os.DirFS("../../examples")); err != nil {
			t.Fatal(err)
		}
	}
	cfgPath := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgPath, []byte(configBody), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(cfgPath)
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
