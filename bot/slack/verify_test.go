package slack

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

// endpointBodies are valid, realistic bodies for each endpoint.
func endpointBodies(t *testing.T, responseURL string) map[string][2]string {
	click, _ := json.Marshal(map[string]any{
		"type": "block_actions", "trigger_id": "T1", "response_url": responseURL,
		"user":      map[string]any{"id": "USUB", "name": "sam"},
		"channel":   map[string]any{"id": "C1"},
		"container": map[string]any{"type": "message", "channel_id": "C1", "message_ts": "1.1", "is_ephemeral": true},
		"actions":   []any{map[string]any{"type": "button", "action_id": "cmd-1", "block_id": "b1", "value": "help"}},
	})
	suggest, _ := json.Marshal(map[string]any{
		"type": "block_suggestion", "block_id": "organization", "action_id": "value", "value": "3gp",
		"user": map[string]any{"id": "USUB"}, "view": map[string]any{"id": "V1"},
	})
	ev, _ := json.Marshal(map[string]any{
		"type": "event_callback", "event_id": "EvVerify",
		"event": map[string]any{"type": "app_mention", "user": "USUB", "text": "<@UBOT> help", "ts": "1.2", "channel": "C1"},
	})
	return map[string][2]string{
		"/slack/commands":      {formType, slashForm("USUB", "C1", "help", responseURL).Encode()},
		"/slack/interactivity": {formType, url.Values{"payload": {string(click)}}.Encode()},
		"/slack/options":       {formType, url.Values{"payload": {string(suggest)}}.Encode()},
		"/slack/events":        {"application/json", string(ev)},
	}
}

func TestVerify_EveryEndpointRefusesBadSignaturesBeforeTheHandler(t *testing.T) {
	now := time.Now()
	cases := []struct {
		name   string
		sign   func(h http.Header, body string)
		status int
		reason string
	}{
		{"missing", func(h http.Header, body string) {}, 401, "missing"},
		{"no timestamp", func(h http.Header, body string) { sign(h, testSecret, body, now); h.Del("X-Slack-Request-Timestamp") }, 401, "missing"},
		{"wrong secret", func(h http.Header, body string) { sign(h, "another-secret", body, now) }, 401, "signature"},
		{"body changed", func(h http.Header, body string) { sign(h, testSecret, body+"x", now) }, 401, "signature"},
		{"no v0 prefix", func(h http.Header, body string) {
			sign(h, testSecret, body, now)
			h.Set("X-Slack-Signature", strings.TrimPrefix(h.Get("X-Slack-Signature"), "v0="))
		}, 401, "malformed"},
		{"not hex", func(h http.Header, body string) { sign(h, testSecret, body, now); h.Set("X-Slack-Signature", "v0=zz") }, 401, "malformed"},
		{"short", func(h http.Header, body string) {
			sign(h, testSecret, body, now)
			h.Set("X-Slack-Signature", "v0=abcd")
		}, 401, "malformed"},
		{"timestamp not a number", func(h http.Header, body string) {
			sign(h, testSecret, body, now)
			h.Set("X-Slack-Request-Timestamp", "yesterday")
		}, 401, "malformed"},
		{"stale", func(h http.Header, body string) { sign(h, testSecret, body, now.Add(-5*time.Minute-10*time.Second)) }, 401, "stale"},
		{"from the future", func(h http.Header, body string) { sign(h, testSecret, body, now.Add(6*time.Minute)) }, 401, "stale"},
		{"good", func(h http.Header, body string) { sign(h, testSecret, body, now.Add(-4*time.Minute)) }, 200, ""},
	}
	for path := range endpointBodies(t, "") {
		for _, c := range cases {
			t.Run(strings.TrimPrefix(path, "/slack/")+"/"+c.name, func(t *testing.T) {
				h := newCountingHandler()
				var reasons []string
				e := newTestEnv(t, func(cfg *Config) {
					cfg.Handler = h
					cfg.OnReject = func(r string) { reasons = append(reasons, r) }
				})
				ct, body := endpointBodies(t, e.fake.ResponseURL("v"))[path][0], endpointBodies(t, e.fake.ResponseURL("v"))[path][1]
				req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
				req.Header.Set("Content-Type", ct)
				c.sign(req.Header, body)
				w := httptest.NewRecorder()
				e.mux.ServeHTTP(w, req)
				if w.Code != c.status {
					t.Fatalf("status %d, want %d (%s)", w.Code, c.status, w.Body)
				}
				e.drain() // everything started by the request has finished
				if c.status == 401 {
					if n := h.count(); n != 0 {
						t.Errorf("the handler ran %d times for a refused request", n)
					}
					if len(reasons) != 1 || reasons[0] != c.reason {
						t.Errorf("OnReject got %v, want [%s]", reasons, c.reason)
					}
				} else if len(reasons) != 0 {
					t.Errorf("OnReject got %v for a good request", reasons)
				}
			})
		}
	}
}

