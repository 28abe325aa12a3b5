package bot

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// FormState is a form's values and errors, keyed by field key. It is what a
// modal is opened with and what a conversation keeps between messages.
type FormState struct {
	// Heading names the form: "New liaison statement", "Reply to LS-12".
	Heading string `json:",omitempty"`
	Values  map[string]string
	Errors  map[string]string
	// Choices offers, per field, the values to pick from after an
	// ambiguous answer ("itu" -> ITU-T, ITU-R).
	Choices map[string][]Choice `json:",omitempty"`
}

// FieldKind says what a form field holds and how adapters show it.
type FieldKind string

// The field kinds.
const (
	KindText      FieldKind = "text"
	KindLongText  FieldKind = "longtext"
	KindDate      FieldKind = "date"
	KindChoice    FieldKind = "choice"
	KindOrg       FieldKind = "organization"
	KindStatement FieldKind = "statement"
	KindEmails    FieldKind = "emails"
	KindURLs      FieldKind = "urls"   // attachments: Title <URL>, or the URL alone
	KindGroups    FieldKind = "groups" // IETF groups, several (a multi-select where the platform has one)
	KindYesNo     FieldKind = "yesno"
)

// Choice is one option of a choice field.
type Choice struct {
	Value string
	Label string
}

// FormField is one field of the statement form.
type FormField struct {
	Key      string
	Label    string
	Kind     FieldKind
	Required bool // always required (some are required by other fields' values: see Validate)
	Help     string
	Choices  []Choice
	MaxLen   int
	// Applies reports whether the field is asked, given the other values
	// (nil: always). A conversation skips fields that do not apply.
	Applies func(v map[string]string) bool
}

// Field keys of the statement form. The inline keys from DESIGN.md (from,
// to, response-contact, ...) map onto these.
const (
	FDirection   = "direction"
	FOrg         = "organization"
	FGroup       = "group"
	FTitle       = "title"
	FPurpose     = "purpose"
	FDeadline    = "deadline"
	FRelated     = "related"
	FBody        = "body"
	FAttachments = "attachments"
	FResponse    = "response-contact"
	FTechnical   = "technical-contact"
	FToContacts  = "to-contact"
	FCC          = "cc"
	FActions     = "action-holder-contact"
	FSubmitted   = "submitted"
	FIdentifiers = "identifiers"
	FApproved    = "approved"
)

// Limits on what a statement may hold.
const (
	MaxTitle       = 255
	MaxBody        = 100_000
	MaxIdentifiers = 1_000
	MaxAddresses   = 50
	MaxURL         = 2_000
	MaxAttachments = 20
)

