package articles

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/braid-feeds/braid/feed"
)

// Neighbour is the previous or next article of an article.
type Neighbour struct {
	Slug    string
	Title   string
	Article *Article // nil when no local file has that slug or title
}

// Sequence is the one order of a site's articles: every article's previous
// and next neighbour. It is consistent: for local articles A and B,
// Next[A] is B exactly when Prev[B] is A; no article is its own neighbour
// or both the previous and the next of another; a neighbour known only by
// its title (Article nil) is an end of the chain.
type Sequence struct {
	// Prev and Next are indexed like the articles given to Chain; nil
	// means none. Article pointers point into that slice.
	Prev, Next []*Neighbour
	// Order lists article indexes in sequence order: each chain of linked
	// articles from first to last, chains in date order.
	Order []int
}

// Chain links the site's articles into one Sequence. firstSeen (by slug;
// may be nil) is when braid first saw each article, from the state.
//
// The rules, in order:
//  1. Links the files give (previous/next: a slug or a title, compared
//     loosely) come first, and are reciprocal: "A's next is B" also makes
//     A the previous of B.
//  2. When links contradict, an article's own link beats what another
//     article's link implies about it ("A: next B" loses to "B: previous
//     C"); of two articles claiming the same neighbour, the one nearer to
//     it in date order wins (the later for a shared next, the earlier for
//     a shared previous); a link that would close a cycle is dropped, the
//     links agreed on by both ends being kept first; a self link or a
//     title matching several articles is ignored.
//  3. Linked articles form chains; an undated article sits where its
//     links put it. Chains are ordered by their earliest time (an
//     article's date, else its first-seen time), then title and slug, and
//     the end of one chain is joined to the start of the next unless
//     either side already names a neighbour with no local file.
//
// Every overruled or ignored link is a Problem of SeverityWarning naming
// both files and lines and the rule that decided; a neighbour title close
// to a local article's gets a "did you mean" note. The result depends on
// the articles, not their order in arts.
func Chain(arts []Article, firstSeen map[string]time.Time) (Sequence, []Problem) {
	c := newChainer(arts, firstSeen)
	c.resolveAll()
	c.placeLinks()
	c.fill()
	return c.seq, c.problems
}

// claim is one link a file gives: arts[from]'s side names ref, found as
// arts[to] (-1: not a local article).
type claim struct {
	from, to int
	side     string // "previous" or "next"
	ref      string
	line     int
	ext      *Neighbour // the neighbour when to is -1
}

// edge is a link between local articles: arts[a] comes right before
// arts[b]. byA/byB are the claims of a ("next b") and b ("previous a").
type edge struct {
	a, b     int
	byA, byB *claim
}

type chainer struct {
	arts      []Article
	firstSeen map[string]time.Time
	rank      []int // position in fallback order (time, title, slug, path)
	pos       map[*Article]int
	claims    [2][]*claim
	seq       Sequence
	problems  []Problem
}

const (
	sidePrev = 0
	sideNext = 1
)

var sideNames = [2]string{"previous", "next"}

func newChainer(arts []Article, firstSeen map[string]time.Time) *chainer {
	c := &chainer{arts: arts, firstSeen: firstSeen}
	c.seq.Prev = make([]*Neighbour, len(arts))
	c.seq.Next = make([]*Neighbour, len(arts))
	c.claims[sidePrev] = make([]*claim, len(arts))
	c.claims[sideNext] = make([]*claim, len(arts))
	order := make([]int, len(arts))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(x, y int) bool { return c.before(order[x], order[y]) })
	c.pos = make(map[*Article]int, len(arts))
	for i := range arts {
		c.pos[&arts[i]] = i
	}
	c.rank = make([]int, len(arts))
	for r, i := range order {
		c.rank[i] = r
	}
	return c
}

// when is the time an article is ordered by: its date, else when it was
// first seen; zero (oldest) when neither is known.
func (c *chainer) when(i int) time.Time {
	if d := c.arts[i].Date; !d.IsZero() {
		return d
	}
	return c.firstSeen[c.arts[i].Slug]
}

// before is the fallback order: time, then first-seen time, title, slug
// and path, so that no two articles tie.
func (c *chainer) before(i, j int) bool {
	a, b := &c.arts[i], &c.arts[j]
	if ti, tj := c.when(i), c.when(j); !ti.Equal(tj) {
		return ti.Before(tj)
	}
	if fi, fj := c.firstSeen[a.Slug], c.firstSeen[b.Slug]; !fi.Equal(fj) {
		return fi.Before(fj)
	}
	if a.Title != b.Title {
		return a.Title < b.Title
	}
	if a.Slug != b.Slug {
		return a.Slug < b.Slug
	}
	return a.Path < b.Path
}

