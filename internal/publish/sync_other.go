//go:build !linux

package publish

import "sort"

// sync fsyncs each file written and each folder written or removed in:
// without syncfs(2) this is the portable way to make renames durable.
func (d *Dir) sync() error {
	names := append([]string(nil), d.Changed...)
	for dir := range d.dirs {
		names = append(names, dir)
	}
	sort.Strings(names)
	for _, n := range names {
		f, err := d.root.Open(n)
		if err != nil {
			return err
		}
		err = f.Sync()
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
