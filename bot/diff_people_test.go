package bot

import (
	"reflect"
	"testing"
)

func TestDiffOrg_AChangedPersonIsOneChange(t *testing.T) {
	o := &Organization{Acronym: "3GPP", Managers: []Person{
		{Name: "Suresh Krishnan", Email: "suresh@old.example"},
		{Name: "Jane Doe", Email: "jane@example.org"},
		{Name: "Gone Person", Email: "gone@example.org"},
	}}
	n := &Organization{Acronym: "3GPP", Managers: []Person{
		{Name: "Suresh Krishnan", Email: "suresh@example.org"},
		{Name: "Jane Q. Doe", Email: "JANE@example.org", Title: "CT chair"},
		{Name: "New Person", Email: "new@example.org"},
	}}
	want := []string{
		"3GPP: manager Suresh Krishnan: email suresh@old.example → suresh@example.org",
		"3GPP: manager Jane Doe: name Jane Doe → Jane Q. Doe, email jane@example.org → JANE@example.org, title (none) → CT chair",
		"3GPP: manager added: New Person <new@example.org>",
		"3GPP: manager removed: Gone Person <gone@example.org>",
	}
	if got := DiffOrg(o, n); !reflect.DeepEqual(got, want) {
		t.Fatalf("DiffOrg:\n%q\nwant\n%q", got, want)
	}
}