// StatementForm is the statement form: every field of liaison-process.md,
// in the order a conversation asks them.
func StatementForm() []FormField {
	isOutgoing := func(v map[string]string) bool { return v[FDirection] != string(Incoming) }
	return []FormField{
		{Key: FDirection, Label: "Direction", Kind: KindChoice, Required: true,
			Help: "Outgoing: from an IETF group to another organization. Incoming: from another organization to an IETF group.",
			Choices: []Choice{
				{string(Outgoing), "Outgoing (IETF → organization)"},
				{string(Incoming), "Incoming (organization → IETF)"},
			}},
		{Key: FOrg, Label: "Organization", Kind: KindOrg, Required: true, MaxLen: 500,
			Help: "The other organization's bodies, comma-separated, the first the main one: acronyms or names as the Datatracker or people write them (3GPP-TSG-SA-WG3, ITU-T SG15 Question 6, Broadband Forum)."},
		{Key: FGroup, Label: "IETF groups", Kind: KindGroups, Required: true, MaxLen: 500,
			Help: "The IETF side, comma-separated, the first the main one: IETF, IAB, IESG, an area (ops) or a working group by acronym or name (opsawg, Multiprotocol Label Switching, CCAMP WG)."},
		{Key: FTitle, Label: "Title", Kind: KindText, Required: true, MaxLen: MaxTitle,
			Help: "A one-line summary, at most 255 characters."},
		{Key: FPurpose, Label: "Purpose", Kind: KindChoice, Required: true,
			Help: "For Action and For Comment need a deadline; In Response needs the statement it answers.",
			Choices: []Choice{
				{string(PurposeAction), PurposeAction.Label()},
				{string(PurposeComment), PurposeComment.Label()},
				{string(PurposeInfo), PurposeInfo.Label()},
				{string(PurposeResponse), PurposeResponse.Label()},
			}},
		{Key: FDeadline, Label: "Deadline", Kind: KindDate,
			Help: "When a response is needed, as YYYY-MM-DD. Required for For Action and For Comment."},
		{Key: FRelated, Label: "In response to", Kind: KindStatement,
			Help:    "The statement this one answers, as LS-<n>. Required for In Response.",
			Applies: func(v map[string]string) bool { return v[FPurpose] == string(PurposeResponse) || v[FRelated] != "" }},
		{Key: FBody, Label: "Body", Kind: KindLongText, MaxLen: MaxBody,
			Help: "The text of the statement. A body or at least one attachment is required."},
		{Key: FAttachments, Label: "Attachments", Kind: KindURLs,
			Help: "The documents, each as Title <https://…> or the URL alone, comma- or newline-separated (LS on X (Word document) <https://…/x.doc>)."},
		{Key: FResponse, Label: "Response contacts", Kind: KindEmails,
			Help: "Where a response should go: Name <address>, comma-, semicolon- or newline-separated."},
		{Key: FTechnical, Label: "Technical contacts", Kind: KindEmails,
			Help: "Who can clarify the content: Name <address>, comma-separated."},
		{Key: FActions, Label: "Action holder contacts", Kind: KindEmails,
			Help: "Who is responsible for acting on it: Name <address>, comma-separated."},
		{Key: FToContacts, Label: "To contacts", Kind: KindEmails,
			Help: "The addressees' contacts: Name <address>, or a role such as The IETF Chair, comma-separated."},
		{Key: FCC, Label: "Cc", Kind: KindEmails,
			Help: "Further addresses to copy, one a line or comma-separated."},
		{Key: FIdentifiers, Label: "Other identifiers", Kind: KindText, MaxLen: MaxIdentifiers,
			Help: "The other body's reference numbers for this statement, if any."},
		{Key: FSubmitted, Label: "Submitted on", Kind: KindDate, Applies: func(v map[string]string) bool { return v[FSubmitted] != "" },
			Help: "Back-dates the record: the day the statement was really submitted, as YYYY-MM-DD (liaison managers, coordinators and admins)."},
		{Key: FApproved, Label: "Prior approval obtained", Kind: KindYesNo, Applies: isOutgoing,
			Help: "Outgoing only: yes if the statement was approved before submission (it is then posted at once)."},
	}
}

// FormFieldByKey returns the field with the key, or nil.
func FormFieldByKey(key string) *FormField {
	for _, f := range StatementForm() {
		if f.Key == key {
			return &f
		}
	}
	return nil
}

// FieldAliases maps every key people may type (DESIGN.md's inline keys,
// the 4053bis vocabulary, and friendly variants) to a form key.
var FieldAliases = map[string]string{
	"direction": FDirection, "dir": FDirection,
	"organization": FOrg, "organisation": FOrg, "org": FOrg, "sdo": FOrg,
	"group": FGroup, "ietf": FGroup, "ietf-group": FGroup, "wg": FGroup,
	"title": FTitle, "subject": FTitle,
	"purpose":  FPurpose,
	"deadline": FDeadline, "due": FDeadline,
	"related": FRelated, "in-response-to": FRelated, "reply-to": FRelated,
	"body": FBody, "text": FBody,
	"attachments": FAttachments, "attachment": FAttachments, "url": FAttachments, "urls": FAttachments,
	"response-contact": FResponse, "response-contacts": FResponse, "send-reply-to": FResponse, "from-liaison-contact": FResponse,
	"technical-contact": FTechnical, "technical-contacts": FTechnical,
	"to-contact": FToContacts, "to-contacts": FToContacts, "send-to": FToContacts, "to-liaison-contact": FToContacts,
	"cc": FCC, "cc-contacts": FCC, "cc-contact": FCC,
	"action-holder-contact": FActions, "action-holder-contacts": FActions, "action-holders": FActions, "action-holder": FActions,
	"submitted": FSubmitted, "submitted-on": FSubmitted, "submission-date": FSubmitted,
	"identifiers": FIdentifiers, "other-identifiers": FIdentifiers, "identifier": FIdentifiers,
	"approved": FApproved, "prior-approval": FApproved,
}

