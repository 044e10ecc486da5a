package sources

import (
	"errors"
	"io/fs"

	"github.com/braid-feeds/braid/internal/localfile"
	"github.com/braid-feeds/braid/sources/fetcher"
	"github.com/braid-feeds/braid/sources/parser"
)

// classify names the kind of failure, whichever step it came from: the
// parser's sentinels, a local file that could not be read, or whatever
// the fetcher makes of a transport error.
func classify(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, parser.ErrNotAFeed):
		return ClassNotAFeed
	case errors.Is(err, parser.ErrParse):
		return ClassParse
	case errors.Is(err, localfile.ErrTooLarge):
		return ClassTooLarge
	case errors.Is(err, localfile.ErrNotRegular):
		return ClassFile
	}
	c := fetcher.Classify(err)
	if c == ClassConnect && isFileError(err) {
		return ClassFile
	}
	return c
}

func isFileError(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) || errors.As(err, new(*fs.PathError))
}
