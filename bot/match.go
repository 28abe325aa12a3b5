package bot

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Matcher finds organizations by what people type: acronyms, full names and
// aliases, in any case, with any punctuation or spacing ("ITU T", "itu-t",
// "IEEE802.1"), and with small typos ("3gp", "cablelab"). It is built once
// per directory snapshot and is safe for concurrent use.
type Matcher struct {
	exact map[string][]*Organization // normalised key -> organizations
	keys  []matchKey                 // every key, for the slower passes
}

type matchKey struct {
	key string
	bag bag
	org *Organization
}

// bag counts a key's characters: the bag distance between two keys is a
// cheap lower bound of their edit distance, so most keys are ruled out of
// the typo pass without computing it.
type bag [37]uint8

func bagOf(s string) bag {
	var b bag
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			b[c-'a']++
		case c >= '0' && c <= '9':
			b[26+c-'0']++
		default:
			b[36]++
		}
	}
	return b
}

// distance is the bag distance: max(characters only in a, only in b).
func (a *bag) distance(b *bag) int {
	var plus, minus int
	for i := range a {
		d := int(a[i]) - int(b[i])
		if d > 0 {
			plus += d
		} else {
			minus -= d
		}
	}
	return max(plus, minus)
}

// MaxQueryLength bounds what the matcher looks at; longer queries are cut.
const MaxQueryLength = 200

// NewMatcher indexes the organizations.
func NewMatcher(orgs []*Organization) *Matcher {
	m := &Matcher{exact: make(map[string][]*Organization, len(orgs)*3)}
	for _, o := range orgs {
		seen := map[string]bool{}
		add := func(s string) {
			k := NormalizeKey(s)
			if k == "" || seen[k] {
				return
			}
			seen[k] = true
			m.exact[k] = append(m.exact[k], o)
			m.keys = append(m.keys, matchKey{key: k, bag: bagOf(k), org: o})
		}
		add(o.Acronym)
		add(o.Name)
		for _, a := range o.Aliases {
			add(a)
		}
	}
	return m
}

// NormalizeKey folds s for matching: lower case, letters and digits only.
func NormalizeKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
		case r < utf8.RuneSelf:
			// punctuation, spaces and control characters vanish
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// Candidate is an organization that matches a query, with how well.
type Candidate struct {
	Org *Organization
	// Score: 0 is an exact match; larger is worse.
	Score float64
}

// MatchResult is what a query found.
type MatchResult struct {
	Query string // the normalised query
	// Org is set when one organization is clearly meant.
	Org *Organization
	// Exact is true when Org matched an acronym, name or alias exactly.
	Exact bool
	// Candidates holds the best matches, best first, when none is clearly
	// meant (a "did you mean" list); empty when nothing matched.
	Candidates []Candidate
}

// Scores of the passes; lower is better.
const (
	scorePrefix    = 0.5 // the query is the start of a key; +0.1 per missing character
	scoreSubstring = 2.0 // the query is inside a key
	maxCandidates  = 5
)

// Match finds the organization meant by query.
func (m *Matcher) Match(query string) MatchResult {
	if len(query) > MaxQueryLength {
		query = query[:MaxQueryLength]
	}
	q := NormalizeKey(query)
	res := MatchResult{Query: q}
	if q == "" {
		return res
	}
	// The bot's own way of naming an organization, "Name (ACRONYM)", is
	// that organization.
	if name, acr, ok := labelParts(query); ok {
		if orgs := m.exact[NormalizeKey(acr)]; len(orgs) == 1 && NormalizeKey(orgs[0].Name) == NormalizeKey(name) {
			res.Org, res.Exact = orgs[0], true
			return res
		}
	}
	if orgs := m.exact[q]; len(orgs) > 0 {
		if len(orgs) == 1 {
			res.Org, res.Exact = orgs[0], true
			return res
		}
		for _, o := range orgs {
			res.Candidates = append(res.Candidates, Candidate{Org: o})
		}
		sortCandidates(res.Candidates)
		return res
	}

	best := map[*Organization]float64{}
	note := func(o *Organization, s float64) {
		if old, ok := best[o]; !ok || s < old {
			best[o] = s
		}
	}
	maxDist := 1
	switch n := len(q); {
	case n >= 9:
		maxDist = 3
	case n >= 5:
		maxDist = 2
	case n <= 2:
		maxDist = 0
	}
	qbag := bagOf(q)
	for i := range m.keys {
		k := &m.keys[i]
		switch {
		case len(q) >= 2 && strings.HasPrefix(k.key, q):
			extra := float64(len(k.key)-len(q)) * 0.1
			if extra > 1 {
				extra = 1
			}
			note(k.org, scorePrefix+extra)
		case len(q) >= 3 && strings.Contains(k.key, q):
			note(k.org, scoreSubstring)
		}
		if maxDist > 0 && qbag.distance(&k.bag) <= maxDist {
			if d := boundedDistance(q, k.key, maxDist); d <= maxDist {
				note(k.org, float64(d))
			}
		}
	}
	if len(best) == 0 {
		return res
	}
	for o, s := range best {
		res.Candidates = append(res.Candidates, Candidate{Org: o, Score: s})
	}
	sortCandidates(res.Candidates)
	if len(res.Candidates) == 1 || res.Candidates[0].Score < res.Candidates[1].Score-0.05 {
		res.Org = res.Candidates[0].Org
		res.Candidates = nil
		return res
	}
	if len(res.Candidates) > maxCandidates {
		res.Candidates = res.Candidates[:maxCandidates]
	}
	return res
}

func sortCandidates(c []Candidate) {
	sort.Slice(c, func(i, j int) bool {
		if c[i].Score != c[j].Score {
			return c[i].Score < c[j].Score
		}
		return strings.ToLower(c[i].Org.Acronym) < strings.ToLower(c[j].Org.Acronym)
	})
}

// boundedDistance is the optimal-string-alignment distance (Levenshtein plus
// adjacent transpositions) between a and b, or max+1 as soon as it is known
// to exceed max. a and b are normalised keys (ASCII in practice; other
// runes are compared byte by byte, which only makes them farther apart).
func boundedDistance(a, b string, max int) int {
	la, lb := len(a), len(b)
	if d := la - lb; d > max || -d > max {
		return max + 1
	}
	if la == 0 || lb == 0 {
		return la + lb
	}
	var buf [3][64]int
	var prev2, prev, cur []int
	if lb+1 <= 64 {
		prev2, prev, cur = buf[0][:lb+1], buf[1][:lb+1], buf[2][:lb+1]
	} else {
		prev2, prev, cur = make([]int, lb+1), make([]int, lb+1), make([]int, lb+1)
	}
	for j := 0; j <= lb; j++ {
		prev[j] = j
	}
	for i := 1; i <= la; i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= lb; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := prev[j] + 1
			if x := cur[j-1] + 1; x < v {
				v = x
			}
			if x := prev[j-1] + cost; x < v {
				v = x
			}
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				if x := prev2[j-2] + 1; x < v {
					v = x
				}
			}
			cur[j] = v
			if v < rowMin {
				rowMin = v
			}
		}
		if rowMin > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[lb]
}

// labelParts splits "Name (ACRONYM)", as Organization.Label writes it.
func labelParts(s string) (name, acronym string, ok bool) {
	s = strings.TrimSpace(s)
	if !strings.HasSuffix(s, ")") {
		return "", "", false
	}
	i := strings.LastIndex(s, " (")
	if i <= 0 {
		return "", "", false
	}
	return s[:i], s[i+2 : len(s)-1], true
}
