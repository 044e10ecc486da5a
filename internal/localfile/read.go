package localfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// Sentinel errors callers branch on.
var (
	// ErrNotRegular: a FIFO, a device (a symlink to /dev/zero), a socket
	// or a folder; reading one could block forever or never end.
	ErrNotRegular = errors.New("not a regular file")
	// ErrTooLarge: the file is over the cap.
	ErrTooLarge = errors.New("file too large")
)

// Read reads a whole regular file of at most max bytes. The file is
// checked before it is opened (opening a FIFO blocks until a writer
// comes) and again once open, without blocking, in case it was swapped
// in between; the read itself is capped too, for a file that grows.
func Read(ctx context.Context, path string, max int64) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := check(os.Stat(path)); err != nil {
		return nil, pathErr(path, err)
	}
	fh, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	info, err := fh.Stat()
	if err := check(info, err); err != nil {
		return nil, pathErr(path, err)
	}
	if info.Size() > max {
		return nil, pathErr(path, fmt.Errorf("%w: %d bytes, over the cap of %d", ErrTooLarge, info.Size(), max))
	}
	// Sized from the stat, so a read allocates once instead of doubling
	// from 512 bytes; the file may still grow, and the limit still holds.
	buf := bytes.NewBuffer(make([]byte, 0, info.Size()+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(fh, max+1)); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	if int64(len(data)) > max {
		return nil, pathErr(path, fmt.Errorf("%w: over the cap of %d bytes", ErrTooLarge, max))
	}
	return data, nil
}

func check(info os.FileInfo, err error) error {
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%w (%s)", ErrNotRegular, info.Mode().Type())
	}
	return nil
}

// pathErr is an *fs.PathError, the shape callers already strip the path
// from when they name the file themselves.
func pathErr(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return err
	}
	return &fs.PathError{Op: "read", Path: path, Err: err}
}
