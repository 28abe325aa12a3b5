package bot

import (
	"testing"
)

func TestNextStep_PostedForActionAwaitsTheAddressee(t *testing.T) {
	dl, _ := ParseDate("2027-01-15")
	people := Line(Plain("Gonzalo Camarillo"))
	for _, tc := range []struct {
		name string
		s    Statement
		want string
	}{
		{"outgoing posted", Statement{Direction: Outgoing, From: "opsawg", To: "3GPP", State: StatePosted, ActionRequired: true, Deadline: dl},
			"Next step: a response from 3GPP by 2027-01-15, followed up by Gonzalo Camarillo."},
		{"incoming posted", Statement{Direction: Incoming, From: "ITU-T SG15", To: "ccamp", State: StatePosted, ActionRequired: true, Deadline: dl},
			"Next step: a response from ccamp by 2027-01-15, followed up by Gonzalo Camarillo."},
		{"pending", Statement{Direction: Outgoing, From: "opsawg", To: "3GPP", State: StatePending, ActionRequired: true, Deadline: dl},
			"Next step: Gonzalo Camarillo"},
		{"taken", Statement{Direction: Outgoing, From: "opsawg", To: "3GPP", State: StatePosted, ActionTaken: true, Deadline: dl},
			"Next step: Gonzalo Camarillo"},
	} {
		if got := NextStepLine(&tc.s, people).PlainString(); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	if NextStepLine(&Statement{State: StateDead}, nil) != nil {
		t.Error("a dead statement has a next step")
	}
}

func TestStateText_DeadShowsNoActionRequired(t *testing.T) {
	s := &Statement{State: StateDead, ActionRequired: true}
	if got := StateText(s); got != "dead" {
		t.Fatalf("StateText = %q, want dead", got)
	}
	s.State = StatePosted
	if got := StateText(s); got != "posted · action required" {
		t.Fatalf("StateText = %q", got)
	}
}
