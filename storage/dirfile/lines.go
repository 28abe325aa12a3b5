package dirfile

import (
	"fmt"
	"strings"
)

// lineIndex maps field paths of a TOML text to the lines they are on:
// "organization[3]" is the line of the fourth [[organization]] header,
// "organization[3].manager[0].email" the line of that key,
// "organization[3].aliases[2]" the line of the third alias. It is a small
// best-effort scanner, used only to point at problems; it never fails.
type lineIndex struct {
	spots []lineSpot            // in file order
	at    map[string]int        // path -> first line
	byKey map[string][]lineSpot // path without indexes -> spots, built on use
}

type lineSpot struct {
	path string
	line int
}

// find returns the line of path, or of its closest enclosing element, or 0.
func (l *lineIndex) find(path string) int {
	for path != "" {
		if n, ok := l.at[path]; ok {
			return n
		}
		cut := strings.LastIndexAny(path, ".[")
		if cut < 0 {
			break
		}
		path = path[:cut]
	}
	return 0
}

// occurrences returns every spot whose path, without its [n] indexes, is
// the dotted key.
func (l *lineIndex) occurrences(key string) []lineSpot {
	if l.byKey == nil {
		l.byKey = map[string][]lineSpot{}
		for _, s := range l.spots {
			k := stripIndexes(s.path)
			l.byKey[k] = append(l.byKey[k], s)
		}
	}
	return l.byKey[key]
}

func stripIndexes(p string) string {
	if !strings.Contains(p, "[") {
		return p
	}
	var b strings.Builder
	depth := 0
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '[':
			depth++
		case c == ']' && depth > 0:
			depth--
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func scanLines(text string) *lineIndex {
	sc := &scanner{
		s:      strings.TrimPrefix(text, "\xef\xbb\xbf"),
		line:   1,
		out:    &lineIndex{at: map[string]int{}},
		counts: map[string]int{},
		cur:    map[string]string{},
	}
	sc.run()
	return sc.out
}

// scanner walks a TOML text, tracking table headers and keys.
type scanner struct {
	s      string
	i      int
	line   int
	out    *lineIndex
	counts map[string]int    // array-of-tables path -> elements seen
	cur    map[string]string // dotted table name -> path of its current element
}

const scanMaxDepth = 100

func (sc *scanner) record(path string, line int) {
	if path == "" {
		return
	}
	sc.out.spots = append(sc.out.spots, lineSpot{path, line})
	if _, ok := sc.out.at[path]; !ok {
		sc.out.at[path] = line
	}
}

func (sc *scanner) peek(off int) byte {
	if sc.i+off < len(sc.s) {
		return sc.s[sc.i+off]
	}
	return 0
}

func (sc *scanner) eof() bool { return sc.i >= len(sc.s) }

// next consumes one byte, counting lines.
func (sc *scanner) next() {
	if sc.i < len(sc.s) {
		if sc.s[sc.i] == '\n' {
			sc.line++
		}
		sc.i++
	}
}

func (sc *scanner) skipBlanks() {
	for c := sc.peek(0); !sc.eof() && (c == ' ' || c == '\t'); c = sc.peek(0) {
		sc.next()
	}
}

// skipLine consumes up to (not including) the end of the line.
func (sc *scanner) skipLine() {
	for !sc.eof() && sc.peek(0) != '\n' {
		sc.next()
	}
}

// skipSpace consumes blanks, newlines and comments.
func (sc *scanner) skipSpace() {
	for !sc.eof() {
		switch sc.peek(0) {
		case ' ', '\t', '\r', '\n':
			sc.next()
		case '#':
			sc.skipLine()
		default:
			return
		}
	}
}

func (sc *scanner) run() {
	table := ""
	for !sc.eof() {
		sc.skipSpace()
		if sc.eof() {
			return
		}
		start := sc.i
		if sc.peek(0) == '[' {
			table = sc.header()
		} else {
			sc.keyValue(table)
		}
		sc.skipLine()
		if sc.i == start {
			sc.next()
		}
	}
}

// key reads a possibly dotted, possibly quoted key.
func (sc *scanner) key() []string {
	var parts []string
	for {
		sc.skipBlanks()
		var b strings.Builder
		switch c := sc.peek(0); c {
		case '"', '\'':
			sc.next()
			for !sc.eof() && sc.peek(0) != c && sc.peek(0) != '\n' {
				if c == '"' && sc.peek(0) == '\\' {
					sc.next()
				}
				b.WriteByte(sc.peek(0))
				sc.next()
			}
			if sc.peek(0) == c {
				sc.next()
			}
		default:
			for c := sc.peek(0); c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'; c = sc.peek(0) {
				b.WriteByte(c)
				sc.next()
			}
		}
		if b.Len() == 0 {
			return parts
		}
		parts = append(parts, b.String())
		sc.skipBlanks()
		if sc.peek(0) != '.' {
			return parts
		}
		sc.next()
	}
}

