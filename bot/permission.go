package bot

import (
	"fmt"
	"strings"
	"time"
)

// Who may do what. Every permission rule of the bot is here: the commands
// ask, and show the refusal these return (EFORBIDDEN, naming who can).

// Authority is why an actor may act on statements with an organization.
type Authority string

// The authorities, strongest first.
const (
	AuthNone        Authority = ""
	AuthAdmin       Authority = "admin"       // listed in LIAISONBOT_ADMINS
	AuthCoordinator Authority = "coordinator" // an IAB liaison coordinator
	AuthManager     Authority = "manager"     // an IETF liaison manager of the organization (or of its parent)
	AuthApprover    Authority = "approver"    // an extra approver of the organization's outgoing statements
)

// Oversees reports whether the authority reaches every organization: an
// admin's or a coordinator's.
func (au Authority) Oversees() bool { return au == AuthAdmin || au == AuthCoordinator }

// hasEmail reports whether one of the people has the email.
func hasEmail(ps []Person, email string) bool {
	if email == "" {
		return false
	}
	for _, p := range ps {
		if SameEmail(p.Email, email) {
			return true
		}
	}
	return false
}

// AuthorityOf says why the actor may act on statements with org (nil: on
// none in particular), or AuthNone.
func AuthorityOf(a Actor, org *Organization, d *Directory) Authority {
	email := a.EmailAddress()
	// Only a directory person counts: an unverified platform email does
	// not grant rights.
	if a.Person == nil {
		email = ""
	}
	switch {
	case a.Admin:
		return AuthAdmin
	case d != nil && d.IsCoordinator(email):
		return AuthCoordinator
	case org != nil && hasEmail(org.Managers, email):
		return AuthManager
	case org != nil && d != nil && hasEmail(d.Managers(org), email):
		return AuthManager
	case org != nil && hasEmail(org.Approvers, email):
		return AuthApprover
	}
	return AuthNone
}

// IsSubmitter reports whether the actor submitted the statement.
func IsSubmitter(a Actor, s *Statement) bool {
	if s.SubmitterKey != "" && s.SubmitterKey == a.Key() {
		return true
	}
	e := ""
	if a.Person != nil {
		e = a.Person.Email
	}
	return SameEmail(e, s.SubmitterEmail)
}

// RecordsIncoming reports whether the actor's word is enough to record an
// incoming statement from org as posted: an admin, an IAB liaison
// coordinator, an IETF liaison manager for org, or one of org's liaison
// contacts (or its parent organization's). Anyone else's incoming
// statement waits, pending, until one of them approves it.
func RecordsIncoming(a Actor, org *Organization, d *Directory) bool {
	switch AuthorityOf(a, org, d) {
	case AuthAdmin, AuthCoordinator, AuthManager:
		return true
	}
	if a.Person == nil {
		return false
	}
	for _, o := range lineage(org, d) {
		if hasEmail(o.Contacts, a.Person.Email) {
			return true
		}
	}
	return false
}

// lineage is org and its ancestors, nearest first.
func lineage(org *Organization, d *Directory) []*Organization {
	var out []*Organization
	for o := org; o != nil && len(out) < 10; {
		out = append(out, o)
		if o.Parent == "" || d == nil {
			break
		}
		o = d.OrgByAcronym(o.Parent)
	}
	return out
}

// WhoRecords names who may record an incoming statement from org (see
// RecordsIncoming): "the liaison manager for 3GPP (Gonzalo Camarillo), a
// liaison contact of 3GPP, the IAB liaison coordinators or an admin".
func WhoRecords(org *Organization, d *Directory) string {
	var parts []string
	if mo := d.ManagingOrg(org); mo != nil {
		parts = append(parts, managersPhrase(mo))
	}
	for _, o := range lineage(org, d) {
		if len(o.Contacts) > 0 {
			parts = append(parts, "a liaison contact of "+o.Acronym)
			break
		}
	}
	parts = append(parts, "the IAB liaison coordinators")
	return strings.Join(parts, ", ") + " or an admin"
}

// Recorders are the people whose word records an incoming statement from
// org (see RecordsIncoming), as WhoRecords names them: the IETF liaison
// managers covering org, the liaison contacts of org (or of its nearest
// ancestor that has some), and the IAB liaison coordinators. It is never
// empty.
func Recorders(org *Organization, d *Directory) []Person {
	var out []Person
	add := func(ps ...Person) {
		for _, p := range ps {
			if p.Email != "" && hasEmail(out, p.Email) {
				continue
			}
			out = append(out, p)
		}
	}
	if org != nil {
		add(d.Managers(org)...)
		for _, o := range lineage(org, d) {
			if len(o.Contacts) > 0 {
				add(o.Contacts...)
				break
			}
		}
	}
	add(d.CoordinatorsAsPerson())
	return out
}

