package state

import (
	"encoding/binary"
	"errors"
	"math"
	"time"

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
//	str(ID) str(GUID) str(Link) str(Title) str(Role)
//	time(Published) time(Updated) time(FirstSeen)
//	float64(Score)
//	list(Authors: str(Name) str(Email))
//	list(Categories: str)
//	list(AlsoReportedBy: str(Outlet) str(Link))
//	list(key hashes: uint64, little-endian)
//
// str is uvarint(len) bytes; list is uvarint(count) elements; time is a
// zigzag varint of Unix seconds, a uvarint of nanoseconds and a zigzag
// varint of the zone offset in seconds, or the single byte 0xff for the
// zero time.
const headV1 = 1

var errBadHead = errors.New("item head: truncated or corrupt")

func encodeHead(buf []byte, it *feed.Item) []byte {
	buf = append(buf, headV1)
	buf = binary.AppendUvarint(buf, feed.KeysVersion)
	for _, s := range []string{it.ID, it.GUID, it.Link, it.Title, string(it.Role)} {
		buf = appendStr(buf, s)
	}
	for _, t := range []time.Time{it.Published, it.Updated, it.FirstSeen} {
		buf = appendTime(buf, t)
	}
	buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(it.Score))
	buf = binary.AppendUvarint(buf, uint64(len(it.Authors)))
	for _, p := range it.Authors {
		buf = appendStr(appendStr(buf, p.Name), p.Email)
	}
	buf = binary.AppendUvarint(buf, uint64(len(it.Categories)))
	for _, c := range it.Categories {
		buf = appendStr(buf, c)
	}
	buf = binary.AppendUvarint(buf, uint64(len(it.AlsoReportedBy)))
	for _, r := range it.AlsoReportedBy {
		buf = appendStr(appendStr(buf, r.Outlet), r.Link)
	}
	keys := it.KeyHashes()
	buf = binary.AppendUvarint(buf, uint64(len(keys)))
	for _, k := range keys {
		buf = binary.LittleEndian.AppendUint64(buf, k)
	}
	return buf
}

func appendStr(buf []byte, s string) []byte {
	return append(binary.AppendUvarint(buf, uint64(len(s))), s...)
}

func appendTime(buf []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(buf, 0xff)
	}
	_, off := t.Zone()
	buf = binary.AppendVarint(buf, t.Unix())
	buf = binary.AppendUvarint(buf, uint64(t.Nanosecond()))
	return binary.AppendVarint(buf, int64(off))
}

// headReader decodes a head; the first failure sticks.
type headReader struct {
	b   []byte
	err error
}

func (r *headReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *headReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *headReader) fail() {
	r.err, r.b = errBadHead, nil
}

func (r *headReader) str() string {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.fail()
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

// count is a list's length, bounded by the bytes left (each element
// takes at least one): a corrupt count never allocates a huge slice.
func (r *headReader) count() int {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.fail()
		return 0
	}
	return int(n)
}

func (r *headReader) time() time.Time {
	if len(r.b) > 0 && r.b[0] == 0xff {
		r.b = r.b[1:]
		return time.Time{}
	}
	sec, nsec, off := r.varint(), r.uvarint(), r.varint()
	if nsec >= 1e9 || off < -18*3600 || off > 18*3600 {
		r.fail()
		return time.Time{}
	}
	t := time.Unix(sec, int64(nsec))
	if off == 0 {
		return t.UTC() // as JSON decoded "Z"
	}
	return t.In(time.FixedZone("", int(off)))
}

func decodeHead(b []byte, it *feed.Item) error {
	if len(b) == 0 || b[0] != headV1 {
		return errBadHead
	}
	r := headReader{b: b[1:]}
	kv := r.uvarint()
	it.ID, it.GUID, it.Link, it.Title, it.Role = r.str(), r.str(), r.str(), r.str(), feed.Role(r.str())
	it.Published, it.Updated, it.FirstSeen = r.time(), r.time(), r.time()
	if len(r.b) < 8 {
		r.fail()
	} else {
		it.Score = math.Float64frombits(binary.LittleEndian.Uint64(r.b))
		r.b = r.b[8:]
	}
	if n := r.count(); n > 0 {
		it.Authors = make([]feed.Person, n)
		for i := range it.Authors {
			it.Authors[i] = feed.Person{Name: r.str(), Email: r.str()}
		}
	}
	if n := r.count(); n > 0 {
		it.Categories = make([]string, n)
		for i := range it.Categories {
			it.Categories[i] = r.str()
		}
	}
	if n := r.count(); n > 0 {
		it.AlsoReportedBy = make([]feed.Report, n)
		for i := range it.AlsoReportedBy {
			it.AlsoReportedBy[i] = feed.Report{Outlet: r.str(), Link: r.str()}
		}
	}
	keys := make([]uint64, r.count())
	for i := range keys {
		if len(r.b) < 8 {
			r.fail()
			break
		}
		keys[i] = binary.LittleEndian.Uint64(r.b)
		r.b = r.b[8:]
	}
	if r.err == nil && len(r.b) != 0 {
		r.fail()
	}
	if r.err != nil {
		return r.err
	}
	if kv == feed.KeysVersion {
		it.SetKeyHashes(keys)
	}
	return nil
}
