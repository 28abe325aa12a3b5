// Package corpustest reads a rendered "show" the way the statement corpus
// (testdata/corpus) states what it expects, for the corpus tests of every
// entry point (inline submit and the statement sync in bot/dtsync, the Slack
// modal in bot/slack).
package corpustest

import (
	"fmt"
	"sort"
	"strings"
)

// ShowFields reads the fields of a rendered "show" that the corpus
// expects: the title and every "Label: value" line but those derived from
// the others (the state, the responsible people, what is awaited, the
// approvers, the Datatracker link); dates are compared by day.
func ShowFields(out string) map[string]string {
	f := map[string]string{}
	lines := strings.Split(out, "\n")
	if _, title, ok := strings.Cut(lines[0], ": "); ok {
		f["Title"] = title
	}
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l, "  ") || strings.HasPrefix(l, "  - ") {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimSpace(l), ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch k {
		case "State", "Responsible", "Awaiting", "Approvers", "Datatracker": // derived, not entered
			continue
		case "Submitted", "Deadline":
			if len(v) >= 10 {
				v = v[:10]
			}
		}
		f[k] = v
	}
	return f
}

// DiffFields says, one line per field in label order, where got differs
// from want: a different value, a missing field or one not expected; ""
// when they agree.
func DiffFields(got, want map[string]string) string {
	var out []string
	for k, w := range want {
		if got[k] != w {
			out = append(out, fmt.Sprintf("%s: got %q, want %q", k, got[k], w))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			out = append(out, fmt.Sprintf("%s: got %q, not expected", k, g))
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}
