package datatracker

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// idBatchSize is how many ids go in one id__in / statement__in filter.
const idBatchSize = 50

// StatementRecord is one statement with everything the sync stores.
type StatementRecord struct {
	Statement   Statement
	Events      []StatementEvent      // all of its events, oldest first
	Related     []RelatedStatement    // relations where it is source or target
	Attachments []StatementAttachment // attachments not flagged removed
	Submitted   time.Time             // time of the submitted event; zero if none
	Posted      time.Time             // time of the latest posted event; zero if none
}

// StatementBatch is the result of StatementsSince.
type StatementBatch struct {
	Since time.Time // as asked
	Full  bool      // Since was zero: every statement was fetched
	// Statements touched by an event at or after Since (all of them if
	// Full), in id order, each complete.
	Statements []StatementRecord
	// Missing lists statement ids that events mention but that the API
	// did not return (deleted, or not visible anonymously).
	Missing []int64
	// LatestEventTime is the newest event time among the events found by
	// the time__gte query (or all events if Full); zero if none. Store it
	// as the next Since. The query is inclusive, so the boundary events are
	// seen again next time; the result is idempotent.
	LatestEventTime time.Time
	// FetchedAt is when the fetch started.
	FetchedAt time.Time
}

// StatementsSince fetches the statements touched by events at or after
// since (every statement if since is zero) together with all their events,
// relations and non-removed attachments. Statements are fetched with id__in
// in batches of 50. Any failure returns an error and no batch.
func (c *Client) StatementsSince(ctx context.Context, since time.Time) (*StatementBatch, error) {
	b := &StatementBatch{Since: since, Full: since.IsZero(), FetchedAt: c.now()}
	op := "all statements"
	if !b.Full {
		op = "statements since " + formatQueryTime(since)
	}
	fail := func(err error) (*StatementBatch, error) {
		return nil, fmt.Errorf("datatracker: %s: %w", op, err)
	}

	var filter url.Values
	if !b.Full {
		filter = url.Values{"time__gte": {formatQueryTime(since)}}
	}
	touched, err := c.StatementEvents(ctx, filter)
	if err != nil {
		return fail(err)
	}
	wanted := map[int64]bool{}
	for _, e := range touched {
		wanted[e.StatementID] = true
		if e.Time.After(b.LatestEventTime) {
			b.LatestEventTime = e.Time
		}
	}

	var (
		stmts  []Statement
		events = touched
		rels   []RelatedStatement
		atts   []StatementAttachment
	)
	if b.Full {
		if stmts, err = c.Statements(ctx, nil); err != nil {
			return fail(err)
		}
		if rels, err = c.RelatedStatements(ctx, nil); err != nil {
			return fail(err)
		}
		if atts, err = c.StatementAttachments(ctx, nil); err != nil {
			return fail(err)
		}
	} else {
		ids := make([]int64, 0, len(wanted))
		for id := range wanted {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for chunk := range slices.Chunk(ids, idBatchSize) {
			in := joinIDs(chunk)
			s, err := c.Statements(ctx, url.Values{"id__in": {in}})
			if err != nil {
				return fail(err)
			}
			stmts = append(stmts, s...)
			e, err := c.StatementEvents(ctx, url.Values{"statement__in": {in}})
			if err != nil {
				return fail(err)
			}
			events = append(events, e...)
			for _, key := range []string{"source__in", "target__in"} {
				r, err := c.RelatedStatements(ctx, url.Values{key: {in}})
				if err != nil {
					return fail(err)
				}
				rels = append(rels, r...)
			}
			a, err := c.StatementAttachments(ctx, url.Values{"statement__in": {in}})
			if err != nil {
				return fail(err)
			}
			atts = append(atts, a...)
		}
	}
	b.Statements, b.Missing = assemble(stmts, events, rels, atts, wanted)
	// Each attachment's title and file; a document the Datatracker does
	// not serve keeps its name only.
	for i := range b.Statements {
		for j := range b.Statements[i].Attachments {
			a := &b.Statements[i].Attachments[j]
			doc, err := c.Document(ctx, a.DocumentName)
			switch {
			case err == nil:
				a.Document = doc
			case !errors.Is(err, ErrNotFound):
				return fail(fmt.Errorf("attachment %d: %w", a.ID, err))
			}
		}
	}
	return b, nil
}

// assemble groups events, relations and attachments per statement.
func assemble(stmts []Statement, events []StatementEvent, rels []RelatedStatement,
	atts []StatementAttachment, wanted map[int64]bool) ([]StatementRecord, []int64) {
	recs := map[int64]*StatementRecord{}
	for _, s := range stmts {
		if _, dup := recs[s.ID]; !dup {
			recs[s.ID] = &StatementRecord{Statement: s}
		}
	}
	seen := map[int64]bool{}
	for _, e := range events {
		r := recs[e.StatementID]
		if r == nil || seen[e.ID] {
			continue
		}
		seen[e.ID] = true
		r.Events = append(r.Events, e)
	}
	seen = map[int64]bool{}
	for _, rel := range rels {
		if seen[rel.ID] {
			continue
		}
		seen[rel.ID] = true
		if r := recs[rel.SourceID]; r != nil {
			r.Related = append(r.Related, rel)
		}
		if r := recs[rel.TargetID]; r != nil && rel.TargetID != rel.SourceID {
			r.Related = append(r.Related, rel)
		}
	}
	seen = map[int64]bool{}
	for _, a := range atts {
		if a.Removed || seen[a.ID] {
			continue
		}
		seen[a.ID] = true
		if r := recs[a.StatementID]; r != nil {
			r.Attachments = append(r.Attachments, a)
		}
	}

	out := make([]StatementRecord, 0, len(recs))
	for _, r := range recs {
		slices.SortFunc(r.Events, func(a, b StatementEvent) int {
			return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.ID, b.ID))
		})
		slices.SortFunc(r.Related, func(a, b RelatedStatement) int { return cmp.Compare(a.ID, b.ID) })
		slices.SortFunc(r.Attachments, func(a, b StatementAttachment) int { return cmp.Compare(a.ID, b.ID) })
		for _, e := range r.Events {
			switch e.Type {
			case EventSubmitted:
				if r.Submitted.IsZero() {
					r.Submitted = e.Time
				}
			case EventPosted:
				r.Posted = e.Time // events are sorted: the last one wins
			}
		}
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b StatementRecord) int { return cmp.Compare(a.Statement.ID, b.Statement.ID) })

	var missing []int64
	for id := range wanted {
		if recs[id] == nil {
			missing = append(missing, id)
		}
	}
	slices.Sort(missing)
	return out, missing
}

// joinIDs formats ids for an __in filter: "1,2,3".
func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ",")
}

// formatQueryTime formats t for a time filter, in UTC to the second
// (rounded down, so a __gte filter stays inclusive).
func formatQueryTime(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format("2006-01-02T15:04:05Z")
}