// header reads [table] or [[array.of.tables]] and returns the path of the
// table it opens.
func (sc *scanner) header() string {
	line := sc.line
	array := sc.peek(1) == '['
	sc.next()
	if array {
		sc.next()
	}
	parts := sc.key()
	if len(parts) == 0 {
		return ""
	}
	parent := sc.resolve(parts[:len(parts)-1])
	base := parts[len(parts)-1]
	if parent != "" {
		base = parent + "." + base
	}
	self := base
	if array {
		n := sc.counts[base]
		sc.counts[base] = n + 1
		self = fmt.Sprintf("%s[%d]", base, n)
	}
	plain := strings.Join(parts, ".")
	for k := range sc.cur {
		if strings.HasPrefix(k, plain+".") {
			delete(sc.cur, k)
		}
	}
	sc.cur[plain] = self
	sc.record(self, line)
	return self
}

// resolve turns a dotted table name into the path of its current element.
func (sc *scanner) resolve(parts []string) string {
	path := ""
	for n := range parts {
		if p, ok := sc.cur[strings.Join(parts[:n+1], ".")]; ok {
			path = p
		} else if path == "" {
			path = parts[n]
		} else {
			path += "." + parts[n]
		}
	}
	return path
}

func (sc *scanner) keyValue(table string) {
	line := sc.line
	parts := sc.key()
	if len(parts) == 0 {
		return
	}
	path := strings.Join(parts, ".")
	if table != "" {
		path = table + "." + path
	}
	sc.record(path, line)
	sc.skipBlanks()
	if sc.peek(0) != '=' {
		return
	}
	sc.next()
	sc.skipBlanks()
	sc.value(path, 0)
}

// value reads one value; arrays and inline tables record their elements.
func (sc *scanner) value(path string, depth int) {
	switch c := sc.peek(0); {
	case c == '"' || c == '\'':
		sc.str(c)
	case (c == '[' || c == '{') && depth < scanMaxDepth:
		sc.next()
		n := 0
		for !sc.eof() {
			sc.skipSpace()
			start := sc.i
			switch d := sc.peek(0); {
			case d == ']' || d == '}':
				sc.next()
				return
			case d == ',':
				sc.next()
			case c == '[':
				elem := fmt.Sprintf("%s[%d]", path, n)
				n++
				sc.record(elem, sc.line)
				sc.value(elem, depth+1)
			default:
				line := sc.line
				parts := sc.key()
				if len(parts) > 0 {
					k := path + "." + strings.Join(parts, ".")
					sc.record(k, line)
					sc.skipBlanks()
					if sc.peek(0) == '=' {
						sc.next()
						sc.skipBlanks()
						sc.value(k, depth+1)
					}
				}
			}
			if sc.i == start {
				sc.next()
			}
		}
	default:
		for !sc.eof() {
			switch sc.peek(0) {
			case ',', ']', '}', '#', '\n':
				return
			}
			sc.next()
		}
	}
}

// str reads a basic or literal string, single- or multi-line.
func (sc *scanner) str(q byte) {
	multi := sc.peek(1) == q && sc.peek(2) == q
	if multi {
		sc.next()
		sc.next()
		sc.next()
		for !sc.eof() {
			if q == '"' && sc.peek(0) == '\\' {
				sc.next()
				sc.next()
				continue
			}
			if sc.peek(0) == q && sc.peek(1) == q && sc.peek(2) == q {
				sc.next()
				sc.next()
				sc.next()
				for sc.peek(0) == q { // up to two quotes may end the content
					sc.next()
				}
				return
			}
			sc.next()
		}
		return
	}
	sc.next()
	for !sc.eof() && sc.peek(0) != '\n' {
		c := sc.peek(0)
		if q == '"' && c == '\\' {
			sc.next()
			if sc.peek(0) != '\n' {
				sc.next()
			}
			continue
		}
		sc.next()
		if c == q {
			return
		}
	}
}
