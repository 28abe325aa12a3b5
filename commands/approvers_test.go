package commands_test

import (
	"context"
	"testing"

	"github.com/ietf-tools/liaisonbot/bot"
)

// groupsState is what the directory sync keeps of the IETF's groups: ccamp
// with its chair and its area's AD, the concluded pwe3, the IAB's chair.
const groupsState = `[
 {"Acronym":"ccamp","Name":"Common Control and Measurement Plane","Type":"wg","State":"active","Area":"rtg",
  "Chairs":[{"Name":"Jordan Chairexample","Email":"jordan@example.org"}],"ADs":[{"Name":"Kai Adexample","Email":"kai@example.org"}]},
 {"Acronym":"rtg","Name":"Routing Area","Type":"area","State":"active","ADs":[{"Name":"Kai Adexample","Email":"kai@example.org"}]},
 {"Acronym":"pwe3","Name":"Pseudowire Emulation Edge to Edge","Type":"wg","State":"conclude","Area":"rtg"},
 {"Acronym":"mpls","Name":"Multiprotocol Label Switching","Type":"wg","State":"active","Area":"rtg"},
 {"Acronym":"iab","Name":"Internet Architecture Board","Type":"iab","State":"active","Chairs":[{"Name":"Gale Chairexample","Email":"gale@example.org"}]}
]`

// Issue 14: show names the approvers RFC 4052 §4 gives and where that
// comes from; the group's chair may approve; the liaison managers and
// coordinators always may.
func TestShow_ApproversFromTheDatatrackersRoles(t *testing.T) {
	h := newHarness(t)
	if err := h.db.SetSyncState(context.Background(), bot.SyncKeyIETFGroups, groupsState); err != nil {
		t.Fatal(err)
	}
	mustContain(t, h.do(as("alice@example.org"), `submit to=BBF from="IETF CCAMP WG" purpose=info title="LS on OTN" body=x`), "Submitted LS-1", "State: pending")
	mustContain(t, h.do(admin, "show LS-1"),
		"Approvers:", "Jordan Chairexample", "copied: Kai Adexample", "(RFC 4052 §4: the chairs of ccamp, its Area Directors copied, from the Datatracker's roles)")
	mustContain(t, h.do(as("alice@example.org"), `submit to=BBF from=IAB purpose=info title="LS from the IAB" body=x`), "Submitted LS-2")
	mustContain(t, h.do(admin, "show LS-2"), "Gale Chairexample", "RFC 4052 §4: the IAB Chair")

	// The chair, once tied to a directory person, approves.
	resp := h.resp(as("jordan@example.org"), "approve LS-1")
	if resp.Outcome != bot.EFORBIDDEN {
		t.Fatalf("an unlinked chair approved: %q", resp.Outcome)
	}
	mustContain(t, h.do(admin, "link jordan@example.org jordan@example.org"), "jordan@example.org")
	mustContain(t, h.do(as("jordan@example.org"), "approve LS-1"), "approved")
	if s := h.statement(1); s.State != bot.StateApproved {
		t.Fatalf("LS-1 is %s", s.State)
	}
	// BBF's liaison manager may approve LS-2 although the IAB Chair is named.
	mustContain(t, h.do(as("bbf-liaison@ietf.org"), "approve LS-2"), "approved")
}

// A concluded group: refused for a new outgoing statement, accepted for
// an incoming or back-dated record and shown as concluded. Full names
// resolve.
func TestSubmit_ConcludedAndNamedGroups(t *testing.T) {
	h := newHarness(t)
	if err := h.db.SetSyncState(context.Background(), bot.SyncKeyIETFGroups, groupsState); err != nil {
		t.Fatal(err)
	}
	out := h.do(admin, `submit to=BBF from=pwe3 purpose=info title="Out" body=x`)
	mustContain(t, out, "pwe3 has concluded: a new outgoing statement cannot come from it")
	h.do(admin, "cancel")
	mustContain(t, h.do(admin, `submit from=BBF to="Pseudowire Emulation Edge to Edge, Multiprotocol Label Switching" purpose=info title="In" body=x`), "Submitted LS-1")
	if s := h.statement(1); s.To != "pwe3, mpls" {
		t.Errorf("to %q", s.To)
	}
	mustContain(t, h.do(admin, "show LS-1"), "Concluded groups:", "pwe3 (concluded)")
	mustContain(t, h.do(admin, `submit to=BBF from=pwe3 purpose=info title="Old" body=x submitted=2012-05-31`), "Submitted LS-2")
}
