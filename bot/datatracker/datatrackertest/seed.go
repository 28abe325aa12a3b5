package datatrackertest

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Seed files copied from /work/shared/data/datatracker (see
// testdata/SOURCES.md).
var (
	//go:embed testdata/sdo_group_ids_derived.csv
	sdoGroupIDsCSV []byte
	//go:embed testdata/sdo_groups_2015_migration.json
	sdoMigrationJSON []byte
)

// Real SDO group ids (from testdata/sdo_group_ids_derived.csv).
const (
	GroupITUT        int64 = 51   // itu-t
	Group3GPP        int64 = 56   // 3gpp
	GroupITUTSG15    int64 = 62   // itu-t-sg-15, parent itu-t
	GroupCableLabs   int64 = 66   // cablelabs
	GroupBBF         int64 = 67   // broadband-forum
	GroupITUTSG17    int64 = 76   // itu-t-sg-17
	Group3GPPSA3     int64 = 2025 // 3gpp-tsgsa-sa3
	GroupITUTFGCloud int64 = 2063 // itu-t-fg-cloud, state conclude
	GroupIETFWGCCAMP int64 = 9001 // ccamp (type wg); PLACEHOLDER id
	GroupIAB         int64 = 7    // iab (type iab); PLACEHOLDER id
	GroupIESG        int64 = 2    // iesg (type iesg); PLACEHOLDER id
	GroupIETF        int64 = 1    // ietf (type ietf); PLACEHOLDER id
	GroupAreaRTG     int64 = 1249 // rtg (type area); PLACEHOLDER id
	GroupIETFWGMPLS  int64 = 9002 // mpls (type wg, area rtg); PLACEHOLDER id
	GroupIETFWGPWE3  int64 = 9003 // pwe3 (type wg, area rtg, concluded); PLACEHOLDER id
	PersonSystem     int64 = 1    // "(System)", as in the Datatracker
)

// Fake people, and the ids of the seed statements, relation and event.
// The IAB liaison coordinators carry their real names (public
// on the IAB's liaison page) with FAKE @example.org addresses and FAKE
// person ids; everyone else is invented.
const (
	PersonAvery     int64 = 900001 // liaiman of 3gpp
	PersonBlake     int64 = 900002 // liaiman of broadband-forum and cablelabs
	PersonCasey     int64 = 900003 // liaiman of cablelabs
	PersonDana      int64 = 900004 // liaiman of itu-t and itu-t-sg-15; plain name differs
	PersonEmery     int64 = 900005 // liaiman of the concluded itu-t-fg-cloud
	PersonFinley    int64 = 900006 // chair of 3gpp (not a manager)
	PersonGale      int64 = 900007 // chair of iab
	PersonHarper    int64 = 900008 // liaison member of iab (not a coordinator)
	PersonIndigo    int64 = 900009 // liaiman on the WG ccamp (must be filtered out)
	PersonSuresh    int64 = 900101 // Suresh Krishnan, IAB liaison coordinator
	PersonWarren    int64 = 900102 // Warren Kumari, IAB liaison coordinator
	PersonYingzhen  int64 = 900103 // Yingzhen Qu, IAB liaison coordinator
	PersonYaroslav  int64 = 900104 // Yaroslav Rosomakho, IAB liaison coordinator
	PersonJordan    int64 = 900010 // chair of ccamp
	PersonKai       int64 = 900011 // AD of the area rtg
	PersonLee       int64 = 900012 // chair of ietf (the IETF Chair)
	StatementOld    int64 = 1935   // 2019, naive Pacific times, from_contact as email URI
	Statement2006   int64 = 2006   // 2024, refers to 1935, tag taken, one removed attachment
	Statement2106   int64 = 2106   // 2026, the doc's constructed example, mailbox from_contact
	Statement2162   int64 = 2162   // 2026, "Name <addr>" from_contact, killed, resurrected, posted again
	Statement2200   int64 = 2200   // 2026, outgoing, approved, tag required
	RelatedRefOld   int64 = 987    // 2006 -> 1935
	EventPosted2106 int64 = 12345  // the doc's example event
)

// migration is the part of sdo_groups_2015_migration.json the seed uses.
type migration struct {
	NewGroups []struct {
		Acronym       string  `json:"acronym"`
		Name          string  `json:"name"`
		ParentAcronym *string `json:"parent_acronym"`
		State         string  `json:"state"`
	} `json:"NEW_GROUPS"`
	SetParent []struct {
		Child  string `json:"child"`
		Parent string `json:"parent"`
	} `json:"SET_PARENT"`
}

// SDOGroups returns the 142 real SDO groups: ids and acronyms from
// sdo_group_ids_derived.csv; names, parents and states from the 2015
// migration where it has them. Groups it does not name are named by their
// upper-cased acronym (a placeholder); a parent is set only if the parent
// acronym is itself in the id list; the state defaults to active.
func SDOGroups() []Group {
	var m migration
	if err := json.Unmarshal(sdoMigrationJSON, &m); err != nil {
		panic(fmt.Sprintf("datatrackertest: embedded migration JSON: %v", err))
	}
	rows, err := csv.NewReader(bytes.NewReader(sdoGroupIDsCSV)).ReadAll()
	if err != nil || len(rows) < 2 {
		panic(fmt.Sprintf("datatrackertest: embedded group id CSV: %v", err))
	}
	ids := map[string]int64{}
	var order []string
	for _, row := range rows[1:] {
		id, err := strconv.ParseInt(row[0], 10, 64)
		if err != nil {
			panic(fmt.Sprintf("datatrackertest: group id %q: %v", row[0], err))
		}
		ids[row[1]] = id
		order = append(order, row[1])
	}
	names, states, parents := map[string]string{}, map[string]string{}, map[string]string{}
	for _, g := range m.NewGroups {
		names[g.Acronym], states[g.Acronym] = g.Name, g.State
		if g.ParentAcronym != nil {
			parents[g.Acronym] = *g.ParentAcronym
		}
	}
	for _, p := range m.SetParent {
		parents[p.Child] = p.Parent
	}
	out := make([]Group, 0, len(order))
	for _, acr := range order {
		g := Group{ID: ids[acr], Acronym: acr, Name: names[acr], State: orDefault(states[acr], "active"),
			Type: "sdo", ParentID: ids[parents[acr]]}
		if g.Name == "" {
			g.Name = strings.ToUpper(acr)
		}
		out = append(out, g)
	}
	return out
}

// DefaultData returns a fresh copy of the seed data:
//   - the 142 real SDO groups (SDOGroups), plus iab, iesg and the WG ccamp;
//   - liaiman roles on 3gpp, broadband-forum, cablelabs (two managers),
//     itu-t, itu-t-sg-15 and the concluded itu-t-fg-cloud, with one person
//     managing two SDOs and one with a plain name that differs from name;
//   - the four 2025 IAB liaison coordinators (real names, fake addresses),
//     an IAB chair and an IAB liaison member; a chair on 3gpp; a liaiman
//     on the WG ccamp (which a group__type=sdo filter must drop);
//   - statements 1935, 2006, 2106, 2162, 2200 with events (submitted,
//     approved, posted, killed, resurrected, comment), a taken tag, a
//     related statement (2006 → 1935), attachments (one removed), both
//     from_contact forms and naive pre-2023 times.
//
// All personal addresses are FAKE (example.org / example.com); the
// organisational aliases (iesg@ietf.org, tsbsg17@itu.int, …) are the
// public ones from the Datatracker pages. Titles and bodies are invented
// except 2106, which follows the constructed example in datatracker-api.md.
func DefaultData() *Data {
	d := &Data{Groups: SDOGroups()}
	d.Groups = append(d.Groups,
		Group{ID: GroupIAB, Acronym: "iab", Name: "Internet Architecture Board", State: "active", Type: "iab",
			ListEmail: "iab@iab.org", Time: "2012-02-26T00:03:54"},
		Group{ID: GroupIESG, Acronym: "iesg", Name: "Internet Engineering Steering Group", State: "active", Type: "iesg",
			ListEmail: "iesg@ietf.org"},
		Group{ID: GroupIETFWGCCAMP, Acronym: "ccamp", Name: "Common Control and Measurement Plane", State: "active",
			Type: "wg", ListEmail: "ccamp@ietf.org", Description: "Placeholder description.", ParentID: GroupAreaRTG},
		Group{ID: GroupIETF, Acronym: "ietf", Name: "Internet Engineering Task Force", State: "active", Type: "ietf"},
		Group{ID: GroupAreaRTG, Acronym: "rtg", Name: "Routing Area", State: "active", Type: "area"},
		Group{ID: GroupIETFWGMPLS, Acronym: "mpls", Name: "Multiprotocol Label Switching", State: "active", Type: "wg", ParentID: GroupAreaRTG},
		Group{ID: GroupIETFWGPWE3, Acronym: "pwe3", Name: "Pseudowire Emulation Edge to Edge", State: "conclude", Type: "wg", ParentID: GroupAreaRTG},
	)

	person := func(id int64, name, plain, t string) Person {
		return Person{ID: id, Name: name, Plain: plain, Time: t}
	}
	d.Persons = []Person{
		person(PersonSystem, "(System)", "", "2012-02-26T00:03:54"),
		person(PersonAvery, "Avery Example", "", "2015-03-01T10:00:00Z"),
		person(PersonBlake, "Blake Sample", "", "2016-04-02T11:00:00Z"),
		person(PersonCasey, "Casey Placeholder", "", "2017-05-03T12:00:00Z"),
		person(PersonDana, "Testperson Dana", "Dana Testperson", "2012-02-26T00:03:54"),
		person(PersonEmery, "Emery Fictional", "", "2014-01-01T00:00:00Z"),
		person(PersonFinley, "Finley Chairexample", "", "2018-01-01T00:00:00Z"),
		person(PersonGale, "Gale Chairexample", "", "2019-01-01T00:00:00Z"),
		person(PersonHarper, "Harper Memberexample", "", "2020-01-01T00:00:00Z"),
		person(PersonIndigo, "Indigo Wgexample", "", "2021-01-01T00:00:00Z"),
		person(PersonSuresh, "Suresh Krishnan", "", "2022-06-01T00:00:00Z"),
		person(PersonWarren, "Warren Kumari", "", "2022-06-01T00:00:00Z"),
		person(PersonYingzhen, "Yingzhen Qu", "", "2022-06-01T00:00:00Z"),
		person(PersonYaroslav, "Yaroslav Rosomakho", "", "2022-06-01T00:00:00Z"),
		person(PersonJordan, "Jordan Chairexample", "", "2022-06-01T00:00:00Z"),
		person(PersonKai, "Kai Adexample", "", "2022-06-01T00:00:00Z"),
		person(PersonLee, "Lee Ietfchairexample", "", "2022-06-01T00:00:00Z"),
	}
	role := func(id int64, name string, group, person int64, email string) Role {
		return Role{ID: id, Name: name, GroupID: group, PersonID: person, Email: email}
	}
	d.Roles = []Role{
		role(20001, "liaiman", Group3GPP, PersonAvery, "avery.example@example.org"),
		role(20002, "liaiman", GroupBBF, PersonBlake, "blake.sample@example.org"),
		role(20003, "liaiman", GroupCableLabs, PersonBlake, "blake.sample@example.org"),
		role(20004, "liaiman", GroupCableLabs, PersonCasey, "casey.placeholder@example.com"),
		role(20005, "liaiman", GroupITUT, PersonDana, "dana.testperson@example.org"),
		role(20006, "liaiman", GroupITUTSG15, PersonDana, "dana.t@example.net"),
		role(20007, "liaiman", GroupITUTFGCloud, PersonEmery, "emery.fictional@example.org"),
		role(20008, "chair", Group3GPP, PersonFinley, "finley.chairexample@example.org"),
		role(20009, "chair", GroupIAB, PersonGale, "gale.chairexample@example.org"),
		role(20010, "liaison", GroupIAB, PersonHarper, "harper.memberexample@example.org"),
		role(20011, "liaiman", GroupIETFWGCCAMP, PersonIndigo, "indigo.wgexample@example.org"),
		role(20012, "liaison_coordinator", GroupIAB, PersonSuresh, "suresh.krishnan@example.org"),
		role(20013, "liaison_coordinator", GroupIAB, PersonWarren, "warren.kumari@example.org"),
		role(20014, "liaison_coordinator", GroupIAB, PersonYingzhen, "yingzhen.qu@example.org"),
		role(20015, "liaison_coordinator", GroupIAB, PersonYaroslav, "yaroslav.rosomakho@example.org"),
		role(20016, "chair", GroupIETFWGCCAMP, PersonJordan, "jordan.chairexample@example.org"),
		role(20017, "ad", GroupAreaRTG, PersonKai, "kai.adexample@example.org"),
		role(20018, "chair", GroupIETF, PersonLee, "lee.ietfchairexample@example.org"),
	}
	for _, r := range d.Roles {
		d.Emails = append(d.Emails, Email{Address: r.Email, PersonID: r.PersonID, Origin: "role: " + r.Name,
			Primary: true, Active: true, Time: "2020-01-01T00:00:00Z"})
	}
	d.Emails = append(d.Emails,
		Email{Address: "sg15-rapporteur@example.org", Origin: "liaison contact: itu-t-sg-15", Active: true},
		Email{Address: "sa3-secretary@example.org", Origin: "liaison contact: 3gpp-tsgsa-sa3", Active: true},
	)

	strp := func(s string) *string { return &s }
	d.Statements = []Statement{
		{
			ID: StatementOld, Title: "Placeholder LS on OTN management (seed data, invented)",
			FromGroups: []int64{GroupITUTSG15}, FromContact: "/api/v1/person/email/sg15-rapporteur@example.org/",
			ToGroups: []int64{GroupIETFWGCCAMP}, ToContacts: "CCAMP Chairs <ccamp-chairs@example.org>",
			CCContacts: "itu-t-liaison@iab.org", Purpose: "info", Body: "Invented body.", State: "posted",
		},
		{
			ID: Statement2006, Title: "Placeholder reply on security work (seed data, invented)",
			FromGroups: []int64{Group3GPPSA3}, FromContact: "/api/v1/person/email/sa3-secretary@example.org/",
			ToGroups: []int64{GroupIAB}, ToContacts: "The IAB <iab@iab.org>",
			ResponseContacts: "sa3-secretary@example.org", TechnicalContacts: "Avery Example <avery.example@example.org>",
			Purpose: "action", Deadline: "2024-09-30", OtherIdentifiers: strp("S3-240000 (invented)"),
			Body: "Invented body referring to LS 1935.", Tags: []string{"taken"}, State: "posted",
		},
		{
			ID:    Statement2106,
			Title: "LS on the progress of the Correspondence Group on SG17 Strategy for AI Security in Telecommunications/ICTs (CG-AISEC-STRAT)",
			// Contacts follow datatracker-api.md §5 with personal addresses replaced by fake ones.
			FromGroups: []int64{GroupITUTSG17}, FromContact: "tsbsg17@itu.int",
			ToGroups:             []int64{GroupIAB, GroupIESG},
			ToContacts:           "The IESG <iesg@ietf.org>, The IAB Chair <iab-chair@iab.org>",
			ResponseContacts:     "rapporteur.one@example.org; rapporteur.two@example.net; …",
			TechnicalContacts:    "rapporteur.one@example.org",
			ActionHolderContacts: "Morgan Example <Morgan.Example@Example.COM>",
			CCContacts:           "The IESG <iesg@ietf.org>\r\nThe IETF Chair <chair@ietf.org>\r\n…",
			Purpose:              "action", Deadline: "2026-03-09",
			Body:  "ITU-T Study Group 17 (SG17) is pleased to inform IETF IAB and IESG that …",
			Tags:  []string{"taken"},
			State: "posted",
		},
		{
			ID: Statement2162, Title: "Placeholder LS on DOCSIS work (seed data, invented)",
			FromGroups: []int64{GroupCableLabs}, FromContact: "Pat Example <pat.example@example.com>",
			ToGroups: []int64{GroupIAB}, ToContacts: `"Chairs, IAB" <iab-chair@iab.org>`,
			Purpose: "info", Body: "Invented body.", State: "posted",
		},
		{
			ID: Statement2200, Title: "Placeholder outgoing LS to 3GPP (seed data, invented)",
			FromGroups: []int64{GroupIETFWGCCAMP}, FromContact: "CCAMP Chairs <ccamp-chairs@example.org>",
			ToGroups: []int64{Group3GPP}, ToContacts: "Avery Example <avery.example@example.org>; 3gpp-contact@example.org",
			ResponseContacts: "ccamp-chairs@example.org", Purpose: "comment", Deadline: "2026-04-15",
			Body: "Invented body.", Tags: []string{"required"}, State: "approved",
		},
	}
	ev := func(id int64, t, typ string, by, st int64, desc string) Event {
		return Event{ID: id, Time: t, Type: typ, By: by, StatementID: st, Desc: desc}
	}
	d.Events = []Event{
		// 1935: naive US/Pacific times, as the pre-2023 Datatracker served them.
		ev(5001, "2019-05-10T09:30:00", "submitted", PersonSystem, StatementOld, "Statement Submitted"),
		ev(5002, "2019-05-10T10:15:00", "posted", PersonSystem, StatementOld, "Statement Posted"),
		ev(5003, "2024-06-03T08:00:00Z", "submitted", PersonAvery, Statement2006, "Statement Submitted"),
		ev(5004, "2024-06-03T09:00:00Z", "posted", PersonAvery, Statement2006, "Statement Posted"),
		ev(5005, "2024-10-01T12:00:00Z", "comment", PersonAvery, Statement2006, "Response sent; marked taken"),
		ev(12344, "2026-01-30T13:55:00Z", "submitted", PersonSystem, Statement2106, "Statement Submitted"),
		ev(EventPosted2106, "2026-01-30T14:02:11Z", "posted", PersonSystem, Statement2106, "Statement Posted"),
		ev(12400, "2026-02-10T10:00:00Z", "submitted", PersonBlake, Statement2162, "Statement Submitted"),
		ev(12401, "2026-02-11T09:00:00Z", "posted", PersonBlake, Statement2162, "Statement Posted"),
		ev(12402, "2026-02-11T12:00:00Z", "killed", PersonBlake, Statement2162, "Statement Killed"),
		ev(12403, "2026-02-12T08:00:00Z", "resurrected", PersonBlake, Statement2162, "Statement Resurrected"),
		ev(12404, "2026-02-12T09:00:00Z", "posted", PersonBlake, Statement2162, "Statement Posted"),
		ev(12500, "2026-03-01T10:00:00Z", "submitted", PersonIndigo, Statement2200, "Statement Submitted"),
		ev(12501, "2026-03-02T10:00:00Z", "approved", PersonGale, Statement2200, "Statement Approved"),
	}
	d.Related = []Related{{ID: RelatedRefOld, SourceID: Statement2006, TargetID: StatementOld, Relationship: "refold"}}
	d.Attachments = []Attachment{
		{ID: 801, StatementID: StatementOld, Document: "liaison-2019-05-10-itu-t-sg-15-ccamp-placeholder-ls-on-otn-management-attachment-1"},
		{ID: 802, StatementID: Statement2006, Document: "liaison-2024-06-03-3gpp-tsgsa-sa3-iab-placeholder-reply-attachment-1"},
		{ID: 803, StatementID: Statement2006, Document: "liaison-2024-06-03-3gpp-tsgsa-sa3-iab-placeholder-reply-attachment-2", Removed: true},
		{ID: 804, StatementID: Statement2106, Document: "liaison-2026-01-30-itu-t-sg-17-iab-iesg-ls-on-the-progress-of-the-correspondence-group-on-sg17-strategy-for-ai-security-in-attachment-1"},
	}
	return d
}
