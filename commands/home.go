package commands

import (
	"context"
	"runtime/debug"

	"github.com/ietf-tools/liaisonbot/bot"
)

// homeScan bounds how many open statements the home view reads.
const homeScan = 5000

// Home is the home view of the request's actor (Slack's App Home, "Your
// liaison work"): the statements waiting for their approval, those where
// they hold the action, and their own open submissions, each with its
// buttons (see bot.YourWork). It changes nothing. A failure is logged and
// answered with a short message safe to show.
func (r *Router) Home(ctx context.Context, req *bot.Request) (m bot.Message) {
	defer func() {
		if p := recover(); p != nil {
			r.Logger.Error("home view panicked", "platform", req.Platform, "panic", p, "stack", string(debug.Stack()))
			m = homeFailed()
		}
	}()
	if err := r.identify(ctx, req); err != nil {
		r.logError("home", req, err)
	}
	d, err := r.Store.Directory(ctx)
	if err != nil {
		r.logError("home", req, bot.Internal("home: directory", err))
		return homeFailed()
	}
	var open []*bot.Statement
	q := bot.ListQuery{Filter: bot.ListOpen, Page: 1, PageSize: 500}
	for len(open) < homeScan {
		page, more, err := r.Store.ListStatements(ctx, q)
		if err != nil {
			r.logError("home", req, bot.Internal("home: list", err))
			return homeFailed()
		}
		open = append(open, page...)
		if !more {
			break
		}
		q.Page++
	}
	today := bot.Today(r.Now(), r.Location)
	return bot.HomeView(req.Actor, bot.YourWork(req.Actor, open, d), today)
}

// homeFailed is the home view when it could not be read.
func homeFailed() bot.Message {
	return bot.Message{Blocks: []bot.Block{
		bot.Header{Text: "Your liaison work"},
		bot.Paragraph{Text: bot.Words("I could not read your liaison work just now. Open this tab again in a moment, or type “/liaison list mine”.")},
	}, Summary: "Your liaison work"}
}
