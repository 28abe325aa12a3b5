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
	KindURLs      FieldKind = "urls"
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
		{Key: FOrg, Label: "Organization", Kind: KindOrg, Required: true,
			Help: "The other organization: an acronym or a name (3GPP, ITU-T SG15, Broadband Forum)."},
		{Key: FGroup, Label: "IETF group", Kind: KindText, Required: true, MaxLen: 40,
			Help: "The IETF side: IETF, IAB, IESG, an area (ops) or a working group acronym (opsawg)."},
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
		{Key: FAttachments, Label: "Attachment URLs", Kind: KindURLs,
			Help: "Links to the documents (PDF, HTML or text preferred), comma- or newline-separated."},
		{Key: FResponse, Label: "Response contacts", Kind: KindEmails,
			Help: "Where a response should go: email addresses, comma- or newline-separated."},
		{Key: FTechnical, Label: "Technical contacts", Kind: KindEmails,
			Help: "Who can clarify the content: email addresses."},
		{Key: FToContacts, Label: "To contacts", Kind: KindEmails,
			Help: "The addressees' contacts: email addresses."},
		{Key: FCC, Label: "Cc", Kind: KindEmails,
			Help: "Further addresses to copy."},
		{Key: FIdentifiers, Label: "Other identifiers", Kind: KindText, MaxLen: MaxIdentifiers,
			Help: "The other body's reference numbers for this statement, if any."},
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
	"cc": FCC, "cc-contacts": FCC,
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
	// IETFGroup, if set, says whether an acronym is one of the IETF's
	// active groups (known) and whether the list is available at all
	// (listed: the directory sync fills it from the Datatracker).
	IETFGroup func(acronym string) (known, listed bool)
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
		if d := directionOf(val); d != "" {
			return string(d), "", nil
		}
		return "", "answer outgoing or incoming.", nil
	case FOrg:
		if env.Dir == nil {
			return val, "", nil
		}
		m := env.Dir.Matcher().Match(val)
		switch {
		case m.Org != nil:
			return m.Org.Acronym, "", nil
		case len(m.Candidates) > 0:
			var names []string
			for _, c := range m.Candidates {
				names = append(names, c.Org.Acronym)
				choices = append(choices, Choice{Value: c.Org.Acronym, Label: c.Org.Label()})
			}
			return "", fmt.Sprintf("“%s” could be %s. Which one?", shorten(val, 40), strings.Join(names, ", ")), choices
		}
		return "", fmt.Sprintf("no organization in the directory matches “%s”. Check the spelling (“orgs” lists them), or ask the IAB liaison coordinators to add it.", shorten(val, 40)), nil
	case FGroup:
		g, ok := NormalizeGroup(val)
		if !ok {
			return "", "give the IETF side as IETF, IAB, IESG, an area or a working group acronym (letters, digits and hyphens, like opsawg).", nil
		}
		if _, special := specialGroups[strings.ToLower(g)]; !special && env.IETFGroup != nil {
			if known, listed := env.IETFGroup(g); listed && !known {
				return "", fmt.Sprintf("“%s” is not an active IETF group in the Datatracker: check the acronym (a working group like opsawg, an area like ops, or IETF, IAB, IESG).", g), nil
			}
		}
		return g, "", nil
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
		if !env.Today.IsZero() && d.Before(env.Today) {
			return "", fmt.Sprintf("%s is in the past: a deadline must be today or later.", d), nil
		}
		if !env.Today.IsZero() && d.DaysUntil(env.Today) > 5*365 {
			return "", fmt.Sprintf("%s is more than five years away: check the year.", d), nil
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
		urls := SplitList(val)
		if len(urls) > MaxAttachments {
			return "", fmt.Sprintf("at most %d attachments.", MaxAttachments), nil
		}
		for _, u := range urls {
			if !validURL(u) {
				return "", fmt.Sprintf("“%s” is not an http(s) URL.", shorten(u, 60)), nil
			}
		}
		return strings.Join(urls, "\n"), "", nil
	case FResponse, FTechnical, FToContacts, FCC:
		addrs := SplitList(val)
		if len(addrs) > MaxAddresses {
			return "", fmt.Sprintf("at most %d addresses.", MaxAddresses), nil
		}
		for _, a := range addrs {
			if !ValidEmail(a) {
				return "", fmt.Sprintf("“%s” is not a valid email address (write plain addresses, comma- or newline-separated).", shorten(a, 60)), nil
			}
		}
		return strings.Join(addrs, ", "), "", nil
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
		Attachments:       SplitList(v[FAttachments]),
		ResponseContacts:  SplitList(v[FResponse]),
		TechnicalContacts: SplitList(v[FTechnical]),
		ToContacts:        SplitList(v[FToContacts]),
		CC:                SplitList(v[FCC]),
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
	var org *Organization
	if env.Dir != nil {
		org = env.Dir.OrgByAcronym(v[FOrg])
	}
	orgName := v[FOrg]
	if org != nil {
		s.OrgID = org.ID
		orgName = org.Acronym
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
		v[FToContacts] = strings.Join(orig.ResponseContacts, ", ")
	}
	return v
}

// InferDirection fills the direction, organization and group from inline
// from=/to= values when the direction was not given: the side that resolves
// to an organization is the organization.
func InferDirection(v map[string]string, from, to string, d *Directory) {
	resolves := func(s string) bool {
		if s == "" || d == nil {
			return false
		}
		m := d.Matcher().Match(s)
		return m.Org != nil && m.Exact
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
			if _, isGroup := NormalizeGroup(from); isGroup && !resolves(from) {
				dir = string(Outgoing)
			} else {
				dir = string(Incoming)
			}
		}
		if dir != "" {
			v[FDirection] = dir
		}
	}
	switch directionOf(dir) {
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

// directionOf reads a direction as people write it, and as the bot prints
// it: "out", "Outgoing (IETF → organization)" (the choice's label),
// "Outgoing: opsawg → 3GPP" (show's); "" when it is none.
func directionOf(val string) Direction {
	if i := strings.IndexAny(val, "(:"); i > 0 {
		val = val[:i]
	}
	switch NormalizeKey(val) {
	case "outgoing", "out", "o", "toanorganization":
		return Outgoing
	case "incoming", "in", "i":
		return Incoming
	}
	return ""
}
