package zuliptest

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// apiError is an error answer in Zulip's shape:
// {"result":"error","msg":…,"code":…, extra fields…}.
type apiError struct {
	status int
	code   string
	msg    string
	extra  map[string]any
	header http.Header
}

func (e *apiError) Error() string { return fmt.Sprintf("HTTP %d %s: %s", e.status, e.code, e.msg) }

// badRequest is Zulip's generic JsonableError: HTTP 400 BAD_REQUEST.
func badRequest(format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "BAD_REQUEST", msg: fmt.Sprintf(format, args...)}
}

// missing is Zulip's RequestVariableMissingError.
func missing(name string) *apiError {
	return &apiError{
		status: http.StatusBadRequest, code: "REQUEST_VARIABLE_MISSING",
		msg: fmt.Sprintf("Missing '%s' argument", name), extra: map[string]any{"var_name": name},
	}
}

// badQueue is Zulip's BAD_EVENT_QUEUE_ID error.
func badQueue(id string) *apiError {
	return &apiError{
		status: http.StatusBadRequest, code: "BAD_EVENT_QUEUE_ID",
		msg: "Bad event queue ID: " + id, extra: map[string]any{"queue_id": id},
	}
}

// writeError writes e as Zulip does.
func writeError(w http.ResponseWriter, e *apiError) {
	body := map[string]any{"result": "error", "msg": e.msg, "code": e.code}
	for k, v := range e.extra {
		body[k] = v
	}
	for k, vs := range e.header {
		w.Header()[k] = vs
	}
	writeJSON(w, e.status, body)
}

// writeSuccess writes a success envelope with the given fields; ignored
// lists the request's unsupported parameters, as Zulip 7+ does.
func writeSuccess(w http.ResponseWriter, fields map[string]any, ignored []string) {
	body := map[string]any{"result": "success", "msg": ""}
	for k, v := range fields {
		body[k] = v
	}
	if len(ignored) > 0 {
		body["ignored_parameters_unsupported"] = ignored
	}
	writeJSON(w, http.StatusOK, body)
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	b, err := json.Marshal(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
