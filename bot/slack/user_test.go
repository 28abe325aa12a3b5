package slack

import (
	"strings"
	"testing"

	"github.com/ietf-tools/liaisonbot/bot"
)

func TestParseUser_MentionsAndIDs(t *testing.T) {
	for in, want := range map[string]bot.UserRef{
		"<@U0123ABC>":          {Platform: "slack", ID: "U0123ABC"},
		"<@U0123ABC|jane.doe>": {Platform: "slack", ID: "U0123ABC", Name: "jane.doe"},
		"<@W0123ABC|jane>":     {Platform: "slack", ID: "W0123ABC", Name: "jane"},
		"U0123ABC":             {Platform: "slack", ID: "U0123ABC"},
		" @U0123ABC ":          {Platform: "slack", ID: "U0123ABC"},
	} {
		if got, err := ParseUser(in); err != nil || got != want {
			t.Errorf("ParseUser(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"@jane", "jane", "<@jane>", "U1", "<#C123|liaison>"} {
		if _, err := ParseUser(in); bot.ErrorCode(err) != bot.EINVALID || !strings.Contains(err.Error(), "is not a Slack user") {
			t.Errorf("ParseUser(%q): %v, want a refusal", in, err)
		}
	}
}