// FieldErrors maps field keys to messages.
type FieldErrors map[string]string

// Keys returns the keys with errors in form order.
func (fe FieldErrors) Keys() []string {
	var out []string
	for _, f := range StatementForm() {
		if _, ok := fe[f.Key]; ok {
			out = append(out, f.Key)
		}
	}
	return out
}

// Error lists the errors, one per line, in form order.
func (fe FieldErrors) Error() string {
	var b strings.Builder
	for _, k := range fe.Keys() {
		f := FormFieldByKey(k)
		fmt.Fprintf(&b, "%s: %s\n", f.Label, fe[k])
	}
	return strings.TrimRight(b.String(), "\n")
}

// FormEnv is what validation needs to know about the world.
type FormEnv struct {
	Today Date       // deadlines before today are refused
	Dir   *Directory // organizations are resolved through its matcher
	// Statement looks up a statement for the "related" field.
	Statement func(id int64) (*Statement, error)
	// IETF holds the IETF's groups as the directory sync read them (nil:
	// any acronym of the right shape is taken).
	IETF *IETFGroups
}

// SyncKeyIETFGroups is where the directory sync keeps the IETF's groups.
const SyncKeyIETFGroups = "directory.ietf_groups"

// groupShape is an IETF-side group: IETF, IAB, IESG, an area or a WG
// acronym (letters, digits and hyphens, starting with a letter).
var groupShape = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)

var specialGroups = map[string]string{"ietf": "IETF", "iab": "IAB", "iesg": "IESG", "irtf": "IRTF"}

// NormalizeGroup checks and normalises an IETF group name; ok is false when
// it does not have the shape of one.
func NormalizeGroup(s string) (string, bool) {
	g := strings.ToLower(strings.TrimSpace(s))
	if u, ok := specialGroups[g]; ok {
		return u, true
	}
	if !groupShape.MatchString(g) || strings.HasSuffix(g, "-") || strings.Contains(g, "--") {
		return "", false
	}
	return g, true
}

