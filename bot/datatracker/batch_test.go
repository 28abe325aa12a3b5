package datatracker

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	dtt "github.com/ietf-tools/liaisonbot/bot/datatracker/datatrackertest"
)

func utcTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v.UTC()
}

func recordIDs(b *StatementBatch) []int64 {
	var ids []int64
	for _, r := range b.Statements {
		ids = append(ids, r.Statement.ID)
	}
	return ids
}

func record(t *testing.T, b *StatementBatch, id int64) StatementRecord {
	t.Helper()
	for _, r := range b.Statements {
		if r.Statement.ID == id {
			return r
		}
	}
	t.Fatalf("statement %d not in batch %v", id, recordIDs(b))
	return StatementRecord{}
}

func eventIDs(r StatementRecord) []int64 {
	var ids []int64
	for _, e := range r.Events {
		ids = append(ids, e.ID)
	}
	return ids
}

func TestStatementsSince_FirstRunGetsEverything(t *testing.T) {
	srv := dtt.NewServer(t)
	c, _ := newTestClient(t, srv.URL, WithPageSize(2)) // every list spans several pages

	b, err := c.StatementsSince(context.Background(), time.Time{})
	if err != nil {
		t.Fatalf("StatementsSince: %v", err)
	}
	if !b.Full || len(b.Missing) != 0 {
		t.Errorf("Full %v, Missing %v", b.Full, b.Missing)
	}
	if got, want := recordIDs(b), []int64{1935, 2006, 2106, 2162, 2200}; !slices.Equal(got, want) {
		t.Fatalf("statements = %v, want %v", got, want)
	}
	if want := utcTime(t, "2026-03-02T10:00:00Z"); !b.LatestEventTime.Equal(want) {
		t.Errorf("LatestEventTime = %v, want %v", b.LatestEventTime, want)
	}

	// 1935: pre-2025 from_contact URI, naive pre-2023 times.
	old := record(t, b, dtt.StatementOld)
	if old.Statement.FromContact != (Address{Email: "sg15-rapporteur@example.org"}) ||
		old.Statement.FromContactRaw != "/api/v1/person/email/sg15-rapporteur@example.org/" {
		t.Errorf("1935 from_contact = %#v (raw %q)", old.Statement.FromContact, old.Statement.FromContactRaw)
	}
	if _, err := time.LoadLocation("America/Los_Angeles"); err == nil {
		// 09:30 and 10:15 PDT (UTC-7) on 2019-05-10.
		if !old.Submitted.Equal(utcTime(t, "2019-05-10T16:30:00Z")) || !old.Posted.Equal(utcTime(t, "2019-05-10T17:15:00Z")) {
			t.Errorf("1935 submitted %v posted %v, want 16:30Z and 17:15Z", old.Submitted, old.Posted)
		}
	}
	if len(old.Related) != 1 || old.Related[0] != (RelatedStatement{ID: 987, SourceID: 2006, TargetID: 1935, Relationship: "refold"}) {
		t.Errorf("1935 related = %+v", old.Related)
	}

	// 2006: tag, deadline, other identifiers, one removed attachment left out.
	s2006 := record(t, b, dtt.Statement2006)
	if !s2006.Statement.HasTag(TagActionTaken) || s2006.Statement.Deadline == nil ||
		s2006.Statement.Deadline.String() != "2024-09-30" || s2006.Statement.OtherIdentifiers != "S3-240000 (invented)" {
		t.Errorf("2006 = %+v", s2006.Statement)
	}
	if len(s2006.Attachments) != 1 || s2006.Attachments[0].ID != 802 || s2006.Attachments[0].Removed {
		t.Errorf("2006 attachments = %+v, want only the non-removed 802", s2006.Attachments)
	}
	if len(s2006.Statement.Attachments) != 2 {
		t.Errorf("2006 statement attachments field = %v, want both documents (removed included)", s2006.Statement.Attachments)
	}
	if len(s2006.Related) != 1 || s2006.Related[0].ID != 987 {
		t.Errorf("2006 related = %+v", s2006.Related)
	}
	if got := eventIDs(s2006); !slices.Equal(got, []int64{5003, 5004, 5005}) {
		t.Errorf("2006 events = %v", got)
	}

	// 2106: a bare mailbox from_contact (2025 form), two to_groups.
	s2106 := record(t, b, dtt.Statement2106)
	if s2106.Statement.FromContact != (Address{Email: "tsbsg17@itu.int"}) || !slices.Equal(s2106.Statement.ToGroups, []int64{7, 2}) {
		t.Errorf("2106 = %+v", s2106.Statement)
	}
	if !s2106.Posted.Equal(utcTime(t, "2026-01-30T14:02:11Z")) || !s2106.Submitted.Equal(utcTime(t, "2026-01-30T13:55:00Z")) {
		t.Errorf("2106 submitted %v posted %v", s2106.Submitted, s2106.Posted)
	}
	if got := ParseAddresses(s2106.Statement.CCContacts); len(got) != 2 || got[1].Email != "chair@ietf.org" {
		t.Errorf("2106 cc = %+v", got)
	}

	// 2162: "Name <addr>" from_contact; posted twice, the latest wins.
	s2162 := record(t, b, dtt.Statement2162)
	if s2162.Statement.FromContact != (Address{"Pat Example", "pat.example@example.com"}) {
		t.Errorf("2162 from_contact = %#v", s2162.Statement.FromContact)
	}
	if !s2162.Posted.Equal(utcTime(t, "2026-02-12T09:00:00Z")) || !s2162.Submitted.Equal(utcTime(t, "2026-02-10T10:00:00Z")) {
		t.Errorf("2162 submitted %v posted %v", s2162.Submitted, s2162.Posted)
	}

	// 2200: approved, not yet posted.
	s2200 := record(t, b, dtt.Statement2200)
	if !s2200.Posted.IsZero() || s2200.Statement.State != "approved" || s2200.Statement.Purpose != "comment" {
		t.Errorf("2200 = %+v posted %v", s2200.Statement, s2200.Posted)
	}
}

