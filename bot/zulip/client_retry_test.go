package zulip

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot/zulip/zuliptest"
)

func TestRetry_RateLimitWaitsRetryAfterHeader(t *testing.T) {
	s := zuliptest.NewServer(t)
	alice := s.AddUser(zuliptest.User{FullName: "Alice"})
	s.RateLimitNext("/api/v1/messages", 1, "0.5")
	c, sl := newTestClient(t, s)
	if _, err := c.SendMessage(context.Background(), OutgoingMessage{To: []int64{alice.ID}, Content: "hi"}); err != nil {
		t.Fatal(err)
	}
	waits := sl.all()
	if len(waits) != 1 || waits[0] < 500*time.Millisecond {
		t.Errorf("waits = %v, want one wait of at least 0.5s", waits)
	}
	if n := len(s.RequestsTo(http.MethodPost, "/api/v1/messages")); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
	if n := len(s.Messages()); n != 1 {
		t.Errorf("%d messages sent, want 1", n)
	}
}

func TestRetry_RateLimitWaitsRetryAfterField(t *testing.T) {
	s := zuliptest.NewServer(t)
	s.Inject(zuliptest.Fault{
		Path: "/api/v1/users/me", Status: http.StatusTooManyRequests,
		Body: `{"result":"error","msg":"API usage exceeded rate limit","code":"RATE_LIMIT_HIT","retry-after":1.25}`,
	}, 1)
	c, sl := newTestClient(t, s)
	if _, err := c.GetOwnUser(context.Background()); err != nil {
		t.Fatal(err)
	}
	if waits := sl.all(); len(waits) != 1 || waits[0] < 1250*time.Millisecond {
		t.Errorf("waits = %v, want one wait of at least 1.25s", waits)
	}
}

func TestRetry_RateLimitOutlastingRetriesIsReported(t *testing.T) {
	s := zuliptest.NewServer(t)
	s.RateLimitNext("/api/v1/users/me", 10, "0.25")
	c, sl := newTestClient(t, s)
	_, err := c.GetOwnUser(context.Background())
	if !IsRateLimited(err) || asError(err).RetryAfter != 250*time.Millisecond {
		t.Fatalf("err = %v, want a rate-limit error with RetryAfter 250ms", err)
	}
	if n := len(s.Requests()); n != testRetry.MaxAttempts || len(sl.all()) != testRetry.MaxAttempts-1 {
		t.Errorf("%d requests and %d waits for %d attempts", n, len(sl.all()), testRetry.MaxAttempts)
	}
}

