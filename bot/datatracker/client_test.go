package datatracker

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot/datatracker/datatrackertest"
)

// sleepRecorder stands in for time.Sleep: it records and returns at once.
type sleepRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleepRecorder) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return ctx.Err()
}

func (s *sleepRecorder) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// newTestClient returns a client for srv with no page delay, recorded
// sleeps and a 1s..8s backoff.
func newTestClient(t *testing.T, baseURL string, opts ...Option) (*Client, *sleepRecorder) {
	t.Helper()
	rec := &sleepRecorder{}
	all := append([]Option{
		WithPageDelay(0),
		WithSleep(rec.sleep),
		WithBackoff(time.Second, 8*time.Second),
		WithRequestTimeout(10 * time.Second),
	}, opts...)
	c, err := New(baseURL, all...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, rec
}

func sdoFilter() url.Values { return url.Values{"type": {"sdo"}} }

func TestList_FollowsNextAcrossPages(t *testing.T) {
	srv := datatrackertest.NewServer(t)
	c, _ := newTestClient(t, srv.URL, WithPageSize(20))

	groups, err := c.Groups(context.Background(), sdoFilter())
	if err != nil {
		t.Fatalf("Groups: %v", err)
	}
	if want := len(datatrackertest.SDOGroups()); len(groups) != want {
		t.Fatalf("got %d groups, want %d", len(groups), want)
	}
	for i := 1; i < len(groups); i++ {
		if groups[i].ID <= groups[i-1].ID {
			t.Fatalf("groups not in strictly increasing id order at %d: %d then %d", i, groups[i-1].ID, groups[i].ID)
		}
	}
	reqs := srv.Requests()
	if len(reqs) != 8 { // 142 groups at 20 a page
		t.Fatalf("got %d requests, want 8", len(reqs))
	}
	if got := reqs[0].Query.Get("limit"); got != "20" {
		t.Errorf("first request limit = %q, want 20", got)
	}
	if !strings.HasSuffix(reqs[1].RawQuery, "&limit=20&offset=20") || reqs[1].Query.Get("type") != "sdo" {
		t.Errorf("second request query = %q, want the original filters then limit=20&offset=20", reqs[1].RawQuery)
	}
	if got := reqs[7].Query.Get("offset"); got != "140" {
		t.Errorf("last request offset = %q, want 140", got)
	}
}

func TestList_PageDelaySleepsBetweenPages(t *testing.T) {
	srv := datatrackertest.NewServer(t)
	c, rec := newTestClient(t, srv.URL, WithPageSize(50), WithPageDelay(100*time.Millisecond))
	if _, err := c.Groups(context.Background(), sdoFilter()); err != nil {
		t.Fatalf("Groups: %v", err)
	}
	got := rec.got()
	if len(got) != 2 || got[0] != 100*time.Millisecond || got[1] != 100*time.Millisecond {
		t.Fatalf("sleeps = %v, want two of 100ms (3 pages)", got)
	}
}

func TestList_LoopingNextIsAnError(t *testing.T) {
	srv := datatrackertest.NewServer(t)
	srv.SetLoopingNext(true)
	c, _ := newTestClient(t, srv.URL, WithPageSize(20))

	_, err := c.Groups(context.Background(), sdoFilter())
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindPagination {
		t.Fatalf("err = %v, want a pagination error", err)
	}
	if !strings.Contains(err.Error(), "repeats") {
		t.Errorf("err = %v, want it to say the next link repeats", err)
	}
	if n := srv.RequestCount(""); n > 2 {
		t.Errorf("made %d requests before noticing the loop, want at most 2", n)
	}
}

func TestList_TooManyPagesIsAnError(t *testing.T) {
	srv := datatrackertest.NewServer(t)
	c, _ := newTestClient(t, srv.URL, WithPageSize(20), WithMaxPages(3))

	_, err := c.Groups(context.Background(), sdoFilter())
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindPagination {
		t.Fatalf("err = %v, want a pagination error", err)
	}
	if n := srv.RequestCount(""); n != 1 {
		t.Errorf("made %d requests, want 1 (total_count shows 8 pages up front)", n)
	}
}

func TestGet_RateLimitWaitsRetryAfter(t *testing.T) {
	srv := datatrackertest.NewServer(t)
	srv.FailNext(datatrackertest.RateLimited("1"))
	c, rec := newTestClient(t, srv.URL)

	groups, err := c.Groups(context.Background(), sdoFilter())
	if err != nil {
		t.Fatalf("Groups: %v", err)
	}
	if len(groups) == 0 {
		t.Fatal("no groups after the retry")
	}
	if got := rec.got(); len(got) != 1 || got[0] != time.Second {
		t.Fatalf("sleeps = %v, want exactly [1s]", got)
	}
	if n := srv.RequestCount(""); n != 3 { // 429, then 2 pages of 100
		t.Errorf("requests = %d, want 3", n)
	}
}

func TestGet_RetryAfterForms(t *testing.T) {
	tests := []struct {
		header   string
		min, max time.Duration
	}{
		{"1.5", 1500 * time.Millisecond, 1500 * time.Millisecond},
		{"2", 2 * time.Second, 2 * time.Second},
		{"0", 500 * time.Millisecond, time.Second}, // zero: back off anyway
		{"", 500 * time.Millisecond, time.Second},
		{"soon", 500 * time.Millisecond, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			srv := datatrackertest.NewServer(t)
			srv.FailNext(datatrackertest.RateLimited(tt.header))
			c, rec := newTestClient(t, srv.URL)
			if _, err := c.Group(context.Background(), datatrackertest.Group3GPP); err != nil {
				t.Fatalf("Group: %v", err)
			}
			got := rec.got()
			if len(got) != 1 || got[0] < tt.min || got[0] > tt.max {
				t.Fatalf("sleeps = %v, want one in [%v, %v]", got, tt.min, tt.max)
			}
		})
	}
}

