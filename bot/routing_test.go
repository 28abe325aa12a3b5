package bot

import (
	"strings"
	"testing"
)

func TestRouting_Table(t *testing.T) {
	coord := Coordinators{Email: "liaison-coordination@iab.org", People: []Person{{Name: "Suresh Krishnan"}, {Name: "Warren Kumari"}}}
	mgr := Person{Name: "Gonzalo Camarillo", Email: "gonzalo@example.org"}
	contact := Person{Name: "3GPP liaison", Email: "3GPPLiaison@etsi.org"}
	org := func(rel Relationship, managers, contacts []Person) *Organization {
		return &Organization{Acronym: "X", Relationship: rel, Managers: managers, Contacts: contacts, CC: []string{"x-cc@example.org"}}
	}
	type want struct {
		coordinators bool
		first        string // first contact's name
		reason       string
		cc           bool
	}
	cases := []struct {
		name string
		q    RouteQuery
		want want
	}{
		{"unknown org, outgoing", RouteQuery{Org: nil, Direction: Outgoing}, want{true, "IAB liaison coordinators", ReasonUnknownOrg, false}},
		{"unknown org, incoming", RouteQuery{Org: nil, Direction: Incoming}, want{true, "IAB liaison coordinators", ReasonUnknownOrg, false}},
		{"unknown org, incoming, first time", RouteQuery{Org: nil, Direction: Incoming, FirstTime: true}, want{true, "IAB liaison coordinators", ReasonUnknownOrg, false}},

		{"formal, manager known, outgoing", RouteQuery{Org: org(RelFormal, []Person{mgr}, nil), Direction: Outgoing}, want{false, mgr.Name, ReasonManager, true}},
		{"formal, manager known, outgoing, first time (ignored outgoing)", RouteQuery{Org: org(RelFormal, []Person{mgr}, nil), Direction: Outgoing, FirstTime: true}, want{false, mgr.Name, ReasonManager, true}},
		{"formal, no manager, outgoing", RouteQuery{Org: org(RelFormal, nil, nil), Direction: Outgoing}, want{true, "IAB liaison coordinators", ReasonNoManager, false}},
		{"informal, no manager, outgoing", RouteQuery{Org: org(RelInformal, nil, []Person{contact}), Direction: Outgoing}, want{true, "IAB liaison coordinators", ReasonNoFormal, false}},
		{"informal, manager, outgoing", RouteQuery{Org: org(RelInformal, []Person{mgr}, nil), Direction: Outgoing}, want{false, mgr.Name, ReasonManager, true}},
		{"none, manager, outgoing", RouteQuery{Org: org(RelNone, []Person{mgr}, nil), Direction: Outgoing}, want{true, "IAB liaison coordinators", ReasonNoFormal, false}},
		{"none, nobody, outgoing", RouteQuery{Org: org(RelNone, nil, nil), Direction: Outgoing}, want{true, "IAB liaison coordinators", ReasonNoFormal, false}},

		{"formal, contact known, incoming", RouteQuery{Org: org(RelFormal, []Person{mgr}, []Person{contact}), Direction: Incoming}, want{false, contact.Name, ReasonContact, true}},
		{"formal, contact unknown, manager known, incoming", RouteQuery{Org: org(RelFormal, []Person{mgr}, nil), Direction: Incoming}, want{false, mgr.Name, ReasonManagerOnSide, true}},
		{"formal, nobody known, incoming", RouteQuery{Org: org(RelFormal, nil, nil), Direction: Incoming}, want{true, "IAB liaison coordinators", ReasonNoContact, false}},
		{"formal, contact known, incoming, first time", RouteQuery{Org: org(RelFormal, []Person{mgr}, []Person{contact}), Direction: Incoming, FirstTime: true}, want{true, "IAB liaison coordinators", ReasonFirstTime, false}},
		{"formal, manager known, incoming, first time", RouteQuery{Org: org(RelFormal, []Person{mgr}, nil), Direction: Incoming, FirstTime: true}, want{true, "IAB liaison coordinators", ReasonFirstTime, false}},
		{"informal, contact known, incoming", RouteQuery{Org: org(RelInformal, nil, []Person{contact}), Direction: Incoming}, want{false, contact.Name, ReasonContact, true}},
		{"none, contact known, incoming", RouteQuery{Org: org(RelNone, nil, []Person{contact}), Direction: Incoming}, want{true, "IAB liaison coordinators", ReasonNoFormal, false}},
		{"none, nobody, incoming, first time", RouteQuery{Org: org(RelNone, nil, nil), Direction: Incoming, FirstTime: true}, want{true, "IAB liaison coordinators", ReasonFirstTime, false}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := Routing(tc.q, coord)
			if len(r.Contacts) == 0 {
				t.Fatal("route names nobody")
			}
			if r.Coordinators != tc.want.coordinators {
				t.Errorf("Coordinators = %v, want %v", r.Coordinators, tc.want.coordinators)
			}
			if got := r.Contacts[0].Label(); got != tc.want.first {
				t.Errorf("first contact = %q, want %q", got, tc.want.first)
			}
			if r.Reason != tc.want.reason {
				t.Errorf("reason = %q, want %q", r.Reason, tc.want.reason)
			}
			if tc.want.coordinators {
				if r.Contacts[0].Email != "liaison-coordination@iab.org" {
					t.Errorf("coordinators route without the coordinators' address: %+v", r.Contacts[0])
				}
				if len(r.Contacts) != 3 {
					t.Errorf("coordinators route lists %d contacts, want the list and 2 people", len(r.Contacts))
				}
			}
			hasCC := len(r.CC) > 0
			if hasCC != tc.want.cc {
				t.Errorf("CC = %v, want cc %v", r.CC, tc.want.cc)
			}
			if hasCC && (r.CC[0] != "liaison-coordination@iab.org" || !strings.Contains(strings.Join(r.CC, ","), "x-cc@example.org")) {
				t.Errorf("CC = %v, want the coordinators then the org's copy address", r.CC)
			}
		})
	}
}

func TestRouting_DefaultCoordinatorsAddress(t *testing.T) {
	r := Routing(RouteQuery{Direction: Outgoing}, Coordinators{})
	if !r.Coordinators || r.Contacts[0].Email != DefaultCoordinatorsEmail {
		t.Fatalf("empty coordinators: got %+v, want the default address", r)
	}
}

func TestRouting_SubgroupUsesCoveringManager(t *testing.T) {
	parent := &Organization{Acronym: "3GPP", Relationship: RelFormal, Managers: []Person{{Name: "Gonzalo Camarillo"}}}
	child := &Organization{Acronym: "3GPP SA2", Parent: "3GPP", Relationship: RelFormal}
	d := &Directory{Orgs: []*Organization{parent, child}}
	if d.ManagingOrg(child) != parent {
		t.Fatal("ManagingOrg does not climb to the parent")
	}
	r := Routing(RouteQuery{Org: child, Direction: Outgoing, Covering: d.ManagingOrg(child)}, Coordinators{})
	if r.Coordinators || r.Contacts[0].Name != "Gonzalo Camarillo" || !strings.Contains(r.Reason, "for 3GPP, which covers 3GPP SA2") {
		t.Fatalf("route = %+v", r)
	}
	// A loop of parents does not hang.
	a := &Organization{Acronym: "A", Parent: "B"}
	b := &Organization{Acronym: "B", Parent: "A"}
	if (&Directory{Orgs: []*Organization{a, b}}).ManagingOrg(a) != nil {
		t.Fatal("a parent loop found managers")
	}
}