// ValidateField checks one field against the values around it and returns
// the normalised value, or a message for the user. choices is set when the
// answer was ambiguous and the user should pick one.
func ValidateField(key string, v map[string]string, env FormEnv) (norm string, msg string, choices []Choice) {
	raw := v[key]
	if key != FBody {
		raw = StripInvisible(raw)
	}
	val := strings.TrimSpace(raw)
	f := FormFieldByKey(key)
	if f == nil {
		return "", "unknown field", nil
	}
	if f.MaxLen > 0 && utf8.RuneCountInString(val) > f.MaxLen {
		return "", fmt.Sprintf("too long: %d characters, at most %d.", utf8.RuneCountInString(val), f.MaxLen), nil
	}
	if len(val) > MaxBody+1000 {
		return "", "too long.", nil
	}
	if val == "" {
		return "", requiredMessage(key, v), nil
	}
	switch key {
	case FDirection:
		switch NormalizeKey(val) {
		case "outgoing", "out", "o", "toanorganization":
			return string(Outgoing), "", nil
		case "incoming", "in", "i":
			return string(Incoming), "", nil
		}
		return "", "answer outgoing or incoming.", nil
	case FOrg:
		names := SplitGroups(val)
		if env.Dir == nil {
			return JoinGroups(names), "", nil
		}
		var out []string
		for _, n := range names {
			r := env.Dir.ResolveOrg(n)
			switch {
			case r.Org != nil:
				out = append(out, r.Group)
				continue
			case len(r.Candidates) > 0:
				var cands []string
				for _, c := range r.Candidates {
					cands = append(cands, c.Org.Acronym)
					if len(names) == 1 {
						choices = append(choices, Choice{Value: c.Org.Acronym, Label: c.Org.Label()})
					}
				}
				return "", fmt.Sprintf("“%s” could be %s. Which one?", shorten(n, 40), strings.Join(cands, ", ")), choices
			}
			return "", fmt.Sprintf("no organization in the directory matches “%s”. Check the spelling (“orgs” lists them), or ask the IAB liaison coordinators to add it.", shorten(n, 40)), nil
		}
		return JoinGroups(out), "", nil
	case FGroup:
		var out []string
		var bad []string
		for _, n := range SplitGroups(val) {
			g, ok := env.IETF.Resolve(n)
			if !ok {
				bad = append(bad, "“"+shorten(n, 40)+"”")
				continue
			}
			if g.Concluded() && v[FDirection] == string(Outgoing) && v[FSubmitted] == "" {
				return "", fmt.Sprintf("%s has concluded: a new outgoing statement cannot come from it (an incoming or back-dated record may name it).", g.Display()), nil
			}
			out = append(out, g.Display())
		}
		if len(bad) > 0 {
			what := "is not an IETF group the Datatracker lists"
			if !env.IETF.Listed() {
				what = "is not an IETF group"
			}
			return "", fmt.Sprintf("%s %s: give IETF, IAB, IESG, an area (ops) or a working group by acronym or name (opsawg, Multiprotocol Label Switching, CCAMP WG).", strings.Join(bad, ", "), what), nil
		}
		return JoinGroups(SplitGroups(JoinGroups(out))), "", nil
	case FTitle:
		if strings.ContainsAny(val, "\n\r") {
			return "", "the title must be one line.", nil
		}
		return val, "", nil
	case FPurpose:
		p, ok := ParsePurpose(val)
		if !ok {
			return "", "answer For Action, For Comment, For Information or In Response.", nil
		}
		return string(p), "", nil
	case FDeadline:
		d, err := ParseDate(val)
		if err != nil {
			return "", fmt.Sprintf("“%s” is not a date: write it as YYYY-MM-DD, for example %s.", shorten(val, 30), env.Today.AddDays(30)), nil
		}
		if !env.Today.IsZero() && d.Before(env.Today) && !Recording(v) {
			return "", fmt.Sprintf("%s is in the past: a new outgoing statement needs a deadline today or later (an incoming or back-dated record may have a past one).", d), nil
		}
		return d.String(), "", nil
	case FSubmitted:
		d, err := ParseDate(val)
		if err != nil {
			return "", fmt.Sprintf("“%s” is not a date: write it as YYYY-MM-DD, for example %s.", shorten(val, 30), env.Today.AddDays(-7)), nil
		}
		if !env.Today.IsZero() && env.Today.Before(d) {
			return "", fmt.Sprintf("%s is in the future: a statement cannot have been submitted after today.", d), nil
		}
		return d.String(), "", nil
	case FRelated:
		id, ok := ParseRef(val)
		if !ok {
			return "", "name the statement as LS-<n>, for example LS-12.", nil
		}
		if env.Statement != nil {
			if _, err := env.Statement(id); err != nil {
				if ErrorCode(err) == ENOTFOUND {
					return "", fmt.Sprintf("there is no statement %s.", Ref(id)), nil
				}
				return "", "could not look that statement up; try again.", nil
			}
		}
		return Ref(id), "", nil
	case FBody:
		return strings.TrimRight(raw, " \t\n"), "", nil
	case FAttachments:
		as, err := ParseAttachments(val)
		if err != nil {
			return "", err.Error() + ".", nil
		}
		if len(as) > MaxAttachments {
			return "", fmt.Sprintf("at most %d attachments.", MaxAttachments), nil
		}
		return Attachments(as).String(), "", nil
	case FResponse, FTechnical, FToContacts, FCC, FActions:
		l, err := ParseAddressList(val)
		if err != nil {
			return "", err.Error() + " (write Name <address>, comma-, semicolon- or newline-separated).", nil
		}
		if len(l) > MaxAddresses {
			return "", fmt.Sprintf("at most %d addresses.", MaxAddresses), nil
		}
		return l.String(), "", nil
	case FIdentifiers:
		if strings.ContainsAny(val, "\r") {
			val = strings.ReplaceAll(val, "\r", "")
		}
		return val, "", nil
	case FApproved:
		switch NormalizeKey(val) {
		case "yes", "y", "true", "1", "on", "approved":
			return "yes", "", nil
		case "no", "n", "false", "0", "off":
			return "no", "", nil
		}
		return "", "answer yes or no.", nil
	}
	return val, "", nil
}

