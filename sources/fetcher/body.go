package fetcher

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// discard reads a little of a body we do not want, so the connection can
// be reused, and closes it. It returns the bytes read.
func discard(body io.ReadCloser) int64 {
	n, _ := io.CopyN(io.Discard, body, 64<<10)
	body.Close()
	return n
}

// counter counts bytes read through it and remembers the network's own
// error, to tell a broken connection from a broken gzip stream.
type counter struct {
	r   io.Reader
	n   int64
	err error
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && err != io.EOF {
		c.err = err
	}
	return n, err
}

// readBody reads a 2xx body, decompressing gzip, and refuses more than max
// bytes after decompression: a gzip bomb stops at the cap. It returns the
// body and how many bytes came over the wire.
func readBody(resp *http.Response, max int64) ([]byte, int64, error) {
	wire := &counter{r: resp.Body}
	var r io.Reader = wire
	switch enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
		if resp.ContentLength > max {
			return nil, 0, fmt.Errorf("%w: Content-Length %d is over the %d-byte limit", ErrTooLarge, resp.ContentLength, max)
		}
	case "gzip", "x-gzip":
		zr, err := gunzip(wire)
		if err != nil {
			return nil, wire.n, err
		}
		defer zr.Close()
		r = zr
	default:
		return nil, 0, fmt.Errorf("%w: %q", ErrUnsupportedEncoding, enc)
	}
	body, err := ReadAll(r, max)
	if err != nil && wire.err == nil && !errors.Is(err, ErrTooLarge) {
		// The connection was fine, so the decompressor failed.
		err = fmt.Errorf("%w: gzip: %v", ErrCorrupt, err)
	}
	return body, wire.n, err
}

// gunzip decompresses r. Some servers say gzip and send it plain: the
// magic number decides, not the header. Its readers come from pools and
// go back on Close: a decompressor holds a 32 KB window and its tables,
// 40 KB of garbage per feed otherwise.
func gunzip(r io.Reader) (io.ReadCloser, error) {
	br := bufReaders.Get().(*bufio.Reader)
	br.Reset(r)
	if magic, _ := br.Peek(2); len(magic) != 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		return &pooled{r: br, br: br}, nil
	}
	zr, _ := gzipReaders.Get().(*gzip.Reader)
	var err error
	if zr == nil {
		zr, err = gzip.NewReader(br)
	} else {
		err = zr.Reset(br)
	}
	if err != nil {
		putBufReader(br)
		return nil, fmt.Errorf("%w: gzip: %v", ErrCorrupt, err)
	}
	return &pooled{r: zr, br: br, zr: zr}, nil
}

var (
	bufReaders  = sync.Pool{New: func() any { return bufio.NewReader(nil) }}
	gzipReaders sync.Pool // *gzip.Reader
)

func putBufReader(br *bufio.Reader) {
	br.Reset(nil) // drop the connection's body
	bufReaders.Put(br)
}

// pooled reads a body through pooled readers, and puts them back on Close.
type pooled struct {
	r  io.Reader
	br *bufio.Reader
	zr *gzip.Reader // nil for a body sent plain
}

func (p *pooled) Read(b []byte) (int, error) { return p.r.Read(b) }

func (p *pooled) Close() error {
	var err error
	if p.zr != nil {
		err = p.zr.Close()
		gzipReaders.Put(p.zr)
	}
	putBufReader(p.br)
	*p = pooled{r: strings.NewReader("")} // read after Close: EOF, not another body
	return err
}

// ReadAll reads at most max bytes and says so explicitly (ErrTooLarge)
// when there is more, instead of handing a truncated document on.
func ReadAll(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max)
	}
	return b, nil
}