func TestGet_RetryAfterTooLongFails(t *testing.T) {
	srv := datatrackertest.NewServer(t)
	srv.FailNext(datatrackertest.RateLimited("3600"))
	c, rec := newTestClient(t, srv.URL, WithMaxRetryWait(time.Minute))

	_, err := c.Group(context.Background(), datatrackertest.Group3GPP)
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindRateLimited || e.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("err = %v, want a rate-limited error", err)
	}
	if got := rec.got(); len(got) != 0 {
		t.Errorf("slept %v, want no sleep", got)
	}
}

func TestGet_ServerErrorRetried(t *testing.T) {
	srv := datatrackertest.NewServer(t)
	srv.FailNext(datatrackertest.ServerError())
	c, rec := newTestClient(t, srv.URL)

	g, err := c.Group(context.Background(), datatrackertest.GroupITUTSG15)
	if err != nil {
		t.Fatalf("Group: %v", err)
	}
	if g.Acronym != "itu-t-sg-15" {
		t.Errorf("acronym = %q", g.Acronym)
	}
	got := rec.got()
	if len(got) != 1 || got[0] < 500*time.Millisecond || got[0] > time.Second {
		t.Fatalf("sleeps = %v, want one backoff in [0.5s, 1s]", got)
	}
	if n := srv.RequestCount(""); n != 2 {
		t.Errorf("requests = %d, want 2", n)
	}
}

func TestGet_GivesUpAfterMaxRetries(t *testing.T) {
	srv := datatrackertest.NewServer(t)
	for n := 1; n <= 4; n++ {
		srv.FailRequest(n, datatrackertest.ServerError())
	}
	c, rec := newTestClient(t, srv.URL, WithMaxRetries(3))

	_, err := c.Group(context.Background(), datatrackertest.Group3GPP)
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindServer || e.StatusCode != 500 {
		t.Fatalf("err = %v, want a server error", err)
	}
	if n := srv.RequestCount(""); n != 4 {
		t.Errorf("requests = %d, want 4 (1 + 3 retries)", n)
	}
	got := rec.got()
	if len(got) != 3 {
		t.Fatalf("sleeps = %v, want 3", got)
	}
	for i, d := range got { // base 1s doubling: [0.5,1], [1,2], [2,4]
		lo, hi := time.Second<<i/2, time.Second<<i
		if d < lo || d > hi {
			t.Errorf("sleep %d = %v, want in [%v, %v]", i, d, lo, hi)
		}
	}
}

func TestList_MalformedPageNamesURL(t *testing.T) {
	srv := datatrackertest.NewServer(t)
	srv.FailRequest(2, datatrackertest.MalformedJSON())
	c, rec := newTestClient(t, srv.URL, WithPageSize(20))

	groups, err := c.Groups(context.Background(), sdoFilter())
	if groups != nil {
		t.Errorf("got %d groups with the error, want none", len(groups))
	}
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindDecode {
		t.Fatalf("err = %v, want a decode error", err)
	}
	if !strings.Contains(e.URL, "offset=20") || !strings.Contains(err.Error(), srv.URL+"/api/v1/group/group/") {
		t.Errorf("err = %v, want it to name the second page's URL", err)
	}
	if len(rec.got()) != 0 || srv.RequestCount("") != 2 {
		t.Errorf("malformed page was retried")
	}
}

