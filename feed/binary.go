package feed

import (
	"encoding/binary"
	"errors"
	"math"
	"time"
)

// AppendFields appends the item's fields other than its text (Summary,
// ContentHTML), Origin, Digest and cached key hashes, in a compact binary
// form that ReadFields reverses:
//
//	str(ID) str(GUID) str(Link) str(Title) str(Role)
//	time(Published) time(Updated) time(FirstSeen)
//	float64(Score)
//	list(Authors: str(Name) str(Email))
//	list(Categories: str)
//	list(AlsoReportedBy: str(Outlet) str(Link))
//
// str is uvarint(len) bytes; list is uvarint(count) elements; time is
// AppendTime's. The state keeps kept items' heads in it, and a cycle
// hashes items with it: one encoding, so a field added to Item is added
// to both.
func AppendFields(buf []byte, it *Item) []byte {
	for _, s := range []string{it.ID, it.GUID, it.Link, it.Title, string(it.Role)} {
		buf = AppendString(buf, s)
	}
	for _, t := range []time.Time{it.Published, it.Updated, it.FirstSeen} {
		buf = AppendTime(buf, t)
	}
	buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(it.Score))
	buf = binary.AppendUvarint(buf, uint64(len(it.Authors)))
	for _, p := range it.Authors {
		buf = AppendString(AppendString(buf, p.Name), p.Email)
	}
	buf = binary.AppendUvarint(buf, uint64(len(it.Categories)))
	for _, c := range it.Categories {
		buf = AppendString(buf, c)
	}
	buf = binary.AppendUvarint(buf, uint64(len(it.AlsoReportedBy)))
	for _, r := range it.AlsoReportedBy {
		buf = AppendString(AppendString(buf, r.Outlet), r.Link)
	}
	return buf
}

// AppendString appends s after its length.
func AppendString(buf []byte, s string) []byte {
	return append(binary.AppendUvarint(buf, uint64(len(s))), s...)
}

// AppendTime appends t as a zigzag varint of Unix seconds, a uvarint of
// nanoseconds and a zigzag varint of its zone's offset in seconds, or as
// the single byte 0xff when it is the zero time.
func AppendTime(buf []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(buf, 0xff)
	}
	_, off := t.Zone()
	buf = binary.AppendVarint(buf, t.Unix())
	buf = binary.AppendUvarint(buf, uint64(t.Nanosecond()))
	return binary.AppendVarint(buf, int64(off))
}

// ErrBadFields: what ReadFields was given is truncated or corrupt.
var ErrBadFields = errors.New("feed: item fields truncated or corrupt")

// ReadFields decodes what AppendFields wrote at the start of b into it
// and returns the bytes after it.
func ReadFields(b []byte, it *Item) (rest []byte, err error) {
	r := FieldReader{B: b}
	it.ID, it.GUID, it.Link, it.Title, it.Role = r.String(), r.String(), r.String(), r.String(), Role(r.String())
	it.Published, it.Updated, it.FirstSeen = r.Time(), r.Time(), r.Time()
	it.Score = math.Float64frombits(r.Uint64())
	if n := r.Count(); n > 0 {
		it.Authors = make([]Person, n)
		for i := range it.Authors {
			it.Authors[i] = Person{Name: r.String(), Email: r.String()}
		}
	}
	if n := r.Count(); n > 0 {
		it.Categories = make([]string, n)
		for i := range it.Categories {
			it.Categories[i] = r.String()
		}
	}
	if n := r.Count(); n > 0 {
		it.AlsoReportedBy = make([]Report, n)
		for i := range it.AlsoReportedBy {
			it.AlsoReportedBy[i] = Report{Outlet: r.String(), Link: r.String()}
		}
	}
	return r.B, r.Err
}

// FieldReader reads what the Append functions wrote; the first failure
// sticks in Err (ErrBadFields) and every read after it gives zero.
type FieldReader struct {
	B   []byte
	Err error
}

func (r *FieldReader) fail() { r.B, r.Err = nil, ErrBadFields }

// advance drops n bytes read, n <= 0 being a failed read.
func (r *FieldReader) advance(n int) bool {
	if n <= 0 || n > len(r.B) {
		r.fail()
		return false
	}
	r.B = r.B[n:]
	return true
}

// Uvarint reads a uvarint.
func (r *FieldReader) Uvarint() uint64 {
	v, n := binary.Uvarint(r.B)
	if !r.advance(n) {
		return 0
	}
	return v
}

// Varint reads a zigzag varint.
func (r *FieldReader) Varint() int64 {
	v, n := binary.Varint(r.B)
	if !r.advance(n) {
		return 0
	}
	return v
}

// Uint64 reads eight little-endian bytes.
func (r *FieldReader) Uint64() uint64 {
	if len(r.B) < 8 {
		r.fail()
		return 0
	}
	v := binary.LittleEndian.Uint64(r.B)
	r.B = r.B[8:]
	return v
}

// String reads what AppendString wrote.
func (r *FieldReader) String() string {
	n := r.Uvarint()
	if n > uint64(len(r.B)) {
		r.fail()
		return ""
	}
	s := string(r.B[:n])
	r.B = r.B[n:]
	return s
}

// Count reads a list's length, bounded by the bytes left (each element
// takes at least one): a corrupt count never allocates a huge slice.
func (r *FieldReader) Count() int {
	n := r.Uvarint()
	if n > uint64(len(r.B)) {
		r.fail()
		return 0
	}
	return int(n)
}

// Time reads what AppendTime wrote: in UTC when its offset is 0 (as JSON
// decodes "Z"), else in a fixed zone of that offset.
func (r *FieldReader) Time() time.Time {
	if len(r.B) > 0 && r.B[0] == 0xff {
		r.B = r.B[1:]
		return time.Time{}
	}
	sec, nsec, off := r.Varint(), r.Uvarint(), r.Varint()
	if r.Err != nil || nsec >= 1e9 || off < -18*3600 || off > 18*3600 {
		r.fail()
		return time.Time{}
	}
	t := time.Unix(sec, int64(nsec))
	if off == 0 {
		return t.UTC()
	}
	return t.In(time.FixedZone("", int(off)))
}
