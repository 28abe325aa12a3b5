package console

import (
	"errors"
	"io"

	"github.com/chzyer/readline"
)

// LineReader reads the lines a person types: the console uses one with
// line editing and history on a terminal, and reads In directly otherwise.
type LineReader interface {
	// ReadLine returns the next line without its newline; io.EOF at the
	// end of input.
	ReadLine() (string, error)
	Close() error
}

// TerminalConfig says where a terminal's lines come from.
type TerminalConfig struct {
	In  io.ReadCloser // the terminal (os.Stdin)
	Out io.Writer     // where the prompt and the echo go (os.Stdout)
	// HistoryFile keeps the lines typed across sessions ("" keeps them for
	// this session only).
	HistoryFile string
	// IsTerminal and MakeRaw replace the terminal's own (for tests).
	IsTerminal func() bool
	MakeRaw    func() error
	ExitRaw    func() error
}

// Terminal is a LineReader with line editing (arrows, Ctrl-A/E, Ctrl-W)
// and history (Up and Down recall earlier lines, Ctrl-R searches them).
type Terminal struct{ rl *readline.Instance }

// NewTerminal returns a Terminal on the config's streams.
func NewTerminal(cfg TerminalConfig) (*Terminal, error) {
	rc := &readline.Config{
		Prompt:                 Prompt,
		HistoryFile:            cfg.HistoryFile,
		HistoryLimit:           1000,
		DisableAutoSaveHistory: false,
		HistorySearchFold:      true,
		InterruptPrompt:        "^C",
		EOFPrompt:              "",
		Stdin:                  cfg.In,
		Stdout:                 cfg.Out,
		Stderr:                 cfg.Out,
		FuncIsTerminal:         cfg.IsTerminal,
		FuncMakeRaw:            cfg.MakeRaw,
		FuncExitRaw:            cfg.ExitRaw,
	}
	rl, err := readline.NewEx(rc)
	if err != nil {
		return nil, err
	}
	return &Terminal{rl: rl}, nil
}

// ReadLine reads one edited line. Ctrl-C drops the line being typed and
// asks again; Ctrl-D on an empty line is the end of input.
func (t *Terminal) ReadLine() (string, error) {
	for {
		line, err := t.rl.Readline()
		if errors.Is(err, readline.ErrInterrupt) {
			continue
		}
		return line, err
	}
}

// Close restores the terminal.
func (t *Terminal) Close() error { return t.rl.Close() }

// Prompt is what the interactive console shows before each line.
const Prompt = "liaison> "
