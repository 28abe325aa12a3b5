package zulip

import (
	"strings"
	"testing"

	"github.com/ietf-tools/liaisonbot/bot"
)

func TestParseUser_MentionsAndIDs(t *testing.T) {
	for in, want := range map[string]bot.UserRef{
		"@**Jane Doe|42**":  {Platform: "zulip", ID: "42", Name: "Jane Doe"},
		"@_**Jane Doe|42**": {Platform: "zulip", ID: "42", Name: "Jane Doe"},
		"42":                {Platform: "zulip", ID: "42"},
	} {
		if got, err := ParseUser(in); err != nil || got != want {
			t.Errorf("ParseUser(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"@**Jane Doe**": "carries no user id",
		"jane":          "not a Zulip user",
		"@jane":         "not a Zulip user",
	} {
		if _, err := ParseUser(in); bot.ErrorCode(err) != bot.EINVALID || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseUser(%q): %v, want %q", in, err, want)
		}
	}
}
