package commands

import (
	"context"
	"strings"

	"github.com/ietf-tools/liaisonbot/bot"
)

func previewCommand() *Definition {
	return &Definition{
		Name:    "preview",
		Usage:   "preview LS-<n>",
		Summary: "the email “post” sends for an outgoing statement: its headers and body, exactly",
		Help: "Shows the message as posting the statement would send it now: From, To, Cc (with the IAB liaison coordinators), " +
			"Bcc, Subject, In-Reply-To for a reply, and the body as the Datatracker writes it. The Date and the Message-ID are set when it is posted.",
		Examples: []string{"preview LS-12"},
		Run:      runPreview,
	}
}

func runPreview(ctx context.Context, c *Call) (*bot.Response, error) {
	id, _, err := c.statementArg()
	if err != nil {
		return nil, err
	}
	d, err := c.directory(ctx)
	if err != nil {
		return nil, err
	}
	s, err := c.r.Store.Statement(ctx, id)
	if err != nil {
		return nil, err
	}
	if s.Direction != bot.Outgoing {
		return nil, bot.Errorf(bot.EINVALID, "%s is incoming: the other organization sent it, so the bot mails nothing when it is recorded.", s.Ref())
	}
	// The statement it answers, and that one's Message-ID if it was
	// mailed from here: read in one transaction that writes nothing.
	var related *bot.Statement
	inReplyTo := ""
	if s.Related != 0 {
		err := c.r.Store.UpdateStatements(ctx, func(tx bot.StatementTx) error {
			r, err := tx.Statement(s.Related)
			if bot.ErrorCode(err) == bot.ENOTFOUND {
				return nil
			}
			if err != nil {
				return err
			}
			related = r
			inReplyTo, err = tx.MailMessageID(r.ID, bot.MailPosted)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	m := bot.PostedEmail(s, d.StatementOrg(s), d, c.r.Audience.Mail, bot.Event{Time: c.now()}, related, inReplyTo)
	m.MessageID, m.Date = "", c.now().In(c.r.Location)
	head := "The email “post " + s.Ref() + "” sends:"
	if s.State == bot.StatePosted {
		head = s.Ref() + " is posted already; posting it now would send:"
	}
	blocks := []bot.Block{bot.Paragraph{Text: bot.Words(head)}, bot.Quote{Text: strings.TrimRight(m.Text(), "\n")}}
	blocks = append(blocks, noAddressNote(m)...)
	if !c.r.Audience.Mail.Send {
		blocks = append(blocks, bot.Context{Text: bot.Words("No SMTP server is configured (LIAISONBOT_SMTP_URL): “post” will not send it; send this message by hand.")})
	}
	return reply(bot.Message{Blocks: blocks, Statement: s.ID, Summary: "Email preview of " + s.Ref()}), nil
}

// noAddressNote names the contacts that do not get the message, and says
// so when nobody on the other side does.
func noAddressNote(m bot.Email) []bot.Block {
	var out []bot.Block
	if len(m.NoAddress) > 0 {
		out = append(out, bot.Context{Text: bot.Words("No address on record for " + strings.Join(m.NoAddress, ", ") + ": they do not get it.")})
	}
	if len(m.To) == 0 {
		out = append(out, bot.Context{Text: bot.Words("Nobody is in To: the statement has no To contact with an address and the directory has no contact point for the organization. " +
			"Forward it to them by hand, or ask an admin to record their contact point (admin contact set).")})
	}
	return out
}

// mailBlocks say what the emails of a change did: for a posted statement,
// who it went to (or, without SMTP, that none was sent, and the message to
// send by hand); for an approval request, whom it asked.
func mailBlocks(ms []bot.Email, sending bool) []bot.Block {
	var out []bot.Block
	for _, m := range ms {
		switch {
		case m.Kind == bot.MailPosted && sending:
			t := bot.Line(bot.Plain("Emailing the statement — To: "), bot.Plain(mailboxList(m.To)))
			if len(m.Cc) > 0 {
				t = append(t, bot.Plain("; Cc: "+mailboxList(m.Cc)))
			}
			if len(m.Bcc) > 0 {
				t = append(t, bot.Plain("; Bcc: "+mailboxList(m.Bcc)))
			}
			out = append(out, bot.Paragraph{Text: append(t, bot.Plain("."))})
			out = append(out, noAddressNote(m)...)
		case m.Kind == bot.MailPosted:
			out = append(out, bot.Paragraph{Text: bot.Words("No email was sent: no SMTP server is configured (LIAISONBOT_SMTP_URL). " +
				"Send the statement by hand — this is the message:")},
				bot.Quote{Text: strings.TrimRight(m.Text(), "\n")})
			out = append(out, noAddressNote(m)...)
		case m.Kind == bot.MailApproval && sending:
			out = append(out, bot.Context{Text: bot.Words("Approval request emailed to " + mailboxList(m.To) + ".")})
		}
	}
	return out
}

func mailboxList(ms []bot.Mailbox) string {
	if len(ms) == 0 {
		return "nobody"
	}
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = m.String()
	}
	return strings.Join(s, ", ")
}
