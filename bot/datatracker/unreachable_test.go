package datatracker

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
)

// A Datatracker that cannot be reached for good (its name does not
// resolve, nothing listens) fails at once, naming the URL and the cause;
// a temporary resolver failure is still retried.
func TestGet_PermanentNetworkErrorsAreNotRetried(t *testing.T) {
	dialing := func(err error) *http.Client {
		return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return nil, &net.OpError{Op: "dial", Net: network, Err: err}
		}}}
	}
	// A port nothing listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()

	for _, tc := range []struct {
		name, base string
		hc         *http.Client
		wantSleeps int
		wantIn     string
	}{
		{"no such host", "https://datatracker.invalid", dialing(&net.DNSError{Err: "no such host", Name: "datatracker.invalid", IsNotFound: true}), 0, "no such host"},
		{"connection refused", closed, &http.Client{}, 0, "connection refused"},
		{"temporary DNS failure", "https://datatracker.invalid", dialing(&net.DNSError{Err: "server misbehaving", Name: "datatracker.invalid", IsTemporary: true}), 2, "server misbehaving"},
	} {
		c, rec := newTestClient(t, tc.base, WithHTTPClient(tc.hc), WithMaxRetries(2))
		_, err := c.Group(context.Background(), 1)
		var e *Error
		if !errors.As(err, &e) || e.Kind != KindNetwork {
			t.Fatalf("%s: err = %v, want a network error", tc.name, err)
		}
		msg := err.Error()
		if !strings.Contains(msg, tc.base) || !strings.Contains(msg, tc.wantIn) || strings.Contains(msg, "\n") {
			t.Errorf("%s: error %q should be one line naming %s and %q", tc.name, msg, tc.base, tc.wantIn)
		}
		if got := rec.got(); len(got) != tc.wantSleeps {
			t.Errorf("%s: %d waits (%v), want %d", tc.name, len(got), got, tc.wantSleeps)
		}
	}
}
