package sources

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/rss"
	"golang.org/x/net/html/charset"

	"github.com/braid-feeds/braid/feed"
)

// newParser is the gofeed parser all sources share (it is safe for
// concurrent use).
func newParser() *gofeed.Parser {
	p := gofeed.NewParser()
	// The image scan parses every item's HTML for nothing we use.
	p.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	// The universal feed has no <ttl>; the original RSS feed does.
	p.KeepOriginalFeed = true
	return p
}

// parsed is a body turned into items.
type parsed struct {
	origin feed.Origin
	items  []feed.Item
	ttl    time.Duration
}

// parseBody is the whole path from fetched bytes to safe items: charset,
// gofeed, then convert (sanitized HTML, absolute URLs, valid UTF-8). It
// never panics: a parser panic on hostile input is a parse error of that
// source, not the end of the process.
func parseBody(p *gofeed.Parser, name, feedURL, contentType string, body []byte) (out parsed, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = parsed{}, fmt.Errorf("%w: parser panic: %v", ErrParse, r)
		}
	}()
	body = decodeBody(body, contentType)
	f, err := p.Parse(bytes.NewReader(body))
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return parsed{}, ErrNotAFeed
		}
		return parsed{}, fmt.Errorf("%w: %v", ErrParse, err)
	}
	if rf, ok := f.OriginalFeed().(*rss.Feed); ok {
		out.ttl = parseTTL(rf.TTL)
	}
	out.origin, out.items = convert(name, feedURL, f)
	if len(out.items) == 0 && f.FeedType != "json" {
		// gofeed answers a mismatched end tag with few or no items and
		// no error; only a well-formedness check tells a broken document
		// from a feed that is really empty. (Checked only then: it is a
		// second pass over the body.)
		if err := wellFormed(body); err != nil {
			return parsed{}, fmt.Errorf("%w: %v", ErrParse, err)
		}
	}
	return out, nil
}

// wellFormed checks that an XML document's tags balance. HTML entities
// are accepted, as gofeed accepts them.
func wellFormed(body []byte) error {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = true
	d.Entity = xml.HTMLEntity
	d.CharsetReader = charset.NewReaderLabel
	for {
		_, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
