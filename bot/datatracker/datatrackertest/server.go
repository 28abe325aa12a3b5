// Package datatrackertest is a fake IETF Datatracker API for tests: an
// httptest server that serves the Tastypie list and detail endpoints the
// liaison bot reads, in the exact JSON shapes of the real API (every field
// present, foreign keys as URI strings), with Tastypie pagination and
// filtering, seed data built from real SDO group ids, mutators, fault
// injection and a request log.
package datatrackertest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Tastypie paging limits.
const (
	defaultLimit = 20
	maxLimit     = 1000
)

// Server is a running fake Datatracker. Its methods are safe for
// concurrent use.
type Server struct {
	// URL is the base URL, e.g. "http://127.0.0.1:41234"; pass it to
	// datatracker.New.
	URL string

	srv      *httptest.Server
	mu       sync.Mutex
	data     *Data
	n        int // requests served so far
	faults   map[int]Fault
	loopNext bool
	requests []Request
}

// Request is one request the server saw.
type Request struct {
	N        int // 1-based sequence number
	Method   string
	Path     string
	RawQuery string
	Query    url.Values
}

// Fault is an injected failure for one request.
type Fault struct {
	Status     int    // HTTP status to answer with (ignored if Malformed)
	RetryAfter string // Retry-After header value, if not ""
	Malformed  bool   // answer 200 with the real body cut in half
}

// RateLimited is a 429 fault with the given Retry-After value ("" for none).
func RateLimited(retryAfter string) Fault {
	return Fault{Status: http.StatusTooManyRequests, RetryAfter: retryAfter}
}

// ServerError is a 500 fault.
func ServerError() Fault { return Fault{Status: http.StatusInternalServerError} }

// MalformedJSON is a fault that truncates the real answer.
func MalformedJSON() Fault { return Fault{Malformed: true} }

// NewServer starts a fake seeded with DefaultData. It is closed when the
// test ends.
func NewServer(t testing.TB) *Server {
	t.Helper()
	return NewServerWithData(t, DefaultData())
}

