package cycle

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/braid-feeds/braid/internal/websub"
)

// hub is an httptest WebSub hub that records publish pings and can be
// told to fail.
type hub struct {
	mu    sync.Mutex
	urls  []string
	fail  atomic.Bool
	modes []string
}

func (h *hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.fail.Load() {
		http.Error(w, "hub down", http.StatusServiceUnavailable)
		return
	}
	r.ParseForm()
	h.mu.Lock()
	h.urls = append(h.urls, r.PostForm.Get("hub.url"))
	h.modes = append(h.modes, r.PostForm.Get("hub.mode"))
	h.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (h *hub) take() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.urls
	h.urls = nil
	sort.Strings(out)
	return out
}

func TestWebSubPingsChangedFeedsAndRetries(t *testing.T) {
	h := &hub{}
	srv := httptest.NewServer(h)
	defer srv.Close()
	cfg, st := riverSite(t, "websub:\n  hub: "+srv.URL+"/hub\n")
	ctx := context.Background()
	q := websub.NewQueue()
	opt := Options{Store: st, WebSub: q}

	// First cycle: every feed is new, so every feed is pinged.
	sum, err := Run(ctx, cfg, opt)
	if err != nil || sum.PingErr != nil {
		t.Fatal(err, sum.PingErr)
	}
	got := h.take()
	if len(got) != 12 { // 3 articles + site, 3 formats each
		t.Fatalf("pinged %d feeds: %v", len(got), got)
	}
	for _, m := range h.modes {
		if m != "publish" {
			t.Errorf("hub.mode %q", m)
		}
	}
	atom, _ := os.ReadFile(filepath.Join(cfg.Out, "kelmor-bridge-closed", "atom.xml"))
	if !strings.Contains(string(atom), `rel="hub"`) || !strings.Contains(string(atom), srv.URL+"/hub") {
		t.Error("atom feed lacks its hub link")
	}
	js, _ := os.ReadFile(filepath.Join(cfg.Out, "feed.json"))
	if !strings.Contains(string(js), `"hubs"`) {
		t.Error("JSON feed lacks hubs")
	}

	// Nothing changed: nothing to ping.
	if _, err := Run(ctx, cfg, opt); err != nil {
		t.Fatal(err)
	}
	if got := h.take(); len(got) != 0 {
		t.Errorf("pinged unchanged feeds: %v", got)
	}

	// A change while the hub is down: the ping fails and stays queued…
	os.WriteFile(filepath.Join(cfg.Content, "new.md"), []byte("---\ntitle: Brand New Story\ndate: 2026-11-20\n---\nText.\n"), 0o644)
	h.fail.Store(true)
	sum, err = Run(ctx, cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	if sum.PingErr == nil || len(q.Pending()) == 0 {
		t.Fatalf("failed ping not reported or not queued: %v %v", sum.PingErr, q.Pending())
	}
	queued := q.Pending()
	// …and is sent after the next cycle, though nothing changed then.
	h.fail.Store(false)
	sum, err = Run(ctx, cfg, opt)
	if err != nil || sum.PingErr != nil {
		t.Fatal(err, sum.PingErr)
	}
	if got := h.take(); strings.Join(got, " ") != strings.Join(queued, " ") {
		t.Errorf("retried %v, want %v", got, queued)
	}
	if len(q.Pending()) != 0 {
		t.Errorf("still queued: %v", q.Pending())
	}
}
