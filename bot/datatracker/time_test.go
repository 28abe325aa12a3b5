package datatracker

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v.UTC()
	}
	_, tzErr := time.LoadLocation("America/Los_Angeles")
	tests := []struct {
		in       string
		want     time.Time
		needZone bool // summer times need real zone data (else the -08:00 fallback applies)
		wantErr  bool
	}{
		{in: "2012-02-26T08:03:54Z", want: utc("2012-02-26T08:03:54Z")},
		{in: "2012-02-26T00:03:54-08:00", want: utc("2012-02-26T08:03:54Z")},
		{in: "2012-06-04T15:20:38+00:00", want: utc("2012-06-04T15:20:38Z")},
		{in: "2012-06-04T15:20:38+0000", want: utc("2012-06-04T15:20:38Z")},
		{in: "2012-06-04T17:20:38+02", want: utc("2012-06-04T15:20:38Z")},
		{in: "2026-01-30T14:02:11.123456Z", want: utc("2026-01-30T14:02:11.123456Z")},
		{in: "2012-02-26 08:03:54+00:00", want: utc("2012-02-26T08:03:54Z")},
		{in: "  2012-02-26T08:03:54Z\n", want: utc("2012-02-26T08:03:54Z")},
		// Naive pre-2023 times are US/Pacific: PST in winter, PDT in summer.
		{in: "2012-02-26T00:03:54", want: utc("2012-02-26T08:03:54Z")},
		{in: "2012-02-26T00:03:54.5", want: utc("2012-02-26T08:03:54.5Z")},
		{in: "2012-02-26 00:03:54", want: utc("2012-02-26T08:03:54Z")},
		{in: "2019-05-10T09:30:00", want: utc("2019-05-10T16:30:00Z"), needZone: true},
		{in: "1970-01-01T23:59:59", want: utc("1970-01-02T07:59:59Z")},
		{in: "2026-03-09", want: utc("2026-03-09T00:00:00Z")},
		{in: "", wantErr: true},
		{in: "yesterday", wantErr: true},
		{in: "2012-02-30T00:00:00Z", wantErr: true},
		{in: "2012-02-26T25:00:00", wantErr: true},
		{in: "26/02/2012", wantErr: true},
	}
	for _, tt := range tests {
		if tt.needZone && tzErr != nil {
			continue
		}
		got, err := ParseTime(tt.in)
		if (err != nil) != tt.wantErr || !got.Equal(tt.want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err == nil && got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) location = %v, want UTC", tt.in, got.Location())
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr bool
	}{
		{"2026-03-09", Date{2026, time.March, 9}, false},
		{" 2024-09-30 ", Date{2024, time.September, 30}, false},
		{"2024-09-30T00:00:00Z", Date{2024, time.September, 30}, false},
		{"2024-02-30", Date{}, true},
		{"2024-9-3", Date{}, true},
		{"", Date{}, true},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	d := Date{2026, time.March, 9}
	if d.String() != "2026-03-09" || !d.Time().Equal(time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Date methods: %s %v", d, d.Time())
	}
	b, err := json.Marshal(d)
	if err != nil || string(b) != `"2026-03-09"` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
	var back Date
	if err := json.Unmarshal(b, &back); err != nil || back != d {
		t.Errorf("Unmarshal = %v, %v", back, err)
	}
}
