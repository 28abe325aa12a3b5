package slack

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The scopes platforms.md lists for the app.
var manifestScopes = []string{"commands", "chat:write", "chat:write.public", "app_mentions:read", "im:history", "im:write", "users:read", "users:read.email"}

func readManifest(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "deploy", "slack", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// scopeLines are the "- scope" lines under oauth_config.scopes.bot.
func scopeLines(m string) []string {
	_, rest, _ := strings.Cut(m, "    bot:\n")
	var out []string
	for _, l := range strings.Split(rest, "\n") {
		s, ok := strings.CutPrefix(l, "      - ")
		if !ok {
			break
		}
		out = append(out, s)
	}
	return out
}

func TestManifests_MatchTheAdapter(t *testing.T) {
	for _, c := range []struct {
		file   string
		socket bool
	}{{"manifest-http.yaml", false}, {"manifest-socket.yaml", true}} {
		m := readManifest(t, c.file)
		if got := strings.Join(scopeLines(m), " "); got != strings.Join(manifestScopes, " ") {
			t.Errorf("%s: scopes %q, want %q", c.file, got, strings.Join(manifestScopes, " "))
		}
		for _, want := range []string{"command: /liaison", "- app_mention", "- message.im", "- app_home_opened", "home_tab_enabled: true", "messages_tab_enabled: true", "is_enabled: true"} {
			if !strings.Contains(m, want) {
				t.Errorf("%s lacks %q", c.file, want)
			}
		}
		urls := []string{
			"url: https://liaisonbot.example.org/slack/commands",
			"request_url: https://liaisonbot.example.org/slack/events",
			"request_url: https://liaisonbot.example.org/slack/interactivity",
			"message_menu_options_url: https://liaisonbot.example.org/slack/options",
		}
		for _, u := range urls {
			if strings.Contains(m, u) == c.socket {
				t.Errorf("%s: %q present=%v", c.file, u, !c.socket)
			}
		}
		if c.socket && (strings.Contains(m, "url:") || !strings.Contains(m, "socket_mode_enabled: true")) {
			t.Errorf("%s: Socket Mode manifest with URLs or without socket_mode_enabled", c.file)
		}
		if !c.socket && !strings.Contains(m, "socket_mode_enabled: false") {
			t.Errorf("%s: HTTP manifest without socket_mode_enabled: false", c.file)
		}
	}
}
