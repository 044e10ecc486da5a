package publish

import "path"

// Unit is one thing a cycle renders into the output folder (a feed in
// every format, the index page, the OPML list). Its Hash covers exactly
// what its files are rendered from.
type Unit struct {
	Name  string
	Hash  string
	Paths []string // slash-separated, under the root
}

// Record is one file a cycle wrote, as the state remembers it.
type Record struct {
	Path, Unit, Hash string
}

// Plan is what a cycle must do to the output folder: the units to render
// and write (indexes into the units planned), how many files stay as they
// are, and the files written before that no unit has any more.
type Plan struct {
	Dirty []int
	Clean int
	Stale []string
}

// Plan compares this cycle's units with the files the last cycles wrote.
// A unit is dirty when its hash changed, when it is new, or when one of
// its files is missing or not a regular file (deleted by hand, or never
// written because a cycle was interrupted). Stale files are only ever
// ones a record says braid wrote: anything else in the folder is someone
// else's.
func (d *Dir) Plan(units []Unit, prev []Record) Plan {
	rec := make(map[string]Record, len(prev))
	for _, r := range prev {
		rec[r.Path] = r
	}
	var p Plan
	want := map[string]bool{}
	for i, u := range units {
		dirty := false
		for _, rel := range u.Paths {
			want[rel] = true
			r, ok := rec[rel]
			if !ok || r.Hash != u.Hash || r.Unit != u.Name || !d.regular(rel) {
				dirty = true
			}
		}
		if dirty {
			p.Dirty = append(p.Dirty, i)
		} else {
			p.Clean += len(u.Paths)
		}
	}
	for _, r := range prev {
		if !want[r.Path] {
			p.Stale = append(p.Stale, r.Path)
		}
	}
	return p
}

func (d *Dir) regular(rel string) bool {
	info, err := d.root.Lstat(path.Clean(rel))
	return err == nil && info.Mode().IsRegular()
}
