package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dxatlas/dxatlas/internal/domain"
)

// Request body limits.
const (
	maxJSONBody = 1 << 20
	// An upload may carry one attachment of the largest allowed size plus
	// the multipart framing and headers around it.
	multipartOverhead = 64 << 10
)

// requestError is a problem with the request itself (400, 413, 415),
// detected by the API before any operation runs.
type requestError struct {
	status int
	key    string         // message key of the detail
	args   map[string]any // template data for key
	fields []fieldProblem // what is wrong, where it is known
}

func (e *requestError) Error() string { return fmt.Sprintf("%d %s", e.status, e.key) }

// fieldProblem is one entry of a problem's errors member, before it is
// rendered in the reader's language.
type fieldProblem struct {
	field string
	key   string
	args  map[string]any
}

func badRequest(key string, args map[string]any, fields ...fieldProblem) *requestError {
	return &requestError{status: http.StatusBadRequest, key: key, args: args, fields: fields}
}

// jsonMediaType reports whether a Content-Type names JSON in UTF-8:
// application/json, or any application/*+json (such as
// application/merge-patch+json), with no charset or charset utf-8.
func jsonMediaType(ct string) bool {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// readJSON reads a JSON request body into v: a JSON content type, at most
// maxJSONBody bytes, valid UTF-8, exactly one JSON value, and no field that
// v does not have. Go's decoder would silently replace invalid UTF-8, so
// the raw bytes are checked first.
func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if !jsonMediaType(r.Header.Get("Content-Type")) {
		return unsupportedJSON(r)
	}
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	return decodeJSON(body, v)
}

// readOptionalJSON is readJSON for an endpoint whose body may be left out:
// an empty body leaves v as it is.
func readOptionalJSON(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := readBody(w, r)
	if err != nil || len(bytes.TrimSpace(body)) == 0 {
		return err
	}
	if !jsonMediaType(r.Header.Get("Content-Type")) {
		return unsupportedJSON(r)
	}
	return decodeJSON(body, v)
}

func unsupportedJSON(r *http.Request) error {
	return &requestError{status: http.StatusUnsupportedMediaType, key: "api.err.content_type_json",
		args: map[string]any{"Type": r.Header.Get("Content-Type")}}
}

// readBody reads a request body of at most maxJSONBody bytes.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, &requestError{status: http.StatusRequestEntityTooLarge, key: "error.body_too_large"}
		}
		return nil, fmt.Errorf("read request body: %w", err)
	}
	return body, nil
}

// decodeJSON decodes exactly one JSON value from body into v.
func decodeJSON(body []byte, v any) error {
	if !utf8.Valid(body) {
		return badRequest("error.invalid_utf8", nil)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return describeDecodeError(body, reflect.TypeOf(v), err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("api.err.trailing_data", map[string]any{"Offset": dec.InputOffset()})
	}
	return nil
}

// describeDecodeError turns a decoding failure into a 400 that names the
// field and what was expected. The standard decoder reports an unknown
// field without its path and a wrong type without list indices, so the
// body is walked again to find the exact JSON path.
func describeDecodeError(body []byte, t reflect.Type, err error) error {
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		return badRequest("error.malformed_json_at", map[string]any{"Offset": syn.Offset})
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("error.malformed_json", nil)
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&doc) == nil {
		if p, ok := findMismatch(doc, t, ""); ok {
			return p.problem()
		}
	}
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typ):
		// Value is a JSON type, possibly followed by the value ("number 8.5").
		got, _, _ := strings.Cut(typ.Value, " ")
		return mismatch{path: typ.Field, expected: jsonTypeName(typ.Type), got: jsonType(got)}.problem()
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return mismatch{path: name, unknown: true}.problem()
	}
	return badRequest("error.bad_request", nil)
}

// jsonType names a JSON type in a message; problems render it in the
// reader's language (key "api.type.<name>").
type jsonType string

// mismatch is where a JSON document does not fit the Go type it is decoded
// into.
type mismatch struct {
	path     string
	unknown  bool     // a field the type does not have
	expected jsonType // JSON type expected
	got      jsonType // JSON type found
}

