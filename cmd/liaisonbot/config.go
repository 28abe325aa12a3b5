package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/ietf-tools/liaisonbot/bot/zulip"
	"github.com/ietf-tools/liaisonbot/config"
)

const configUsage = `Usage: liaisonbot config check [--online]

Prints the effective configuration (defaults, then the file, then the environment,
then a zuliprc for the Zulip credentials it holds), secrets masked, each value with
where it came from, and checks it. Warns when no chat platform is configured.

  --online   also try the credentials of every configured service (Slack's auth.test,
             Zulip's users/me, the SMTP server's EHLO, STARTTLS and AUTH without sending
             a message) and report each; exit 1 when one fails`

func runConfig(ctx context.Context, g *globals, args []string) error {
	fs := flag.NewFlagSet("config", flag.ContinueOnError)
	fs.SetOutput(g.env.Stderr)
	fs.Usage = func() { fmt.Fprintln(g.env.Stderr, configUsage) }
	if len(args) == 0 || args[0] != "check" {
		fs.Usage()
		return usageErr("config: expected “config check”")
	}
	online := fs.Bool("online", false, "try the credentials of every configured service")
	if err := fs.Parse(args[1:]); err != nil {
		return usageErr("config check: %v", err)
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return usageErr("config check: unexpected %q", fs.Arg(0))
	}
	if err := loadZuliprc(g.cfg); err != nil {
		return err
	}
	out := g.env.Stdout
	fmt.Fprint(out, g.cfg.String())
	if err := g.cfg.Validate(); err != nil {
		return fmt.Errorf("configuration is invalid:\n%w", err)
	}
	if !g.cfg.Platforms() {
		fmt.Fprintln(out, "warning: no chat platform is configured: serve would answer only /healthz and /metrics; the console works.\n"+
			"  For Slack set SLACK_BOT_TOKEN (and SLACK_SIGNING_SECRET or SLACK_APP_TOKEN); for Zulip ZULIP_CONFIG or ZULIP_SITE, ZULIP_EMAIL, ZULIP_API_KEY.")
	}
	if !*online {
		fmt.Fprintln(out, "configuration OK")
		return nil
	}
	checks := onlineChecks(g.cfg)
	if len(checks) == 0 {
		fmt.Fprintln(out, "configuration OK; nothing to try online (no service with credentials is configured)")
		return nil
	}
	fmt.Fprintln(out, "configuration OK; trying the services:")
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	var failed []string
	for _, c := range checks {
		cctx, cancel := context.WithTimeout(ctx, onlineTimeout)
		found, err := c.try(cctx)
		cancel()
		if err != nil {
			failed = append(failed, c.name)
			fmt.Fprintf(w, "  %s\tFAILED\t%s\n", c.name, oneLine(err.Error()))
			continue
		}
		fmt.Fprintf(w, "  %s\tok\t%s\n", c.name, found)
	}
	w.Flush()
	if len(failed) > 0 {
		return fmt.Errorf("config check --online: %s failed", strings.Join(failed, ", "))
	}
	return nil
}

// onlineTimeout bounds one online check.
const onlineTimeout = 15 * time.Second

// onlineCheck tries the credentials of one configured service and says what
// it found (the account the credentials belong to).
type onlineCheck struct {
	name string // what the line says: "slack", "zulip"
	try  func(ctx context.Context) (string, error)
}

// onlineChecks are the checks of the configured services, in the order
// they are reported. A new service adds one entry here.
func onlineChecks(cfg *config.Config) []onlineCheck {
	var out []onlineCheck
	if cfg.Slack.Enabled() {
		out = append(out, onlineCheck{"slack", func(ctx context.Context) (string, error) {
			api := slackgo.New(cfg.Slack.BotToken, slackgo.OptionAPIURL(cfg.Slack.APIURL))
			r, err := api.AuthTestContext(ctx)
			if err != nil {
				return "", fmt.Errorf("auth.test at %s (SLACK_BOT_TOKEN): %w", cfg.Slack.APIURL, err)
			}
			return fmt.Sprintf("auth.test: bot user %s (%s) in team %s (%s)", r.User, r.UserID, r.Team, r.TeamID), nil
		}})
	}
	if cfg.Zulip.Queue() {
		out = append(out, onlineCheck{"zulip", func(ctx context.Context) (string, error) {
			c, err := zulip.New(cfg.Zulip.Site, cfg.Zulip.Email, cfg.Zulip.APIKey)
			if err != nil {
				return "", fmt.Errorf("ZULIP_SITE: %w", err)
			}
			u, err := c.GetOwnUser(ctx)
			if err != nil {
				what := "users/me at " + cfg.Zulip.Site
				if zulip.IsUnauthorized(err) {
					what += " refused ZULIP_EMAIL/ZULIP_API_KEY"
				}
				return "", fmt.Errorf("%s: %w", what, err)
			}
			return fmt.Sprintf("users/me: %s <%s> (user %d)", u.FullName, u.Email, u.ID), nil
		}})
	}
	if cfg.Mail.Enabled() {
		out = append(out, onlineCheck{"smtp", func(ctx context.Context) (string, error) {
			ms, err := mailSender(cfg)
			if err != nil {
				return "", err
			}
			found, err := ms.Check(ctx)
			if err != nil {
				return "", fmt.Errorf("LIAISONBOT_SMTP_URL: %w", err)
			}
			return found + " (no message sent)", nil
		}})
	}
	return out
}

// oneLine keeps an error on its line of the report.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
