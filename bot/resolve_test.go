package bot

import "testing"

// resolveDir is the bundled directory's shape for the bodies the
// Datatracker names most: 3GPP and its TSGs and WGs, ITU-T and some study
// groups, IEEE 802.1, the Broadband Forum.
func resolveDir() *Directory {
	org := func(id int64, acr, name, parent string, aliases ...string) *Organization {
		return &Organization{ID: id, Acronym: acr, Name: name, Parent: parent, Aliases: aliases, Relationship: RelFormal}
	}
	return &Directory{Orgs: []*Organization{
		org(1, "3GPP", "3rd Generation Partnership Project", ""),
		org(2, "3GPP SA", "3GPP TSG SA (Service and System Aspects)", "3GPP", "TSG SA"),
		org(3, "3GPP SA3", "3GPP TSG SA WG3", "3GPP SA", "SA3"),
		org(4, "3GPP CT", "3GPP TSG CT (Core Network and Terminals)", "3GPP", "TSG CT"),
		org(5, "3GPP CT4", "3GPP TSG CT WG4", "3GPP CT", "CT4"),
		org(6, "ITU", "International Telecommunication Union", ""),
		org(7, "ITU-T", "ITU Telecommunication Standardization Sector", "ITU", "CCITT"),
		org(8, "ITU-T SG15", "ITU-T Study Group 15", "ITU-T", "SG15"),
		org(9, "ITU-R", "ITU Radiocommunication Sector", "ITU"),
		org(10, "IEEE", "Institute of Electrical and Electronics Engineers", ""),
		org(11, "IEEE 802", "IEEE 802 LAN/MAN Standards Committee", "IEEE", "802"),
		org(12, "IEEE 802.1", "IEEE 802.1 Working Group", "IEEE 802", "802.1"),
		org(13, "BBF", "Broadband Forum", "", "DSL Forum"),
		org(14, "ISO/IEC JTC 1", "ISO/IEC Joint Technical Committee 1", "", "JTC1"),
	}}
}

func TestResolveOrg_DatatrackerAndWrittenNames(t *testing.T) {
	d := resolveDir()
	tests := []struct {
		in, org, group string
		sub            bool
	}{
		{"3GPP-TSG-SA-WG3", "3GPP SA3", "3GPP SA3", false},
		{"3gpp-tsgsa-sa3", "3GPP SA3", "3GPP SA3", false},
		{"3GPP-TSGCT-CT4", "3GPP CT4", "3GPP CT4", false},
		{"3GPP-TSG-SA", "3GPP SA", "3GPP SA", false},
		{"3GPP TSG SA", "3GPP SA", "3GPP SA", false},
		{"3gpp-tsgsa", "3GPP SA", "3GPP SA", false},
		{"ITU-T-SG-15", "ITU-T SG15", "ITU-T SG15", false},
		{"ITU-T-SG-5", "ITU-T", "ITU-T SG5", true},
		{"ITU-T-FG-IMT-2020", "ITU-T", "ITU-T FG-IMT-2020", true},
		{"itu-t-sg-15-q6", "ITU-T SG15", "ITU-T SG15 Q6", true},
		{"ITU-T SG15 Question 6", "ITU-T SG15", "ITU-T SG15 Question 6", true},
		{"ITU-T Study Group 15 (Q14/15)", "ITU-T SG15", "ITU-T Study Group 15 (Q14/15)", true},
		{"ITU-T Study Group 15", "ITU-T SG15", "ITU-T SG15", false},
		{"IEEE-802-1", "IEEE 802.1", "IEEE 802.1", false},
		{"IEEE 802.15", "IEEE 802", "IEEE 802.15", true},
		{"BROADBAND-FORUM", "BBF", "BBF", false},
		{"ITU-R WP5D", "ITU-R", "ITU-R WP5D", true},
		{"ISO/IEC JTC 1/SC 42", "ISO/IEC JTC 1", "ISO/IEC JTC 1/SC 42", true},
		{"3gp", "3GPP", "3GPP", false}, // a typo: the matcher's guess
	}
	for _, tt := range tests {
		r := d.ResolveOrg(tt.in)
		if r.Org == nil {
			t.Errorf("ResolveOrg(%q): no organization (candidates %v)", tt.in, r.Candidates)
			continue
		}
		if r.Org.Acronym != tt.org || r.Group != tt.group || r.SubBody != tt.sub {
			t.Errorf("ResolveOrg(%q) = %s, %q, sub-body %v; want %s, %q, %v", tt.in, r.Org.Acronym, r.Group, r.SubBody, tt.org, tt.group, tt.sub)
		}
	}
}

func TestResolveOrg_UnknownAndAmbiguous(t *testing.T) {
	d := resolveDir()
	if r := d.ResolveOrg("Zorblax Consortium"); r.Org != nil {
		t.Errorf("an unknown name resolved to %s", r.Org.Acronym)
	}
	if r := d.ResolveOrg(""); r.Org != nil || r.Group != "" {
		t.Errorf("empty resolved to %+v", r)
	}
}
