package datatracker

import (
	"reflect"
	"testing"
	"time"
)

// statement2106 is the constructed example of datatracker-api.md §5, with
// the placeholder group ids filled in.
const statement2106 = `{"action_holder_contacts": "Scott Mansfield <Scott.Mansfield@Ericsson.com>",
 "attachments": ["/api/v1/doc/document/liaison-2026-01-30-itu-t-sg-17-iab-iesg-ls-on-the-progress-of-the-correspondence-group-on-sg17-strategy-for-ai-security-in-attachment-1/"],
 "body": "ITU-T Study Group 17 (SG17) is pleased to inform IETF IAB and IESG that …",
 "cc_contacts": "The IESG <iesg@ietf.org>\r\nThe IETF Chair <chair@ietf.org>\r\n…",
 "deadline": "2026-03-09",
 "from_contact": "tsbsg17@itu.int",
 "from_groups": ["/api/v1/group/group/76/"],
 "id": 2106, "other_identifiers": null,
 "purpose": "/api/v1/name/liaisonstatementpurposename/action/",
 "resource_uri": "/api/v1/liaisons/liaisonstatement/2106/",
 "response_contacts": "arnaud.taddei@broadcom.com; jiaxw9@chinaunicom.cn; …",
 "state": "/api/v1/name/liaisonstatementstate/posted/",
 "tags": ["/api/v1/name/liaisonstatementtagname/taken/"],
 "technical_contacts": "arnaud.taddei@broadcom.com",
 "title": "LS on the progress of the Correspondence Group on SG17 Strategy for AI Security in Telecommunications/ICTs (CG-AISEC-STRAT)",
 "to_contacts": "The IESG <iesg@ietf.org>, The IAB Chair <iab-chair@iab.org>",
 "to_groups": ["/api/v1/group/group/7/", "/api/v1/group/group/2/"]}`

func TestDecodeStatement_DocExample(t *testing.T) {
	s, id, err := decodeStatement([]byte(statement2106))
	if err != nil {
		t.Fatal(err)
	}
	want := Statement{
		ID:                   2106,
		Title:                "LS on the progress of the Correspondence Group on SG17 Strategy for AI Security in Telecommunications/ICTs (CG-AISEC-STRAT)",
		FromGroups:           []int64{76},
		FromContact:          Address{Email: "tsbsg17@itu.int"},
		FromContactRaw:       "tsbsg17@itu.int",
		ToGroups:             []int64{7, 2},
		ToContacts:           "The IESG <iesg@ietf.org>, The IAB Chair <iab-chair@iab.org>",
		ResponseContacts:     "arnaud.taddei@broadcom.com; jiaxw9@chinaunicom.cn; …",
		TechnicalContacts:    "arnaud.taddei@broadcom.com",
		ActionHolderContacts: "Scott Mansfield <Scott.Mansfield@Ericsson.com>",
		CCContacts:           "The IESG <iesg@ietf.org>\r\nThe IETF Chair <chair@ietf.org>\r\n…",
		Purpose:              "action",
		Deadline:             &Date{2026, time.March, 9},
		Body:                 "ITU-T Study Group 17 (SG17) is pleased to inform IETF IAB and IESG that …",
		Tags:                 []string{"taken"},
		Attachments:          []string{"liaison-2026-01-30-itu-t-sg-17-iab-iesg-ls-on-the-progress-of-the-correspondence-group-on-sg17-strategy-for-ai-security-in-attachment-1"},
		State:                "posted",
		ResourceURI:          "/api/v1/liaisons/liaisonstatement/2106/",
	}
	if id != 2106 || !reflect.DeepEqual(s, want) {
		t.Errorf("decoded\n %#v\nwant\n %#v", s, want)
	}
	if !s.HasTag(TagActionTaken) || s.HasTag(TagActionRequired) {
		t.Errorf("HasTag wrong for %v", s.Tags)
	}
}

