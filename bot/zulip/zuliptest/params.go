package zuliptest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
)

// form holds a request's parameters and which of them were read, so that
// the others can be reported as ignored_parameters_unsupported.
type form struct {
	vals url.Values
	used map[string]bool
}

// readForm returns the parameters of r the way the fake insists on them:
// in the query string for GET, in an application/x-www-form-urlencoded
// body otherwise (Zulip would also read a POST's query string; the fake is
// stricter so that misplaced parameters show up in tests). A parameter
// given twice is an error.
func readForm(r *http.Request) (*form, *apiError) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, badRequest("zuliptest: reading body: %v", err)
	}
	var vals url.Values
	if r.Method == http.MethodGet {
		vals = r.URL.Query()
	} else {
		if r.URL.RawQuery != "" {
			return nil, badRequest("zuliptest: %s parameters must be in the body, not the query string", r.Method)
		}
		if len(body) > 0 {
			ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || ct != "application/x-www-form-urlencoded" {
				return nil, badRequest("zuliptest: body is %q, want application/x-www-form-urlencoded", r.Header.Get("Content-Type"))
			}
		}
		if vals, err = url.ParseQuery(string(body)); err != nil {
			return nil, badRequest("zuliptest: malformed form body: %v", err)
		}
	}
	for k, vs := range vals {
		if len(vs) > 1 {
			return nil, badRequest("zuliptest: parameter %q given %d times", k, len(vs))
		}
	}
	return &form{vals: vals, used: map[string]bool{}}, nil
}

// get returns a parameter and whether it is present.
func (f *form) get(name string) (string, bool) {
	f.used[name] = true
	if !f.vals.Has(name) {
		return "", false
	}
	return f.vals.Get(name), true
}

// ignored lists the parameters never read, sorted.
func (f *form) ignored() []string {
	var out []string
	for k := range f.vals {
		if !f.used[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// decodeJSON parses a JSON-encoded parameter as Zulip's typed_endpoint
// does, with its error messages.
func decodeJSON(name, raw string) (any, *apiError) {
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return nil, badRequest("%s is not valid JSON", name)
	}
	return v, nil
}

// jsonBool reads an optional JSON boolean parameter.
func (f *form) jsonBool(name string) (value, present bool, e *apiError) {
	raw, ok := f.get(name)
	if !ok {
		return false, false, nil
	}
	v, e := decodeJSON(name, raw)
	if e != nil {
		return false, true, e
	}
	b, ok := v.(bool)
	if !ok {
		return false, true, badRequest("%s is not a boolean", name)
	}
	return b, true, nil
}

// jsonInt reads an optional JSON integer parameter.
func (f *form) jsonInt(name string) (value int64, present bool, e *apiError) {
	raw, ok := f.get(name)
	if !ok {
		return 0, false, nil
	}
	v, e := decodeJSON(name, raw)
	if e != nil {
		return 0, true, e
	}
	n, err := asInt(v)
	if err != nil {
		return 0, true, badRequest("%s is not an integer", name)
	}
	return n, true, nil
}

// jsonStrings reads an optional JSON list of strings.
func (f *form) jsonStrings(name string) (value []string, present bool, e *apiError) {
	raw, ok := f.get(name)
	if !ok {
		return nil, false, nil
	}
	v, e := decodeJSON(name, raw)
	if e != nil {
		return nil, true, e
	}
	list, ok := v.([]any)
	if !ok {
		return nil, true, badRequest("%s is not a list", name)
	}
	out := make([]string, 0, len(list))
	for i, x := range list {
		s, ok := x.(string)
		if !ok {
			return nil, true, badRequest("%s[%d] is not a string", name, i)
		}
		out = append(out, s)
	}
	return out, true, nil
}

// narrow reads register's narrow: a JSON list of [operator, operand]
// pairs of strings.
func (f *form) narrow() ([][]string, *apiError) {
	raw, ok := f.get("narrow")
	if !ok {
		return nil, nil
	}
	v, e := decodeJSON("narrow", raw)
	if e != nil {
		return nil, e
	}
	list, ok := v.([]any)
	if !ok {
		return nil, badRequest("narrow is not a list")
	}
	out := make([][]string, 0, len(list))
	for i, x := range list {
		pair, ok := x.([]any)
		if !ok || len(pair) != 2 {
			return nil, badRequest("narrow[%d] is not a list of length 2", i)
		}
		var ss []string
		for j, y := range pair {
			s, ok := y.(string)
			if !ok {
				return nil, badRequest("narrow[%d][%d] is not a string", i, j)
			}
			ss = append(ss, s)
		}
		out = append(out, ss)
	}
	return out, nil
}

// asInt converts a JSON number without fraction to int64.
func asInt(v any) (int64, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("not a number")
	}
	return n.Int64()
}

// allInts reports whether every element of list is an integer.
func allInts(list []any) ([]int64, bool) {
	out := make([]int64, 0, len(list))
	for _, x := range list {
		n, err := asInt(x)
		if err != nil {
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}

// allStrings reports whether every element of list is a string.
func allStrings(list []any) ([]string, bool) {
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, ok := x.(string)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}
