package main

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// killSite writes a site of dated Markdown articles and one file source,
// so that what it publishes depends on nothing but its files: no clock,
// no network. version picks the edit: 0 is the first site, 1 has some
// articles edited, some deleted, some added, and new source items.
func killSite(t *testing.T, dir string, version int) {
	t.Helper()
	words := strings.Fields("harbour crane strike council budget bridge ferry river rail tram flood storm school hospital election court bank loan orchard festival")
	text := func(seed, k int) string {
		r := rand.New(rand.NewPCG(uint64(seed), 9))
		w := make([]string, k)
		for i := range w {
			w[i] = words[r.IntN(len(words))]
		}
		return strings.Join(w, " ")
	}
	os.RemoveAll(filepath.Join(dir, "content"))
	os.MkdirAll(filepath.Join(dir, "content"), 0o755)
	os.MkdirAll(filepath.Join(dir, "feeds"), 0o755)
	for i := range 300 {
		if version == 1 && i%17 == 3 {
			continue // deleted
		}
		body := text(i, 120)
		if version == 1 && i%4 == 0 {
			body += "\n\nUpdate: " + text(1000+i, 30) + "."
		}
		md := fmt.Sprintf("---\ntitle: Story %d on the %s\ndate: 2026-09-%02d %02d:00\n---\n%s.\n", i, text(i+500, 2), 1+i%28, i%24, body)
		os.WriteFile(filepath.Join(dir, "content", fmt.Sprintf("story-%03d.md", i)), []byte(md), 0o644)
	}
	if version == 1 {
		for i := 200; i < 204; i++ {
			md := fmt.Sprintf("---\ntitle: New Story %d\ndate: 2026-10-%02d 08:00\n---\n%s.\n", i, i-190, text(i, 120))
			os.WriteFile(filepath.Join(dir, "content", fmt.Sprintf("story-%03d.md", i)), []byte(md), 0o644)
		}
	}
	var rss strings.Builder
	rss.WriteString("<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Wire</title><link>https://wire.example/</link><description>d</description>\n")
	for j := range 30 + 10*version {
		fmt.Fprintf(&rss, "<item><title>%s</title><link>https://wire.example/%d</link><guid>w-%d</guid><pubDate>%s</pubDate><description>%s</description></item>\n",
			text(2000+j, 6), j, j, time.Date(2026, 9, 1+j%28, 10, 0, 0, 0, time.UTC).Format(time.RFC1123Z), text(3000+j, 30))
	}
	rss.WriteString("</channel></rss>\n")
	os.WriteFile(filepath.Join(dir, "feeds", "wire.xml"), []byte(rss.String()), 0o644)
	conf := "site:\n  title: Kill News\n  url: https://news.example.com\nrelated:\n  max_age: 0s\nsources:\n  - {name: Wire, url: feeds/wire.xml}\n"
	os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(conf), 0o644)
}

func generate(t *testing.T, dir string) {
	t.Helper()
	out, err := exec.Command(braidBin, "generate", "--config", filepath.Join(dir, "config.yaml")).CombinedOutput()
	if err != nil {
		t.Fatalf("generate in %s: %v\n%s", dir, err, out)
	}
}

