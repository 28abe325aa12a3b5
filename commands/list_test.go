package commands_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ietf-tools/liaisonbot/bot"
)

func TestList_ArgumentsOrganizationsOfSeveralWordsAndPages(t *testing.T) {
	h := newHarness(t)
	for i := range 12 {
		mustContain(t, h.do(admin, fmt.Sprintf(`submit to="3GPP CT" from=ccamp purpose=info title="CT statement %02d" body=x`, i)), "Submitted LS-")
	}
	mustContain(t, h.do(admin, `submit to=3GPP from=ccamp purpose=info title="Plain 3GPP" body=x`), "Submitted LS-13")
	page2 := h.do(admin, "list open org 3GPP CT page 2")
	mustContain(t, page2, "CT statement 01", "CT statement 00")
	if strings.Contains(page2, "CT statement 11") || strings.Contains(page2, "Plain 3GPP") {
		t.Errorf("page 2 of 3GPP CT:\n%s", page2)
	}
	all := h.do(admin, "list org 3GPP CT")
	mustContain(t, all, "CT statement 11", "More: list open org 3GPP CT page 2")
	if strings.Contains(all, "Plain 3GPP") {
		t.Errorf("3GPP's statement listed with 3GPP CT:\n%s", all)
	}
	for line, want := range map[string]string{
		"list org":                  "Which organization?",
		"list open page":            "Which page?",
		"list page 0":               "“0” is not a page number.",
		"list page 100001":          "“100001” is not a page number.",
		"list org 3GPP CT page two": "“two” is not a page number.",
		"list sideways":             "I don't understand “sideways”.",
	} {
		resp := h.resp(admin, line)
		if out := renderResp(resp); resp.Outcome != bot.EINVALID || !strings.Contains(out, want) {
			t.Errorf("%q: outcome %q:\n%s\nwant %q", line, resp.Outcome, out, want)
		}
	}
	mustContain(t, h.do(admin, "list page 100000"), "Open statements (page 100000)", "None.")
}
