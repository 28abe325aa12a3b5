package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"
)

// The bare handlers: the least a server must do to answer a slash command
// or a Zulip outgoing webhook safely, and nothing else. The A/B run
// measures the bot against them: what the bot does beyond them is what
// the ratio prices.

// bareAnswers are the fixed answers, by platform and command name: the
// bot's own answers, so that both send the same bytes.
type bareAnswers struct {
	Slack map[string]string `json:"slack"`
	Zulip map[string]string `json:"zulip"`
}

// bareMux serves POST /slack/commands/{name} (checks Slack's signature as
// Slack asks: the timestamp within 5 minutes, the HMAC-SHA256 of the body
// compared in constant time) and POST /zulip/webhook/{name} (decodes the
// JSON and compares the token in constant time), each answering the fixed
// JSON of {name}.
func bareMux(secret, token string, answers bareAnswers) http.Handler {
	mux := http.NewServeMux()
	for name, answer := range answers.Slack {
		mux.Handle("POST /slack/commands/"+name, bareSlack(secret, []byte(answer)))
	}
	for name, answer := range answers.Zulip {
		mux.Handle("POST /zulip/webhook/"+name, bareZulip(token, []byte(answer)))
	}
	return mux
}

// bareSlack checks a request's Slack signature and answers fixed JSON.
func bareSlack(secret string, answer []byte) http.HandlerFunc {
	key := []byte(secret)
	return func(w http.ResponseWriter, r *http.Request) {
		ts, sig := r.Header.Get("X-Slack-Request-Timestamp"), r.Header.Get("X-Slack-Signature")
		sec, err := strconv.ParseInt(ts, 10, 64)
		if err != nil || sig == "" {
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		if d := time.Since(time.Unix(sec, 0)); d > 5*time.Minute || d < -5*time.Minute {
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "could not read the request", http.StatusBadRequest)
			return
		}
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte("v0:" + ts + ":"))
		mac.Write(body)
		want := make([]byte, 3, 3+2*sha256.Size)
		copy(want, "v0=")
		want = hex.AppendEncode(want, mac.Sum(nil))
		if !hmac.Equal(want, []byte(sig)) {
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(answer)
	}
}

// bareZulip checks an outgoing webhook's token and answers fixed JSON.
func bareZulip(token string, answer []byte) http.HandlerFunc {
	want := []byte(token)
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "could not read the request", http.StatusBadRequest)
			return
		}
		var p struct {
			Token string `json:"token"`
		}
		if err := json.Unmarshal(body, &p); err != nil {
			http.Error(w, "the body is not a JSON object", http.StatusBadRequest)
			return
		}
		if subtle.ConstantTimeCompare([]byte(p.Token), want) != 1 {
			http.Error(w, "wrong token", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(answer)
	}
}

// runBare is the hidden "bare" subcommand the A/B run starts in a process
// of its own: it serves bareMux on a loopback port, prints the address on
// its first line of output, and runs until it is killed.
func runBare(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("loadtest bare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	answersPath := fs.String("answers", "", "JSON `file` of the fixed answers")
	if err := fs.Parse(args); err != nil {
		return err
	}
	secret, token := os.Getenv("SLACK_SIGNING_SECRET"), os.Getenv("ZULIP_WEBHOOK_TOKEN")
	if secret == "" || token == "" || *answersPath == "" {
		return errors.New("bare: needs SLACK_SIGNING_SECRET, ZULIP_WEBHOOK_TOKEN and -answers")
	}
	b, err := os.ReadFile(*answersPath)
	if err != nil {
		return err
	}
	var answers bareAnswers
	if err := json.Unmarshal(b, &answers); err != nil {
		return fmt.Errorf("bare: %s: %w", *answersPath, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, ln.Addr().String())
	srv := &http.Server{Handler: bareMux(secret, token, answers), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	return srv.Serve(ln)
}
