package fetcher

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
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
// magic number decides, not the header.
func gunzip(r io.Reader) (io.ReadCloser, error) {
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); len(magic) != 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		return io.NopCloser(br), nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("%w: gzip: %v", ErrCorrupt, err)
	}
	return zr, nil
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