func (c *chainer) local(j int) *Neighbour {
	return &Neighbour{Slug: c.arts[j].Slug, Title: c.arts[j].Title, Article: &c.arts[j]}
}

// where is "path:line" of a claim, for messages.
func (c *chainer) where(cl *claim) string {
	p := c.arts[cl.from].Path
	if p == "" {
		p = c.arts[cl.from].Slug
	}
	if cl.line > 0 {
		return fmt.Sprintf("%s:%d", p, cl.line)
	}
	return p
}

func (c *chainer) warn(cl *claim, format string, args ...any) {
	a := &c.arts[cl.from]
	c.problems = append(c.problems, warning(a.Path, cl.line, cl.side,
		"%s %q ignored: %s", cl.side, cl.ref, fmt.Sprintf(format, args...)))
}

// placeLinks accepts the links between local articles, resolving
// contradictions by the rules of Chain, and sets the external neighbours.
func (c *chainer) placeLinks() {
	for side := range c.claims {
		for i, cl := range c.claims[side] {
			if cl != nil && cl.to < 0 {
				if side == sidePrev {
					c.seq.Prev[i] = cl.ext
				} else {
					c.seq.Next[i] = cl.ext
				}
			}
		}
	}
	mutual, oneSided := c.edges()
	for _, e := range mutual {
		c.accept(e)
	}
	for _, e := range c.contest(oneSided) {
		c.accept(e)
	}
}

// edges pairs the local claims into edges, sorted by position of their
// ends so that acceptance order is deterministic: links both ends agree
// on, then one-sided ones.
func (c *chainer) edges() (mutual, oneSided []*edge) {
	byPair := map[[2]int]*edge{}
	for i := range c.arts {
		for side := range c.claims {
			cl := c.claims[side][i]
			if cl == nil || cl.to < 0 {
				continue
			}
			key := [2]int{cl.to, i}
			if side == sideNext {
				key = [2]int{i, cl.to}
			}
			e := byPair[key]
			if e == nil {
				e = &edge{a: key[0], b: key[1]}
				byPair[key] = e
			}
			if side == sideNext {
				e.byA = cl
			} else {
				e.byB = cl
			}
		}
	}
	for _, e := range byPair {
		if e.byA != nil && e.byB != nil {
			mutual = append(mutual, e)
		} else {
			oneSided = append(oneSided, e)
		}
	}
	c.sortEdges(mutual)
	c.sortEdges(oneSided)
	return mutual, oneSided
}

func (c *chainer) sortEdges(es []*edge) {
	sort.Slice(es, func(x, y int) bool {
		if es[x].a != es[y].a {
			return c.rank[es[x].a] < c.rank[es[y].a]
		}
		return c.rank[es[x].b] < c.rank[es[y].b]
	})
}

// contest drops one-sided links that another link overrules: the
// article's own word first, then nearness among rival claimants.
func (c *chainer) contest(es []*edge) []*edge {
	var kept []*edge
	for _, e := range es {
		if e.byA != nil {
			if own := c.claims[sidePrev][e.b]; own != nil {
				c.warn(e.byA, "%s says its previous is %q (%s); an article's own link wins over one implied by another",
					c.name(e.b), own.ref, c.where(own))
				continue
			}
		} else if own := c.claims[sideNext][e.a]; own != nil {
			c.warn(e.byB, "%s says its next is %q (%s); an article's own link wins over one implied by another",
				c.name(e.a), own.ref, c.where(own))
			continue
		}
		kept = append(kept, e)
	}
	// Rivals imply the same slot: several "next X" (X's previous) or
	// several "previous P" (P's next). The nearest claimant wins.
	winner := map[[2]int]*edge{}
	for _, e := range kept {
		slot, claimant := [2]int{sidePrev, e.b}, e.a
		if e.byB != nil {
			slot, claimant = [2]int{sideNext, e.a}, e.b
		}
		w := winner[slot]
		if w == nil {
			winner[slot] = e
			continue
		}
		wc := w.a
		if slot[0] == sideNext {
			wc = w.b
		}
		// Nearest: latest claimant for a shared next, earliest for a shared previous.
		if (slot[0] == sidePrev) == (c.rank[claimant] > c.rank[wc]) {
			winner[slot] = e
		}
	}
	var out []*edge
	for _, e := range kept {
		slot, cl := [2]int{sidePrev, e.b}, e.byA
		if e.byB != nil {
			slot, cl = [2]int{sideNext, e.a}, e.byB
		}
		w := winner[slot]
		if w == e {
			out = append(out, e)
			continue
		}
		wcl := w.byA
		if wcl == nil {
			wcl = w.byB
		}
		c.warn(cl, "%s (%s) also says its %s is %q and is nearer to it in date order",
			c.name(wcl.from), c.where(wcl), wcl.side, wcl.ref)
	}
	return out
}

