package slack

import (
	"context"
	"errors"
	"strings"

	"github.com/slack-go/slack"

	"github.com/ietf-tools/liaisonbot/bot"
)

// maxViewBlocks is the most blocks a home view holds.
const maxViewBlocks = 100

// The home tab ("Your liaison work"): published with views.publish when a
// person opens it (app_home_opened) and, through the outbox, after every
// change that concerns them (bot.Audience.HomeRefresh). Its buttons run
// their commands like any other button; the answers go to the person's
// DM.

// homeJob publishes the home tab of the user who opened it.
func (a *Adapter) runHome(j eventJob) {
	ctx, cancel := context.WithTimeout(a.ctx, a.cfg.WorkTimeout)
	defer cancel()
	defer a.recoverPanic("home " + j.id)
	if err := a.publishHome(ctx, j.ev.User); err != nil {
		a.log.Warn("could not publish a home tab", "user", j.ev.User, "err", err)
	}
}

// errNoHome says the adapter was given no home view to publish.
var errNoHome = errors.New("slack: no home view configured")

// publishHome renders the user's home view as it is now and publishes it
// (views.publish).
func (a *Adapter) publishHome(ctx context.Context, userID string) error {
	if a.cfg.Home == nil {
		return &APIError{Method: "views.publish", Code: "no_home", Err: errNoHome}
	}
	req := &bot.Request{
		Platform:  bot.PlatformSlack,
		Actor:     a.actor(ctx, userID, ""),
		Channel:   bot.Channel{DM: true},
		ParseUser: ParseUser,
	}
	r := renderUpTo(a.cfg.Home.Home(ctx, req), maxViewBlocks)
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: r.Blocks}, CallbackID: homeCallbackID}
	return a.call(ctx, "views.publish", func(ctx context.Context) error {
		_, err := a.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: userID, View: view})
		return err
	})
}

// homeCallbackID marks the home view.
const homeCallbackID = "liaisonbot_home"

// deliverHome is Deliver for a home view refresh.
func (a *Adapter) deliverHome(ctx context.Context, d bot.Delivery) (bot.Delivered, error) {
	u := strings.TrimSpace(d.Target.User)
	if !validUserID(u) {
		return bot.Delivered{}, &bot.DeliveryError{Code: "no_user", Permanent: true,
			Err: errors.New("slack: a home view is for a user, not " + d.Target.String())}
	}
	if a.cfg.Home == nil {
		return bot.Delivered{}, &bot.DeliveryError{Code: "no_home", Permanent: true, Err: errNoHome}
	}
	if err := a.publishHome(ctx, u); err != nil {
		return bot.Delivered{}, deliveryError(err)
	}
	return bot.Delivered{}, nil
}
