package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Limits and edges of the form, the matcher and the directory, each at the
// boundary: one under the limit passes, one over is refused.

func TestValidateField_LimitsAtTheBoundary(t *testing.T) {
	today := Date{2026, 11, 26}
	env := FormEnv{Today: today}
	check := func(key, val string, wantErr string) {
		t.Helper()
		_, msg, _ := ValidateField(key, map[string]string{key: val, FDirection: "outgoing", FPurpose: "info"}, env)
		if (wantErr == "") != (msg == "") || !strings.Contains(msg, wantErr) {
			t.Errorf("%s of %d bytes: message %q, want %q", key, len(val), msg, wantErr)
		}
	}
	// The body: at most MaxBody characters and MaxBody+1000 bytes.
	accents := strings.Repeat("é", 1000)
	check(FBody, accents+strings.Repeat("a", MaxBody-1000), "")
	check(FBody, accents+"é"+strings.Repeat("a", MaxBody-1001), "too long.")
	// A deadline at most five years (5×365 days) away.
	check(FDeadline, today.AddDays(5*365).String(), "")
	check(FDeadline, today.AddDays(5*365+1).String(), "") // a warning, not a refusal
	if w := FormWarnings(map[string]string{FDeadline: today.AddDays(5*365 + 1).String()}, FormEnv{Today: today}); len(w) != 1 || !strings.Contains(w[0], "more than five years away") {
		t.Errorf("warnings for a deadline five years and a day away: %q", w)
	}
	if w := FormWarnings(map[string]string{FDeadline: today.AddDays(5 * 365).String()}, FormEnv{Today: today}); len(w) != 0 {
		t.Errorf("warnings for a deadline five years away: %q", w)
	}
	check(FDeadline, today.String(), "")
	check(FDeadline, today.AddDays(-1).String(), "in the past")
	// Attachments and addresses: counted, and each checked.
	urls := func(n int) string {
		var u []string
		for i := range n {
			u = append(u, fmt.Sprintf("https://www.3gpp.org/ftp/tsg_ct/TSGC_%02d/Docs/CP-%d.zip", i, 260000+i))
		}
		return strings.Join(u, "\n")
	}
	check(FAttachments, urls(MaxAttachments), "")
	check(FAttachments, urls(MaxAttachments+1), fmt.Sprintf("at most %d attachments", MaxAttachments))
	addrs := func(n int) string {
		var a []string
		for i := range n {
			a = append(a, fmt.Sprintf("delegate%d@example.org", i))
		}
		return strings.Join(a, ", ")
	}
	check(FCC, addrs(MaxAddresses), "")
	check(FResponse, addrs(MaxAddresses+1), fmt.Sprintf("at most %d addresses", MaxAddresses))
	// URLs: http or https with a host, at most MaxURL bytes.
	long := "https://example.org/" + strings.Repeat("x", MaxURL-len("https://example.org/"))
	check(FAttachments, long, "")
	check(FAttachments, long+"y", "is not an http(s) URL")
	check(FAttachments, "http://www.ietf.org/lib/dt/documents/LIAISON/file1.pdf", "")
	for _, bad := range []string{"ftp://ftp.3gpp.org/x.zip", "https://", "mailto:x@example.org", "www.ietf.org/x.pdf"} {
		check(FAttachments, bad, "is not an http(s) URL")
	}
	// A bad value is quoted whole up to 60 characters, then cut.
	sixty := "mailto:" + strings.Repeat("a", 53)
	_, msg, _ := ValidateField(FAttachments, map[string]string{FAttachments: sixty}, env)
	if !strings.Contains(msg, "“"+sixty+"”") {
		t.Errorf("a 60-character value is cut: %q", msg)
	}
	_, msg, _ = ValidateField(FAttachments, map[string]string{FAttachments: sixty + "b"}, env)
	if !strings.Contains(msg, "“"+sixty+"…”") {
		t.Errorf("a 61-character value is not cut at 60: %q", msg)
	}
}

func TestValidateForm_ChoicesOnlyForAmbiguousAnswers(t *testing.T) {
	d := &Directory{Orgs: []*Organization{
		{ID: 1, Acronym: "ITU-T SG15", Relationship: RelFormal},
		{ID: 2, Acronym: "ITU-T SG16", Relationship: RelFormal},
	}}
	_, errs, choices := ValidateForm(map[string]string{FDirection: "outgoing", FOrg: "itu-t sg1", FTitle: "x", FPurpose: "bogus"},
		FormEnv{Today: Date{2026, 11, 26}, Dir: d})
	if errs[FOrg] == "" || len(choices[FOrg]) != 2 {
		t.Errorf("an ambiguous organization: error %q, choices %v", errs[FOrg], choices[FOrg])
	}
	if _, ok := choices[FPurpose]; errs[FPurpose] == "" || ok {
		t.Errorf("a bad purpose: error %q, choices %v (want none)", errs[FPurpose], choices)
	}
}

