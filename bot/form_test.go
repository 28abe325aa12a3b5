package bot

import (
	"strings"
	"testing"
)

func formEnv() FormEnv {
	d := &Directory{Orgs: fixtureOrgs()}
	for i, o := range d.Orgs {
		o.ID = int64(i + 1)
	}
	return FormEnv{
		Today: Date{2026, 11, 26},
		Dir:   d,
		Statement: func(id int64) (*Statement, error) {
			if id == 4 {
				return &Statement{ID: 4}, nil
			}
			return nil, Errorf(ENOTFOUND, "no")
		},
	}
}

func validValues() map[string]string {
	return map[string]string{
		FDirection: "outgoing", FOrg: "3gpp", FGroup: "opsawg", FTitle: "Reply on YANG models",
		FPurpose: "For Action", FDeadline: "2027-01-15", FBody: "Dear colleagues,\n...",
	}
}

func TestValidateForm_AcceptsAndNormalises(t *testing.T) {
	v, errs, _ := ValidateForm(validValues(), formEnv())
	if errs != nil {
		t.Fatalf("valid form refused: %v", errs)
	}
	want := map[string]string{FOrg: "3GPP", FPurpose: "action", FDeadline: "2027-01-15", FGroup: "opsawg", FDirection: "outgoing"}
	for k, w := range want {
		if v[k] != w {
			t.Errorf("%s = %q, want %q", k, v[k], w)
		}
	}
	s, _, errs := BuildStatement(validValues(), formEnv())
	if errs != nil || s.From != "opsawg" || s.To != "3GPP" || s.OrgID != 1 || s.Deadline != (Date{2027, 1, 15}) {
		t.Fatalf("BuildStatement = %+v, %v", s, errs)
	}
	in := validValues()
	in[FDirection] = "incoming"
	in[FGroup] = "IESG"
	s, _, _ = BuildStatement(in, formEnv())
	if s.From != "3GPP" || s.To != "IESG" {
		t.Errorf("incoming from/to = %s → %s", s.From, s.To)
	}
}

func TestValidateForm_Rules(t *testing.T) {
	cases := []struct {
		name   string
		change map[string]string
		field  string // the field that must carry an error ("" = accepted)
		msg    string
	}{
		{"deadline required for action", map[string]string{FDeadline: ""}, FDeadline, "required for For Action"},
		{"deadline required for comment", map[string]string{FPurpose: "comment", FDeadline: ""}, FDeadline, "required for For Comment"},
		{"deadline optional for info", map[string]string{FPurpose: "info", FDeadline: ""}, "", ""},
		{"deadline in the past", map[string]string{FDeadline: "2026-11-25"}, FDeadline, "in the past"},
		{"deadline today is fine", map[string]string{FDeadline: "2026-11-26"}, "", ""},
		{"deadline not a date", map[string]string{FDeadline: "next tuesday"}, FDeadline, "YYYY-MM-DD"},
		{"deadline impossible date", map[string]string{FDeadline: "2027-02-30"}, FDeadline, "not a date"},
		{"in response needs related", map[string]string{FPurpose: "In Response", FDeadline: ""}, FRelated, "required for In Response"},
		{"related must exist", map[string]string{FPurpose: "response", FRelated: "LS-99", FDeadline: ""}, FRelated, "no statement LS-99"},
		{"related exists", map[string]string{FPurpose: "response", FRelated: "ls-4", FDeadline: ""}, "", ""},
		{"related bad shape", map[string]string{FPurpose: "response", FRelated: "the last one", FDeadline: ""}, FRelated, "LS-<n>"},
		{"body or attachment", map[string]string{FBody: ""}, FBody, "body or at least one attachment"},
		{"attachment instead of body", map[string]string{FBody: "", FAttachments: "https://example.org/ls.pdf"}, "", ""},
		{"attachment must be a URL", map[string]string{FAttachments: "ls.pdf"}, FAttachments, "not an http(s) URL"},
		{"javascript URL refused", map[string]string{FAttachments: "javascript:alert(1)"}, FAttachments, "not an http(s) URL"},
		{"emails comma separated", map[string]string{FResponse: "a@example.org, b@example.org"}, "", ""},
		{"emails newline separated", map[string]string{FCC: "a@example.org\nb@example.org"}, "", ""},
		{"one bad email", map[string]string{FTechnical: "a@example.org, nope@"}, FTechnical, "“nope@” is not a valid email"},
		{"name-only entry kept", map[string]string{FTechnical: "a@example.org, The IETF Chair"}, "", ""},
		{"display name accepted", map[string]string{FToContacts: "Jane <jane@example.org>"}, "", ""},
		{"broken address in brackets", map[string]string{FToContacts: "Jane <jane@>"}, FToContacts, "not a valid email"},
		{"title required", map[string]string{FTitle: "  "}, FTitle, "required"},
		{"title 255 ok", map[string]string{FTitle: strings.Repeat("t", 255)}, "", ""},
		{"title 256 too long", map[string]string{FTitle: strings.Repeat("t", 256)}, FTitle, "at most 255"},
		{"title one line", map[string]string{FTitle: "a\nb"}, FTitle, "one line"},
		{"org must resolve", map[string]string{FOrg: "Acme Standards Body"}, FOrg, "no organization"},
		{"org ambiguous", map[string]string{FOrg: "itu"}, FOrg, "could be"},
		{"org typo resolves", map[string]string{FOrg: "cablelab"}, "", ""},
		{"group shape", map[string]string{FGroup: "Ops Area WG!"}, FGroup, "working group by acronym"},
		{"group IESG", map[string]string{FGroup: "iesg"}, "", ""},
		{"purpose unknown", map[string]string{FPurpose: "for fun"}, FPurpose, "For Action, For Comment"},
		{"direction unknown", map[string]string{FDirection: "sideways"}, FDirection, "outgoing or incoming"},
		{"approved yes", map[string]string{FApproved: "yes"}, "", ""},
		{"approved junk", map[string]string{FApproved: "perhaps"}, FApproved, "yes or no"},
		{"approved ignored for incoming", map[string]string{FDirection: "incoming", FApproved: "perhaps"}, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := validValues()
			for k, x := range tc.change {
				v[k] = x
			}
			_, errs, _ := ValidateForm(v, formEnv())
			if tc.field == "" {
				if errs != nil {
					t.Fatalf("refused: %v", errs)
				}
				return
			}
			if errs == nil || !strings.Contains(errs[tc.field], tc.msg) {
				t.Fatalf("errors %v; want %s: …%s…", errs, tc.field, tc.msg)
			}
			if len(errs) != 1 {
				t.Errorf("other fields blamed too: %v", errs)
			}
		})
	}
}

