package bot

import (
	"fmt"
	"time"
)

// Age says how long ago t was, roughly: "today", "3 days ago", "about 5
// years ago".
func Age(t, now time.Time) string {
	d := now.Sub(t)
	days := int(d.Hours() / 24)
	switch {
	case d < 0:
		return "in the future"
	case days == 0:
		return "today"
	case days == 1:
		return "yesterday"
	case days < 45:
		return fmt.Sprintf("%d days ago", days)
	case days < 365:
		return fmt.Sprintf("about %d months ago", (days+15)/30)
	}
	years := (days + 182) / 365
	if years == 1 {
		return "about a year ago"
	}
	return fmt.Sprintf("about %d years ago", years)
}

// DescribeProvenance says where a fact comes from and how old it is:
// "from <source>, edited by <who>, as of 2026-03-01 (3 days ago)".
func DescribeProvenance(p Provenance, now time.Time) string {
	src := p.Source
	if src == "" {
		src = "source not recorded"
	}
	s := "from " + src
	if p.By != "" {
		s += ", edited by " + p.By
	}
	if !p.AsOf.IsZero() {
		s += ", as of " + p.AsOf.Format(time.DateOnly) + " (" + Age(p.AsOf, now) + ")"
	} else {
		s += ", date unknown"
	}
	return s
}

// AgeChanges returns the moment after now when Age(t, ·) next may read
// differently: Age counts whole days, so the next day boundary counted
// from t (or t itself while it is in the future).
func AgeChanges(t, now time.Time) time.Time {
	if now.Before(t) {
		return t
	}
	days := now.Sub(t) / (24 * time.Hour)
	return t.Add((days + 1) * 24 * time.Hour)
}