func TestRetry_ServerErrorRetriedForSafeCalls(t *testing.T) {
	s := zuliptest.NewServer(t)
	s.FailNext("/api/v1/users/me", 1, http.StatusInternalServerError)
	s.FailNextHTML("/api/v1/users/me", 1, http.StatusBadGateway)
	c, sl := newTestClient(t, s)
	if _, err := c.GetOwnUser(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(s.Requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
	for _, w := range sl.all() {
		if w <= 0 || w > testRetry.MaxBackoff {
			t.Errorf("wait %v outside (0, %v]", w, testRetry.MaxBackoff)
		}
	}
}

func TestRetry_GivesUpAfterMaxAttempts(t *testing.T) {
	s := zuliptest.NewServer(t)
	s.FailNext("/api/v1/users/me", 100, http.StatusServiceUnavailable)
	c, sl := newTestClient(t, s)
	_, err := c.GetOwnUser(context.Background())
	if e := asError(err); e == nil || e.HTTPStatus != http.StatusServiceUnavailable {
		t.Fatalf("err = %v, want the last 503", err)
	}
	if n := len(s.Requests()); n != testRetry.MaxAttempts || len(sl.all()) != testRetry.MaxAttempts-1 {
		t.Errorf("%d requests, %d waits", n, len(sl.all()))
	}
}

func TestRetry_SendMessageNotRetriedAfterServerError(t *testing.T) {
	s := zuliptest.NewServer(t)
	alice := s.AddUser(zuliptest.User{FullName: "Alice"})
	s.FailNext("/api/v1/messages", 1, http.StatusInternalServerError)
	c, sl := newTestClient(t, s)
	_, err := c.SendMessage(context.Background(), OutgoingMessage{To: []int64{alice.ID}, Content: "hi"})
	if e := asError(err); e == nil || e.HTTPStatus != http.StatusInternalServerError || e.Code != "" || e.Msg != "Internal server error" {
		t.Fatalf("err = %#v", err)
	}
	if n := len(s.Requests()); n != 1 || len(sl.all()) != 0 {
		t.Errorf("%d requests and %d waits, want no retry", n, len(sl.all()))
	}
}

func TestRetry_BadRequestNotRetried(t *testing.T) {
	s := zuliptest.NewServer(t)
	c, sl := newTestClient(t, s)
	_, err := c.SendMessage(context.Background(), OutgoingMessage{Channel: "nope", Topic: "t", Content: "x"})
	if ErrorCode(err) != CodeStreamDoesNotExist {
		t.Fatalf("err = %v", err)
	}
	if n := len(s.Requests()); n != 1 || len(sl.all()) != 0 {
		t.Errorf("%d requests and %d waits, want no retry", n, len(sl.all()))
	}
}

// failingTransport fails its first n round trips before sending anything.
type failingTransport struct {
	next http.RoundTripper
	left atomic.Int32
}

func (f *failingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if f.left.Add(-1) >= 0 {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	}
	return f.next.RoundTrip(r)
}

func TestRetry_SendMessageRetriedWhenNotSent(t *testing.T) {
	s := zuliptest.NewServer(t)
	alice := s.AddUser(zuliptest.User{FullName: "Alice"})
	ft := &failingTransport{next: s.Client().Transport}
	ft.left.Store(2)
	c, sl := newTestClient(t, s, WithHTTPClient(&http.Client{Transport: ft}))
	if _, err := c.SendMessage(context.Background(), OutgoingMessage{To: []int64{alice.ID}, Content: "hi"}); err != nil {
		t.Fatal(err)
	}
	if n := len(s.Messages()); n != 1 || len(sl.all()) != 2 {
		t.Errorf("%d messages, %d waits; want 1 message after 2 retries", n, len(sl.all()))
	}
}

func TestRetry_ConnectionLostAfterSending(t *testing.T) {
	var requests atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		_, _ = io.ReadAll(r.Body)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close() // the server got the request, the client gets no answer
		}
	}))
	defer ts.Close()
	sl := &sleeps{}
	c, err := New(ts.URL, "bot@example.org", "key", WithHTTPClient(ts.Client()), WithRetry(testRetry), WithSleep(sl.sleep))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.SendMessage(context.Background(), OutgoingMessage{To: []int64{9}, Content: "hi"})
	if err == nil || asError(err) != nil {
		t.Fatalf("err = %v, want a transport error", err)
	}
	if n := requests.Load(); n != 1 {
		t.Errorf("SendMessage reached the server %d times, want 1 (it may have been sent)", n)
	}

	requests.Store(0)
	if _, err := c.GetOwnUser(context.Background()); err == nil {
		t.Fatal("GetOwnUser succeeded")
	}
	if n := requests.Load(); n != int32(testRetry.MaxAttempts) {
		t.Errorf("GetOwnUser reached the server %d times, want %d", n, testRetry.MaxAttempts)
	}
}

func TestRetry_TimeoutPerAttempt(t *testing.T) {
	var requests atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) == 1 {
			<-r.Context().Done() // never answers the first attempt
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"result":"success","msg":"","user_id":5,"email":"bot@example.org","full_name":"Bot"}`)
	}))
	defer ts.Close()
	c, err := New(ts.URL, "bot@example.org", "key", WithHTTPClient(ts.Client()), WithRetry(testRetry),
		WithSleep((&sleeps{}).sleep), WithTimeout(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	u, err := c.GetOwnUser(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != 5 || requests.Load() != 2 {
		t.Errorf("user %+v after %d requests", u, requests.Load())
	}
}

func TestRetry_StopsWhenContextDone(t *testing.T) {
	s := zuliptest.NewServer(t)
	s.FailNext("/api/v1/users/me", 100, http.StatusInternalServerError)
	ctx, cancel := context.WithCancel(context.Background())
	c, _ := newTestClient(t, s, WithSleep(func(context.Context, time.Duration) error {
		cancel()
		return context.Canceled
	}))
	_, err := c.GetOwnUser(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if n := len(s.Requests()); n != 1 {
		t.Errorf("%d requests after cancellation, want 1", n)
	}
}

func TestBackoff_ExponentialWithJitterAndCap(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 5, BaseBackoff: 100 * time.Millisecond, MaxBackoff: time.Hour}
	for n := 1; n <= 30; n++ {
		full := min(100*time.Millisecond<<min(n-1, 20), MaxBackoffCap)
		for range 20 {
			d := p.Backoff(n)
			if d < full/2 || d > full {
				t.Fatalf("Backoff(%d) = %v, want within [%v, %v]", n, d, full/2, full)
			}
		}
	}
	if d := (RetryPolicy{}).Backoff(1); d <= 0 || d > 500*time.Millisecond {
		t.Errorf("zero policy Backoff(1) = %v", d)
	}
}

func TestParseRetryAfter(t *testing.T) {
	tests := map[string]time.Duration{
		"0.5": 500 * time.Millisecond, "2": 2 * time.Second, "28.706807374954224": 28706808 * time.Microsecond,
		"": 0, "soon": 0, "-1": 0, "NaN": 0,
	}
	for in, want := range tests {
		if got := parseRetryAfter(in); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}
