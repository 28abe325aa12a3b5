package console_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ietf-tools/liaisonbot/bot/console"
)

// lockedBuffer is written by the line editor and the console at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// On a terminal, Up recalls the previous line (it used to arrive as the
// command “[A”), and the lines typed are kept for the next session.
func TestTerminal_UpArrowRecallsTheLastLine(t *testing.T) {
	s := newSession(t)
	history := filepath.Join(t.TempDir(), "history")
	pr, pw := io.Pipe()
	out := &lockedBuffer{}
	noop := func() error { return nil }
	term, err := console.NewTerminal(console.TerminalConfig{In: pr, Out: out, HistoryFile: history,
		IsTerminal: func() bool { return true }, MakeRaw: noop, ExitRaw: noop})
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	go func() {
		// Typed one key at a time: the line, Enter, then Up and Enter,
		// then Ctrl-D.
		for _, k := range []string{"contact w3c", "\r", "\x1b[A", "\r", "\x04"} {
			pw.Write([]byte(k))
		}
	}()
	c := &console.Console{Handler: s.router, In: strings.NewReader(""), Out: out, Interactive: true, Lines: term}
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if strings.Contains(got, "I don't know the command") {
		t.Fatalf("the arrow key arrived as a command:\n%s", got)
	}
	if n := strings.Count(got, "Receiving from W3C (incoming)"); n != 2 {
		t.Fatalf("the contact answer came %d times, want 2 (the line, then Up):\n%s", n, got)
	}
	term.Close()
	if b, err := os.ReadFile(history); err != nil || !strings.Contains(string(b), "contact w3c") {
		t.Fatalf("history file: %q, %v", b, err)
	}
}
