package publish

import "golang.org/x/sys/unix"

// sync flushes the whole filesystem out/ is on with one syncfs(2): one
// call however many files the cycle wrote, and it covers the renames and
// removals (directory entries) as well as the files' data.
func (d *Dir) sync() error {
	f, err := d.root.Open(".")
	if err != nil {
		return err
	}
	defer f.Close()
	return unix.Syncfs(int(f.Fd()))
}
