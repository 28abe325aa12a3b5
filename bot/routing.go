package bot

// Direction says which way a liaison statement travels.
type Direction string

// The two directions.
const (
	// Outgoing: from an IETF group to another organization.
	Outgoing Direction = "outgoing"
	// Incoming: from another organization to an IETF group.
	Incoming Direction = "incoming"
)

// Valid reports whether d is a known direction.
func (d Direction) Valid() bool { return d == Outgoing || d == Incoming }

// Why a route ends where it does. The words are shown to users.
const (
	ReasonManager       = "the IETF liaison manager for this organization"
	ReasonContact       = "the organization's own liaison contact point"
	ReasonNoManager     = "no IETF liaison manager is on record for this organization"
	ReasonNoContact     = "the organization's liaison contact point is not on record"
	ReasonNoFormal      = "the IETF has no formal liaison relationship with this organization"
	ReasonUnknownOrg    = "this organization is not in the directory"
	ReasonFirstTime     = "first-time senders should talk to the coordinators before sending"
	ReasonCoordinators  = "the IAB liaison coordinators are the primary contact for liaison matters"
	ReasonManagerOnSide = "the organization's contact point is not on record, so ask the IETF liaison manager"
)

// Route is the answer to "whom do I contact?" for one direction.
type Route struct {
	Direction Direction
	// Contacts are the people to contact, in order. When Coordinators is
	// true they are the coordinators' list (and the coordinators by name).
	Contacts []Person
	// Coordinators is true when the route ends at the IAB liaison
	// coordinators (liaison-coordination@iab.org).
	Coordinators bool
	// Reason says, for the user, why the route ends here.
	Reason string
	// CC lists addresses to copy (the coordinators whenever a manager is
	// the contact, plus the organization's own copy addresses).
	CC []string
}

// RouteQuery is what the routing rules need to know.
type RouteQuery struct {
	Org       *Organization // nil: the organization is not in the directory
	Direction Direction
	// FirstTime is true when the sender has not sent liaison statements to
	// the IETF before (only meaningful for incoming statements).
	FirstTime bool
	// Covering is the ancestor whose managers cover Org when Org has none of
	// its own (see Directory.ManagingOrg), or nil.
	Covering *Organization
}

// Routing applies the published procedure (RFC 4052, RFC 4053 and the IETF
// liaison page) to find whom to contact:
//
//   - Outgoing: the organization's IETF liaison manager(s); if none is
//     assigned, or there is no formal relationship, the IAB liaison
//     coordinators.
//   - Incoming: the liaison-management contact in the other organization;
//     if unknown, the IETF liaison manager for that organization, else the
//     coordinators.
//   - Anyone sending to the IETF for the first time, and anyone dealing with
//     an organization the IETF has no formal relationship with, goes to the
//     coordinators first.
//
// The result is never empty: the coordinators are always somebody.
func Routing(q RouteQuery, c Coordinators) Route {
	r := Route{Direction: q.Direction}
	coord := func(reason string) Route {
		r.Coordinators = true
		r.Reason = reason
		email := c.Email
		if email == "" {
			email = DefaultCoordinatorsEmail
		}
		r.Contacts = []Person{{Name: "IAB liaison coordinators", Email: email, Provenance: c.Provenance}}
		r.Contacts = append(r.Contacts, c.People...)
		r.CC = nil
		return r
	}
	org := q.Org
	switch {
	case org == nil:
		return coord(ReasonUnknownOrg)
	case q.Direction == Incoming && q.FirstTime:
		return coord(ReasonFirstTime)
	case org.Relationship == RelNone:
		return coord(ReasonNoFormal)
	}
	ccCoordinators := func() {
		email := c.Email
		if email == "" {
			email = DefaultCoordinatorsEmail
		}
		r.CC = appendUnique(append([]string{email}, org.CC...))
	}
	managers, reason := org.Managers, ReasonManager
	if len(managers) == 0 && q.Covering != nil && q.Covering != org {
		managers = q.Covering.Managers
		reason = "the IETF liaison manager for " + q.Covering.Acronym + ", which covers " + org.Acronym
	}
	switch q.Direction {
	case Outgoing:
		if len(managers) == 0 {
			if org.Relationship != RelFormal {
				return coord(ReasonNoFormal)
			}
			return coord(ReasonNoManager)
		}
		r.Contacts = append([]Person(nil), managers...)
		r.Reason = reason
		ccCoordinators()
		return r
	default: // Incoming
		if len(org.Contacts) > 0 {
			r.Contacts = append([]Person(nil), org.Contacts...)
			r.Reason = ReasonContact
			ccCoordinators()
			return r
		}
		if len(managers) > 0 {
			r.Contacts = append([]Person(nil), managers...)
			r.Reason = ReasonManagerOnSide
			ccCoordinators()
			return r
		}
		return coord(ReasonNoContact)
	}
}

func appendUnique(in []string) []string {
	out := in[:0]
	seen := make(map[string]bool, len(in))
	for _, s := range in {
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}
