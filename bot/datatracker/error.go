package datatracker

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"syscall"
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
	// permanent marks a network error that waiting will not cure (the
	// host does not exist, nothing listens, the certificate is wrong):
	// it is not retried.
	permanent bool
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
	if e.permanent {
		return false
	}
	switch e.Kind {
	case KindRateLimited, KindServer, KindNetwork:
		return true
	}
	return false
}

// unreachable reports whether a transport error is permanent: the name
// does not resolve (not a resolver's temporary failure or timeout), the
// host refuses the connection, or its certificate is not to be trusted.
// Such an error fails at once instead of after a minute of retries.
func unreachable(err error) bool {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return dns.IsNotFound && !dns.IsTimeout && !dns.IsTemporary
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
	)
	return errors.As(err, &unknown) || errors.As(err, &hostname) || errors.As(err, &invalid) || errors.As(err, &verify)
}
