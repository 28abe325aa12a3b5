package bot

import "testing"

// What the bot prints as a value, it accepts back.
func TestPrintedValuesAreAcceptedBack(t *testing.T) {
	for _, in := range []string{"LS-12", "ls12", "#12", "`LS-12`", "**LS-12**", "LS-12:", "“LS-12”", "(LS-12)"} {
		if n, ok := ParseRef(in); !ok || n != 12 {
			t.Errorf("ParseRef(%q) = %d, %v", in, n, ok)
		}
	}
	for _, in := range []string{"LS-", "LS-x", "12a", "LS--3", "`LS-0`"} {
		if n, ok := ParseRef(in); ok {
			t.Errorf("ParseRef(%q) = %d, want refused", in, n)
		}
	}
	for _, in := range []string{"2027-01-15", "2027-01-15 (in 50 days)", "due 2027-01-15 (3 days overdue)", "2027-01-15 10:00 UTC", "2027-01-15T00:00:00Z", "`2027-01-15`"} {
		if d, err := ParseDate(in); err != nil || d.String() != "2027-01-15" {
			t.Errorf("ParseDate(%q) = %v, %v", in, d, err)
		}
	}
	for _, in := range []string{"2027-13-01", "15/01/2027", "2027-01-15 and more", "tomorrow"} {
		if d, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) = %v, want refused", in, d)
		}
	}
	env := formEnv()
	for in, want := range map[string]string{
		"Outgoing (IETF → organization)": "outgoing", "Incoming (organization → IETF)": "incoming", "Outgoing: opsawg → 3GPP": "outgoing",
	} {
		if norm, msg, _ := ValidateField(FDirection, map[string]string{FDirection: in}, env); norm != want {
			t.Errorf("direction %q = %q (%s), want %q", in, norm, msg, want)
		}
	}
	d := env.Dir
	for _, o := range d.Orgs {
		if m := d.Matcher().Match(o.Label()); m.Org != o {
			t.Errorf("Match(%q) = %v, want %s", o.Label(), m.Org, o.Acronym)
		}
	}
}