func TestDetail_NotFound(t *testing.T) {
	srv := datatrackertest.NewServer(t)
	c, _ := newTestClient(t, srv.URL)

	_, err := c.Group(context.Background(), 999999)
	if !errors.Is(err, ErrNotFound) || !IsNotFound(err) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	if !strings.Contains(err.Error(), "/api/v1/group/group/999999/") {
		t.Errorf("err = %v, want the URL", err)
	}
	if _, err := c.Statement(context.Background(), 1); !IsNotFound(err) {
		t.Errorf("Statement(1) err = %v, want not found", err)
	}
	if _, err := c.Person(context.Background(), 2); !IsNotFound(err) {
		t.Errorf("Person(2) err = %v, want not found", err)
	}
}

func TestList_BadFilterIsHTTPErrorNotRetried(t *testing.T) {
	srv := datatrackertest.NewServer(t)
	c, rec := newTestClient(t, srv.URL)

	_, err := c.Groups(context.Background(), url.Values{"bogus": {"x"}})
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindHTTP || e.StatusCode != http.StatusBadRequest {
		t.Fatalf("err = %v, want HTTP 400", err)
	}
	if !strings.Contains(err.Error(), "does not allow filtering") {
		t.Errorf("err = %v, want the server's message", err)
	}
	if IsNotFound(err) || len(rec.got()) != 0 || srv.RequestCount("") != 1 {
		t.Errorf("400 was retried or classed as not found")
	}
}

func TestGroup_CachedAndFilledByList(t *testing.T) {
	srv := datatrackertest.NewServer(t)
	c, _ := newTestClient(t, srv.URL)
	ctx := context.Background()

	for range 3 {
		if _, err := c.Group(ctx, datatrackertest.GroupIAB); err != nil {
			t.Fatalf("Group: %v", err)
		}
	}
	if n := srv.RequestCount("/api/v1/group/group/"); n != 1 {
		t.Fatalf("3 lookups made %d requests, want 1", n)
	}
	if _, err := c.Groups(ctx, sdoFilter()); err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	g, err := c.Group(ctx, datatrackertest.GroupITUTSG15)
	if err != nil {
		t.Fatal(err)
	}
	if g.ParentID != datatrackertest.GroupITUT || srv.RequestCount("") != 0 {
		t.Errorf("group 62 = %+v after %d requests, want parent 51 from the cache", g, srv.RequestCount(""))
	}
	c.ClearCache()
	if _, err := c.Group(ctx, datatrackertest.GroupITUTSG15); err != nil || srv.RequestCount("") != 1 {
		t.Errorf("after ClearCache: err %v, %d requests, want 1", err, srv.RequestCount(""))
	}
}

func TestCache_ExpiresAfterTTL(t *testing.T) {
	srv := datatrackertest.NewServer(t)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	c, _ := newTestClient(t, srv.URL, WithClock(clock), WithCacheTTL(time.Hour))
	ctx := context.Background()

	if _, err := c.Person(ctx, datatrackertest.PersonAvery); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(59 * time.Minute)
	mu.Unlock()
	if _, err := c.Person(ctx, datatrackertest.PersonAvery); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(2 * time.Minute)
	mu.Unlock()
	if _, err := c.Person(ctx, datatrackertest.PersonAvery); err != nil {
		t.Fatal(err)
	}
	if n := srv.RequestCount("/api/v1/person/person/"); n != 2 {
		t.Errorf("requests = %d, want 2 (fresh, cached, expired)", n)
	}
}

func TestCache_ConcurrentLookupsShareOneRequest(t *testing.T) {
	srv := datatrackertest.NewServer(t)
	c, _ := newTestClient(t, srv.URL)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			p, err := c.Person(context.Background(), datatrackertest.PersonDana)
			if err == nil && p.DisplayName() != "Dana Testperson" {
				err = errors.New("wrong person " + p.DisplayName())
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.RequestCount(""); n < 1 || n > 20 {
		t.Fatalf("requests = %d", n)
	}
}

func TestGet_SendsUserAgentAndAccept(t *testing.T) {
	var mu sync.Mutex
	var ua, accept string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		ua, accept = r.UserAgent(), r.Header.Get("Accept")
		mu.Unlock()
		_, _ = w.Write([]byte(`{"meta":{"limit":100,"next":null,"offset":0,"previous":null,"total_count":0},"objects":[]}`))
	}))
	defer ts.Close()
	c, _ := newTestClient(t, ts.URL, WithVersion("1.2.3"))
	if _, err := c.Roles(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if ua != "liaisonbot/1.2.3 (+https://github.com/ietf-tools/liaisonbot)" || accept != "application/json" {
		t.Errorf("User-Agent %q, Accept %q", ua, accept)
	}
}

