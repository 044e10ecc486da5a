package localfile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, n int) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(strings.Repeat("a", n)), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fifo := filepath.Join(dir, "fifo.md")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	zero := filepath.Join(dir, "zero.md")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		want       error
	}{
		{"regular", write("ok.md", 100), nil},
		{"at the cap", write("cap.md", 1000), nil},
		{"over the cap", write("big.md", 1001), ErrTooLarge},
		{"fifo", fifo, ErrNotRegular},
		{"symlink to /dev/zero", zero, ErrNotRegular},
		{"folder", dir, ErrNotRegular},
		{"missing", filepath.Join(dir, "nope.md"), os.ErrNotExist},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := Read(context.Background(), tc.path, 1000)
			if !errors.Is(err, tc.want) || tc.want == nil && err != nil {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if err != nil && !strings.Contains(err.Error(), tc.path) {
				t.Errorf("error does not name the file: %v", err)
			}
			if err == nil && len(data) == 0 {
				t.Error("no data")
			}
		})
	}
}
