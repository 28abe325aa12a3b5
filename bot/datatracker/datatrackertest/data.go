package datatrackertest

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// Group is a group row. Time is served verbatim ("" gives a placeholder).
type Group struct {
	ID            int64
	Acronym       string
	Name          string
	ParentID      int64  // 0 for null
	State         string // groupstatename slug
	Type          string // grouptypename slug
	Time          string
	ListEmail     string
	ListArchive   string
	ListSubscribe string
	Description   string // "" is served as "No description available"
	Comments      string
	Charter       string // document name, "" for null
}

// Person is a person row. Time is served verbatim.
type Person struct {
	ID    int64
	Name  string
	Plain string
	ASCII string // "" is served as Name
	Time  string
}

// Email is an email row, served at /api/v1/person/email/{address}/.
type Email struct {
	Address  string
	PersonID int64 // 0 for null
	Origin   string
	Primary  bool
	Active   bool
	Time     string
}

// Role is a role row.
type Role struct {
	ID       int64
	Name     string // rolename slug
	GroupID  int64
	PersonID int64
	Email    string // address
}

// Statement is a liaison statement row. Its "attachments" field is derived
// from the Attachment rows (removed ones included), as in the Datatracker.
type Statement struct {
	ID                   int64
	Title                string
	FromGroups           []int64
	FromContact          string // served verbatim: an email URI, a mailbox, or "" for null
	ToGroups             []int64
	ToContacts           string
	ResponseContacts     string
	TechnicalContacts    string
	ActionHolderContacts string
	CCContacts           string
	Purpose              string
	Deadline             string  // "YYYY-MM-DD" or "" for null
	OtherIdentifiers     *string // nil for null
	Body                 string
	Tags                 []string
	State                string
}

// Event is a statement event row. Time is served verbatim.
type Event struct {
	ID          int64
	Time        string
	Type        string
	By          int64 // person id, 0 for null
	StatementID int64
	Desc        string
}

// Related is a relatedliaisonstatement row.
type Related struct {
	ID           int64
	SourceID     int64
	TargetID     int64
	Relationship string // "" is served as refold
}

// Attachment is a liaisonstatementattachment row.
type Attachment struct {
	ID          int64
	StatementID int64
	Document    string // document name
	Removed     bool
}

// Document is a doc/document row (an attachment's title and file).
type Document struct {
	Name             string
	Title            string
	UploadedFilename string
	ExternalURL      string
}

func (d Document) json() map[string]any {
	return map[string]any{"name": d.Name, "title": d.Title, "uploaded_filename": d.UploadedFilename,
		"external_url": d.ExternalURL, "resource_uri": documentURI(d.Name), "type": "/api/v1/name/doctypename/liai-att/"}
}

// Data is everything the fake serves.
type Data struct {
	Groups      []Group
	Persons     []Person
	Emails      []Email
	Roles       []Role
	Statements  []Statement
	Events      []Event
	Related     []Related
	Attachments []Attachment
	Documents   []Document
}

// Clone returns a deep copy.
func (d *Data) Clone() *Data {
	c := &Data{
		Groups:      slices.Clone(d.Groups),
		Persons:     slices.Clone(d.Persons),
		Emails:      slices.Clone(d.Emails),
		Roles:       slices.Clone(d.Roles),
		Statements:  slices.Clone(d.Statements),
		Events:      slices.Clone(d.Events),
		Related:     slices.Clone(d.Related),
		Attachments: slices.Clone(d.Attachments),
		Documents:   slices.Clone(d.Documents),
	}
	for i, s := range c.Statements {
		c.Statements[i].FromGroups = slices.Clone(s.FromGroups)
		c.Statements[i].ToGroups = slices.Clone(s.ToGroups)
		c.Statements[i].Tags = slices.Clone(s.Tags)
		if s.OtherIdentifiers != nil {
			v := *s.OtherIdentifiers
			c.Statements[i].OtherIdentifiers = &v
		}
	}
	return c
}

// FormatTime formats t the way the current Datatracker serialises
// datetimes: UTC, to the second, with a trailing Z.
func FormatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05") + "Z"
}

// placeholderTime is served for rows without a Time.
const placeholderTime = "2015-10-14T12:00:00Z"