// NewServerWithData starts a fake serving d (which it takes over).
func NewServerWithData(t testing.TB, d *Data) *Server {
	t.Helper()
	s := &Server{data: d, faults: map[int]Fault{}}
	s.srv = httptest.NewServer(s)
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// Close shuts the server down (it also happens at test cleanup).
func (s *Server) Close() { s.srv.Close() }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.n++
	n := s.n
	s.requests = append(s.requests, Request{N: n, Method: r.Method, Path: r.URL.Path,
		RawQuery: r.URL.RawQuery, Query: r.URL.Query()})
	fault, faulty := s.faults[n]
	delete(s.faults, n)
	status, body := s.route(r)
	s.mu.Unlock()

	w.Header().Set("Content-Type", "application/json")
	switch {
	case faulty && fault.Malformed:
		status, body = http.StatusOK, body[:len(body)/2]
	case faulty:
		if fault.RetryAfter != "" {
			w.Header().Set("Retry-After", fault.RetryAfter)
		}
		status, body = fault.Status, []byte(`{"error": "injected fault"}`)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// route answers one request; s.mu is held.
func (s *Server) route(r *http.Request) (int, []byte) {
	if r.Method != http.MethodGet {
		return http.StatusMethodNotAllowed, nil
	}
	path := r.URL.Path
	if res, ok := resources[path]; ok {
		return s.list(r, path, res)
	}
	if name, ok := strings.CutPrefix(path, "/api/v1/doc/document/"); ok {
		for _, d := range s.data.Documents {
			if d.Name == strings.TrimSuffix(name, "/") {
				return http.StatusOK, mustJSON(d.json())
			}
		}
		return http.StatusNotFound, nil
	}
	if addr, ok := strings.CutPrefix(path, "/api/v1/person/email/"); ok {
		return s.email(strings.TrimSuffix(addr, "/"))
	}
	i := strings.LastIndex(strings.TrimSuffix(path, "/"), "/")
	if i < 0 || !strings.HasSuffix(path, "/") {
		return http.StatusNotFound, nil
	}
	listPath, idText := path[:i+1], strings.TrimSuffix(path[i+1:], "/")
	res, ok := resources[listPath]
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil {
		return http.StatusNotFound, nil
	}
	for _, it := range res.items(s.data) {
		if it.id == id {
			return http.StatusOK, mustJSON(it.obj)
		}
	}
	return http.StatusNotFound, nil
}

// email serves /api/v1/person/email/{addr}/, from Emails or, failing that,
// from the addresses roles use.
func (s *Server) email(addr string) (int, []byte) {
	for _, e := range s.data.Emails {
		if e.Address == addr {
			return http.StatusOK, mustJSON(e.json())
		}
	}
	for _, r := range s.data.Roles {
		if r.Email == addr {
			e := Email{Address: addr, PersonID: r.PersonID, Origin: "role: " + r.Name, Active: true}
			return http.StatusOK, mustJSON(e.json())
		}
	}
	return http.StatusNotFound, nil
}

// list serves a Tastypie list with filtering and limit/offset paging.
func (s *Server) list(r *http.Request, path string, res resource) (int, []byte) {
	pairs, raw := splitQuery(r.URL.RawQuery)
	ms, err := parseFilters(res, pairs)
	if err != nil {
		return http.StatusBadRequest, mustJSON(map[string]string{"error": err.Error()})
	}
	limit, offset := defaultLimit, 0
	for _, kv := range pairs {
		switch kv[0] {
		case "limit":
			limit, err = strconv.Atoi(kv[1])
			if err != nil || limit < 0 {
				return http.StatusBadRequest, mustJSON(map[string]string{"error": "Invalid limit '" + kv[1] + "' provided. Please provide a positive integer."})
			}
		case "offset":
			offset, err = strconv.Atoi(kv[1])
			if err != nil || offset < 0 {
				return http.StatusBadRequest, mustJSON(map[string]string{"error": "Invalid offset '" + kv[1] + "' provided. Please provide a positive integer >= 0."})
			}
		}
	}
	if limit == 0 || limit > maxLimit {
		limit = maxLimit
	}

	items := res.items(s.data)
	slices.SortFunc(items, func(a, b item) int { return cmp.Compare(a.id, b.id) })
	if slices.Contains(pairs, [2]string{"order_by", "-id"}) {
		slices.Reverse(items)
	}
	var objs []map[string]any
	for _, it := range items {
		if match(it, ms) {
			objs = append(objs, it.obj)
		}
	}
	total := len(objs)
	page := objs[min(offset, total):min(offset+limit, total)]
	if page == nil {
		page = []map[string]any{}
	}

	var next, prev any
	if offset+limit < total {
		next = pageURI(path, raw, limit, offset+limit)
	}
	if offset-limit >= 0 {
		prev = pageURI(path, raw, limit, offset-limit)
	}
	if s.loopNext {
		next = r.URL.RequestURI()
	}
	return http.StatusOK, mustJSON(map[string]any{
		"meta": map[string]any{
			"limit": limit, "next": next, "offset": offset, "previous": prev, "total_count": total,
		},
		"objects": page,
	})
}

// splitQuery splits a raw query into decoded pairs, in order, and the raw
// pairs other than limit and offset.
func splitQuery(rawQuery string) (pairs [][2]string, raw []string) {
	for _, part := range strings.Split(rawQuery, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		dk, err1 := url.QueryUnescape(k)
		dv, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			dk, dv = k, v
		}
		pairs = append(pairs, [2]string{dk, dv})
		if dk != "limit" && dk != "offset" {
			raw = append(raw, part)
		}
	}
	return pairs, raw
}

// pageURI builds next/previous as Tastypie does: the same path and query,
// with limit and offset put last.
func pageURI(path string, raw []string, limit, offset int) string {
	q := append(slices.Clone(raw), "limit="+strconv.Itoa(limit), "offset="+strconv.Itoa(offset))
	return path + "?" + strings.Join(q, "&")
}

func mustJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // only plain values are encoded
	}
	return b.Bytes()
}
