// Package console is liaisonbot's terminal adapter: the same commands on
// standard input and output, for trying the bot and for scripts. It reads one
// command per line (with or without a leading "/liaison") and prints the
// replies as plain text; it exits at the end of input.
package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ietf-tools/liaisonbot/bot"
)

// Console runs commands from In and writes replies to Out.
type Console struct {
	Handler bot.Handler
	In      io.Reader
	Out     io.Writer
	// Actor is who is typing: by default the local user, an admin.
	Actor bot.Actor
	// Interactive shows a prompt and a greeting (a terminal, not a pipe).
	Interactive bool
	// MaxLine bounds a line; longer lines are refused (default 2 MiB + 1).
	MaxLine int
	// Lines, if set, reads the lines instead of In: a Terminal, with line
	// editing and history, when standard input is a terminal.
	Lines LineReader
}

// Incomplete is what Run returns when its input (a pipe, not a person at
// a terminal) ended with a statement form still open or after a command
// failed: a script then exits non-zero.
type Incomplete struct {
	FormOpen bool // the input ended with a form waiting for answers
	Failed   int  // lines that failed (a refused command or answer)
	Lines    int  // lines run
}

func (e *Incomplete) Error() string {
	var parts []string
	if e.Failed > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d lines failed", e.Failed, e.Lines))
	}
	if e.FormOpen {
		parts = append(parts, "the input ended with the statement form still open: nothing was submitted (“form” shows it, “cancel” drops it)")
	}
	return "console: " + strings.Join(parts, "; ")
}

// LocalActor is the console's default identity: whoever runs the binary
// on the bot's own machine, an admin.
func LocalActor() bot.Actor {
	return bot.Actor{Platform: bot.PlatformConsole, UserID: "local", Name: "local user", Admin: true}
}

// ActorFor is the console identity of the directory person with the email.
func ActorFor(email string) bot.Actor {
	return bot.Actor{Platform: bot.PlatformConsole, UserID: email, Email: email, Name: email}
}

// Run reads commands until the end of input or ctx is done.
func (c *Console) Run(ctx context.Context) error {
	if c.Actor.UserID == "" {
		c.Actor = LocalActor()
	}
	maxLine := c.MaxLine
	if maxLine <= 0 {
		maxLine = 2<<20 + 1
	}
	r := bufio.NewReaderSize(c.In, 64<<10)
	next := func() (string, error) { return readLine(r, maxLine) }
	if c.Lines != nil {
		next = c.Lines.ReadLine
	}
	if c.Interactive {
		fmt.Fprintln(c.Out, "liaisonbot console — type “help” for the commands, Ctrl-D to leave.")
	}
	var st Incomplete
	// A new session: first, where an unfinished form stands, if one waits.
	if resp := c.Handler.Handle(ctx, c.request("", true)); resp != nil {
		io.WriteString(c.Out, Render(resp.Messages))
		st.FormOpen = resp.FormOpen
	}
	end := func() error {
		if c.Interactive || (!st.FormOpen && st.Failed == 0) {
			return nil
		}
		return &st
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil
		}
		if c.Interactive && c.Lines == nil {
			fmt.Fprint(c.Out, Prompt)
		}
		line, err := next()
		if errors.Is(err, io.EOF) && line == "" {
			if c.Interactive {
				fmt.Fprintln(c.Out)
			}
			return end()
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("console: read: %w", err)
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		if c.Interactive && (strings.TrimSpace(line) == "quit" || strings.TrimSpace(line) == "exit") {
			return nil
		}
		if len(line) > maxLine {
			line = line[:maxLine+1]
		}
		resp := c.Handler.Handle(ctx, c.request(line, false))
		st.Lines++
		if resp != nil {
			io.WriteString(c.Out, Render(resp.Messages))
			st.FormOpen = resp.FormOpen
			if resp.Outcome != "" {
				st.Failed++
			}
		}
		if errors.Is(err, io.EOF) {
			return end()
		}
	}
}

// request is one line as the router gets it.
func (c *Console) request(line string, returning bool) *bot.Request {
	return &bot.Request{
		Platform:  bot.PlatformConsole,
		Actor:     c.Actor,
		Channel:   bot.Channel{DM: true},
		Text:      line,
		Returning: returning,
	}
}

// readLine reads one line without its newline. A line longer than max is
// returned cut to max+1 bytes (so the handler can refuse it) and the rest of
// it is skipped.
func readLine(r *bufio.Reader, max int) (string, error) {
	var b []byte
	for {
		chunk, isPrefix, err := r.ReadLine()
		if len(b) <= max {
			b = append(b, chunk...)
		}
		if err != nil {
			return string(b), err
		}
		if !isPrefix {
			return string(b), nil
		}
	}
}
