package state

import (
	"encoding/binary"
	"errors"

	"github.com/braid-feeds/braid/feed"
)

// An item's head is everything of it but its summary and content (which
// have columns of their own) and its origin (its source's, kept once), in
// a compact binary form (migration 8). It replaced JSON: decoding the
// heads of every kept item is most of what a cycle with one change reads,
// and JSON's reflection and validation made that a tenth of such a
// cycle. The head also keeps the item's dedupe key hashes
// (feed.Item.KeyHashes), so a cycle does not normalize every kept title
// and link again; they are used only when made by the same
// feed.KeysVersion.
//
//	headV1
//	uvarint(feed.KeysVersion)
//	feed.AppendFields(item)
//	uvarint(count) key hashes, each 8 bytes little-endian
const headV1 = 1

var errBadHead = errors.New("item head: truncated or corrupt")

func encodeHead(buf []byte, it *feed.Item) []byte {
	buf = append(buf, headV1)
	buf = binary.AppendUvarint(buf, feed.KeysVersion)
	buf = feed.AppendFields(buf, it)
	keys := it.KeyHashes()
	buf = binary.AppendUvarint(buf, uint64(len(keys)))
	for _, k := range keys {
		buf = binary.LittleEndian.AppendUint64(buf, k)
	}
	return buf
}

func decodeHead(b []byte, it *feed.Item) error {
	if len(b) == 0 || b[0] != headV1 {
		return errBadHead
	}
	r := feed.FieldReader{B: b[1:]}
	kv := r.Uvarint()
	rest, err := feed.ReadFields(r.B, it)
	if r.Err != nil || err != nil {
		return errBadHead
	}
	r.B = rest
	keys := make([]uint64, r.Count())
	for i := range keys {
		keys[i] = r.Uint64()
	}
	if r.Err != nil || len(r.B) != 0 {
		return errBadHead
	}
	if kv == feed.KeysVersion {
		it.SetKeyHashes(keys)
	}
	return nil
}