func TestList_EnvelopeProblemsNameTheURL(t *testing.T) {
	tests := map[string]string{
		"no objects":      `{"meta":{"limit":20,"next":null,"offset":0,"previous":null,"total_count":0}}`,
		"no meta":         `{"objects":[]}`,
		"null objects":    `{"meta":{"limit":20,"next":null,"offset":0,"previous":null,"total_count":0},"objects":null}`,
		"truncated":       `{"meta":{"limit":20,"next":null,"off`,
		"html":            `<html>maintenance</html>`,
		"bad foreign key": `{"meta":{"limit":20,"next":null,"offset":0,"previous":null,"total_count":1},"objects":[{"id":1,"name":"/api/v1/name/rolename/liaiman/","group":"/api/v1/group/group/x/","person":"/api/v1/person/person/3/","email":null}]}`,
		"next off-site":   `{"meta":{"limit":1,"next":"https://evil.example/api/v1/group/role/?offset=1","offset":0,"previous":null,"total_count":2},"objects":[{"id":1,"name":"/api/v1/name/rolename/liaiman/","group":"/api/v1/group/group/5/","person":"/api/v1/person/person/3/","email":null}]}`,
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = w.Write([]byte(body))
			}))
			defer ts.Close()
			c, _ := newTestClient(t, ts.URL)
			roles, err := c.Roles(context.Background(), url.Values{"name": {"liaiman"}})
			var e *Error
			if !errors.As(err, &e) || roles != nil {
				t.Fatalf("roles %v, err = %v, want an *Error and no roles", roles, err)
			}
			if !strings.Contains(err.Error(), ts.URL+"/api/v1/group/role/") {
				t.Errorf("err = %v, want it to name the URL", err)
			}
		})
	}
}

func TestGet_ContextCancelledWhileWaiting(t *testing.T) {
	srv := datatrackertest.NewServer(t)
	srv.FailNext(datatrackertest.RateLimited("1"))
	ctx, cancel := context.WithCancel(context.Background())
	c, _ := newTestClient(t, srv.URL, WithSleep(func(ctx context.Context, d time.Duration) error {
		cancel()
		return ctx.Err()
	}))
	_, err := c.Group(ctx, datatrackertest.Group3GPP)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestNew_Validates(t *testing.T) {
	for _, tc := range []struct {
		url  string
		opts []Option
	}{
		{"datatracker.ietf.org", nil},
		{"ftp://datatracker.ietf.org", nil},
		{"https://datatracker.ietf.org", []Option{WithPageSize(0)}},
		{"https://datatracker.ietf.org", []Option{WithPageSize(1001)}},
		{"https://datatracker.ietf.org", []Option{WithMaxRetries(-1)}},
		{"https://datatracker.ietf.org", []Option{WithBackoff(2*time.Second, time.Second)}},
	} {
		if _, err := New(tc.url, tc.opts...); err == nil {
			t.Errorf("New(%q, %d opts) succeeded, want an error", tc.url, len(tc.opts))
		}
	}
	c, err := New(DefaultBaseURL + "/")
	if err != nil || c.BaseURL() != DefaultBaseURL {
		t.Fatalf("New(default) = %v, %v", c, err)
	}
}

func TestResolveNext(t *testing.T) {
	plain, _ := New("https://datatracker.ietf.org")
	prefixed, _ := New("https://mirror.example/dt/")
	tests := []struct {
		c       *Client
		next    string
		want    string
		wantErr bool
	}{
		{plain, "/api/v1/group/group/?type=sdo&limit=20&offset=20", "https://datatracker.ietf.org/api/v1/group/group/?type=sdo&limit=20&offset=20", false},
		{plain, "https://datatracker.ietf.org/api/v1/x/?offset=1", "https://datatracker.ietf.org/api/v1/x/?offset=1", false},
		{plain, "https://other.example/api/v1/x/", "", true},
		{plain, "api/v1/x/", "", true},
		{prefixed, "/api/v1/x/?offset=1", "https://mirror.example/dt/api/v1/x/?offset=1", false},
		{prefixed, "/dt/api/v1/x/?offset=1", "https://mirror.example/dt/api/v1/x/?offset=1", false},
	}
	for _, tt := range tests {
		got, err := tt.c.resolveNext(tt.next)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("resolveNext(%q) = %q, %v; want %q, err %v", tt.next, got, err, tt.want, tt.wantErr)
		}
	}
}
