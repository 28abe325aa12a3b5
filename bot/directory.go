package bot

import (
	"net/mail"
	"strings"
	"sync"
	"time"
)

// Relationship says what kind of liaison relationship the IETF has with an
// organization.
type Relationship string

// The kinds of relationship.
const (
	// Formal: the IAB has appointed an IETF liaison manager (RFC 4052).
	RelFormal Relationship = "formal"
	// Informal: the organizations work together without a formal liaison
	// (W3C, for example), or through another body (ISO via ISOC).
	RelInformal Relationship = "informal"
	// None: no relationship on record; statements are still possible.
	RelNone Relationship = "none"
)

// Valid reports whether r is one of the known relationships.
func (r Relationship) Valid() bool {
	return r == RelFormal || r == RelInformal || r == RelNone
}

// Role is what a person is in the directory.
type Role string

// The directory's roles.
const (
	// RoleManager: an IETF liaison manager for an organization.
	RoleManager Role = "manager"
	// RoleContact: the other organization's liaison contact point.
	RoleContact Role = "contact"
	// RoleCoordinator: an IAB liaison coordinator.
	RoleCoordinator Role = "coordinator"
	// RoleApprover: approves outgoing statements for an organization (in
	// addition to its managers and the coordinators).
	RoleApprover Role = "approver"
)

// Provenance says where a fact came from and when it was last confirmed.
type Provenance struct {
	Source string    // a URL, "Datatracker", "admin", or a document name
	AsOf   time.Time // when the source said it (zero: unknown)
	By     string    // who made an admin edit, if one did
}

// Person is somebody in the directory.
type Person struct {
	ID    int64
	Name  string
	Email string
	Title string // e.g. "3GPP CT chair", "Secretary General"
	Provenance
	Chat []ChatIdentity // chat accounts tied to this person
}

// Label is the person's name, falling back to the email address.
func (p Person) Label() string {
	if p.Name != "" {
		return p.Name
	}
	return p.Email
}

// ChatUser returns the person's user id on the platform, or "".
func (p Person) ChatUser(platform string) string {
	for _, c := range p.Chat {
		if c.Platform == platform {
			return c.UserID
		}
	}
	return ""
}

// ChatIdentity ties a chat account to a directory person.
type ChatIdentity struct {
	Platform string // "slack", "zulip", "console"
	UserID   string
}

// Organization is another standards body (or one of its groups) the IETF
// may exchange liaison statements with.
type Organization struct {
	ID            int64
	Acronym       string
	Name          string
	Aliases       []string
	Relationship  Relationship
	Reference     string   // e.g. "RFC 3113"
	URL           string   // the organization's or the relationship's page
	Notes         []string // facts worth telling whoever asks
	CC            []string // addresses that should be copied on statements
	Parent        string   // acronym of the parent organization, if any
	DatatrackerID int64    // the Datatracker's group id, 0 if unknown
	// InDatatracker is false for an entry the last Datatracker sync did not
	// find (hand-made entries); it is true when the sync knows the group.
	InDatatracker bool
	Managers      []Person // IETF liaison managers
	Contacts      []Person // the organization's own liaison contact points
	Approvers     []Person // extra approvers of outgoing statements
	Provenance
}

// Label is "Name (ACRONYM)", or whichever of the two is known.
func (o *Organization) Label() string {
	switch {
	case o.Name == "" || strings.EqualFold(o.Name, o.Acronym):
		return o.Acronym
	case o.Acronym == "":
		return o.Name
	}
	return o.Name + " (" + o.Acronym + ")"
}

// Coordinators are the IAB liaison coordinators: the primary contact for
// anything liaison, and the fallback when nobody else is on record.
type Coordinators struct {
	Email  string // liaison-coordination@iab.org
	People []Person
	Provenance
}

// Directory is a consistent snapshot of everything the bot knows about
// organizations and the people behind them.
type Directory struct {
	Orgs            []*Organization
	Coordinators    Coordinators
	ManagersEmail   string // liaison-managers@iab.org: all liaison managers
	StatementsEmail string // statements@ietf.org: the intake for statements
	Version         int64  // changes whenever the stored directory changes
	// Linked holds every person tied to a chat account, keyed by
	// "platform:user" (see Actor.Key).
	Linked map[string]*Person

	matcherOnce sync.Once
	matcher     *Matcher
	emailOnce   sync.Once
	byEmail     map[string]*Person
}

// PersonWithEmail returns the directory person with the email (a manager,
// contact, approver, coordinator or linked chat user), or nil.
func (d *Directory) PersonWithEmail(email string) *Person {
	d.emailOnce.Do(func() {
		d.byEmail = map[string]*Person{}
		add := func(p *Person) {
			if k := EmailKey(p.Email); k != "" && d.byEmail[k] == nil {
				d.byEmail[k] = p
			}
		}
		for _, p := range d.Linked {
			add(p)
		}
		for i := range d.Coordinators.People {
			add(&d.Coordinators.People[i])
		}
		for _, o := range d.Orgs {
			for _, set := range [][]Person{o.Managers, o.Contacts, o.Approvers} {
				for i := range set {
					add(&set[i])
				}
			}
		}
	})
	return d.byEmail[EmailKey(email)]
}