func TestVerify_GoodSignatureReachesTheHandler(t *testing.T) {
	for path, cb := range endpointBodies(t, "") {
		t.Run(strings.TrimPrefix(path, "/slack/"), func(t *testing.T) {
			h := newCountingHandler()
			e := newTestEnv(t, func(cfg *Config) { cfg.Handler = h })
			body := endpointBodies(t, e.fake.ResponseURL("g"))[path][1]
			w := e.post(path, cb[0], body)
			if w.Code != 200 {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			e.drain()
			want := 1
			if path == "/slack/options" {
				want = 0 // options come from the directory, not from a command
				if !strings.Contains(w.Body.String(), `"value":"3GPP"`) {
					t.Errorf("options answer lacks 3GPP: %s", w.Body)
				}
			}
			if n := h.count(); n != want {
				t.Errorf("handler ran %d times, want %d", n, want)
			}
		})
	}
}

func TestVerify_OversizedBodyIs413(t *testing.T) {
	for path := range endpointBodies(t, "") {
		t.Run(strings.TrimPrefix(path, "/slack/"), func(t *testing.T) {
			h := newCountingHandler()
			var reasons []string
			e := newTestEnv(t, func(cfg *Config) {
				cfg.Handler = h
				cfg.OnReject = func(r string) { reasons = append(reasons, r) }
			})
			body := "text=" + strings.Repeat("a", MaxBody)
			for _, knownLength := range []bool{true, false} {
				req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
				if !knownLength {
					req.ContentLength = -1 // chunked: the limit is found by reading
				}
				req.Header.Set("Content-Type", formType)
				sign(req.Header, testSecret, body, time.Now())
				w := httptest.NewRecorder()
				e.mux.ServeHTTP(w, req)
				if w.Code != http.StatusRequestEntityTooLarge {
					t.Fatalf("known length %v: status %d, want 413", knownLength, w.Code)
				}
			}
			e.drain()
			if h.count() != 0 {
				t.Error("the handler ran for an oversized request")
			}
			if len(reasons) != 2 || reasons[0] != "too_large" {
				t.Errorf("OnReject got %v", reasons)
			}
		})
	}
}

func TestVerify_BodyOfExactlyTheLimitIsRead(t *testing.T) {
	e := newTestEnv(t)
	v := slashForm("USUB", "C1", "help", e.fake.ResponseURL("x"))
	body := v.Encode()
	body += "&pad=" + strings.Repeat("a", MaxBody-len(body)-len("&pad="))
	if len(body) != MaxBody {
		t.Fatalf("test body is %d bytes", len(body))
	}
	if w := e.post("/slack/commands", formType, body); w.Code != 200 {
		t.Fatalf("status %d for a body of exactly %d bytes", w.Code, MaxBody)
	}
}

func TestVerify_NoSecretRefusesEverything(t *testing.T) {
	h := newCountingHandler()
	e := newTestEnv(t, func(cfg *Config) {
		cfg.Handler = h
		cfg.SigningSecret = ""
		cfg.AppToken = "xapp-1" // Socket Mode only
	})
	if w := e.slash("USUB", "C1", "help"); w.Code != 401 {
		t.Fatalf("status %d, want 401", w.Code)
	}
}

func TestNew_RequiresTheEssentials(t *testing.T) {
	_, err := New(Config{})
	if err == nil {
		t.Fatal("New accepted an empty configuration")
	}
	for _, want := range []string{"handler", "store", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestCheckSignature_MatchesSlackDocumentationExample(t *testing.T) {
	// The example of Slack's "Verifying requests from Slack" page.
	secret := "8f742231b10e8888abcd99yyyzzz85a5"
	body := "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", "1531420618")
	h.Set("X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")
	if r := checkSignature(secret, h, []byte(body), time.Unix(1531420618, 0)); r != "" {
		t.Fatalf("Slack's own example refused: %s", r)
	}
	if r := checkSignature(secret, h, []byte(body), time.Unix(1531420618, 0).Add(6*time.Minute)); r != "stale" {
		t.Fatalf("six minutes later: %q, want stale", r)
	}
	// The exported Sign produces the same header.
	if got := Sign(secret, []byte(body), time.Unix(1531420618, 0)).Get("X-Slack-Signature"); got != h.Get("X-Slack-Signature") {
		t.Fatalf("Sign = %s", got)
	}
}

func TestVerify_MalformedPayloadsAre400(t *testing.T) {
	h := newCountingHandler()
	e := newTestEnv(t, func(cfg *Config) { cfg.Handler = h })
	for _, c := range []struct{ path, ct, body string }{
		{"/slack/interactivity", formType, "payload=%7Bnot+json"},
		{"/slack/interactivity", formType, "nopayload=1"},
		{"/slack/interactivity", formType, "payload=%7B%7D"},
		{"/slack/options", formType, "%zz"},
		{"/slack/events", "application/json", "{"},
		{"/slack/events", "application/json", `{"type":"event_callback","event":{}}`},
		{"/slack/commands", formType, "%zz"},
		{"/slack/commands", formType, "text=help"},
	} {
		w := e.post(c.path, c.ct, c.body)
		if w.Code != http.StatusBadRequest {
			t.Errorf("%s %q: status %d, want 400", c.path, c.body, w.Code)
		}
		if strings.Contains(strings.ToLower(w.Body.String()), "panic") || strings.Contains(w.Body.String(), "goroutine") {
			t.Errorf("%s: internal detail shown: %s", c.path, w.Body)
		}
	}
	e.drain()
	if h.count() != 0 {
		t.Errorf("the handler ran %d times for malformed requests", h.count())
	}
}

func TestVerify_PanickingHandlerIsRecovered(t *testing.T) {
	e := newTestEnv(t, func(cfg *Config) {
		cfg.Handler = bot.HandlerFunc(func(ctx context.Context, req *bot.Request) *bot.Response { panic("boom") })
	})
	w := e.slash("USUB", "C1", "help")
	if w.Code != 200 {
		t.Fatalf("status %d", w.Code)
	}
	if strings.Contains(w.Body.String(), "boom") {
		t.Fatalf("the panic is shown to the user: %s", w.Body)
	}
	if !strings.Contains(w.Body.String(), "Sorry, something went wrong") {
		t.Fatalf("no apology: %s", w.Body)
	}
}

// readRecorder is a request body that records whether anyone read it.
type readRecorder struct {
	r    io.Reader
	read atomic.Bool
}

func (b *readRecorder) Read(p []byte) (int, error) {
	b.read.Store(true)
	return b.r.Read(p)
}

func TestVerify_RefusesUnsignedAndStaleRequestsBeforeReadingTheBody(t *testing.T) {
	now := time.Now()
	cases := []struct {
		name     string
		secret   string // the adapter's; "" means none configured
		sign     func(h http.Header, body string)
		reason   string
		bodyRead bool // a request whose headers pass needs its body for the HMAC
	}{
		{"no headers", testSecret, func(h http.Header, body string) {}, "missing", false},
		{"no signature", testSecret, func(h http.Header, body string) { sign(h, testSecret, body, now); h.Del("X-Slack-Signature") }, "missing", false},
		{"no timestamp", testSecret, func(h http.Header, body string) { sign(h, testSecret, body, now); h.Del("X-Slack-Request-Timestamp") }, "missing", false},
		{"stale", testSecret, func(h http.Header, body string) { sign(h, testSecret, body, now.Add(-time.Hour)) }, "stale", false},
		{"from the future", testSecret, func(h http.Header, body string) { sign(h, testSecret, body, now.Add(time.Hour)) }, "stale", false},
		{"timestamp not a number", testSecret, func(h http.Header, body string) {
			sign(h, testSecret, body, now)
			h.Set("X-Slack-Request-Timestamp", "1e9")
		}, "malformed", false},
		{"signature not hex", testSecret, func(h http.Header, body string) { sign(h, testSecret, body, now); h.Set("X-Slack-Signature", "v0=zz") }, "malformed", false},
		{"no secret configured", "", func(h http.Header, body string) { sign(h, testSecret, body, now) }, "no_secret", false},
		{"wrong secret", testSecret, func(h http.Header, body string) { sign(h, "another-secret", body, now) }, "signature", true},
	}
	for path, cb := range endpointBodies(t, "https://hooks.slack.test/r") {
		for _, c := range cases {
			t.Run(strings.TrimPrefix(path, "/slack/")+"/"+c.name, func(t *testing.T) {
				h := newCountingHandler()
				var reasons []string
				e := newTestEnv(t, func(cfg *Config) {
					cfg.Handler = h
					cfg.OnReject = func(r string) { reasons = append(reasons, r) }
					if c.secret == "" {
						cfg.SigningSecret = ""
						cfg.AppToken = "xapp-1" // Socket Mode only
					}
				})
				// A body larger than the limit: reading it would give 413,
				// not 401.
				body := cb[1] + "&pad=" + strings.Repeat("a", MaxBody)
				rec := &readRecorder{r: strings.NewReader(body)}
				req := httptest.NewRequest(http.MethodPost, path, nil)
				req.Body, req.ContentLength = io.NopCloser(rec), -1
				c.sign(req.Header, body)
				req.Header.Set("Content-Type", cb[0])
				w := httptest.NewRecorder()
				e.mux.ServeHTTP(w, req)
				e.drain()
				if rec.read.Load() != c.bodyRead {
					t.Errorf("body read: %v, want %v", rec.read.Load(), c.bodyRead)
				}
				if !c.bodyRead && w.Code != http.StatusUnauthorized {
					t.Errorf("status %d, want 401 (%s)", w.Code, w.Body)
				}
				if !c.bodyRead && (len(reasons) != 1 || reasons[0] != c.reason) {
					t.Errorf("OnReject got %v, want [%s]", reasons, c.reason)
				}
				if h.count() != 0 {
					t.Errorf("the handler ran for a refused request")
				}
			})
		}
	}
}
