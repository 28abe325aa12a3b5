package bot

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestConversation_WalkWithErrorsBackAndSkip(t *testing.T) {
	env := formEnv()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	c := NewConversation("New liaison statement", map[string]string{FOrg: "3gpp"}, env, now)
	if c.Field != FDirection {
		t.Fatalf("first question %q, want direction", c.Field)
	}
	step := func(answer, wantField, wantErr string) {
		t.Helper()
		if out := c.Answer(answer, env, now); out != Continue {
			t.Fatalf("answer %q: outcome %v", answer, out)
		}
		if c.Field != wantField {
			t.Fatalf("after %q: asking %q, want %q (error %q)", answer, c.Field, wantField, c.Error)
		}
		if (wantErr == "") != (c.Error == "") || (wantErr != "" && !strings.Contains(c.Error, wantErr)) {
			t.Fatalf("after %q: error %q, want %q", answer, c.Error, wantErr)
		}
	}
	step("2", FGroup, "") // choice by number: incoming; the organization was pre-filled
	if c.Values[FDirection] != "incoming" {
		t.Fatalf("direction = %q", c.Values[FDirection])
	}
	step("not a group!", FGroup, "working group by acronym")
	step("opsawg", FTitle, "")
	step("LS on YANG", FPurpose, "")
	step("action", FDeadline, "")
	step("2020-13-01", FDeadline, "is not a date")
	if c.Values[FTitle] != "LS on YANG" || c.Values[FGroup] != "opsawg" {
		t.Fatalf("an error lost earlier answers: %v", c.Values)
	}
	step("skip", FDeadline, "cannot be skipped")
	step("back", FPurpose, "")
	step("keep", FDeadline, "")
	step("2027-01-15", FBody, "")
	step("The body", FAttachments, "")
	for _, f := range []string{FResponse, FTechnical, FActions, FToContacts, FCC, FIdentifiers} {
		step("skip", f, "")
	}
	step("skip", "", "") // identifiers skipped: summary (approved does not apply to incoming)
	// The conversation is plain data: it survives a restart as JSON.
	buf, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var c2 Conversation
	if err := json.Unmarshal(buf, &c2); err != nil {
		t.Fatal(err)
	}
	c = &c2
	step("edit title", FTitle, "")
	step("LS on YANG models", "", "")
	if out := c.Answer("submit", env, now); out != Submit {
		t.Fatalf("submit: outcome %v, error %q", out, c.Error)
	}
	s, _, errs := BuildStatement(c.Values, env)
	if errs != nil || s.Title != "LS on YANG models" || s.From != "3GPP" || s.To != "opsawg" {
		t.Fatalf("built %+v, %v", s, errs)
	}
}

func TestConversation_Cancel(t *testing.T) {
	env := formEnv()
	c := NewConversation("x", nil, env, time.Now())
	if c.Answer("cancel", env, time.Now()) != Cancelled {
		t.Fatal("cancel did not cancel")
	}
}

func TestConversation_PrefilledErrorsAreAskedFirst(t *testing.T) {
	env := formEnv()
	v := validValues()
	v[FDeadline] = "2020-01-01"
	c := NewConversation("x", v, env, time.Now())
	if c.Field != FDeadline || !strings.Contains(c.Error, "in the past") {
		t.Fatalf("asking %q with error %q; want the bad deadline first", c.Field, c.Error)
	}
	if c.Values[FTitle] != "Reply on YANG models" {
		t.Fatal("pre-filled title lost")
	}
}

func TestConversation_AmbiguousOrgOffersChoices(t *testing.T) {
	env := formEnv()
	c := NewConversation("x", map[string]string{FDirection: "outgoing"}, env, time.Now())
	if c.Field != FOrg {
		t.Fatalf("asking %q", c.Field)
	}
	c.Answer("itu", env, time.Now())
	if c.Field != FOrg || len(c.CurrentChoices()) < 2 {
		t.Fatalf("ambiguous answer: field %q choices %v", c.Field, c.CurrentChoices())
	}
	c.Answer("1", env, time.Now())
	if c.Field == FOrg || c.Values[FOrg] == "" {
		t.Fatalf("choice by number not taken: %v (error %q)", c.Values, c.Error)
	}
}

func TestConversation_Expired(t *testing.T) {
	now := time.Now()
	c := &Conversation{Updated: now.Add(-25 * time.Hour)}
	if !c.Expired(now) {
		t.Fatal("25 hours idle is not expired")
	}
	c.Updated = now.Add(-23 * time.Hour)
	if c.Expired(now) {
		t.Fatal("23 hours idle expired")
	}
}
