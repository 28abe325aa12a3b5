package zulip

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strconv"
)

// params builds the parameters of a call the way Zulip reads them:
// strings as they are, everything else JSON-encoded (to=[9],
// event_types=["message"], apply_markdown=false, last_event_id=12).
type params url.Values

// str sets a string parameter, sent as is.
func (p params) str(key, value string) { url.Values(p).Set(key, value) }

// int sets an integer parameter (its JSON and decimal forms are the same).
func (p params) int(key string, n int64) { url.Values(p).Set(key, strconv.FormatInt(n, 10)) }

// bool sets a boolean parameter, JSON-encoded: true or false.
func (p params) bool(key string, b bool) { url.Values(p).Set(key, strconv.FormatBool(b)) }

// json sets a JSON-encoded parameter.
func (p params) json(key string, v any) error {
	s, err := jsonString(v)
	if err != nil {
		return err
	}
	url.Values(p).Set(key, s)
	return nil
}

// jsonString encodes v as compact JSON without HTML escaping.
func jsonString(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n"))), nil
}

// values returns p as url.Values.
func (p params) values() url.Values { return url.Values(p) }
