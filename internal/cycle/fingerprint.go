package cycle

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/feed/render"
	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/internal/state"
	"github.com/braid-feeds/braid/sources"
)

const (
	metaFingerprint = "inputs_fingerprint"
	// metaCandidates is the candidate count of the cycle that stored the
	// fingerprint, for the summary of cycles that skip selection.
	metaCandidates = "candidate_items"
)

// fingerprint hashes everything the published files are made from: the
// braid version, the config, the articles with their neighbours, every
// source's origin and stored items (their digest: every stored field and
// first-seen time, read without decoding them), the source health shown
// on the index page, and, when max_age applies, the hour (items age out
// of the window). Every source's items are what the state holds once the
// fetch is done: the new ones were saved, the others kept.
func fingerprint(version string, cfg *config.Config, local []articleFeed, results []sources.Result, digests map[string]state.ItemDigest,
	health []render.IndexSource, now time.Time) string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	fmt.Fprintf(h, "%s\x00", version)
	c := *cfg
	enc.Encode(&c)
	for _, af := range local {
		a := *af.art
		a.Text, a.HTML = "", ""
		enc.Encode(&a)
		if af.parse.sum != "" {
			// What the text was parsed from, known without it.
			hashText(h, af.parse.sum)
		} else {
			hashText(h, af.art.Text, af.art.HTML)
		}
		for _, it := range []*feed.Item{&af.item, af.prev, af.next} {
			hashItem(h, it)
		}
	}
	for i := range results {
		r := &results[i]
		d := digests[r.Name]
		enc.Encode(r.Origin)
		fmt.Fprintf(h, "%s\x00%d\x00%s\n", r.Name, d.Count, d.Sum)
	}
	enc.Encode(health)
	if cfg.Related.MaxAge > 0 {
		fmt.Fprintf(h, "%d", now.Truncate(time.Hour).Unix())
	}
	return hex.EncodeToString(h.Sum(nil))
}

// hashItem writes an item into a hash (nil too): its text as it is, the
// rest field by field (feed.AppendFields, then its origin). Text is most of an item's bytes, and JSON escaping
// it was most of the cost of hashing 2,000 feeds; JSON's reflection over
// the rest was still a twentieth of a cycle with one change. An external
// item's text is its Digest: what it was is known without reading it
// (feedUnit). TestHashItemCoversEveryField keeps this in step with
// feed.Item.
func hashItem(h io.Writer, it *feed.Item) {
	if it == nil {
		io.WriteString(h, "nil\n")
		return
	}
	b := feed.AppendFields(make([]byte, 0, 256), it)
	if o := it.Origin; o == nil {
		b = append(b, 0)
	} else {
		b = append(b, 1)
		for _, s := range []string{o.Name, o.URL, o.Title, o.Link, o.ID} {
			b = feed.AppendString(b, s)
		}
		b = feed.AppendTime(b, o.Updated)
	}
	h.Write(b)
	if it.Digest != "" {
		hashText(h, it.Digest)
		return
	}
	hashText(h, it.Summary, it.ContentHTML)
}

// hashText writes each string after its length, so no two lists of
// strings write the same bytes.
func hashText(h io.Writer, ss ...string) {
	for _, s := range ss {
		fmt.Fprintf(h, "%d:", len(s))
		io.WriteString(h, s)
	}
}

// expectedPaths lists every file a cycle publishes.
func expectedPaths(cfg *config.Config, local []articleFeed) []string {
	var paths []string
	dirs := []string{""}
	for _, af := range local {
		dirs = append(dirs, af.art.Slug)
	}
	for _, d := range dirs {
		for _, fm := range render.Formats {
			if cfg.HasFormat(fm.Name) {
				paths = append(paths, filepath.Join(cfg.Out, d, fm.File))
			}
		}
	}
	return append(paths, filepath.Join(cfg.Out, "index.html"), filepath.Join(cfg.Out, "feeds.opml"))
}

func expectedFiles(cfg *config.Config, local []articleFeed) int {
	return len(expectedPaths(cfg, local))
}

// outputsExist reports whether every published file is still there: a
// deleted feed must be written again even though no input changed.
func outputsExist(cfg *config.Config, local []articleFeed) bool {
	for _, p := range expectedPaths(cfg, local) {
		if _, err := os.Stat(p); err != nil {
			return false
		}
	}
	return true
}

// countDuplicates is how many items dedupe would drop, for the summary of
// a cycle that skipped building: the same count a built cycle reports,
// near-duplicates included.
func countDuplicates(pool []feed.Item) int {
	_, dups := feed.Dedupe(pool)
	return len(dups)
}
