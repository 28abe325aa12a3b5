package slack

import (
	"regexp"
	"strings"

	"github.com/ietf-tools/liaisonbot/bot"
)

var (
	// A mention: <@U123> or, in slash-command text, <@U123|name>.
	userMention = regexp.MustCompile(`^<@([UW][A-Z0-9]+)(?:\|([^>]*))?>$`)
	// A user id: U123, or @U123.
	userIDText = regexp.MustCompile(`^@?([UW][A-Z0-9]{2,})$`)
)

// ParseUser reads a user as Slack writes one in a command: a mention
// (<@U123>, or <@U123|name> as slash commands send it) or a user id (U123).
// It is the bot.Request's ParseUser of every Slack request.
func ParseUser(s string) (bot.UserRef, error) {
	s = strings.TrimSpace(s)
	if m := userMention.FindStringSubmatch(s); m != nil {
		return bot.UserRef{Platform: bot.PlatformSlack, ID: m[1], Name: strings.TrimSpace(m[2])}, nil
	}
	if m := userIDText.FindStringSubmatch(s); m != nil {
		return bot.UserRef{Platform: bot.PlatformSlack, ID: m[1]}, nil
	}
	return bot.UserRef{}, bot.Errorf(bot.EINVALID, "“%s” is not a Slack user: mention them (@name) and pick them from the list.", bot.Echo(s))
}