func TestBuildStatement_PriorApprovalRelatedAndDirection(t *testing.T) {
	d := &Directory{Orgs: []*Organization{{ID: 7, Acronym: "3GPP", Relationship: RelFormal}}}
	env := FormEnv{Today: Date{2026, 11, 26}, Dir: d}
	base := map[string]string{FDirection: "outgoing", FOrg: "3GPP", FGroup: "opsawg", FTitle: "LS on YANG", FPurpose: "info", FBody: "Please review."}
	with := func(kv ...string) map[string]string {
		v := map[string]string{}
		for k, x := range base {
			v[k] = x
		}
		for i := 0; i+1 < len(kv); i += 2 {
			v[kv[i]] = kv[i+1]
		}
		return v
	}
	s, _, errs := BuildStatement(with(FApproved, "yes", FRelated, "LS-3"), env)
	if errs != nil || !s.PriorApproval || s.Related != 3 || s.From != "opsawg" || s.To != "3GPP" || s.OrgID != 7 {
		t.Fatalf("outgoing with approval: %+v %v", s, errs)
	}
	s, _, _ = BuildStatement(with(FApproved, "no"), env)
	if s.PriorApproval || s.Related != 0 {
		t.Errorf("approved=no: %+v", s)
	}
	s, _, errs = BuildStatement(with(FDirection, "incoming", FApproved, "yes"), env)
	if errs != nil || s.PriorApproval || s.From != "3GPP" || s.To != "opsawg" {
		t.Errorf("incoming: %+v %v", s, errs)
	}
}

func TestReplyValues_TitleAndContacts(t *testing.T) {
	orig := &Statement{ID: 12, Direction: Incoming, From: "3GPP", To: "opsawg", Title: strings.Repeat("t", MaxTitle-4)}
	v := ReplyValues(orig)
	if v[FTitle] != "Re: "+orig.Title || v[FDirection] != "outgoing" || v[FOrg] != "3GPP" || v[FGroup] != "opsawg" || v[FRelated] != "LS-12" {
		t.Errorf("reply to an incoming statement: %v", v)
	}
	if _, ok := v[FToContacts]; ok {
		t.Errorf("to contacts without response contacts: %q", v[FToContacts])
	}
	orig.Title += "ü"
	orig.ResponseContacts = MustParseAddressList("Åsa Lindqvist <asa@example.org>")
	v = ReplyValues(orig)
	if n := len([]rune(v[FTitle])); n != MaxTitle || v[FToContacts] != "Åsa Lindqvist <asa@example.org>" {
		t.Errorf("title of %d characters (want %d), to contacts %q", n, MaxTitle, v[FToContacts])
	}
}

func TestToday_InTheScheduleZone(t *testing.T) {
	now := time.Date(2026, 11, 26, 23, 30, 0, 0, time.UTC)
	if d := Today(now, nil); d != (Date{2026, 11, 26}) {
		t.Errorf("Today in UTC = %v", d)
	}
	auckland, err := time.LoadLocation("Pacific/Auckland")
	if err != nil {
		t.Fatal(err)
	}
	if d := Today(now, auckland); d != (Date{2026, 11, 27}) {
		t.Errorf("Today in Auckland = %v", d)
	}
}

func TestConversation_ExpiresAfterADayIdle(t *testing.T) {
	at := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	c := &Conversation{Updated: at}
	if c.Expired(at.Add(ConversationIdle)) || !c.Expired(at.Add(ConversationIdle+time.Nanosecond)) {
		t.Errorf("expiry is not at exactly %s idle", ConversationIdle)
	}
}

func TestManagingOrg_TenLevelsUpAndNoLoops(t *testing.T) {
	// A chain: g0's parent is g1, …, g10 has the manager.
	var orgs []*Organization
	for i := 0; i <= 10; i++ {
		o := &Organization{ID: int64(i + 1), Acronym: fmt.Sprintf("g%d", i), Relationship: RelFormal}
		if i < 10 {
			o.Parent = fmt.Sprintf("g%d", i+1)
		} else {
			o.Managers = []Person{{Name: "Top Manager", Email: "top@example.org"}}
		}
		orgs = append(orgs, o)
	}
	d := &Directory{Orgs: orgs}
	if mo := d.ManagingOrg(orgs[1]); mo != orgs[10] {
		t.Errorf("nine levels up: %v", mo)
	}
	if mo := d.ManagingOrg(orgs[0]); mo != nil {
		t.Errorf("ten levels up is beyond the limit: %v", mo)
	}
	orgs[10].Parent, orgs[10].Managers = "g9", nil // a loop
	if mo := d.ManagingOrg(orgs[0]); mo != nil {
		t.Errorf("a loop of parents: %v", mo)
	}
}

