package zulip

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Error codes that Zulip puts in the "code" field of an error response.
// Branch on these, never on the human-readable (and translated) "msg".
const (
	CodeBadRequest             = "BAD_REQUEST"
	CodeBadEventQueueID        = "BAD_EVENT_QUEUE_ID"
	CodeRateLimitHit           = "RATE_LIMIT_HIT"
	CodeRequestVariableMissing = "REQUEST_VARIABLE_MISSING"
	CodeUnauthorized           = "UNAUTHORIZED"
	CodeInvalidAPIKey          = "INVALID_API_KEY"
	CodeAuthenticationFailed   = "AUTHENTICATION_FAILED"
	CodeUserDeactivated        = "USER_DEACTIVATED"
	CodeRealmDeactivated       = "REALM_DEACTIVATED"
	CodeStreamDoesNotExist     = "STREAM_DOES_NOT_EXIST"
)

var (
	// ErrNotFound is wrapped by GetUserByEmail when Zulip knows no user
	// with that email, or does not let the bot see it.
	ErrNotFound = errors.New("zulip: not found")

	// ErrInvalidMessage is wrapped by SendMessage and UpdateMessage when
	// the message is rejected before anything is sent: no recipient, an
	// empty content, a topic or content over the server's limits.
	ErrInvalidMessage = errors.New("zulip: invalid message")
)

// Error is an error answer from the Zulip server: a JSON error envelope,
// or any non-2xx or non-JSON response (such as an HTML 502 page from a
// proxy), in which case Code is empty.
//
// Msg comes from the server and may be shown in logs, never to chat users.
type Error struct {
	Op         string        // the client operation, e.g. "send message"
	HTTPStatus int           // HTTP status code of the response
	Code       string        // Zulip's "code", e.g. BAD_EVENT_QUEUE_ID; "" if absent
	Msg        string        // Zulip's "msg", or a description of a non-JSON body
	RetryAfter time.Duration // from the Retry-After header or "retry-after" field, if any
	QueueID    string        // "queue_id" of a BAD_EVENT_QUEUE_ID error
	VarName    string        // "var_name" of a REQUEST_VARIABLE_MISSING error
}

// Error implements error.
func (e *Error) Error() string {
	code := e.Code
	if code == "" {
		code = http.StatusText(e.HTTPStatus)
	}
	return fmt.Sprintf("zulip: %s: HTTP %d %s: %s", e.Op, e.HTTPStatus, code, e.Msg)
}

// rateLimited reports whether the server asked the client to slow down.
func (e *Error) rateLimited() bool {
	return e.Code == CodeRateLimitHit || e.HTTPStatus == http.StatusTooManyRequests
}

// asError returns the *Error in err's chain, or nil.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// ErrorCode returns the Zulip error code carried by err, or "" if err is
// not (or does not wrap) a Zulip error response.
func ErrorCode(err error) string {
	if e := asError(err); e != nil {
		return e.Code
	}
	return ""
}

// IsBadEventQueue reports whether err says that the event queue is gone
// (garbage-collected or deleted): the caller must register a new one.
func IsBadEventQueue(err error) bool {
	return ErrorCode(err) == CodeBadEventQueueID
}

// IsRateLimited reports whether err is a rate-limit answer (HTTP 429 or
// RATE_LIMIT_HIT) that survived the client's retries.
func IsRateLimited(err error) bool {
	e := asError(err)
	return e != nil && e.rateLimited()
}

// IsUnauthorized reports whether err says that the credentials are
// missing, wrong, or belong to a deactivated user or organization —
// errors no retry will fix.
func IsUnauthorized(err error) bool {
	e := asError(err)
	if e == nil {
		return false
	}
	switch e.Code {
	case CodeUnauthorized, CodeInvalidAPIKey, CodeAuthenticationFailed,
		CodeUserDeactivated, CodeRealmDeactivated:
		return true
	}
	return e.HTTPStatus == http.StatusUnauthorized
}