func TestStatementsSince_IncrementalGetsOnlyTouched(t *testing.T) {
	srv := dtt.NewServer(t)
	c, _ := newTestClient(t, srv.URL)
	ctx := context.Background()

	b, err := c.StatementsSince(ctx, utcTime(t, "2026-02-01T00:00:00Z"))
	if err != nil {
		t.Fatal(err)
	}
	if got := recordIDs(b); !slices.Equal(got, []int64{2162, 2200}) {
		t.Fatalf("statements = %v, want [2162 2200]", got)
	}
	if b.Full {
		t.Error("Full set for an incremental run")
	}
	// 2162 comes with all of its events, including those before since.
	if got := eventIDs(record(t, b, 2162)); !slices.Equal(got, []int64{12400, 12401, 12402, 12403, 12404}) {
		t.Errorf("2162 events = %v", got)
	}
	var sawGte, sawIDIn bool
	for _, r := range srv.Requests() {
		sawGte = sawGte || r.Query.Get("time__gte") == "2026-02-01T00:00:00Z"
		sawIDIn = sawIDIn || r.Path == "/api/v1/liaisons/liaisonstatement/" && r.Query.Get("id__in") == "2162,2200"
	}
	if !sawGte || !sawIDIn {
		t.Errorf("requests lacked time__gte (%v) or id__in=2162,2200 (%v): %+v", sawGte, sawIDIn, srv.Requests())
	}

	// A new event on the 2019 statement: the next run (from the stored
	// LatestEventTime) picks it up, plus the inclusive boundary statement.
	srv.AddEvent(dtt.Event{Time: "2026-03-05T08:00:00Z", Type: "comment", By: dtt.PersonDana,
		StatementID: dtt.StatementOld, Desc: "Late comment"})
	b2, err := c.StatementsSince(ctx, b.LatestEventTime)
	if err != nil {
		t.Fatal(err)
	}
	if got := recordIDs(b2); !slices.Equal(got, []int64{1935, 2200}) {
		t.Fatalf("second run statements = %v, want [1935 2200]", got)
	}
	old := record(t, b2, dtt.StatementOld)
	if len(old.Events) != 3 || old.Events[2].Desc != "Late comment" || old.Events[0].Time.Year() != 2019 {
		t.Errorf("1935 events = %+v", old.Events)
	}
	if len(old.Related) != 1 || old.Related[0].SourceID != 2006 {
		t.Errorf("1935 related (found via target__in) = %+v", old.Related)
	}
	if len(old.Attachments) != 1 || old.Attachments[0].DocumentName == "" {
		t.Errorf("1935 attachments = %+v", old.Attachments)
	}
	if want := utcTime(t, "2026-03-05T08:00:00Z"); !b2.LatestEventTime.Equal(want) {
		t.Errorf("LatestEventTime = %v, want %v", b2.LatestEventTime, want)
	}

	// Nothing new: an empty batch that keeps no time.
	b3, err := c.StatementsSince(ctx, utcTime(t, "2027-01-01T00:00:00Z"))
	if err != nil || len(b3.Statements) != 0 || !b3.LatestEventTime.IsZero() {
		t.Errorf("empty run = %+v, %v", b3, err)
	}
}

