package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot/slack"
)

func TestBare_ChecksWhatTheBotChecks(t *testing.T) {
	const secret, token = "s3cret", "t0ken"
	h := bareMux(secret, token, bareAnswers{
		Slack: map[string]string{"contact": `{"text":"contact answer"}`},
		Zulip: map[string]string{"contact": `{"content":"zulip answer"}`},
	})
	post := func(path, body string, hdr http.Header) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		for k, v := range hdr {
			req.Header[k] = v
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	body := "text=contact+3gpp&user_id=U1"
	if w := post("/slack/commands/contact", body, slack.Sign(secret, []byte(body), time.Now())); w.Code != 200 || w.Body.String() != `{"text":"contact answer"}` {
		t.Errorf("signed: %d %s", w.Code, w.Body)
	}
	for name, hdr := range map[string]http.Header{
		"unsigned":        {},
		"wrong secret":    slack.Sign("other", []byte(body), time.Now()),
		"stale":           slack.Sign(secret, []byte(body), time.Now().Add(-6*time.Minute)),
		"another body":    slack.Sign(secret, []byte(body+"x"), time.Now()),
		"from the future": slack.Sign(secret, []byte(body), time.Now().Add(6*time.Minute)),
	} {
		if w := post("/slack/commands/contact", body, hdr); w.Code != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, w.Code)
		}
	}
	if w := post("/zulip/webhook/contact", `{"token":"t0ken","data":"contact 3gpp"}`, nil); w.Code != 200 || w.Body.String() != `{"content":"zulip answer"}` {
		t.Errorf("zulip: %d %s", w.Code, w.Body)
	}
	if w := post("/zulip/webhook/contact", `{"token":"wrong"}`, nil); w.Code != http.StatusUnauthorized {
		t.Errorf("zulip, wrong token: %d", w.Code)
	}
	if w := post("/zulip/webhook/contact", `not json`, nil); w.Code != http.StatusBadRequest {
		t.Errorf("zulip, not JSON: %d", w.Code)
	}
}

func TestAB_Flags(t *testing.T) {
	var errOut strings.Builder
	if err := run(t.Context(), []string{"ab", "-h"}, nil, &errOut); err != nil || !strings.Contains(errOut.String(), "loadtest ab") {
		t.Errorf("ab -h: %v\n%s", err, errOut.String())
	}
	for _, bad := range [][]string{{"-clients", "0"}, {"-rounds", "0"}, {"-rate", "-1"}, {"-commands", " , "}} {
		if err := run(t.Context(), append([]string{"ab"}, bad...), nil, &strings.Builder{}); err == nil {
			t.Errorf("ab %v accepted", bad)
		}
	}
}
