package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/google/renameio/v2"
	"gopkg.in/yaml.v3"

	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/internal/urls"
)

// AddSources appends sources to the `sources:` list of the config file at
// path and returns the ones added (with the names they were given) and
// the ones skipped.
//
// A source is skipped when its URL, normalized with feed.NormalizeLink
// (local paths: made absolute against the config's folder), is already
// configured or was added earlier in the same call. A source whose name
// is taken by one with another URL is added as "Name (2)", "Name (3)"…,
// because names must be unique but two feeds may well share a title.
// Weight 0, Every 0 and empty Include/Exclude mean "unset" and are not
// written, so the config's defaults apply.
//
// The file is a person's: its comments, blank lines, key order and
// alignment are kept byte for byte outside the lines added. The edit is
// made on the yaml.v3 node tree, but only the new entries are rendered by
// the encoder and spliced into the original text, because re-encoding
// the whole tree drops blank lines and the alignment of end-of-line
// comments. The spliced text is decoded again and must equal the edited
// tree; if it does not (a layout the splice does not understand), the
// whole tree is encoded instead, which is correct but less faithful. The
// result must pass Parse before it is written, atomically, over the old
// file. Nothing is written when nothing is added.
func AddSources(path string, add []Source) (added, skipped []Source, err error) {
	// Write through a symlink to its target, so a linked config stays
	// linked rather than being replaced by a regular file.
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, nil, fmt.Errorf("config: %w", err)
	}
	info, err := os.Stat(target)
	if err != nil {
		return nil, nil, fmt.Errorf("config: %w", err)
	}
	data, err := os.ReadFile(target)
	if err != nil {
		return nil, nil, fmt.Errorf("config: %w", err)
	}
	// Refuse a config that is already broken: appending to it could not
	// make it loadable, and the caller should see the real problem.
	if _, err := Parse(path, data); err != nil {
		return nil, nil, err
	}

	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, nil, yamlErr(path, err, nil)
	}
	root := docRoot(&doc)
	if root == nil || root.Kind != yaml.MappingNode {
		return nil, nil, fmt.Errorf("config: %s: %w: the top level is not a mapping of keys", path, ErrInvalid)
	}
	keyIdx := -1
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "sources" {
			keyIdx = i
		}
	}
	var before []*yaml.Node // the sources node's items before the edit
	if keyIdx >= 0 {
		v := root.Content[keyIdx+1]
		switch {
		case v.Kind == yaml.SequenceNode:
			before = append(before, v.Content...)
		case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
		default:
			return nil, nil, fmt.Errorf("config: %s:%d: %w: sources: must be a list to add to", path, v.Line, ErrInvalid)
		}
	}

	dir := filepath.Dir(path)
	seen := map[string]bool{}
	names := map[string]bool{}
	for _, n := range before {
		var s struct{ Name, URL string }
		if err := n.Decode(&s); err != nil {
			return nil, nil, fmt.Errorf("config: %s:%d: %w: sources: %s", path, n.Line, ErrInvalid, yamlMsg(err))
		}
		seen[sourceKey(dir, s.URL)] = true
		names[s.Name] = true
	}
	var newNodes []*yaml.Node
	for _, s := range add {
		s.Name = strings.Join(strings.Fields(s.Name), " ")
		s.URL = strings.TrimSpace(s.URL)
		key := sourceKey(dir, s.URL)
		if seen[key] {
			skipped = append(skipped, s)
			continue
		}
		if s.Name == "" {
			s.Name = s.URL
		}
		if names[s.Name] {
			base := s.Name
			for n := 2; names[s.Name]; n++ {
				s.Name = fmt.Sprintf("%s (%d)", base, n)
			}
		}
		seen[key], names[s.Name] = true, true
		n, err := sourceNode(s)
		if err != nil {
			return nil, nil, fmt.Errorf("config: %s: %w", path, err)
		}
		newNodes = append(newNodes, n)
		added = append(added, s)
	}
	if len(added) == 0 {
		return nil, skipped, nil
	}

	// Edit the tree: this is the truth the text must match.
	orig := cloneTree(&doc)
	appendSources(root, keyIdx, newNodes)

	out, err := splice(data, orig, root, keyIdx, newNodes)
	if err != nil || !sameDocument(out, &doc) {
		if out, err = encodeNode(&doc); err != nil {
			return nil, nil, fmt.Errorf("config: %s: %w", path, err)
		}
	}
	if _, err := Parse(path, out); err != nil {
		return nil, nil, fmt.Errorf("config: %s: the edited config would not load, so it was not written: %w", path, err)
	}
	// The temporary file goes beside the config, not in $TMPDIR, so the
	// rename cannot cross file systems.
	if err := renameio.WriteFile(target, out, info.Mode().Perm(), renameio.WithTempDir(filepath.Dir(target))); err != nil {
		return nil, nil, fmt.Errorf("config: %w", err)
	}
	return added, skipped, nil
}

