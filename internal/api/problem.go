package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strconv"

	"github.com/dxatlas/dxatlas/internal/app"
)

// problem is an RFC 9457 problem document. Type is about:blank for every
// problem, so Title is the status's own title (localised); Code is the
// stable, machine-readable message key of Detail.
type problem struct {
	Type   string         `json:"type"`
	Title  string         `json:"title"`
	Status int            `json:"status"`
	Detail string         `json:"detail"`
	Code   string         `json:"code,omitempty"`
	Errors []problemField `json:"errors,omitempty"`
}

// problemField is one invalid value: Field is its JSON path (or the name
// of a query parameter or form field), Code the message key of Message.
type problemField struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Code    string `json:"code"`
}

// statusOf maps the kind of an operation's failure to its status.
func statusOf(k app.Kind) int {
	switch k {
	case app.KindInvalid:
		return http.StatusUnprocessableEntity
	case app.KindBadRequest:
		return http.StatusBadRequest
	case app.KindUnauthenticated:
		return http.StatusUnauthorized
	case app.KindForbidden:
		return http.StatusForbidden
	case app.KindNotFound:
		return http.StatusNotFound
	case app.KindConflict:
		return http.StatusConflict
	case app.KindTooLarge:
		return http.StatusRequestEntityTooLarge
	case app.KindThrottled:
		return http.StatusTooManyRequests
	case app.KindGone:
		return http.StatusGone
	}
	return http.StatusInternalServerError
}

// writeError answers a failed request with a problem document in the
// reader's language. Failures that are not the client's are logged and
// reported without their details.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, rc *reqCtx, err error) {
	var (
		status int
		key    string
		args   map[string]any
		fields []fieldProblem
	)
	var re *requestError
	ae := app.AsError(err)
	switch {
	case errors.As(err, &re):
		status, key, args, fields = re.status, re.key, re.args, re.fields
	case ae != nil:
		status, key, args = statusOf(ae.Kind), ae.Key, ae.Args
		for _, fe := range ae.Fields {
			fields = append(fields, fieldProblem{field: fe.Field, key: fe.Key, args: fe.Args})
		}
		if status == http.StatusTooManyRequests {
			if m, ok := ae.Args["Minutes"].(int); ok && m > 0 {
				w.Header().Set("Retry-After", strconv.Itoa(m*60))
			}
		}
	case r.Context().Err() != nil && errors.Is(err, context.Canceled):
		// The client went away; nobody reads the answer.
		return
	default:
		s.log.ErrorContext(r.Context(), "api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		status, key = http.StatusInternalServerError, "error.internal"
	}
	if status == http.StatusUnauthorized {
		challenge := `Bearer realm="dxatlas"`
		if rc.token != "" {
			challenge += `, error="invalid_token"`
		}
		w.Header().Set("WWW-Authenticate", challenge)
	}
	p := problem{
		Type:   "about:blank",
		Title:  rc.L.T("api.status." + strconv.Itoa(status)),
		Status: status,
		Detail: rc.L.T(key, localArgs(rc, args)),
		Code:   key,
	}
	for _, f := range fields {
		p.Errors = append(p.Errors, problemField{Field: f.field, Message: rc.L.T(f.key, localArgs(rc, f.args)), Code: f.key})
	}
	if err := writeJSONType(w, "application/problem+json", status, p); err != nil {
		s.log.ErrorContext(r.Context(), "api: write problem", "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
	}
}

// localArgs renders the JSON type names among a message's arguments in
// the reader's language.
func localArgs(rc *reqCtx, args map[string]any) map[string]any {
	var out map[string]any
	for k, v := range args {
		if t, ok := v.(jsonType); ok {
			if out == nil {
				out = maps.Clone(args)
			}
			out[k] = rc.L.T("api.type." + string(t))
		}
	}
	if out == nil {
		return args
	}
	return out
}

// writeJSON answers with a JSON document.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	return writeJSONType(w, "application/json", status, v)
}

// writeJSONType encodes v before writing anything, so that an encoding
// failure can still be answered with a problem.
func writeJSONType(w http.ResponseWriter, contentType string, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	b = append(b, '\n')
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
	return nil
}
