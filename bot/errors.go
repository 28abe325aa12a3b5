// Package bot holds liaisonbot's domain: organizations, people, liaison
// statements and their workflow, the routing rules ("who do I contact"), the
// reminder policy, the neutral message and form model that every chat
// adapter renders, and the interfaces the rest of the program implements.
//
// It imports only the standard library.
package bot

import (
	"errors"
	"fmt"
)

// Error codes. They say what kind of failure happened; the Message says, in
// words safe to show a chat user, what went wrong and what to do instead.
const (
	ENOTFOUND  = "not-found"
	EINVALID   = "invalid"
	EFORBIDDEN = "forbidden"
	ECONFLICT  = "conflict"
	ELIMIT     = "rate-limited"
	EINTERNAL  = "internal"
)

// Error is an error with a code and a message that may be shown to a user.
// Op names the operation that failed and Err the wrapped cause; both are for
// logs only.
type Error struct {
	Code    string
	Message string
	Op      string
	Err     error
}

func (e *Error) Error() string {
	s := e.Message
	if e.Op != "" {
		s = e.Op + ": " + s
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the code and a formatted, user-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps an unexpected failure: the user sees a generic message,
// the log sees op and err.
func Internal(op string, err error) *Error {
	return &Error{Code: EINTERNAL, Op: op, Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != "" {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of err that is safe to show a user.
// Internal errors never show their detail.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL && e.Code != "" && e.Message != "" {
		return e.Message
	}
	return "Sorry, something went wrong on our side. It has been logged; please try again in a moment."
}