func TestDecodeFromContact(t *testing.T) {
	tests := []struct {
		raw     string
		want    Address
		wantRaw string
		wantErr bool
	}{
		{`null`, Address{}, "", false},
		{`"/api/v1/person/email/csp@csperkins.org/"`, Address{Email: "csp@csperkins.org"}, "/api/v1/person/email/csp@csperkins.org/", false},
		{`"https://datatracker.ietf.org/api/v1/person/email/csp%40csperkins.org/"`, Address{Email: "csp@csperkins.org"}, "https://datatracker.ietf.org/api/v1/person/email/csp%40csperkins.org/", false},
		{`"Tao Wan <t.wan@cablelabs.com>"`, Address{"Tao Wan", "t.wan@cablelabs.com"}, "Tao Wan <t.wan@cablelabs.com>", false},
		{`"tsbsg17@itu.int"`, Address{Email: "tsbsg17@itu.int"}, "tsbsg17@itu.int", false},
		{`"ITU-T SG17"`, Address{}, "ITU-T SG17", false},
		{`""`, Address{}, "", false},
		{`42`, Address{}, "", true},
		{`"/api/v1/person/email/nonsense/"`, Address{}, "", true},
	}
	for _, tt := range tests {
		raw, a, err := decodeFromContact([]byte(tt.raw))
		if (err != nil) != tt.wantErr || a != tt.want || raw != tt.wantRaw {
			t.Errorf("decodeFromContact(%s) = %q, %#v, %v; want %q, %#v, err %v", tt.raw, raw, a, err, tt.wantRaw, tt.want, tt.wantErr)
		}
	}
}

func TestDecodeGroup_ObservedAVT(t *testing.T) {
	// The real group object observed by ietfdata (ietfdata_live_api_observations.json).
	raw := `{"acronym": "avt", "ad": null, "charter": "/api/v1/doc/document/charter-ietf-avt/", "comments": "", "id": 941, "list_archive": "https://mailarchive.ietf.org/arch/browse/avt", "list_email": "avt@ietf.org", "list_subscribe": "https://www.ietf.org/mailman/listinfo/avt", "name": "Audio/Video Transport", "parent": "/api/v1/group/group/1683/", "resource_uri": "/api/v1/group/group/941/", "state": "/api/v1/name/groupstatename/conclude/", "time": "2011-12-09T12:00:00-08:00", "type": "/api/v1/name/grouptypename/wg/", "unused_states": [], "unused_tags": [], "meeting_seen_as_area": false, "used_roles": "[]", "uses_milestone_dates": true}`
	g, _, err := decodeGroup([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if g.ID != 941 || g.Acronym != "avt" || g.ParentID != 1683 || g.State != "conclude" || g.Type != "wg" ||
		g.Charter != "charter-ietf-avt" || g.ListEmail != "avt@ietf.org" ||
		!g.Time.Equal(time.Date(2011, 12, 9, 20, 0, 0, 0, time.UTC)) {
		t.Errorf("decoded %+v", g)
	}
}

func TestDecodeRoleAndPerson_Observed(t *testing.T) {
	r, _, err := decodeRole([]byte(`{"email": "/api/v1/person/email/csp@csperkins.org/", "group": "/api/v1/group/group/1727/", "id": 1076, "name": "/api/v1/name/rolename/chair/", "person": "/api/v1/person/person/20209/", "resource_uri": "/api/v1/group/role/1076/"}`))
	if err != nil || r != (Role{ID: 1076, Name: "chair", GroupID: 1727, PersonID: 20209, Email: "csp@csperkins.org"}) {
		t.Errorf("role = %+v, %v", r, err)
	}
	p, _, err := decodePerson([]byte(`{"id": 20209, "resource_uri": "/api/v1/person/person/20209/", "name": "Colin Perkins", "name_from_draft": "Colin Perkins", "ascii": "Colin Perkins", "ascii_short": "", "plain": "", "user": "", "time": "2012-02-26T00:03:54-08:00"}`))
	if err != nil || p.DisplayName() != "Colin Perkins" || !p.Time.Equal(time.Date(2012, 2, 26, 8, 3, 54, 0, time.UTC)) {
		t.Errorf("person = %+v, %v", p, err)
	}
	if got := (Person{Name: "Example Fang", Plain: "Fang Example"}).DisplayName(); got != "Fang Example" {
		t.Errorf("DisplayName with plain = %q", got)
	}
}