// outTree reads out/ but temporary (dot) files, which are not published.
func outTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	root := filepath.Join(dir, "out")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		files[rel], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestKilledIncrementalCycleRecovers SIGKILLs `braid generate` at random
// points of an incremental cycle (articles edited, deleted and added,
// new source items) and checks that the next cycle publishes, byte for
// byte, what a fresh full cycle of the same inputs and state does (a copy
// of the state into an empty site): nothing the killed cycle half did
// (files written, files removed, output records) survives into the
// output.
func TestKilledIncrementalCycleRecovers(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGKILL")
	}
	base := t.TempDir()
	killSite(t, base, 0)
	generate(t, base)

	// What a fresh full cycle of the changed site publishes, and how
	// long an incremental cycle takes, so kills land all along it.
	fresh := t.TempDir()
	killSite(t, fresh, 1)
	generate(t, fresh)
	want := outTree(t, fresh)
	before := outTree(t, base)
	timed := t.TempDir()
	os.CopyFS(timed, os.DirFS(base))
	killSite(t, timed, 1)
	start := time.Now()
	generate(t, timed)
	whole := time.Since(start)

	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d, incremental cycle %v", seed, whole)
	r := rand.New(rand.NewPCG(seed, 0))
	partial := 0
	for i := range 10 {
		// Even kills land anywhere in the cycle; odd ones just after
		// its first feed file changed, within its short write phase.
		after := time.Duration(r.Int64N(int64(whole)))
		inWrite := i%2 == 1
		if inWrite {
			after = time.Duration(r.Int64N(int64(10 * time.Millisecond)))
		}
		t.Run(fmt.Sprintf("%d at %v, in write phase %v", i, after.Round(time.Millisecond), inWrite), func(t *testing.T) {
			dir := t.TempDir()
			if err := os.CopyFS(dir, os.DirFS(base)); err != nil {
				t.Fatal(err)
			}
			killSite(t, dir, 1)
			cmd := exec.Command(braidBin, "generate", "--config", filepath.Join(dir, "config.yaml"))
			cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			if inWrite {
				waitForWrite(filepath.Join(dir, "out", "story-000", "rss.xml"), 10*whole)
			}
			time.Sleep(after)
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			if mid := outTree(t, dir); !sameFiles(mid, before) && !sameFiles(mid, want) {
				partial++
			}
			version := 1
			if i%4 >= 2 {
				// The inputs go back to what the last whole cycle
				// published from: the half-written output of the killed
				// cycle must not pass for up to date.
				killSite(t, dir, 0)
				version = 0
			}
			// A fresh full cycle from the same knowledge: the same
			// inputs and a copy of the state as the kill left it (first-
			// seen times are part of it), into an empty out/.
			full := t.TempDir()
			killSite(t, full, version)
			if out, err := exec.Command(braidBin, "state", "migrate", "-c", filepath.Join(dir, "config.yaml"),
				"--to", filepath.Join(full, ".braid", "state.db")).CombinedOutput(); err != nil {
				t.Fatalf("copying the state: %v\n%s", err, out)
			}
			generate(t, full)
			want := outTree(t, full)
			generate(t, dir)
			got := outTree(t, dir)
			var diffs []string
			for p, w := range want {
				if g, ok := got[p]; !ok || !bytes.Equal(g, w) {
					diffs = append(diffs, p)
				}
			}
			for p := range got {
				if _, ok := want[p]; !ok {
					diffs = append(diffs, p+" (stale)")
				}
			}
			slices.Sort(diffs)
			if len(diffs) > 0 {
				t.Errorf("after the kill, the next cycle's out/ differs from a fresh cycle's in %d files: %v", len(diffs), diffs)
			}
			if left := tempFiles(t, filepath.Join(dir, "out")); len(left) > 0 {
				t.Errorf("after the kill, the next cycle left temporary files in out/: %v", left)
			}
		})
	}
	t.Logf("%d of 10 kills left out/ half updated", partial)
}

// tempFiles are the atomic writes' temporary files under root (renameio's
// "." + name + digits).
func tempFiles(t *testing.T, root string) []string {
	t.Helper()
	temp := regexp.MustCompile(`^\..+(\.tmp-[0-9]+|[0-9]{6,})$`)
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && temp.MatchString(d.Name()) {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// waitForWrite returns when the file at name is replaced (its inode
// changes: braid renames a new file over it) or after limit.
func waitForWrite(name string, limit time.Duration) {
	old, _ := os.Stat(name)
	for end := time.Now().Add(limit); time.Now().Before(end); {
		if cur, err := os.Stat(name); err == nil && (old == nil || !os.SameFile(old, cur)) {
			return
		}
		time.Sleep(200 * time.Microsecond)
	}
}

func sameFiles(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for p, x := range a {
		if y, ok := b[p]; !ok || !bytes.Equal(x, y) {
			return false
		}
	}
	return true
}
