package bot

import "testing"

func ietfGroupsFixture() *IETFGroups {
	chair := func(n string) []RoleHolder { return []RoleHolder{{Name: n, Email: NormalizeKey(n) + "@example.org"}} }
	return &IETFGroups{List: []IETFGroup{
		{Acronym: "ietf", Name: "Internet Engineering Task Force", Type: "ietf", State: "active", Chairs: chair("Roman Danyliw")},
		{Acronym: "iesg", Name: "Internet Engineering Steering Group", Type: "iesg", State: "active"},
		{Acronym: "iab", Name: "Internet Architecture Board", Type: "iab", State: "active", Chairs: chair("Mallory Knodel")},
		{Acronym: "rtg", Name: "Routing Area", Type: "area", State: "active", ADs: chair("Jim Guichard")},
		{Acronym: "ops", Name: "Operations and Management Area", Type: "area", State: "active"},
		{Acronym: "ccamp", Name: "Common Control and Measurement Plane", Type: "wg", State: "active", Area: "rtg",
			Chairs: chair("Daniele Ceccarelli"), ADs: chair("Jim Guichard")},
		{Acronym: "mpls", Name: "Multiprotocol Label Switching", Type: "wg", State: "active", Area: "rtg"},
		{Acronym: "pwe3", Name: "Pseudowire Emulation Edge to Edge", Type: "wg", State: "conclude", Area: "rtg"},
		{Acronym: "opsawg", Name: "Operations and Management Area Working Group", Type: "wg", State: "active", Area: "ops"},
	}}
}

func TestIETFGroups_ResolveByAcronymNameWGAndArea(t *testing.T) {
	gs := ietfGroupsFixture()
	for in, want := range map[string]string{
		"ccamp": "ccamp", "CCAMP": "ccamp", "IETF CCAMP WG": "ccamp", "CCAMP WG": "ccamp", "ccamp working group": "ccamp",
		"Multiprotocol Label Switching": "mpls", "Pseudowire Emulation Edge to Edge": "pwe3",
		"Routing Area": "rtg", "rtg": "rtg", "Operations and Management Area Working Group": "opsawg", "opsawg WG": "opsawg",
		"IETF": "ietf", "iab": "iab", "IESG": "iesg",
	} {
		g, ok := gs.Resolve(in)
		if !ok || g.Acronym != want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", in, g.Acronym, ok, want)
		}
	}
	for _, in := range []string{"nosuchwg", "Switching", "IETF nosuch WG", ""} {
		if g, ok := gs.Resolve(in); ok {
			t.Errorf("Resolve(%q) = %q", in, g.Acronym)
		}
	}
	if g, _ := gs.Resolve("pwe3"); !g.Concluded() {
		t.Errorf("pwe3 is not concluded")
	}
	// Before the first sync: any acronym of the right shape.
	if g, ok := (&IETFGroups{}).Resolve("newwg"); !ok || g.Acronym != "newwg" {
		t.Errorf("unlisted: %+v %v", g, ok)
	}
	if g, ok := (*IETFGroups)(nil).Resolve("IAB"); !ok || g.Display() != "IAB" {
		t.Errorf("nil list, IAB: %+v %v", g, ok)
	}
}

func TestIETFGroups_ApprovalFollowsRFC4052(t *testing.T) {
	gs := ietfGroupsFixture()
	names := func(ps []Person) string {
		s := ""
		for _, p := range ps {
			s += p.Name + ";"
		}
		return s
	}
	tests := []struct{ group, approvers, copied, source string }{
		{"ccamp", "Daniele Ceccarelli;", "Jim Guichard;", "RFC 4052 §4: the chairs of ccamp, its Area Directors copied, from the Datatracker's roles"},
		{"rtg", "Jim Guichard;", "", "RFC 4052 §4: the Area Directors of rtg, from the Datatracker's roles"},
		{"IETF", "Roman Danyliw;", "", "RFC 4052 §4: the IETF Chair, from the Datatracker's roles"},
		{"IESG", "Roman Danyliw;", "", "RFC 4052 §4: the IETF Chair, from the Datatracker's roles"},
		{"IAB", "Mallory Knodel;", "", "RFC 4052 §4: the IAB Chair, from the Datatracker's roles"},
		{"ops", "", "", "RFC 4052 §4: the Area Directors of ops; none on record from the Datatracker"},
	}
	for _, tt := range tests {
		a := gs.Approval(tt.group)
		if names(a.Approvers) != tt.approvers || names(a.Copied) != tt.copied || a.Source != tt.source {
			t.Errorf("Approval(%s) = %q copied %q (%s)", tt.group, names(a.Approvers), names(a.Copied), a.Source)
		}
	}
}

func TestParseIETFGroups_ReadsTheOldAcronymList(t *testing.T) {
	gs, err := ParseIETFGroups(`["ccamp","opsawg"]`)
	if err != nil || len(gs.List) != 2 || gs.List[1].Acronym != "opsawg" || gs.List[1].Concluded() {
		t.Fatalf("%+v %v", gs, err)
	}
	if _, err := ParseIETFGroups(`{`); err == nil {
		t.Fatal("no error for broken JSON")
	}
}