// URI builders: foreign keys are served as these path strings.
func groupURI(id int64) string     { return "/api/v1/group/group/" + itoa(id) + "/" }
func personURI(id int64) string    { return "/api/v1/person/person/" + itoa(id) + "/" }
func emailURI(addr string) string  { return "/api/v1/person/email/" + url.PathEscape(addr) + "/" }
func roleURI(id int64) string      { return "/api/v1/group/role/" + itoa(id) + "/" }
func statementURI(id int64) string { return "/api/v1/liaisons/liaisonstatement/" + itoa(id) + "/" }
func eventURI(id int64) string     { return "/api/v1/liaisons/liaisonstatementevent/" + itoa(id) + "/" }
func relatedURI(id int64) string   { return "/api/v1/liaisons/relatedliaisonstatement/" + itoa(id) + "/" }
func attachmentURI(id int64) string {
	return "/api/v1/liaisons/liaisonstatementattachment/" + itoa(id) + "/"
}
func documentURI(name string) string { return "/api/v1/doc/document/" + url.PathEscape(name) + "/" }
func nameURI(table, slug string) string {
	return "/api/v1/name/" + table + "/" + url.PathEscape(slug) + "/"
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// nullable returns nil for "" so it is served as JSON null.
func nullable(s string, uri func(string) string) any {
	if s == "" {
		return nil
	}
	if uri != nil {
		return uri(s)
	}
	return s
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// The JSON renderers below emit every field of the API object.

func (g Group) json() map[string]any {
	var parent any
	if g.ParentID != 0 {
		parent = groupURI(g.ParentID)
	}
	return map[string]any{
		"acronym":              g.Acronym,
		"ad":                   nil,
		"charter":              nullable(g.Charter, documentURI),
		"comments":             g.Comments,
		"description":          orDefault(g.Description, "No description available"),
		"id":                   g.ID,
		"list_archive":         g.ListArchive,
		"list_email":           g.ListEmail,
		"list_subscribe":       g.ListSubscribe,
		"meeting_seen_as_area": false,
		"name":                 g.Name,
		"parent":               parent,
		"resource_uri":         groupURI(g.ID),
		"state":                nameURI("groupstatename", orDefault(g.State, "active")),
		"time":                 orDefault(g.Time, placeholderTime),
		"type":                 nameURI("grouptypename", orDefault(g.Type, "sdo")),
		"unused_states":        []string{},
		"unused_tags":          []string{},
		"used_roles":           "[]",
		"uses_milestone_dates": true,
	}
}

func (p Person) json() map[string]any {
	return map[string]any{
		"ascii":               orDefault(p.ASCII, p.Name),
		"ascii_short":         "",
		"biography":           "",
		"consent":             true,
		"id":                  p.ID,
		"name":                p.Name,
		"name_from_draft":     "",
		"photo":               "",
		"photo_thumb":         "",
		"plain":               p.Plain,
		"pronouns_freetext":   nil,
		"pronouns_selectable": []string{},
		"resource_uri":        personURI(p.ID),
		"time":                orDefault(p.Time, placeholderTime),
		"user":                nil,
	}
}

func (e Email) json() map[string]any {
	var person any
	if e.PersonID != 0 {
		person = personURI(e.PersonID)
	}
	return map[string]any{
		"active":       e.Active,
		"address":      e.Address,
		"origin":       e.Origin,
		"person":       person,
		"primary":      e.Primary,
		"resource_uri": emailURI(e.Address),
		"time":         orDefault(e.Time, placeholderTime),
	}
}

func (r Role) json() map[string]any {
	return map[string]any{
		"email":        nullable(r.Email, emailURI),
		"group":        groupURI(r.GroupID),
		"id":           r.ID,
		"name":         nameURI("rolename", r.Name),
		"person":       personURI(r.PersonID),
		"resource_uri": roleURI(r.ID),
	}
}

func (s Statement) json(attachments []string) map[string]any {
	groups := func(ids []int64) []string {
		out := make([]string, 0, len(ids))
		for _, id := range ids {
			out = append(out, groupURI(id))
		}
		return out
	}
	tags := make([]string, 0, len(s.Tags))
	for _, t := range s.Tags {
		tags = append(tags, nameURI("liaisonstatementtagname", t))
	}
	docs := make([]string, 0, len(attachments))
	for _, d := range attachments {
		docs = append(docs, documentURI(d))
	}
	var other any
	if s.OtherIdentifiers != nil {
		other = *s.OtherIdentifiers
	}
	return map[string]any{
		"action_holder_contacts": s.ActionHolderContacts,
		"attachments":            docs,
		"body":                   s.Body,
		"cc_contacts":            s.CCContacts,
		"deadline":               nullable(s.Deadline, nil),
		"from_contact":           nullable(s.FromContact, nil),
		"from_groups":            groups(s.FromGroups),
		"id":                     s.ID,
		"other_identifiers":      other,
		"purpose":                nameURI("liaisonstatementpurposename", orDefault(s.Purpose, "info")),
		"resource_uri":           statementURI(s.ID),
		"response_contacts":      s.ResponseContacts,
		"state":                  nameURI("liaisonstatementstate", orDefault(s.State, "posted")),
		"tags":                   tags,
		"technical_contacts":     s.TechnicalContacts,
		"title":                  s.Title,
		"to_contacts":            s.ToContacts,
		"to_groups":              groups(s.ToGroups),
	}
}

func (e Event) json() map[string]any {
	var by any
	if e.By != 0 {
		by = personURI(e.By)
	}
	return map[string]any{
		"by":           by,
		"desc":         e.Desc,
		"id":           e.ID,
		"resource_uri": eventURI(e.ID),
		"statement":    statementURI(e.StatementID),
		"time":         e.Time,
		"type":         nameURI("liaisonstatementeventtypename", e.Type),
	}
}

func (r Related) json() map[string]any {
	return map[string]any{
		"id":           r.ID,
		"relationship": nameURI("docrelationshipname", orDefault(r.Relationship, "refold")),
		"resource_uri": relatedURI(r.ID),
		"source":       statementURI(r.SourceID),
		"target":       statementURI(r.TargetID),
	}
}

func (a Attachment) json() map[string]any {
	return map[string]any{
		"document":     documentURI(a.Document),
		"id":           a.ID,
		"removed":      a.Removed,
		"resource_uri": attachmentURI(a.ID),
		"statement":    statementURI(a.StatementID),
	}
}

// String summarises the data for test failure messages.
func (d *Data) String() string {
	return fmt.Sprintf("%d groups, %d persons, %d roles, %d statements, %d events",
		len(d.Groups), len(d.Persons), len(d.Roles), len(d.Statements), len(d.Events))
}
