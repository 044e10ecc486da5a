package feed

// credited returns a related item that names an author: its own, else the
// source it came from. Readers fill a missing item author with the
// channel's (RSS managingEditor, Atom feed author), which would credit
// another outlet's story to the site that republishes it.
func credited(it Item) Item {
	if len(it.Authors) > 0 || it.Origin == nil {
		return it
	}
	if name := firstNonBlank(it.Origin.Name, it.Origin.Title); name != "" {
		it.Authors = []Person{{Name: name}}
	}
	return it
}

func firstNonBlank(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