func (c *chainer) name(i int) string {
	if p := c.arts[i].Path; p != "" {
		return p
	}
	return c.arts[i].Slug
}

// accept links e.a -> e.b unless a slot is taken or it would close a
// cycle.
func (c *chainer) accept(e *edge) {
	cl := e.byA
	if cl == nil {
		cl = e.byB
	}
	if c.seq.Next[e.a] != nil || c.seq.Prev[e.b] != nil {
		c.warn(cl, "a link both articles agree on takes that place")
		return
	}
	for j := e.b; ; {
		n := c.seq.Next[j]
		if n == nil || n.Article == nil {
			break
		}
		j = c.index(n)
		if j == e.a {
			c.warn(cl, "it would close a cycle of links through %s", c.name(e.b))
			return
		}
	}
	c.seq.Next[e.a] = c.local(e.b)
	c.seq.Prev[e.b] = c.local(e.a)
}

// index is the position in arts of a local neighbour.
func (c *chainer) index(n *Neighbour) int { return c.pos[n.Article] }

// fill joins the chains in date order where links leave a gap.
func (c *chainer) fill() {
	var heads []int
	for i := range c.arts {
		if c.seq.Prev[i] == nil || c.seq.Prev[i].Article == nil {
			heads = append(heads, i)
		}
	}
	type chain struct {
		members []int
		first   time.Time
		minRank int
	}
	chains := make([]chain, 0, len(heads))
	for _, h := range heads {
		ch := chain{minRank: c.rank[h]}
		for j := h; j >= 0; {
			ch.members = append(ch.members, j)
			if t := c.when(j); !t.IsZero() && (ch.first.IsZero() || t.Before(ch.first)) {
				ch.first = t
			}
			ch.minRank = min(ch.minRank, c.rank[j])
			n := c.seq.Next[j]
			if n == nil || n.Article == nil {
				break
			}
			j = c.index(n)
		}
		chains = append(chains, ch)
	}
	sort.Slice(chains, func(x, y int) bool {
		if !chains[x].first.Equal(chains[y].first) {
			return chains[x].first.Before(chains[y].first)
		}
		return chains[x].minRank < chains[y].minRank
	})
	for k, ch := range chains {
		c.seq.Order = append(c.seq.Order, ch.members...)
		if k+1 == len(chains) {
			break
		}
		t, h := ch.members[len(ch.members)-1], chains[k+1].members[0]
		if c.seq.Next[t] == nil && c.seq.Prev[h] == nil {
			c.seq.Next[t] = c.local(h)
			c.seq.Prev[h] = c.local(t)
		}
	}
}

// resolveAll finds what every previous/next names.
func (c *chainer) resolveAll() {
	r := newResolver(c.arts)
	for i := range c.arts {
		a := &c.arts[i]
		for side, ref := range [2]string{a.Previous, a.Next} {
			ref = strings.TrimSpace(ref)
			if ref == "" {
				continue
			}
			line := a.PreviousLine
			if side == sideNext {
				line = a.NextLine
			}
			cl := &claim{from: i, to: -1, side: sideNames[side], ref: ref, line: line}
			matches := r.find(ref)
			switch {
			case len(matches) > 1:
				paths := make([]string, len(matches))
				for n, k := range matches {
					paths[n] = c.name(k)
				}
				sort.Strings(paths)
				c.warn(cl, "it matches several articles: %s", strings.Join(paths, ", "))
				continue
			case len(matches) == 1 && matches[0] == i:
				c.warn(cl, "it is the article itself")
				continue
			case len(matches) == 1:
				cl.to = matches[0]
			default:
				cl.ext = &Neighbour{Slug: feed.Slug(ref), Title: ref}
				if cl.ext.Slug == "" || cl.ext.Slug == a.Slug {
					c.warn(cl, "it names no article")
					continue
				}
				if other := c.claims[1-side][i]; other != nil && other.ext != nil && other.ext.Slug == cl.ext.Slug {
					c.warn(cl, "the %s is already %q; an article cannot have one neighbour on both sides", other.side, other.ref)
					continue
				}
				if k := r.near(ref, i); k >= 0 {
					c.problems = append(c.problems, note(a.Path, line, cl.side,
						"%s %q matches no article; did you mean %q (%s)?", cl.side, ref, c.arts[k].Title, c.name(k)))
				}
			}
			c.claims[side][i] = cl
		}
	}
}