// MayMove checks the permission rules: the organization's liaison managers
// (and approvers), the IAB liaison coordinators and configured admins may
// approve, post, kill, reopen and mark taken; the submitter may kill
// (withdraw) their own pending statement. A pending incoming statement is
// approved (recorded as posted) only by those whose word records one (see
// RecordsIncoming). The error says who can.
//
// groupApprovers are who RFC 4052 §4 has approve an outgoing statement
// from its IETF group (IETFGroups.Approval): they may approve and post it
// too.
func MayMove(a Actor, s *Statement, org *Organization, d *Directory, m Move, groupApprovers ...Person) error {
	if s.Direction == Outgoing && (m == MoveApprove || m == MovePost) && a.Person != nil && hasEmail(groupApprovers, a.Person.Email) {
		return nil
	}
	if s.Direction == Incoming && s.State == StatePending && (m == MoveApprove || m == MovePost) {
		if RecordsIncoming(a, org, d) {
			return nil
		}
		return forbidden(a, fmt.Sprintf("Only %s can approve %s, an incoming statement waiting to be recorded.", WhoRecords(org, d), s.Ref()))
	}
	if AuthorityOf(a, org, d) != AuthNone {
		return nil
	}
	if m == MoveKill && s.State == StatePending && IsSubmitter(a, s) {
		return nil
	}
	who := WhoMay(org, d)
	if m == MoveKill && s.State == StatePending {
		who += " (or its submitter, to withdraw it)"
	}
	return forbidden(a, fmt.Sprintf("Only %s can %s %s.", who, m, s.Ref()))
}

// MayClaimPriorApproval checks who may say that an outgoing statement to
// org was approved before it was submitted (approved=yes): only those who
// may approve it.
func MayClaimPriorApproval(a Actor, to string, org *Organization, d *Directory) error {
	if AuthorityOf(a, org, d) != AuthNone {
		return nil
	}
	return forbidden(a, fmt.Sprintf("Only %s can say that a statement to %s was approved before it was submitted (approved=yes). "+
		"Submit it without that: it then waits for their approval.", WhoMay(org, d), to))
}

// MayBackDate checks who may record a statement with org as submitted
// on an earlier day (submitted=YYYY-MM-DD): the organization's liaison
// managers (or its parent's), the IAB liaison coordinators and admins.
func MayBackDate(a Actor, org *Organization, d *Directory) error {
	switch AuthorityOf(a, org, d) {
	case AuthAdmin, AuthCoordinator, AuthManager:
		return nil
	}
	return forbidden(a, fmt.Sprintf("Only %s can back-date a record (submitted=). Leave it out: the statement is then recorded as submitted today.", WhoMay(org, d)))
}

// forbidden is an EFORBIDDEN refusal with msg, telling an actor who is not
// tied to a directory person how to fix that.
func forbidden(a Actor, msg string) error {
	if a.Person == nil {
		msg += " Your chat account is not tied to a directory person: “link me <your email>” does it."
	}
	return Errorf(EFORBIDDEN, "%s", msg)
}

// WhoMay names who may move statements with org: "the liaison managers for
// 3GPP (Gonzalo Camarillo), the IAB liaison coordinators or an admin".
func WhoMay(org *Organization, d *Directory) string {
	var parts []string
	if mo := d.ManagingOrg(org); mo != nil {
		parts = append(parts, managersPhrase(mo))
	}
	parts = append(parts, "the IAB liaison coordinators")
	return strings.Join(parts, ", ") + " or an admin"
}

// managersPhrase is "the liaison manager for 3GPP (Gonzalo Camarillo)".
func managersPhrase(mo *Organization) string {
	names := make([]string, len(mo.Managers))
	for i, p := range mo.Managers {
		names[i] = p.Label()
	}
	return fmt.Sprintf("the liaison manager for %s (%s)", mo.Acronym, strings.Join(names, ", "))
}

// MaySnooze checks who may pause a statement's automatic reminders: the
// people responsible for it, those with authority over its organization,
// the coordinators and admins.
func MaySnooze(a Actor, s *Statement, org *Organization, d *Directory) error {
	if AuthorityOf(a, org, d) != AuthNone {
		return nil
	}
	if a.Person != nil && hasEmail(Responsible(s, org, d), a.Person.Email) {
		return nil
	}
	return Errorf(EFORBIDDEN, "Only the people responsible for %s, %s can snooze its reminders.", s.Ref(), WhoMay(org, d))
}