func TestValidateForm_BadInputEveryField(t *testing.T) {
	huge := strings.Repeat("x", 1<<20)
	bad := map[string]string{
		"empty":    "",
		"huge":     huge,
		"control":  "\x00\x01\x1b[2J",
		"markup":   "<!channel> @**all** <script>",
		"wrongish": "12345",
	}
	for _, f := range StatementForm() {
		for name, val := range bad {
			v := validValues()
			v[f.Key] = val
			out, errs, _ := ValidateForm(v, formEnv())
			optional := requiredMessage(f.Key, v) == ""
			switch {
			case name == "empty" && optional:
				// fine: an optional field left empty
			case name == "empty" || name == "huge":
				if errs == nil || errs[f.Key] == "" {
					// A huge free-text value with no limit would be stored.
					if !(name == "huge" && f.Key == FBody) {
						t.Errorf("%s=%s accepted (value %.20q)", f.Key, name, out[f.Key])
					}
				}
			}
			if errs != nil {
				for k, msg := range errs {
					if len(msg) > 400 {
						t.Errorf("%s=%s: error on %s is %d bytes (echoes input?)", f.Key, name, k, len(msg))
					}
				}
			}
		}
	}
	// The body's limit is 100,000 characters.
	v := validValues()
	v[FBody] = huge
	if _, errs, _ := ValidateForm(v, formEnv()); errs == nil || !strings.Contains(errs[FBody], "too long") {
		t.Errorf("1 MB body accepted: %v", errs)
	}
}

func TestParseInline(t *testing.T) {
	in, err := ParseInline(`to=3GPP from=opsawg purpose=action deadline=2027-01-15 title="Reply on YANG models" body='Two words' cc=a@example.org cc=b@example.org`)
	if err != nil {
		t.Fatal(err)
	}
	if in.To != "3GPP" || in.From != "opsawg" || in.Values[FTitle] != "Reply on YANG models" || in.Values[FBody] != "Two words" {
		t.Fatalf("inline = %+v", in)
	}
	if in.Values[FCC] != "a@example.org\nb@example.org" {
		t.Errorf("repeated cc = %q", in.Values[FCC])
	}
	lines, err := ParseInline("to: ITU-T SG15\nfrom: ccamp\ntitle: On OTN\nbody: First line\nsecond line\n\nthird\npurpose: info")
	if err != nil {
		t.Fatal(err)
	}
	if lines.To != "ITU-T SG15" || lines.Values[FBody] != "First line\nsecond line\n\nthird" || lines.Values[FPurpose] != "info" {
		t.Fatalf("lines = %+v", lines)
	}
	bare, _ := ParseInline("broadband forum")
	if bare.Bare != "broadband forum" || len(bare.Values) != 0 {
		t.Errorf("bare = %+v", bare)
	}
	if _, err := ParseInline("titel=oops"); ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "titel") {
		t.Errorf("unknown key: %v", err)
	}
	alias, _ := ParseInline(`send-reply-to=x@example.org send-to=y@example.org`)
	if alias.Values[FResponse] != "x@example.org" || alias.Values[FToContacts] != "y@example.org" {
		t.Errorf("4053bis vocabulary: %+v", alias.Values)
	}
}

func TestInferDirection(t *testing.T) {
	d := &Directory{Orgs: fixtureOrgs()}
	cases := []struct{ from, to, dir, org, group string }{
		{"opsawg", "3GPP", "outgoing", "3GPP", "opsawg"},
		{"3GPP", "opsawg", "incoming", "3GPP", "opsawg"},
		{"ITU-T", "IESG", "incoming", "ITU-T", "IESG"},
		{"", "W3C", "outgoing", "W3C", ""},
	}
	for _, tc := range cases {
		v := map[string]string{}
		InferDirection(v, tc.from, tc.to, d)
		if v[FDirection] != tc.dir || v[FOrg] != tc.org || v[FGroup] != tc.group {
			t.Errorf("from=%s to=%s: %v", tc.from, tc.to, v)
		}
	}
}

func TestReplyValues_SwapsLikeTheDatatracker(t *testing.T) {
	orig := &Statement{ID: 12, Direction: Incoming, From: "3GPP", To: "opsawg", Title: "LS on YANG",
		ResponseContacts: MustParseAddressList("a@example.org, b@example.org")}
	v := ReplyValues(orig)
	if v[FDirection] != "outgoing" || v[FOrg] != "3GPP" || v[FGroup] != "opsawg" || v[FPurpose] != "response" ||
		v[FRelated] != "LS-12" || v[FToContacts] != "a@example.org, b@example.org" || v[FTitle] != "Re: LS on YANG" {
		t.Fatalf("reply values = %v", v)
	}
}
