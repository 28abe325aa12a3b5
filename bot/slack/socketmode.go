package slack

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// maxAckBytes keeps a Socket Mode acknowledgement under Slack's 20 KB
// limit (bigger ones are silently dropped), with room for the envelope.
const maxAckBytes = 19 * 1024

// RunSocketMode connects to Slack over Socket Mode with the app-level
// token and handles slash commands, interactions and events through the
// same handlers as the HTTP endpoints until ctx ends. Every envelope is
// acknowledged; the acknowledgement carries the reply, the
// response_action or the options.
func (a *Adapter) RunSocketMode(ctx context.Context) error {
	if a.cfg.AppToken == "" {
		return errors.New("slack: Socket Mode needs SLACK_APP_TOKEN")
	}
	sm := socketmode.New(a.api, socketmode.OptionLog(slogOutput{a.log}))
	errc := make(chan error, 1)
	go func() { errc <- sm.RunContext(ctx) }()
	for {
		select {
		case err := <-errc:
			if ctx.Err() != nil {
				return nil
			}
			return err
		case evt := <-sm.Events:
			a.socketEvent(sm, evt)
		}
	}
}

// socketEvent handles one Socket Mode event.
func (a *Adapter) socketEvent(sm *socketmode.Client, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		a.log.Info("connecting to slack over socket mode")
	case socketmode.EventTypeConnected:
		a.log.Info("connected to slack over socket mode")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth, socketmode.EventTypeIncomingError:
		a.log.Warn("slack socket mode problem", "type", string(evt.Type), "data", evt.Data)
	case socketmode.EventTypeErrorBadMessage:
		// The envelope could not be parsed; ack what can be, so Slack
		// does not resend garbage forever.
		a.log.Warn("slack socket mode sent a message that could not be read", "data", evt.Data)
	case socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive, socketmode.EventTypeEventsAPI:
		if evt.Request == nil {
			return
		}
		req := *evt.Request
		done := a.begin()
		go func() {
			defer done()
			defer a.recoverPanic("socket mode " + req.Type)
			a.socketAck(sm, req, a.envelope(evt.Type, evt.Data, req))
		}()
	}
}

// envelope runs the handler for one envelope and returns its answer.
func (a *Adapter) envelope(t socketmode.EventType, data any, req socketmode.Request) ack {
	switch t {
	case socketmode.EventTypeSlashCommand:
		cmd, ok := data.(slack.SlashCommand)
		if !ok {
			if err := json.Unmarshal(req.Payload, &cmd); err != nil {
				return badRequest("malformed slash command")
			}
		}
		return a.slashCommand(cmd)
	case socketmode.EventTypeInteractive:
		ic, err := parseInteraction(req.Payload)
		if err != nil {
			return badRequest("malformed payload")
		}
		return a.interaction(ic)
	default:
		retry := ""
		if req.RetryAttempt > 0 {
			retry = strconv.Itoa(req.RetryAttempt)
		}
		return a.event(req.Payload, retry)
	}
}

// socketAck acknowledges an envelope with the answer as payload. An
// answer too big for an acknowledgement goes another way; a failure that
// Slack should retry (status 5xx) is not acknowledged.
func (a *Adapter) socketAck(sm *socketmode.Client, req socketmode.Request, k ack) {
	if k.status >= 500 {
		return
	}
	var payload any
	if !k.empty() && k.status < 400 {
		b, err := k.encode()
		switch {
		case err != nil:
			a.log.Error("could not encode a socket mode answer", "err", err)
		case len(b) < maxAckBytes:
			payload = json.RawMessage(b)
		case k.oversize != nil:
			a.goAsync("oversized answer", k.oversize)
		default:
			a.log.Warn("dropped a socket mode answer over 20 KB", "bytes", len(b))
		}
	}
	if err := sm.Ack(req, payload); err != nil {
		a.log.Warn("could not acknowledge a socket mode envelope", "envelope", req.EnvelopeID, "err", err)
	}
}

// slogOutput lets slack-go's socket mode client log through slog.
type slogOutput struct{ log *slog.Logger }

func (s slogOutput) Output(_ int, msg string) error {
	s.log.Debug("socketmode: " + strings.TrimSpace(msg))
	return nil
}
