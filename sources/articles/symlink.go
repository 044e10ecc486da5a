package articles

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// symlinkProblem applies braid's one rule for symlinks in the content
// folder: a symlink to a file inside the folder is read like the file; a
// symlink that leads outside the folder, or to a folder, is not
// followed. Outside files are not the site's to publish (a stray link to
// /etc or to another site's drafts would go out in every feed), and a
// folder link inside would list its articles twice, one outside could
// loop or pull in a tree nobody reviewed. It reports whether to skip
// path, and the note to show for it (nil: skip silently, or read it).
func symlinkProblem(root, path string) (*Problem, bool) {
	target, err := filepath.EvalSymlinks(path)
	var fi os.FileInfo
	if err == nil {
		fi, err = os.Stat(target)
	}
	if err != nil {
		if parserFor(path) == nil {
			return nil, true
		}
		return symlinkNote(path, fmt.Sprintf("symlink cannot be followed (%v); not read", unwrapPath(err))), true
	}
	inside := within(root, target)
	switch {
	case fi.IsDir() && inside:
		// Its articles are read where they really are.
		return nil, true
	case fi.IsDir():
		return symlinkNote(path, fmt.Sprintf("symlink to folder %s outside the content folder is not followed; move or copy its articles into the content folder", target)), true
	case !inside:
		if parserFor(path) == nil {
			return nil, true
		}
		return symlinkNote(path, fmt.Sprintf("symlink to file %s outside the content folder is not followed; copy the file into the content folder", target)), true
	}
	return nil, false
}

// KeySymlink is the Key of the notes about symlinks LoadAll did not
// follow, so braid check can show them (a file left out of the site must
// never be left out silently).
const KeySymlink = "symlink"

func symlinkNote(path, msg string) *Problem {
	return &Problem{Severity: SeverityNote, Path: path, Key: KeySymlink, Msg: msg}
}

// within reports whether path is root or below it; both are resolved.
func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
