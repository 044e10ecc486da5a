package parser

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/rss"
	"golang.org/x/net/html/charset"

	"github.com/braid-feeds/braid/feed"
)

// Sentinel errors callers branch on.
var (
	ErrNotAFeed = errors.New("not a feed")
	ErrParse    = errors.New("parse error")
)

// Parser parses feeds. It is safe for concurrent use (gofeed's parser is).
type Parser struct{ gp *gofeed.Parser }

// New returns a Parser.
func New() *Parser {
	p := gofeed.NewParser()
	// The image scan parses every item's HTML for nothing we use.
	p.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	// The universal feed has no <ttl>; the original RSS feed does.
	p.KeepOriginalFeed = true
	return &Parser{gp: p}
}

// Feed is a body turned into items.
type Feed struct {
	Origin feed.Origin
	Items  []feed.Item
	// TTL is the RSS <ttl>, capped at a day; zero when absent.
	TTL time.Duration
}

// Parse is the whole path from fetched bytes to safe items: charset,
// gofeed, then convert (sanitized HTML, absolute URLs, valid UTF-8).
// name is the source's name, feedURL where the body came from (an
// http(s) or file: URL), contentType the HTTP header ("" for files). It
// never panics: a parser panic on hostile input is a parse error of that
// source, not the end of the process.
func (p *Parser) Parse(name, feedURL, contentType string, body []byte) (out Feed, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = Feed{}, fmt.Errorf("%w: parser panic: %v", ErrParse, r)
		}
	}()
	body = decodeBody(body, contentType)
	f, err := p.gp.Parse(bytes.NewReader(body))
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return Feed{}, ErrNotAFeed
		}
		return Feed{}, fmt.Errorf("%w: %v", ErrParse, err)
	}
	if rf, ok := f.OriginalFeed().(*rss.Feed); ok {
		out.TTL = parseTTL(rf.TTL)
	}
	out.Origin, out.Items = convert(name, feedURL, f)
	if len(out.Items) == 0 && f.FeedType != "json" {
		// gofeed answers a mismatched end tag with few or no items and
		// no error; only a well-formedness check tells a broken document
		// from a feed that is really empty. (Checked only then: it is a
		// second pass over the body.)
		if err := wellFormed(body); err != nil {
			return Feed{}, fmt.Errorf("%w: %v", ErrParse, err)
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

// maxTTL caps an RSS <ttl> like every other publisher hint: a feed that
// says "a year" must not silence itself for good.
const maxTTL = 24 * time.Hour

// parseTTL reads an RSS <ttl>: minutes, as an integer.
func parseTTL(s string) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n <= 0 {
		return 0
	}
	if n > int(maxTTL/time.Minute) {
		n = int(maxTTL / time.Minute)
	}
	return time.Duration(n) * time.Minute
}
