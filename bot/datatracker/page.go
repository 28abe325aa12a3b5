package datatracker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
)

// pageMeta is Tastypie's "meta" object.
type pageMeta struct {
	Limit      int     `json:"limit"`
	Next       *string `json:"next"`
	Offset     int     `json:"offset"`
	Previous   *string `json:"previous"`
	TotalCount int     `json:"total_count"`
}

// page is one Tastypie list answer:
// {"meta": {...}, "objects": [ {...}, ... ]}.
type page struct {
	Meta    pageMeta
	Objects []json.RawMessage
}

// next returns the next-page path, or "" at the end.
func (p *page) next() string {
	if p.Meta.Next == nil {
		return ""
	}
	return *p.Meta.Next
}

// decodePage parses a list answer. It fails on malformed JSON, on a missing
// or null "meta" or "objects", and on objects that are not JSON objects.
func decodePage(data []byte) (*page, error) {
	var raw struct {
		Meta    *pageMeta          `json:"meta"`
		Objects *[]json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("malformed JSON: %w", err)
	}
	if raw.Meta == nil {
		return nil, errors.New(`answer has no "meta"`)
	}
	if raw.Objects == nil {
		return nil, errors.New(`answer has no "objects"`)
	}
	for i, o := range *raw.Objects {
		if !isJSONObject(o) {
			return nil, fmt.Errorf("objects[%d] is not a JSON object", i)
		}
	}
	if raw.Meta.Limit < 0 || raw.Meta.Offset < 0 || raw.Meta.TotalCount < 0 {
		return nil, errors.New("meta has a negative limit, offset or total_count")
	}
	if raw.Meta.Next != nil && *raw.Meta.Next == "" {
		raw.Meta.Next = nil
	}
	return &page{Meta: *raw.Meta, Objects: *raw.Objects}, nil
}

// isJSONObject reports whether a raw JSON value is an object.
func isJSONObject(v json.RawMessage) bool {
	v = bytes.TrimLeft(v, " \t\r\n")
	return len(v) > 0 && v[0] == '{'
}

// listQuery builds the first-page query: the caller's filters (minus any
// limit/offset), order_by=id for stable offsets unless given, then limit.
func (c *Client) listQuery(filter url.Values) string {
	q := url.Values{}
	for k, vs := range filter {
		if k == "limit" || k == "offset" {
			continue
		}
		q[k] = append([]string(nil), vs...)
	}
	if _, ok := q["order_by"]; !ok {
		q.Set("order_by", "id")
	}
	s := q.Encode()
	if s != "" {
		s += "&"
	}
	return s + "limit=" + strconv.Itoa(c.pageSize)
}

// list fetches every page of a list endpoint and converts each object with
// conv, which also returns the object's id. Objects seen twice (the data
// shifted between pages) are kept once. Any error aborts the whole list.
func list[T any](ctx context.Context, c *Client, path string, filter url.Values,
	conv func(json.RawMessage) (T, int64, error)) ([]T, error) {
	u := c.endpoint(path, c.listQuery(filter))
	seen := map[string]bool{u: true}
	ids := map[int64]bool{}
	var out []T
	first := true
	total := -1
	for pages := 1; ; pages++ {
		if !first && c.pageDelay > 0 {
			if err := c.sleep(ctx, c.pageDelay); err != nil {
				return nil, fmt.Errorf("datatracker: between pages of %s: %w", path, err)
			}
		}
		body, err := c.get(ctx, u, false)
		if err != nil {
			return nil, err
		}
		p, err := decodePage(body)
		if err != nil {
			return nil, &Error{Kind: KindDecode, URL: u, Err: err}
		}
		if first {
			total = p.Meta.TotalCount
			if lim := max(p.Meta.Limit, len(p.Objects), 1); (total+lim-1)/lim > c.maxPages {
				return nil, &Error{Kind: KindPagination, URL: u,
					Err: fmt.Errorf("%d objects at %d a page would exceed %d pages", total, lim, c.maxPages)}
			}
		}
		first = false
		for i, o := range p.Objects {
			v, id, err := conv(o)
			if err != nil {
				return nil, &Error{Kind: KindDecode, URL: u, Err: fmt.Errorf("objects[%d]: %w", i, err)}
			}
			if ids[id] {
				c.log.LogAttrs(ctx, slog.LevelDebug, "datatracker: duplicate object across pages",
					slog.String(logKeyURL, u), slog.Int64("id", id))
				continue
			}
			ids[id] = true
			out = append(out, v)
		}
		if c.onPage != nil {
			c.onPage(PageRead{Path: path, Page: pages, Read: len(out), Total: total})
		}
		next := p.next()
		if next == "" {
			break
		}
		if len(p.Objects) == 0 {
			return nil, &Error{Kind: KindPagination, URL: u, Err: errors.New("empty page with a next link")}
		}
		if pages >= c.maxPages {
			return nil, &Error{Kind: KindPagination, URL: u, Err: fmt.Errorf("more than %d pages", c.maxPages)}
		}
		nu, err := c.resolveNext(next)
		if err != nil {
			return nil, &Error{Kind: KindPagination, URL: u, Err: err}
		}
		if seen[nu] {
			return nil, &Error{Kind: KindPagination, URL: u, Err: fmt.Errorf("next link %q repeats an earlier page", next)}
		}
		seen[nu] = true
		u = nu
	}
	if total >= 0 && len(out) != total {
		c.log.LogAttrs(ctx, slog.LevelInfo, "datatracker: object count changed while paging",
			slog.String(logKeyURL, c.endpoint(path, "")), slog.Int("total_count", total), slog.Int("got", len(out)))
	}
	return out, nil
}

// detail fetches one object (no envelope) and converts it with conv.
func detail[T any](ctx context.Context, c *Client, path string, conv func(json.RawMessage) (T, int64, error)) (T, error) {
	var zero T
	u := c.endpoint(path, "")
	body, err := c.get(ctx, u, true)
	if err != nil {
		return zero, err
	}
	if !json.Valid(body) {
		return zero, &Error{Kind: KindDecode, URL: u, Err: errors.New("malformed JSON")}
	}
	if !isJSONObject(body) {
		return zero, &Error{Kind: KindDecode, URL: u, Err: errors.New("answer is not a JSON object")}
	}
	v, _, err := conv(body)
	if err != nil {
		return zero, &Error{Kind: KindDecode, URL: u, Err: err}
	}
	return v, nil
}

// PageRead is one page of a list read: the endpoint, the page's number, the
// objects read so far and the total the Datatracker announced.
type PageRead struct {
	Path  string // "group/group"
	Page  int
	Read  int
	Total int
}

// OnPage sets a function told about every page read (a command line shows
// progress with it). Set it before the client is used.
func (c *Client) OnPage(f func(PageRead)) { c.onPage = f }
