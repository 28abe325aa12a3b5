package datatracker

import (
	"errors"
	"fmt"
)

// ErrNotFound is matched (errors.Is) by an *Error of kind KindNotFound:
// a detail request answered 404.
var ErrNotFound = errors.New("datatracker: not found")

// Kind classifies an *Error.
type Kind int

// The kinds of *Error.
const (
	KindOther       Kind = iota // anything not listed below
	KindNotFound                // 404 on a detail request
	KindHTTP                    // other non-retryable HTTP status (4xx)
	KindRateLimited             // 429 after all retries, or a Retry-After too long to wait
	KindServer                  // 5xx after all retries
	KindNetwork                 // transport error or timeout after all retries
	KindDecode                  // malformed JSON, missing envelope fields, bad object
	KindPagination              // next loops, points off-site, or too many pages
)

// String names the kind for logs.
func (k Kind) String() string {
	switch k {
	case KindNotFound:
		return "not found"
	case KindHTTP:
		return "http error"
	case KindRateLimited:
		return "rate limited"
	case KindServer:
		return "server error"
	case KindNetwork:
		return "network error"
	case KindDecode:
		return "decode error"
	case KindPagination:
		return "pagination error"
	default:
		return "error"
	}
}

// Error is the error returned by every Client method for a failed request or
// an unusable answer. It always names the URL involved.
type Error struct {
	Kind       Kind
	URL        string // the request URL the error is about
	StatusCode int    // HTTP status, 0 if none was received
	Err        error  // the cause, may be nil
}

// Error implements error.
func (e *Error) Error() string {
	msg := "datatracker: " + e.Kind.String()
	if e.StatusCode != 0 {
		msg += fmt.Sprintf(" (HTTP %d)", e.StatusCode)
	}
	msg += " for " + e.URL
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports ErrNotFound for KindNotFound errors.
func (e *Error) Is(target error) bool {
	return target == ErrNotFound && e.Kind == KindNotFound
}

// IsNotFound reports whether err is (or wraps) a not-found error.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// retryable reports whether a failed attempt may be repeated.
func (e *Error) retryable() bool {
	switch e.Kind {
	case KindRateLimited, KindServer, KindNetwork:
		return true
	}
	return false
}
