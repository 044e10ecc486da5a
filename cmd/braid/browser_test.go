package main

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/braid-feeds/braid/internal/serve"
)

// chromiumPath finds Debian's Chromium. Without it the browser test skips,
// unless BRAID_REQUIRE_CHROMIUM is set (CI sets it), where it fails.
func chromiumPath(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "Chromium not found: install it with `apt-get install chromium` (Debian) to run the browser test"
	if os.Getenv("BRAID_REQUIRE_CHROMIUM") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// artefactDir is where the test leaves its screenshots: $BRAID_ARTEFACTS,
// or artefacts/ at the repository root.
func artefactDir(t *testing.T) string {
	dir := os.Getenv("BRAID_ARTEFACTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "artefacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestIndexPageInBrowser opens the generated index.html in headless
// Chromium: the autodiscovery links are there, nothing logs an error, the
// page fits a phone's width, and screenshots are saved as artefacts.
func TestIndexPageInBrowser(t *testing.T) {
	chrome := chromiumPath(t)
	dir, cfg := site(t, allFormatsServed(t), "")
	if _, stderr, code := braid(t, "generate", "-c", cfg); code != 0 {
		t.Fatal(stderr)
	}
	srv := httptest.NewServer(serve.NewHandler(serve.Options{Root: filepath.Join(dir, "out")}))
	defer srv.Close()

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chrome),
		chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	var mu sync.Mutex
	var problems []string
	note := func(p string) { mu.Lock(); problems = append(problems, p); mu.Unlock() }
	err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning {
				note("console " + string(e.Type))
			}
		case *runtime.EventExceptionThrown:
			note("exception: " + e.ExceptionDetails.Text)
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.EntryLevelError || e.Entry.Level == cdplog.EntryLevelWarning {
				note("log: " + e.Entry.Text + " " + e.Entry.URL)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	step := func(what string, a chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, a); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(expr string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return v
	}
	shot := func() []byte {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		return png
	}
	step("desktop viewport", chromedp.EmulateViewport(1280, 900))
	step("open index", chromedp.Navigate(srv.URL+"/"))
	step("wait for main", chromedp.WaitReady("main"))
	title := eval(`document.title`)
	lang := eval(`document.documentElement.lang`)
	var alternates []map[string]string
	if err := json.Unmarshal([]byte(eval(`JSON.stringify([...document.querySelectorAll('link[rel=alternate]')].map(l => ({type: l.type, href: l.href, title: l.title})))`)), &alternates); err != nil {
		t.Fatal(err)
	}
	desktop := shot()
	step("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	step("reopen index", chromedp.Navigate(srv.URL+"/"))
	step("wait for main", chromedp.WaitReady("main"))
	overflow := eval(`String(document.documentElement.scrollWidth > window.innerWidth + 1)`) == "true"
	phone := shot()
	time.Sleep(200 * time.Millisecond) // let late console events arrive
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(title, "Test News") || lang != "en" {
		t.Errorf("title %q, lang %q", title, lang)
	}
	types := map[string]int{}
	for _, a := range alternates {
		types[a["type"]]++
		if !strings.HasPrefix(a["href"], "https://news.example.com/") || a["title"] == "" {
			t.Errorf("autodiscovery link %v", a)
		}
	}
	// Site-wide feed plus three article feeds, in each format.
	for _, ty := range []string{"application/rss+xml", "application/atom+xml", "application/feed+json"} {
		if types[ty] != 4 {
			t.Errorf("%d %s autodiscovery links, want 4", types[ty], ty)
		}
	}
	if overflow {
		t.Error("the page is wider than a phone screen")
	}
	if len(problems) > 0 {
		t.Errorf("console problems: %v", problems)
	}
	out := artefactDir(t)
	for name, png := range map[string][]byte{"index-desktop.png": desktop, "index-phone.png": phone} {
		if err := os.WriteFile(filepath.Join(out, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshots in %s", out)
}
