package zulip

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot/zulip/zuliptest"
)

func TestError_DecodesEnvelope(t *testing.T) {
	tests := []struct {
		name  string
		fault zuliptest.Fault
		want  Error
		msg   string // substring of Msg, when not compared whole
	}{
		{
			name:  "missing argument",
			fault: zuliptest.Fault{Status: 400, Body: `{"result":"error","msg":"Missing 'content' argument","code":"REQUEST_VARIABLE_MISSING","var_name":"content"}`},
			want:  Error{Op: "get own user", HTTPStatus: 400, Code: CodeRequestVariableMissing, Msg: "Missing 'content' argument", VarName: "content"},
		},
		{
			name:  "bad queue",
			fault: zuliptest.Fault{Status: 400, Body: `{"result":"error","msg":"Bad event queue ID: q1","code":"BAD_EVENT_QUEUE_ID","queue_id":"q1"}`},
			want:  Error{Op: "get own user", HTTPStatus: 400, Code: CodeBadEventQueueID, Msg: "Bad event queue ID: q1", QueueID: "q1"},
		},
		{
			name:  "rate limit without header",
			fault: zuliptest.Fault{Status: 429, Body: `{"result":"error","msg":"API usage exceeded rate limit","code":"RATE_LIMIT_HIT","retry-after":400}`},
			want:  Error{Op: "get own user", HTTPStatus: 429, Code: CodeRateLimitHit, Msg: "API usage exceeded rate limit", RetryAfter: 400 * time.Second},
		},
		{
			name:  "rate limit before Zulip 4 (no code)",
			fault: zuliptest.Fault{Status: 429, Header: http.Header{"Retry-After": {"301"}}, Body: `{"result":"error","msg":"API usage exceeded rate limit"}`},
			want:  Error{Op: "get own user", HTTPStatus: 429, Msg: "API usage exceeded rate limit", RetryAfter: 301 * time.Second},
		},
		{
			name:  "HTML from a proxy",
			fault: zuliptest.Fault{Status: 404, Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: "<html><body>Not Found</body></html>"},
			want:  Error{Op: "get own user", HTTPStatus: 404},
			msg:   `non-JSON response (text/html): "<html><body>Not Found</body></html>"`,
		},
		{
			name:  "success status, garbage body",
			fault: zuliptest.Fault{Status: 200, Body: "OK"},
			want:  Error{Op: "get own user", HTTPStatus: 200},
			msg:   "malformed response",
		},
		{
			name:  "success status, error result",
			fault: zuliptest.Fault{Status: 200, Body: `{"result":"error","msg":"odd","code":"BAD_REQUEST"}`},
			want:  Error{Op: "get own user", HTTPStatus: 200, Code: CodeBadRequest, Msg: "odd"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := zuliptest.NewServer(t)
			tt.fault.Path = "/api/v1/users/me"
			s.Inject(tt.fault, 1)
			// Long Retry-Afters are not waited for; one attempt is enough here.
			c, _ := newTestClient(t, s, WithRetry(RetryPolicy{MaxAttempts: 1}))
			_, err := c.GetOwnUser(context.Background())
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error", err)
			}
			got := *e
			if tt.msg != "" {
				if !strings.Contains(got.Msg, tt.msg) {
					t.Errorf("Msg = %q, want it to contain %q", got.Msg, tt.msg)
				}
				got.Msg = ""
			}
			if got != tt.want {
				t.Errorf("Error = %+v\nwant    %+v", got, tt.want)
			}
		})
	}
}

func TestError_LongRetryAfterIsNotWaited(t *testing.T) {
	s := zuliptest.NewServer(t)
	s.RateLimitNext("/api/v1/users/me", 1, "3600")
	c, sl := newTestClient(t, s)
	_, err := c.GetOwnUser(context.Background())
	if !IsRateLimited(err) || asError(err).RetryAfter != time.Hour {
		t.Fatalf("err = %v", err)
	}
	if len(sl.all()) != 0 {
		t.Errorf("waited %v for an hour-long Retry-After", sl.all())
	}
}

func TestError_HelpersSeeThroughWrapping(t *testing.T) {
	queue := fmt.Errorf("poll: %w", &Error{HTTPStatus: 400, Code: CodeBadEventQueueID})
	limited := fmt.Errorf("send: %w", &Error{HTTPStatus: 429})
	unauth := fmt.Errorf("x: %w", &Error{HTTPStatus: 401, Code: CodeUnauthorized})
	plain := errors.New("network down")
	tests := []struct {
		err                    error
		queue, limited, unauth bool
		code                   string
	}{
		{queue, true, false, false, CodeBadEventQueueID},
		{limited, false, true, false, ""},
		{unauth, false, false, true, CodeUnauthorized},
		{plain, false, false, false, ""},
		{nil, false, false, false, ""},
	}
	for _, tt := range tests {
		if IsBadEventQueue(tt.err) != tt.queue || IsRateLimited(tt.err) != tt.limited ||
			IsUnauthorized(tt.err) != tt.unauth || ErrorCode(tt.err) != tt.code {
			t.Errorf("helpers wrong for %v", tt.err)
		}
	}
	e := &Error{Op: "send message", HTTPStatus: 400, Code: CodeStreamDoesNotExist, Msg: "Channel 'x' does not exist"}
	if got, want := e.Error(), "zulip: send message: HTTP 400 STREAM_DOES_NOT_EXIST: Channel 'x' does not exist"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got := (&Error{Op: "get events", HTTPStatus: 502, Msg: "html"}).Error(); got != "zulip: get events: HTTP 502 Bad Gateway: html" {
		t.Errorf("Error() = %q", got)
	}
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestClient_LogsIgnoredParameters(t *testing.T) {
	s := zuliptest.NewServer(t)
	s.Inject(zuliptest.Fault{Path: "/api/v1/users/me", Status: 200,
		Body: `{"result":"success","msg":"","user_id":100,"ignored_parameters_unsupported":["typo_param"]}`}, 1)
	var logs syncBuffer
	c, _ := newTestClient(t, s, WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if _, err := c.GetOwnUser(context.Background()); err != nil {
		t.Fatal(err)
	}
	if out := logs.String(); !strings.Contains(out, "ignored parameters") || !strings.Contains(out, "typo_param") {
		t.Errorf("log = %q, want a warning naming typo_param", out)
	}
}