func TestStatementsSince_ReportsMissing(t *testing.T) {
	srv := dtt.NewServer(t)
	srv.AddEvent(dtt.Event{Time: "2026-05-01T00:00:00Z", Type: "posted", By: dtt.PersonSystem, StatementID: 4242})
	c, _ := newTestClient(t, srv.URL)
	b, err := c.StatementsSince(context.Background(), utcTime(t, "2026-05-01T00:00:00Z"))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Statements) != 0 || !reflect.DeepEqual(b.Missing, []int64{4242}) {
		t.Errorf("statements %v missing %v, want none and [4242]", recordIDs(b), b.Missing)
	}
}

func TestStatementsSince_BatchesIDs(t *testing.T) {
	srv := dtt.NewServer(t)
	for i := range int64(60) {
		id := 3000 + i
		srv.AddStatement(dtt.Statement{ID: id, Title: "Bulk", FromGroups: []int64{dtt.Group3GPP}, State: "posted"})
		srv.AddEvent(dtt.Event{Time: "2026-06-01T00:00:00Z", Type: "posted", By: dtt.PersonSystem, StatementID: id})
	}
	c, _ := newTestClient(t, srv.URL)
	b, err := c.StatementsSince(context.Background(), utcTime(t, "2026-06-01T00:00:00Z"))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Statements) != 60 {
		t.Fatalf("got %d statements, want 60", len(b.Statements))
	}
	for _, r := range b.Statements {
		if len(r.Events) != 1 || r.Posted.IsZero() {
			t.Fatalf("statement %d: events %v", r.Statement.ID, r.Events)
		}
	}
	var sizes []int
	for _, r := range srv.Requests() {
		if r.Path == "/api/v1/liaisons/liaisonstatement/" {
			sizes = append(sizes, len(strings.Split(r.Query.Get("id__in"), ",")))
		}
	}
	if !slices.Equal(sizes, []int{50, 10}) {
		t.Errorf("id__in batch sizes = %v, want [50 10]", sizes)
	}
}

func TestStatementsSince_FailsWhole(t *testing.T) {
	srv := dtt.NewServer(t)
	// Request 1 is the event query; 2 the id__in statements query.
	srv.FailRequest(2, dtt.MalformedJSON())
	c, _ := newTestClient(t, srv.URL)
	b, err := c.StatementsSince(context.Background(), utcTime(t, "2026-02-01T00:00:00Z"))
	var e *Error
	if b != nil || !errors.As(err, &e) || e.Kind != KindDecode || !strings.Contains(e.URL, "id__in=") {
		t.Fatalf("got %v, %v; want no batch and a decode error naming the statements URL", b, err)
	}
}