// Default addresses, from the IETF's liaison page.
const (
	DefaultCoordinatorsEmail = "liaison-coordination@iab.org"
	DefaultManagersEmail     = "liaison-managers@iab.org"
	DefaultStatementsEmail   = "statements@ietf.org"
)

// Matcher returns the directory's organization matcher, building it once.
// A Directory must not be changed after its first call.
func (d *Directory) Matcher() *Matcher {
	d.matcherOnce.Do(func() { d.matcher = NewMatcher(d.Orgs) })
	return d.matcher
}

// LinkedPerson returns the person tied to the chat user, or nil.
func (d *Directory) LinkedPerson(platform, userID string) *Person {
	return d.Linked[platform+":"+userID]
}

// Org returns the organization with the id, or nil.
func (d *Directory) Org(id int64) *Organization {
	for _, o := range d.Orgs {
		if o.ID == id {
			return o
		}
	}
	return nil
}

// OrgByAcronym returns the organization with that acronym (case-insensitive),
// or nil.
func (d *Directory) OrgByAcronym(acronym string) *Organization {
	for _, o := range d.Orgs {
		if strings.EqualFold(o.Acronym, acronym) {
			return o
		}
	}
	return nil
}

// ManagingOrg returns the organization whose IETF liaison managers cover o:
// o itself when it has managers, else its nearest ancestor that has some
// (a 3GPP working group is covered by 3GPP's manager), else nil.
func (d *Directory) ManagingOrg(o *Organization) *Organization {
	for i := 0; o != nil && i < 10; i++ {
		if len(o.Managers) > 0 {
			return o
		}
		if o.Parent == "" || d == nil {
			return nil
		}
		o = d.OrgByAcronym(o.Parent)
	}
	return nil
}

// CoveringRule states, for the answers that name managers ("orgs",
// "contact"), the one rule ManagingOrg applies.
const CoveringRule = "an organization without IETF liaison managers of its own is covered by those of its nearest parent organization that has some"

// Managers returns the IETF liaison managers who cover o (its own, or its
// nearest ancestor's).
func (d *Directory) Managers(o *Organization) []Person {
	if m := d.ManagingOrg(o); m != nil {
		return m.Managers
	}
	return nil
}

// IsCoordinator reports whether the email belongs to an IAB liaison coordinator.
func (d *Directory) IsCoordinator(email string) bool {
	if email == "" {
		return false
	}
	for _, p := range d.Coordinators.People {
		if SameEmail(p.Email, email) {
			return true
		}
	}
	return false
}

// IsManager reports whether the email belongs to an IETF liaison manager
// for any organization.
func (d *Directory) IsManager(email string) bool {
	for _, o := range d.Orgs {
		if hasEmail(o.Managers, email) {
			return true
		}
	}
	return false
}

// CoordinatorsAsPerson is the coordinators' list address as a Person, for
// places that need "somebody" to name.
func (d *Directory) CoordinatorsAsPerson() Person {
	email := d.Coordinators.Email
	if email == "" {
		email = DefaultCoordinatorsEmail
	}
	return Person{Name: "IAB liaison coordinators", Email: email, Provenance: d.Coordinators.Provenance}
}

// ValidEmail reports whether s is a single bare email address such as
// "name@example.org" (no display name, no angle brackets).
func ValidEmail(s string) bool {
	if s == "" || len(s) > 254 || strings.ContainsAny(s, " \t\r\n<>,;\"") {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && strings.Contains(s[at+1:], ".")
}

// Clean removes the Invisible characters from every text of the directory:
// organization acronyms, names, aliases and notes, people's names, titles
// and addresses, and where each fact comes from. The directory import, the
// admin commands and the Datatracker sync all store through it.
func (d *Directory) Clean() {
	for _, p := range []*string{&d.ManagersEmail, &d.StatementsEmail, &d.Coordinators.Email} {
		*p = StripInvisible(*p)
	}
	cleanProvenance(&d.Coordinators.Provenance)
	cleanPeople(d.Coordinators.People)
	for _, o := range d.Orgs {
		for _, p := range []*string{&o.Acronym, &o.Name, &o.Reference, &o.URL, &o.Parent} {
			*p = StripInvisible(*p)
		}
		stripAll(o.Aliases)
		stripAll(o.Notes)
		stripAll(o.CC)
		cleanProvenance(&o.Provenance)
		cleanPeople(o.Managers)
		cleanPeople(o.Contacts)
		cleanPeople(o.Approvers)
	}
}

func cleanPeople(ps []Person) {
	for i := range ps {
		p := &ps[i]
		p.Name, p.Email, p.Title = StripInvisible(p.Name), StripInvisible(p.Email), StripInvisible(p.Title)
		cleanProvenance(&p.Provenance)
	}
}

func cleanProvenance(p *Provenance) {
	p.Source, p.By = StripInvisible(p.Source), StripInvisible(p.By)
}