func TestCoordinatorsAsPerson_DefaultAddress(t *testing.T) {
	if p := (&Directory{}).CoordinatorsAsPerson(); p.Email != DefaultCoordinatorsEmail {
		t.Errorf("no address on record: %+v", p)
	}
	if p := (&Directory{Coordinators: Coordinators{Email: "iab-liaisons@example.org"}}).CoordinatorsAsPerson(); p.Email != "iab-liaisons@example.org" {
		t.Errorf("the address on record: %+v", p)
	}
}

func TestValidEmail_Edges(t *testing.T) {
	local := strings.Repeat("a", 64)
	domain := strings.Repeat("d", 254-len(local)-1-4) + ".org"
	for s, want := range map[string]bool{
		local + "@" + domain:       true, // 254 characters
		local + "@" + "d" + domain: false,
		"@example.org":             false,
		"jane@localhost":           false,
		"jane.doe@example.org":     true,
		"Jane <jane@example.org>":  false,
	} {
		if got := ValidEmail(s); got != want {
			t.Errorf("ValidEmail(%d chars %q…) = %v, want %v", len(s), s[:min(len(s), 20)], got, want)
		}
	}
}

func TestMatcher_TypoPrefixAndCandidateEdges(t *testing.T) {
	var orgs []*Organization
	for i, a := range []string{"CableLabs", "ITU-T SG11", "ITU-T SG12", "ITU-T SG13", "ITU-T SG15", "ITU-T SG16", "ITU-T SG17", "IEEE 802.1"} {
		orgs = append(orgs, &Organization{ID: int64(i + 1), Acronym: a, Relationship: RelFormal})
	}
	orgs = append(orgs, &Organization{ID: 20, Acronym: "ABC", Name: "ABC Standards Development Organization of the World"})
	m := NewMatcher(orgs)
	for q, want := range map[string]string{
		"cablelabz":  "CableLabs",  // a substituted letter
		"xablelabz":  "CableLabs",  // two
		"cbalelabs":  "CableLabs",  // a transposition
		"ieee 802.2": "IEEE 802.1", // a substituted digit
	} {
		if r := m.Match(q); r.Org == nil || r.Org.Acronym != want {
			t.Errorf("Match(%q) = %+v, want %s", q, r, want)
		}
	}
	// Six equally good: the first five by acronym, case ignored.
	r := m.Match("itu-t sg1")
	var got []string
	for _, c := range r.Candidates {
		got = append(got, fmt.Sprintf("%s %.1f", c.Org.Acronym, c.Score))
	}
	if r.Org != nil || strings.Join(got, ", ") != "ITU-T SG11 0.6, ITU-T SG12 0.6, ITU-T SG13 0.6, ITU-T SG15 0.6, ITU-T SG16 0.6" {
		t.Errorf("candidates for itu-t sg1: %v (org %v)", got, r.Org)
	}
	// A prefix scores 0.5 plus 0.1 per missing character, at most 1.5:
	// better than the query inside another name (2.0).
	m = NewMatcher(append(orgs, &Organization{ID: 21, Acronym: "TABC", Name: "The ABC Standards"},
		&Organization{ID: 22, Acronym: "3GPP", Name: "3rd Generation Partnership Project"}))
	if r := m.Match("abc standards"); r.Org == nil || r.Org.ID != 20 {
		t.Errorf("a long prefix against a substring: %+v", r)
	}
	// A short query with one substituted letter, and one too many.
	if r := m.Match("3gpq"); r.Org == nil || r.Org.ID != 22 {
		t.Errorf("3gpq: %+v", r)
	}
	if r := m.Match("3gqq"); r.Org != nil || len(r.Candidates) != 0 {
		t.Errorf("3gqq (two typos in four characters): %+v", r)
	}
}

func TestBagDistance_CountsEveryCharacter(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"3gpp", "3gpp", 0}, {"3gpp", "3gpq", 1}, {"3gpp", "3gp", 1}, {"sg11", "sg12", 1}, {"802.1", "8021", 1}, {"", "abc", 3}, {"aab", "abb", 1},
	} {
		a, b := bagOf(tc.a), bagOf(tc.b)
		if got := a.distance(&b); got != tc.want {
			t.Errorf("bag distance %q %q = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestBoundedDistance_LongKeysAndEdges(t *testing.T) {
	long := strings.Repeat("abcdefghij", 7) // 70 bytes: past the stack buffer
	for _, tc := range []struct {
		a, b string
		max  int
		want int
	}{
		{long, long[:69] + "x", 2, 1},
		{long, long, 2, 0},
		{"kitten", "sitting", 3, 3},
		{"kitten", "sitting", 2, 3},
		{"ab", "ba", 1, 1},
		{"abc", "", 3, 3},
		{"abcd", "a", 2, 3},
		{"abcd", "ab", 2, 2}, // as far apart in length as allowed
		{"a", "bc", 2, 2},
		{"a", "abcd", 3, 3},
	} {
		if got := boundedDistance(tc.a, tc.b, tc.max); got != tc.want {
			t.Errorf("boundedDistance(%.10q…, %.10q…, %d) = %d, want %d", tc.a, tc.b, tc.max, got, tc.want)
		}
	}
}
