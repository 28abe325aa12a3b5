package datatracker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// Statement slugs the liaison bot reads.
const (
	TagActionRequired = "required" // "Action Required"
	TagActionTaken    = "taken"    // "Action Taken"
)

// Statement is a liaison statement (/api/v1/liaisons/liaisonstatement/ID/).
// Dates (submitted, posted) are not on the statement; they come from its
// events (see StatementRecord).
type Statement struct {
	ID         int64
	Title      string
	FromGroups []int64
	// FromContact is the formal sender. Before mid-2025 the API gave an
	// email URI (so only Email is set); since then a mailbox string such
	// as "Tao Wan <t.wan@cablelabs.com>". Zero if absent or unparsable.
	FromContact Address
	// FromContactRaw is from_contact exactly as served ("" for null).
	FromContactRaw string
	ToGroups       []int64
	// Free-text contact fields, as served; parse with ParseAddresses.
	ToContacts           string
	ResponseContacts     string
	TechnicalContacts    string
	ActionHolderContacts string
	CCContacts           string
	Purpose              string // slug: action, comment, info, response
	Deadline             *Date  // nil if none
	OtherIdentifiers     string // null gives ""
	Body                 string
	Tags                 []string // slugs: required, taken
	Attachments          []string // document names, including removed ones
	State                string   // slug: pending, approved, posted, dead
	ResourceURI          string
}

// HasTag reports whether the statement carries the tag slug.
func (s Statement) HasTag(slug string) bool { return slices.Contains(s.Tags, slug) }

// statementJSON is the API shape of a statement.
type statementJSON struct {
	ID                   int64           `json:"id"`
	Title                string          `json:"title"`
	FromGroups           []string        `json:"from_groups"`
	FromContact          json.RawMessage `json:"from_contact"`
	ToGroups             []string        `json:"to_groups"`
	ToContacts           string          `json:"to_contacts"`
	ResponseContacts     string          `json:"response_contacts"`
	TechnicalContacts    string          `json:"technical_contacts"`
	ActionHolderContacts string          `json:"action_holder_contacts"`
	CCContacts           string          `json:"cc_contacts"`
	Purpose              *string         `json:"purpose"`
	Deadline             *string         `json:"deadline"`
	OtherIdentifiers     *string         `json:"other_identifiers"`
	Body                 string          `json:"body"`
	Tags                 []string        `json:"tags"`
	Attachments          []string        `json:"attachments"`
	State                *string         `json:"state"`
	ResourceURI          string          `json:"resource_uri"`
}

func decodeStatement(raw json.RawMessage) (Statement, int64, error) {
	var j statementJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return Statement{}, 0, fmt.Errorf("statement: %w", err)
	}
	if j.ID <= 0 {
		return Statement{}, 0, errors.New("statement: missing id")
	}
	s := Statement{
		ID: j.ID, Title: j.Title,
		ToContacts: j.ToContacts, ResponseContacts: j.ResponseContacts,
		TechnicalContacts: j.TechnicalContacts, ActionHolderContacts: j.ActionHolderContacts,
		CCContacts: j.CCContacts, Body: j.Body, ResourceURI: j.ResourceURI,
	}
	if j.OtherIdentifiers != nil {
		s.OtherIdentifiers = *j.OtherIdentifiers
	}
	fail := func(err error) (Statement, int64, error) {
		return Statement{}, 0, fmt.Errorf("statement %d: %w", j.ID, err)
	}
	var err error
	if s.FromGroups, err = idsFromURIs("from_groups", j.FromGroups); err != nil {
		return fail(err)
	}
	if s.ToGroups, err = idsFromURIs("to_groups", j.ToGroups); err != nil {
		return fail(err)
	}
	if s.FromContactRaw, s.FromContact, err = decodeFromContact(j.FromContact); err != nil {
		return fail(err)
	}
	if s.Purpose, err = optionalSlug("purpose", j.Purpose); err != nil {
		return fail(err)
	}
	if s.State, err = optionalSlug("state", j.State); err != nil {
		return fail(err)
	}
	if s.Tags, err = slugsFromURIs("tags", j.Tags); err != nil {
		return fail(err)
	}
	if s.Attachments, err = slugsFromURIs("attachments", j.Attachments); err != nil {
		return fail(err)
	}
	if j.Deadline != nil && strings.TrimSpace(*j.Deadline) != "" {
		d, err := ParseDate(*j.Deadline)
		if err != nil {
			return fail(fmt.Errorf("deadline: %w", err))
		}
		s.Deadline = &d
	}
	return s, s.ID, nil
}

// decodeFromContact reads from_contact in either form: null, an email URI
// (before 2025) or a mailbox string (since 2025). An unparsable mailbox is
// kept raw with a zero Address rather than failing the statement.
func decodeFromContact(raw json.RawMessage) (string, Address, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", Address{}, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", Address{}, fmt.Errorf("from_contact: want a string or null: %w", err)
	}
	if strings.TrimSpace(s) == "" {
		return s, Address{}, nil
	}
	if isEmailURI(s) {
		addr, err := EmailFromURI(s)
		if err != nil {
			return "", Address{}, fmt.Errorf("from_contact: %w", err)
		}
		return s, Address{Email: addr}, nil
	}
	a, _ := ParseAddress(s)
	return s, a, nil
}

// Statements lists statements matching filter, e.g.
// url.Values{"state": {"posted"}} or url.Values{"id__in": {"1,2,3"}}.
func (c *Client) Statements(ctx context.Context, filter url.Values) ([]Statement, error) {
	return list(ctx, c, pathStatement, filter, decodeStatement)
}

// Statement returns one statement by id (not cached). An unknown id gives
// an error matching ErrNotFound.
func (c *Client) Statement(ctx context.Context, id int64) (Statement, error) {
	return detail(ctx, c, detailPath(pathStatement, id), decodeStatement)
}