func (m mismatch) problem() *requestError {
	if m.unknown {
		args := map[string]any{"Field": m.path}
		return badRequest("error.unknown_field", args, fieldProblem{field: m.path, key: "error.unknown_field", args: args})
	}
	args := map[string]any{"Field": m.path, "Expected": m.expected, "Got": m.got}
	if m.path == "" {
		return badRequest("api.err.wrong_type_body", args)
	}
	return badRequest("error.wrong_type", args, fieldProblem{field: m.path, key: "error.wrong_type", args: args})
}

var (
	timeType     = reflect.TypeFor[time.Time]()
	rawType      = reflect.TypeFor[json.RawMessage]()
	decimalType  = reflect.TypeFor[domain.Decimal]()
	numberType   = reflect.TypeFor[json.Number]()
	unmarshalerT = reflect.TypeFor[json.Unmarshaler]()
)

// jsonTypeName names the JSON type a Go type decodes from.
func jsonTypeName(t reflect.Type) jsonType {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case timeType:
		return "datetime"
	case decimalType, numberType:
		return "number"
	case rawType:
		return "any"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	}
	return "any"
}

// jsonKind names the JSON type of a value decoded with UseNumber.
func jsonKind(v any) jsonType {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "any"
}

// findMismatch walks a decoded document alongside the Go type it was meant
// for and returns a place where they differ (the first, taking object keys
// in sorted order), with its JSON path as the validator writes it
// (kpis[1].value).
func findMismatch(v any, t reflect.Type, path string) (mismatch, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil {
		return mismatch{}, false // null leaves any Go value as it is
	}
	wrong := func() (mismatch, bool) {
		return mismatch{path: path, expected: jsonTypeName(t), got: jsonKind(v)}, true
	}
	switch t {
	case rawType:
		return mismatch{}, false
	case decimalType:
		switch v.(type) {
		case string, json.Number:
			return mismatch{}, false
		}
		return wrong()
	case timeType:
		if str, ok := v.(string); ok {
			if _, err := time.Parse(time.RFC3339, str); err == nil {
				return mismatch{}, false
			}
		}
		return wrong()
	}
	if t.Kind() != reflect.Struct && reflect.PointerTo(t).Implements(unmarshalerT) {
		return mismatch{}, false // its own decoder decides
	}
	switch t.Kind() {
	case reflect.String:
		if _, ok := v.(string); !ok {
			return wrong()
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return wrong()
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := v.(json.Number)
		if !ok {
			return wrong()
		}
		if _, err := strconv.ParseInt(string(n), 10, t.Bits()); err != nil {
			return wrong()
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := v.(json.Number)
		if !ok {
			return wrong()
		}
		if _, err := strconv.ParseUint(string(n), 10, t.Bits()); err != nil {
			return wrong()
		}
	case reflect.Float32, reflect.Float64:
		if _, ok := v.(json.Number); !ok {
			return wrong()
		}
	case reflect.Slice, reflect.Array:
		items, ok := v.([]any)
		if !ok {
			return wrong()
		}
		for i, it := range items {
			if m, ok := findMismatch(it, t.Elem(), path+"["+strconv.Itoa(i)+"]"); ok {
				return m, true
			}
		}
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			return wrong()
		}
		for _, k := range sortedKeys(obj) {
			if m, ok := findMismatch(obj[k], t.Elem(), join(path, k)); ok {
				return m, true
			}
		}
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return wrong()
		}
		fields := jsonFields(t)
		for _, k := range sortedKeys(obj) {
			ft, ok := fields[k]
			if !ok {
				// encoding/json also matches names case-insensitively.
				for name, f := range fields {
					if strings.EqualFold(name, k) {
						ft, ok = f, true
						break
					}
				}
			}
			if !ok {
				return mismatch{path: join(path, k), unknown: true}, true
			}
			if m, ok := findMismatch(obj[k], ft, join(path, k)); ok {
				return m, true
			}
		}
	}
	return mismatch{}, false
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// jsonFields maps the JSON names of a struct's fields (including those of
// embedded structs) to their types, as encoding/json sees them.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				for k, v := range jsonFields(et) {
					if _, dup := out[k]; !dup {
						out[k] = v
					}
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}