// appendSources adds newNodes to the sources list of the top mapping
// root, creating the key (keyIdx < 0) or turning a null value into a
// list. A value that becomes a block list cannot keep an end-of-line
// comment (`sources: []  # note`): the encoder would print it after the
// last entry, on the next key's line. So it moves to the key.
func appendSources(root *yaml.Node, keyIdx int, newNodes []*yaml.Node) {
	var key, seq *yaml.Node
	if keyIdx < 0 {
		key = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "sources"}
		seq = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		root.Content = append(root.Content, key, seq)
	} else {
		key, seq = root.Content[keyIdx], root.Content[keyIdx+1]
		if seq.Kind != yaml.SequenceNode { // null: `sources:` with no value
			*seq = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: seq.Line, Column: seq.Column, LineComment: seq.LineComment}
		}
	}
	if seq.Style&yaml.FlowStyle == 0 && root.Style&yaml.FlowStyle == 0 && seq.LineComment != "" {
		key.LineComment = strings.TrimSpace(key.LineComment + " " + seq.LineComment)
		seq.LineComment = ""
	}
	seq.Content = append(seq.Content, newNodes...)
}

// docRoot returns the top node of a document, or nil for an empty one.
func docRoot(doc *yaml.Node) *yaml.Node {
	if doc.Kind == 0 {
		// An empty file: start a mapping for the new key.
		*doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil
	}
	return doc.Content[0]
}

// sourceKey is what makes two sources the same feed: the normalized link,
// or for a local file its absolute, cleaned path.
func sourceKey(dir, u string) string {
	u = strings.TrimSpace(u)
	if urls.IsHTTP(u) {
		return feed.NormalizeLink(u)
	}
	p := strings.TrimPrefix(u, "file://")
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	return "file:" + filepath.Clean(p)
}

// sourceNode renders one source as a mapping node, leaving out unset keys
// so defaults keep applying.
func sourceNode(s Source) (*yaml.Node, error) {
	entry := struct {
		Name    string   `yaml:"name"`
		URL     string   `yaml:"url"`
		Every   string   `yaml:"every,omitempty"`
		Weight  float64  `yaml:"weight,omitempty"`
		Include []string `yaml:"include,omitempty"`
		Exclude []string `yaml:"exclude,omitempty"`
	}{Name: s.Name, URL: s.URL, Weight: s.Weight, Include: s.Include, Exclude: s.Exclude}
	if s.Every != 0 {
		entry.Every = shortDuration(time.Duration(s.Every))
	}
	var n yaml.Node
	if err := n.Encode(entry); err != nil {
		return nil, err
	}
	return &n, nil
}

