package datatracker

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"
)

// pacific is the zone of the Datatracker's naive (pre-2023) times. The
// package does not embed time/tzdata (about 450 kB); a binary that may run
// without system zone data can import time/tzdata itself. Without zone data
// naive times fall back to a fixed UTC-08:00, which is an hour off in
// summer.
var pacific = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("America/Los_Angeles"); err == nil {
		return loc
	}
	return time.FixedZone("PST", -8*60*60)
})

// Layouts tried by ParseTime, in order. The first group carries a zone;
// the second is naive and read in US/Pacific.
var (
	zonedLayouts = []string{
		time.RFC3339Nano,                      // 2012-02-26T08:03:54Z, …+00:00, fractions
		"2006-01-02T15:04:05.999999999Z0700",  // +0000
		"2006-01-02T15:04:05.999999999Z07",    // +00
		"2006-01-02T15:04Z07:00",              // no seconds
		"2006-01-02 15:04:05.999999999Z07:00", // space separator
		"2006-01-02 15:04:05.999999999Z0700",
		"2006-01-02 15:04:05.999999999 -0700 MST",
	}
	naiveLayouts = []string{
		"2006-01-02T15:04:05.999999999",
		"2006-01-02 15:04:05.999999999",
		"2006-01-02T15:04",
		"2006-01-02 15:04",
	}
)

// ParseTime parses a Datatracker datetime: the current UTC form
// "2012-02-26T08:03:54Z", any RFC 3339 offset ("…-08:00"), fractional
// seconds, naive pre-2023 times (US/Pacific, e.g. "2012-02-26T00:03:54"),
// and bare dates "YYYY-MM-DD" (midnight UTC). The result is in UTC.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, fmt.Errorf("empty time")
	}
	for _, l := range zonedLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	for _, l := range naiveLayouts {
		if t, err := time.ParseInLocation(l, s, pacific()); err == nil {
			return t.UTC(), nil
		}
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("unrecognised time %q", s)
}

// optionalTime parses a possibly empty time field; "" gives the zero time.
func optionalTime(field, s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	t, err := ParseTime(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %w", field, err)
	}
	return t, nil
}

// Date is a calendar date without a time or zone, as in a statement's
// deadline.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate parses "YYYY-MM-DD". A datetime is accepted too and its date
// part (as written) is used.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if len(s) > 10 && (s[10] == 'T' || s[10] == ' ') {
		s = s[:10]
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("unrecognised date %q", s)
	}
	return DateOf(t), nil
}

// DateOf returns the date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// String formats the date as "YYYY-MM-DD".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Time returns midnight UTC at the start of the date.
func (d Date) Time() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// MarshalJSON writes the date as "YYYY-MM-DD".
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads a "YYYY-MM-DD" string.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
