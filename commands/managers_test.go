package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ietf-tools/liaisonbot/bot"
)

// "orgs", "contact" and the approvals name the same IETF liaison managers
// for every organization of the bundled directory: its own, else those of
// the nearest parent that has some (3GPP SA is covered by 3GPP's), and
// both answers state the rule when they apply it.
func TestManagers_OrgsContactAndApprovalsAgreeForEveryOrganization(t *testing.T) {
	h := newHarness(t)
	d, err := h.db.Directory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	orgs := h.do(admin, "orgs")
	lines := map[string]string{}
	for _, l := range strings.Split(orgs, "\n") {
		if acr, _, ok := strings.Cut(strings.TrimPrefix(l, "  - "), " — "); ok && strings.HasPrefix(l, "  - ") {
			lines[acr] = l
		} else if acr, _, ok := strings.Cut(strings.TrimPrefix(l, "  - "), ": "); ok && strings.HasPrefix(l, "  - ") {
			lines[acr] = l
		}
	}
	covered := 0
	for _, o := range d.Orgs {
		if o.Relationship == bot.RelNone {
			continue
		}
		line, ok := lines[o.Acronym]
		if !ok {
			t.Errorf("orgs does not list %s", o.Acronym)
			continue
		}
		contact := h.do(admin, "contact "+o.Acronym)
		var field string
		for _, l := range strings.Split(contact, "\n") {
			if strings.Contains(l, "IETF liaison manager:") {
				field = l
			}
		}
		covering := d.ManagingOrg(o)
		want := d.Managers(o)
		approvers := bot.Responsible(&bot.Statement{Direction: bot.Outgoing, State: bot.StatePending, To: o.Acronym}, o, d)
		if len(want) == 0 {
			if !strings.Contains(line, "manager not on record") || !strings.Contains(field, "not on record") {
				t.Errorf("%s: no manager, but\n orgs:    %s\n contact: %s", o.Acronym, line, field)
			}
			continue
		}
		for _, p := range want {
			if !strings.Contains(line, p.Name) || !strings.Contains(field, p.Name) {
				t.Errorf("%s: %s covers it, but\n orgs:    %s\n contact: %s", o.Acronym, p.Name, line, field)
			}
			found := false
			for _, a := range approvers {
				found = found || a.Name == p.Name
			}
			if !found {
				t.Errorf("%s: %s is no approver: %v", o.Acronym, p.Name, approvers)
			}
		}
		if covering != o {
			covered++
			say := "as the manager for " + covering.Acronym + ", which covers"
			if !strings.Contains(line, say) || !strings.Contains(field, say) || !strings.Contains(field, bot.CoveringRule) {
				t.Errorf("%s: the covering rule is not stated:\n orgs:    %s\n contact: %s", o.Acronym, line, field)
			}
		}
	}
	if covered == 0 {
		t.Fatal("no organization of the bundled directory is covered by a parent: the test checks nothing of the rule")
	}
	mustContain(t, orgs, bot.CoveringRule)
}
