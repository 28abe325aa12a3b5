package main

import (
	"strings"
	"testing"
)

// Piped console input follows the form's rules: a command mid-form runs
// (it used to become the form's answer), and a script learns, by the exit
// status, that its input ended with the form open or that a line failed.
// Sessions are compared with testdata/console_form.golden.
func TestConsole_PipedInputAndTheForm(t *testing.T) {
	env := testEnv(t)
	var transcript strings.Builder
	session := func(stdin string, wantCode int, wantErr string) {
		t.Helper()
		code, out, errs := run(t, env, stdin, "console")
		if code != wantCode || !strings.Contains(errs, wantErr) {
			t.Fatalf("input %q: exit %d, want %d; stderr %q, want %q", stdin, code, wantCode, errs, wantErr)
		}
		transcript.WriteString("$ printf " + strings.ReplaceAll(stdin, "\n", `\n`) + " | liaisonbot console   # exit " + string(rune('0'+code)) + "\n")
		transcript.WriteString(out)
		if errs != "" {
			transcript.WriteString("stderr: " + errs)
		}
		transcript.WriteString("\n")
	}
	// No form: a command, exit 0.
	session("contact w3c\n", 0, "")
	// A form left open at the end of the input: exit 1, and nothing stored.
	session("submit\ncontact w3c\noutgoing\n", 1, "the input ended with the statement form still open")
	// The next session is told where the form stands, first; finishing it
	// exits 0.
	session("3gpp\nopsawg\nReview of YANG models\ninfo\nskip\nPlease review.\nskip\nskip\nskip\nskip\nskip\nskip\nskip\nno\nsubmit\n", 0, "")
	// A wrong answer counts as a failed line.
	session("submit w3c\nsideways\ncancel\n", 1, "1 of 3 lines failed")
	golden(t, "console_form.golden", transcript.String())
}
