package daemon

import (
	"os"
	"testing"

	"github.com/braid-feeds/braid/internal/state/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