// shortDuration writes 1h rather than time.Duration's 1h0m0s, as a
// person would in the config.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// splice renders the edit into the original text: the new entries are
// inserted after the last line of a block `sources:` list, or, when the
// list is missing, empty or written in flow style, the `sources:` key and
// its value are replaced by a block list. Every other byte is kept.
// orig is the tree before the edit; root is the edited top mapping.
func splice(data []byte, orig *yaml.Node, root *yaml.Node, keyIdx int, newNodes []*yaml.Node) ([]byte, error) {
	origRoot := orig.Content[0]
	if root.Style&yaml.FlowStyle != 0 {
		return nil, errors.New("the top level is in flow style")
	}
	nl := "\n"
	if bytes.Contains(data, []byte("\r\n")) {
		nl = "\r\n"
	}
	lines := strings.SplitAfter(string(data), "\n")
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1]
	}
	if n := len(lines); n > 0 && !strings.HasSuffix(lines[n-1], "\n") {
		lines[n-1] += nl
	}
	// end is the last line (1-based) of the value of the key at index i
	// of the original root: the line before the next key, less trailing
	// blank and comment lines, which belong to what follows.
	end := func(i int) int {
		limit := len(lines)
		if i+2 < len(origRoot.Content) {
			next := origRoot.Content[i+2]
			limit = next.Line - 1
		}
		floor := maxLine(origRoot.Content[i+1])
		for limit > floor {
			t := strings.TrimSpace(lines[limit-1])
			if t != "" && !strings.HasPrefix(t, "#") && t != "---" && t != "..." {
				break
			}
			limit--
		}
		return limit
	}
	render := func(n *yaml.Node, prefix string) (string, error) {
		b, err := encodeNode(n)
		if err != nil {
			return "", err
		}
		var sb strings.Builder
		pad := strings.Repeat(" ", len(prefix))
		for j, l := range strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n") {
			if j == 0 {
				sb.WriteString(prefix)
			} else if strings.TrimSpace(l) != "" {
				sb.WriteString(pad)
			}
			sb.WriteString(strings.TrimSuffix(l, "\n") + nl)
		}
		return sb.String(), nil
	}

	if keyIdx >= 0 {
		ov := origRoot.Content[keyIdx+1]
		if ov.Kind == yaml.SequenceNode && ov.Style&yaml.FlowStyle == 0 && len(ov.Content) > 0 {
			// A block list: insert the new entries after its last line,
			// indented like its first entry.
			first := ov.Content[0]
			if first.Line < 1 || first.Line > len(lines) {
				return nil, errors.New("source entry out of range")
			}
			ln := lines[first.Line-1]
			if first.Column-1 > len(ln) {
				return nil, errors.New("source entry out of range")
			}
			prefix := ln[:first.Column-1]
			if strings.TrimSpace(prefix) != "-" {
				return nil, fmt.Errorf("unexpected list layout %q", prefix)
			}
			prefix = strings.ReplaceAll(prefix, "\t", " ")
			var ins strings.Builder
			for _, n := range newNodes {
				s, err := render(n, prefix)
				if err != nil {
					return nil, err
				}
				ins.WriteString(s)
			}
			at := end(keyIdx)
			out := strings.Join(lines[:at], "") + ins.String() + strings.Join(lines[at:], "")
			return []byte(out), nil
		}
	}

	// Missing, null, empty or flow-style: write the whole key as a block
	// list. Comments above the key are outside the replaced lines.
	ek := root.Content[len(root.Content)-2]
	ev := root.Content[len(root.Content)-1]
	if keyIdx >= 0 {
		ek, ev = root.Content[keyIdx], root.Content[keyIdx+1]
	}
	// yaml.v3 puts `sources: []  # note` on the value, which a block list
	// cannot carry on its first line: move it to the key.
	k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "sources",
		LineComment: strings.TrimSpace(ek.LineComment + " " + ev.LineComment)}
	v := *ev
	v.Style, v.HeadComment, v.LineComment, v.FootComment = 0, "", "", ""
	block, err := encodeNode(&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{k, &v}})
	if err != nil {
		return nil, err
	}
	indent := ""
	if keyIdx >= 0 {
		indent = strings.Repeat(" ", ek.Column-1)
	} else if len(origRoot.Content) > 0 {
		indent = strings.Repeat(" ", origRoot.Content[0].Column-1)
	}
	var rep strings.Builder
	for _, l := range strings.SplitAfter(strings.TrimSuffix(string(block), "\n"), "\n") {
		rep.WriteString(indent + strings.TrimSuffix(l, "\n") + nl)
	}
	if keyIdx < 0 {
		return []byte(strings.Join(lines, "") + rep.String()), nil
	}
	from, to := ek.Line, end(keyIdx)
	if from < 1 || to < from || to > len(lines) {
		return nil, errors.New("sources key out of range")
	}
	out := strings.Join(lines[:from-1], "") + rep.String() + strings.Join(lines[to:], "")
	return []byte(out), nil
}

// maxLine is the last line any node under n starts on.
func maxLine(n *yaml.Node) int {
	m := n.Line
	for _, c := range n.Content {
		m = max(m, maxLine(c))
	}
	return m
}

// cloneTree copies a node tree, so the original positions survive the
// edit.
func cloneTree(n *yaml.Node) *yaml.Node {
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, k := range n.Content {
		c.Content[i] = cloneTree(k)
	}
	return &c
}

// sameDocument reports whether text decodes to the same values as tree.
func sameDocument(text []byte, tree *yaml.Node) bool {
	var got, want any
	if err := yaml.Unmarshal(text, &got); err != nil {
		return false
	}
	if err := tree.Decode(&want); err != nil {
		return false
	}
	return reflect.DeepEqual(got, want)
}

func encodeNode(n *yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
