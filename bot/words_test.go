package bot

import (
	"strings"
	"testing"
)

func TestStripInvisible(t *testing.T) {
	for in, want := range map[string]string{
		"abc\u202egnp.exe":                        "abcgnp.exe", // RIGHT-TO-LEFT OVERRIDE
		"\u202aLRE\u202bRLE\u202cPDF\u202dLRO":    "LRERLEPDFLRO",
		"\u2066LRI\u2067RLI\u2068FSI\u2069PDI":    "LRIRLIFSIPDI",
		"zero\u200bwidth\u200cnon\u200djoiner":    "zerowidthnonjoiner",
		"marks\u200e\u200f\u061c and \u2060joins": "marks and joins",
		"\ufeffBroadband Forum":                   "Broadband Forum", // a byte-order mark pasted in front
		"Patrik Fältström":                        "Patrik Fältström",
		"ITU-T SG15 — Q14/15":                     "ITU-T SG15 — Q14/15",
		"العربية":                                 "العربية", // right-to-left letters stay
		"":                                        "",
	} {
		if got := StripInvisible(in); got != want {
			t.Errorf("StripInvisible(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidateField_InvisibleCharactersGoBeforeValidation(t *testing.T) {
	d, _ := workflowDir()
	env := FormEnv{Dir: d}
	cases := []struct {
		key, in, want, msg string
	}{
		{FTitle, "Invoice\u202efdp.exe", "Invoicefdp.exe", ""},
		{FTitle, "\u200b\u2060\ufeff", "", "required."}, // nothing visible is nothing
		{FOrg, "3GPP\u200b", "3GPP", ""},                // matches the organization
		{FGroup, "ops\u200dawg", "opsawg", ""},          // an IETF group acronym
		{FResponse, "jane\u200b@example.org", "jane@example.org", ""},
		{FBody, "\u202bمرحبا\u202c", "\u202bمرحبا\u202c", ""}, // the body keeps its marks
	}
	for _, c := range cases {
		v := map[string]string{FDirection: "outgoing", FPurpose: "info", c.key: c.in}
		got, msg, _ := ValidateField(c.key, v, env)
		if got != c.want || (c.msg == "") != (msg == "") || (c.msg != "" && !strings.Contains(msg, c.msg)) {
			t.Errorf("%s %q: %q, %q; want %q, %q", c.key, c.in, got, msg, c.want, c.msg)
		}
	}
}