// NudgeEvery is how often one statement may be nudged by anyone without
// an overseeing authority (admins and coordinators are not limited): it
// spares busy people.
const NudgeEvery = 24 * time.Hour

// MayNudge is the nudge rate limit: it refuses (ELIMIT) when history shows
// a nudge of s less than NudgeEvery before now, unless the actor is an
// admin or a coordinator.
func MayNudge(a Actor, s *Statement, org *Organization, d *Directory, history []Event, now time.Time) error {
	if AuthorityOf(a, org, d).Oversees() {
		return nil
	}
	for i := len(history) - 1; i >= 0; i-- {
		e := history[i]
		if e.Type == EventNudged && now.Sub(e.Time) < NudgeEvery {
			next := e.Time.Add(NudgeEvery)
			return Errorf(ELIMIT, "%s was nudged by %s %s ago. To spare busy people, a statement can be nudged once a day; try again after %s, or ask the IAB liaison coordinators.",
				s.Ref(), e.By, Roughly(now.Sub(e.Time)), next.UTC().Format("2006-01-02 15:04 UTC"))
		}
	}
	return nil
}

// Roughly is a duration as people say it: "moments", "20 minutes", "3
// hours".
func Roughly(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "moments"
	case d < time.Hour:
		return plural(int(d.Minutes()), "minute")
	}
	return plural(int(d.Hours()), "hour")
}

// MaySubscribe checks who may change what a channel is notified about
// (subscribe, unsubscribe): admins, the IAB liaison coordinators and the
// IETF liaison managers. Anyone may see what a channel gets.
func MaySubscribe(a Actor, d *Directory) error {
	if AuthorityOf(a, nil, d).Oversees() {
		return nil
	}
	if a.Person != nil && d != nil && d.IsManager(a.Person.Email) {
		return nil
	}
	return forbidden(a, "Only an admin, the IAB liaison coordinators or an IETF liaison manager can change what this channel is notified about; “subscriptions” shows what it gets.")
}

// MayEditDirectory lets configured admins and the IAB liaison coordinators
// edit the directory, and tells anyone else who may.
func MayEditDirectory(a Actor, d *Directory) error {
	if AuthorityOf(a, nil, d).Oversees() {
		return nil
	}
	var names []string
	for _, p := range d.Coordinators.People {
		names = append(names, p.Label())
	}
	who := "the IAB liaison coordinators"
	if len(names) > 0 {
		who += " (" + strings.Join(names, ", ") + ")"
	}
	msg := fmt.Sprintf("Only %s or an admin can change the directory; write to %s with the correction.", who, d.CoordinatorsAsPerson().Email)
	if a.Person == nil {
		msg += " If you are a coordinator, your chat account is not tied to your directory entry yet: “link me <your email>” does it."
	}
	return Errorf(EFORBIDDEN, "%s", msg)
}

// MayLink checks who may tie a chat user to an email address: an admin
// anyone to any address; anyone else only themselves (self), and only to
// the address their platform vouches for (a.Email).
func MayLink(a Actor, self bool, addr string) error {
	switch {
	case a.Admin:
		return nil
	case !self:
		return Errorf(EFORBIDDEN, "Only an admin can link another user. To link yourself: “link me <your email>”.")
	case a.Email == "":
		return Errorf(EFORBIDDEN, "Your chat platform does not tell me your email address, so I cannot check that %s is yours: ask an admin to link you.", addr)
	case !SameEmail(a.Email, addr):
		return Errorf(EFORBIDDEN, "You can link yourself only to the address your chat platform reports for you (%s); ask an admin to link you to %s.", a.Email, addr)
	}
	return nil
}

// MineOrgs are the organizations whose statements are "mine" for the
// actor ("list mine"): those they manage or approve for, and, for
// coordinators, those nobody else manages.
func MineOrgs(a Actor, d *Directory) []int64 {
	var out []int64
	coordinator := a.Person != nil && d.IsCoordinator(a.Person.Email)
	for _, o := range d.Orgs {
		switch auth := AuthorityOf(Actor{Person: a.Person}, o, d); {
		case auth == AuthManager || auth == AuthApprover:
			out = append(out, o.ID)
		case coordinator && len(o.Managers) == 0:
			out = append(out, o.ID)
		}
	}
	return out
}