// Recording reports whether the values record a statement rather than
// send one: an incoming statement, or a back-dated record. Such a
// statement may have a past deadline and name a concluded group.
func Recording(v map[string]string) bool {
	return v[FDirection] == string(Incoming) || strings.TrimSpace(v[FSubmitted]) != ""
}

// FormWarnings are the one-line warnings about valid values: a past
// deadline on a record (the statement is overdue at once), a deadline more
// than five years ahead.
func FormWarnings(v map[string]string, env FormEnv) []string {
	var out []string
	d, err := ParseDate(v[FDeadline])
	if err != nil || d.IsZero() || env.Today.IsZero() {
		return nil
	}
	if d.Before(env.Today) {
		out = append(out, fmt.Sprintf("The deadline %s is already past: the statement is overdue from the start.", d))
	}
	if d.DaysUntil(env.Today) > 5*365 {
		out = append(out, fmt.Sprintf("The deadline %s is more than five years away: check the year.", d))
	}
	return out
}

// mustAttachments and validList read values ValidateForm has checked.
func mustAttachments(s string) Attachments {
	as, _ := ParseAttachments(s)
	return as
}

func validList(s string) AddressList {
	l, _ := ParseAddressList(s)
	return l
}

// requiredMessage says what an empty field needs, or "" when it may stay
// empty.
func requiredMessage(key string, v map[string]string) string {
	switch key {
	case FDirection, FOrg, FGroup, FTitle, FPurpose:
		return "required."
	case FDeadline:
		if p := Purpose(v[FPurpose]); p.NeedsDeadline() {
			return fmt.Sprintf("required for %s statements.", p.Label())
		}
	case FRelated:
		if Purpose(v[FPurpose]) == PurposeResponse {
			return "required for In Response statements: name the statement this one answers."
		}
	case FBody:
		if strings.TrimSpace(v[FAttachments]) == "" {
			return "a body or at least one attachment is required."
		}
	}
	return ""
}

