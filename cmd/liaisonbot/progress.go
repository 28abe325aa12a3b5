package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// progress shows a sync's progress on one line of a terminal, rewritten
// as it goes ("group/group: page 3, 250 of 1040"), and clears it at the
// end. Without a terminal it shows nothing.
type progress struct {
	mu   sync.Mutex
	w    io.Writer
	last string
}

// newProgress returns the progress line of the program: on env.Progress,
// else on standard error when that is a terminal.
func newProgress(env *Env) *progress {
	if env.Progress != nil {
		return &progress{w: env.Progress}
	}
	if f, ok := env.Stderr.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			return &progress{w: f}
		}
	}
	return &progress{}
}

// show replaces the line with a new one.
func (p *progress) show(format string, args ...any) {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	line := fmt.Sprintf(format, args...)
	if line == p.last {
		return
	}
	p.last = line
	fmt.Fprint(p.w, "\r\x1b[K"+line)
}

// done clears the line.
func (p *progress) done() {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.last != "" {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.last = ""
	}
}

// pages says how far a list read is.
func pageLine(path string, page, read, total int) string {
	path = strings.TrimSuffix(path, "/")
	what := path[strings.LastIndex(path, "/")+1:]
	if w, ok := endpointWords[what]; ok {
		what = w
	}
	if total > 0 {
		return fmt.Sprintf("Reading %s: page %d, %d of %d", what, page, read, total)
	}
	return fmt.Sprintf("Reading %s: page %d, %d read", what, page, read)
}

// endpointWords names the Datatracker's endpoints in the progress line.
var endpointWords = map[string]string{
	"group":                         "groups",
	"role":                          "roles",
	"person":                        "people",
	"email":                         "addresses",
	"liaisonstatement":              "statements",
	"liaisonstatementevent":         "statement events",
	"relatedliaisonstatement":       "related statements",
	"liaisonstatementgroupcontacts": "group contacts",
	"liaisonstatementattachment":    "attachments",
	"document":                      "documents",
}
