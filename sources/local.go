package sources

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"github.com/braid-feeds/braid/internal/localfile"
)

// readLocal reads a local feed file under the same size cap as a body.
// Its content hash stands in for an ETag: an unchanged file is "not
// modified" and is not parsed again.
func (f *Fetcher) readLocal(ctx context.Context, path, etag string, haveItems bool) outcome {
	o := outcome{attempts: 1}
	if o.err = ctx.Err(); o.err != nil {
		return o
	}
	body, err := localfile.Read(ctx, path, f.opt.MaxBytes)
	if err != nil {
		o.err = err
		return o
	}
	sum := sha256.Sum256(body)
	hash := "sha256:" + hex.EncodeToString(sum[:16])
	if hash == etag && haveItems {
		o.notModified = true
		return o
	}
	o.etag, o.body = hash, body
	return o
}