func validURL(s string) bool {
	if len(s) > MaxURL || strings.ContainsAny(s, " <>\"") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// SplitList splits comma-, semicolon- or newline-separated values.
func SplitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// ValidateForm checks every field that applies and returns the normalised
// values and the errors (nil when there are none). Fields that do not apply
// are dropped.
func ValidateForm(in map[string]string, env FormEnv) (map[string]string, FieldErrors, map[string][]Choice) {
	v := make(map[string]string, len(in))
	for k, x := range in {
		v[k] = x
	}
	errs := FieldErrors{}
	choices := map[string][]Choice{}
	// Direction and purpose first: the other rules depend on them.
	order := []string{FDirection, FPurpose}
	for _, f := range StatementForm() {
		if f.Key != FDirection && f.Key != FPurpose {
			order = append(order, f.Key)
		}
	}
	for _, k := range order {
		f := FormFieldByKey(k)
		if f.Applies != nil && !f.Applies(v) {
			delete(v, k)
			continue
		}
		norm, msg, ch := ValidateField(k, v, env)
		if msg != "" {
			errs[k] = msg
			if len(ch) > 0 {
				choices[k] = ch
			}
			continue
		}
		if norm == "" {
			delete(v, k)
		} else {
			v[k] = norm
		}
	}
	if len(errs) == 0 {
		errs = nil
	}
	return v, errs, choices
}

// BuildStatement validates the values and returns the statement they
// describe (not yet stored: no id, state or submitter).
func BuildStatement(in map[string]string, env FormEnv) (*Statement, map[string]string, FieldErrors) {
	v, errs, _ := ValidateForm(in, env)
	if errs != nil {
		return nil, v, errs
	}
	s := &Statement{
		Direction:         Direction(v[FDirection]),
		Title:             v[FTitle],
		Purpose:           Purpose(v[FPurpose]),
		Body:              v[FBody],
		Attachments:       mustAttachments(v[FAttachments]),
		ResponseContacts:  validList(v[FResponse]),
		TechnicalContacts: validList(v[FTechnical]),
		ToContacts:        validList(v[FToContacts]),
		CC:                validList(v[FCC]),
		ActionHolders:     validList(v[FActions]),
		Identifiers:       v[FIdentifiers],
		PriorApproval:     v[FApproved] == "yes",
	}
	if s.Direction == Incoming {
		s.PriorApproval = false
	}
	if v[FDeadline] != "" {
		s.Deadline, _ = ParseDate(v[FDeadline])
	}
	if v[FRelated] != "" {
		s.Related, _ = ParseRef(v[FRelated])
	}
	if v[FSubmitted] != "" {
		d, _ := ParseDate(v[FSubmitted])
		s.Submitted = d.Time(time.UTC)
	}
	orgName := v[FOrg]
	if env.Dir != nil {
		if names := SplitGroups(orgName); len(names) > 0 {
			if r := env.Dir.ResolveOrg(names[0]); r.Org != nil {
				s.OrgID = r.Org.ID
			}
		}
	}
	if s.Direction == Outgoing {
		s.From, s.To = v[FGroup], orgName
	} else {
		s.From, s.To = orgName, v[FGroup]
	}
	return s, v, nil
}

// ReplyValues pre-fills a reply as the Datatracker does: the direction
// reversed (From and To swapped), purpose In Response, the related statement
// set, and the To contacts taken from the original's response contacts.
func ReplyValues(orig *Statement) map[string]string {
	v := map[string]string{
		FPurpose: string(PurposeResponse),
		FRelated: orig.Ref(),
		FTitle:   "Re: " + orig.Title,
	}
	if utf8.RuneCountInString(v[FTitle]) > MaxTitle {
		v[FTitle] = string([]rune(v[FTitle])[:MaxTitle])
	}
	if orig.Direction == Incoming {
		v[FDirection] = string(Outgoing)
		v[FOrg], v[FGroup] = orig.From, orig.To
	} else {
		v[FDirection] = string(Incoming)
		v[FOrg], v[FGroup] = orig.To, orig.From
	}
	if len(orig.ResponseContacts) > 0 {
		v[FToContacts] = orig.ResponseContacts.String()
	}
	return v
}

// InferDirection fills the direction, organization and group from inline
// from=/to= values when the direction was not given: the side that resolves
// to an organization is the organization.
func InferDirection(v map[string]string, from, to string, d *Directory) {
	first := func(s string) string {
		if gs := SplitGroups(s); len(gs) > 0 {
			return gs[0]
		}
		return ""
	}
	resolves := func(s string) bool {
		if s = first(s); s == "" || d == nil {
			return false
		}
		r := d.ResolveOrg(s)
		return r.Org != nil && !r.Guess
	}
	dir := v[FDirection]
	if dir == "" {
		switch {
		case to != "" && resolves(to) && !resolves(from):
			dir = string(Outgoing)
		case from != "" && resolves(from) && !resolves(to):
			dir = string(Incoming)
		case to != "" && from == "":
			dir = string(Outgoing)
		case from != "" && to == "":
			if _, isGroup := NormalizeGroup(first(from)); isGroup && !resolves(from) {
				dir = string(Outgoing)
			} else {
				dir = string(Incoming)
			}
		}
		if dir != "" {
			v[FDirection] = dir
		}
	}
	switch Direction(NormalizeKey(dir)) {
	case Outgoing:
		setIfEmpty(v, FGroup, from)
		setIfEmpty(v, FOrg, to)
	case Incoming:
		setIfEmpty(v, FOrg, from)
		setIfEmpty(v, FGroup, to)
	}
}

func setIfEmpty(v map[string]string, k, x string) {
	if x != "" && v[k] == "" {
		v[k] = x
	}
}

// Today is the calendar day of now in loc.
func Today(now time.Time, loc *time.Location) Date {
	if loc == nil {
		loc = time.UTC
	}
	return DateOf(now.In(loc))
}
