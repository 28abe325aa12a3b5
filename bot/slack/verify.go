package slack

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// MaxBody is the largest request body accepted (Slack's are far smaller).
const MaxBody = 1 << 20

// SignatureWindow is how far a request's timestamp may be from now.
const SignatureWindow = 5 * time.Minute

// The signature headers.
const (
	headerSignature = "X-Slack-Signature"
	headerTimestamp = "X-Slack-Request-Timestamp"
)

// bodyHandler handles a verified request with its raw body.
type bodyHandler func(w http.ResponseWriter, r *http.Request, body []byte)

// verified checks Slack's signature headers before it reads anything
// (missing, malformed or stale: 401, body unread), then reads at most
// MaxBody+1 bytes (more: 413), checks the signature of the body before any
// parsing (wrong: 401), restores the body for parsers, and recovers panics.
func (a *Adapter) verified(next bodyHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				a.log.Error("slack request panicked", "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		refuse := func(reason string) {
			a.reject(reason)
			a.log.Debug("refused an unsigned slack request", "path", r.URL.Path, "reason", reason)
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
		}
		sig, reason := checkHeaders(a.cfg.SigningSecret, r.Header, a.now())
		if reason != "" {
			refuse(reason)
			return
		}
		if r.ContentLength > MaxBody {
			a.reject("too_large")
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
		if err != nil {
			http.Error(w, "could not read the request", http.StatusBadRequest)
			return
		}
		if len(body) > MaxBody {
			a.reject("too_large")
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		if reason := sig.check(a.cfg.SigningSecret, body); reason != "" {
			refuse(reason)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next(w, r, body)
	})
}

// signature is a request's signature headers, parsed.
type signature struct {
	ts   string // the timestamp as sent
	want []byte // the HMAC
}

// checkHeaders checks what can be checked without the body: a secret to
// check with, both headers present and well formed, the timestamp within
// SignatureWindow of now. It returns the parsed signature, or why the
// request is refused.
func checkHeaders(secret string, h http.Header, now time.Time) (signature, string) {
	if secret == "" {
		return signature{}, "no_secret"
	}
	sig, ts := h.Get(headerSignature), h.Get(headerTimestamp)
	if sig == "" || ts == "" {
		return signature{}, "missing"
	}
	hexSig, ok := strings.CutPrefix(sig, "v0=")
	if !ok {
		return signature{}, "malformed"
	}
	want, err := hex.DecodeString(hexSig)
	if err != nil || len(want) != sha256.Size {
		return signature{}, "malformed"
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return signature{}, "malformed"
	}
	if d := now.Sub(time.Unix(sec, 0)); d > SignatureWindow || d < -SignatureWindow {
		return signature{}, "stale"
	}
	return signature{ts: ts, want: want}, ""
}

// check compares, in constant time, the signature with the HMAC-SHA256 of
// "v0:<timestamp>:<body>" keyed with the signing secret.
func (s signature) check(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + s.ts + ":"))
	mac.Write(body)
	if !hmac.Equal(mac.Sum(nil), s.want) {
		return "signature"
	}
	return ""
}

// checkSignature verifies a request as Slack signs it: v0=hex(HMAC-SHA256
// of "v0:<timestamp>:<body>" keyed with the signing secret), compared in
// constant time, with the timestamp within SignatureWindow of now. It
// returns "" when the request is genuine, else why it is not.
func checkSignature(secret string, h http.Header, body []byte, now time.Time) string {
	sig, reason := checkHeaders(secret, h, now)
	if reason != "" {
		return reason
	}
	return sig.check(secret, body)
}

// Sign returns the headers Slack would send with body at time t: tests and
// the load tool use it.
func Sign(secret string, body []byte, t time.Time) http.Header {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	h := http.Header{}
	h.Set(headerTimestamp, ts)
	h.Set(headerSignature, "v0="+hex.EncodeToString(mac.Sum(nil)))
	return h
}
