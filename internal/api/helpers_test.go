package api

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/i18n"
	"github.com/dxatlas/dxatlas/internal/store"
)

// TestMain runs the tests, then, when the whole suite ran, fails if an
// operation of the OpenAPI document was never exercised by any request.
func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if code == 0 && flag.Lookup("test.run").Value.String() == "" && flag.Lookup("test.skip").Value.String() == "" {
		if missed := theContract().unexercised(); len(missed) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: documented operations no test exercised: %s\n", strings.Join(missed, ", "))
			code = 1
		}
	}
	os.Exit(code)
}

// clock is the settable clock every deadline check of the app reads.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Test times: the call opens on 1 February and closes on 30 June 2026.
var (
	t0       = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	opensAt  = time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	closesAt = time.Date(2026, 6, 30, 21, 59, 0, 0, time.UTC)
)

// env is the API over a fresh database, with users of every role.
type env struct {
	t     *testing.T
	app   *app.App
	h     http.Handler
	clock *clock
	// Tokens of one account per role; applicant2 is a second applicant.
	admin, secretariat, reviewer, applicant, applicant2 string
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	cat, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{now: t0}
	a := app.New(db, cat, app.Options{Now: c.Now, Log: slog.New(slog.DiscardHandler), BaseURL: "http://dxatlas.test"})
	e := &env{t: t, app: a, h: New(a), clock: c}
	e.admin = e.user("admin@example.org", store.RoleAdmin)
	e.secretariat = e.user("sec@example.org", store.RoleSecretariat)
	e.reviewer = e.user("reviewer@example.org", store.RoleReviewer)
	e.applicant = e.user("applicant@example.org", store.RoleApplicant)
	e.applicant2 = e.user("other@example.org", store.RoleApplicant)
	return e
}

const testPassword = "correct horse battery"

// user creates a verified account and returns an API token for it.
func (e *env) user(email, role string) string {
	e.t.Helper()
	ctx := context.Background()
	u, err := e.app.AddUser(ctx, nil, email, "Test "+role, role, testPassword)
	if err != nil {
		e.t.Fatalf("add %s: %v", role, err)
	}
	tok, err := e.app.IssueToken(ctx, u, "test")
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// req describes one test request.
type req struct {
	method, path string
	token        string
	body         []byte
	contentType  string
	header       map[string]string
}

// with options.
type opt func(*req)

func token(tok string) opt { return func(r *req) { r.token = tok } }

// jsonBody sends v as JSON (a []byte or string is sent as it is).
func jsonBody(v any) opt {
	return func(r *req) {
		switch b := v.(type) {
		case []byte:
			r.body = b
		case string:
			r.body = []byte(b)
		default:
			var err error
			if r.body, err = json.Marshal(v); err != nil {
				panic(err)
			}
		}
		if r.contentType == "" {
			r.contentType = "application/json"
		}
	}
}

func contentType(ct string) opt { return func(r *req) { r.contentType = ct } }

func header(k, v string) opt {
	return func(r *req) {
		if r.header == nil {
			r.header = map[string]string{}
		}
		r.header[k] = v
	}
}

// fileBody sends a multipart upload with one part named field.
func fileBody(field, filename string, data []byte) opt {
	return func(r *req) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": field, "filename": filename}))
		h.Set("Content-Type", "application/octet-stream")
		w, err := mw.CreatePart(h)
		if err != nil {
			panic(err)
		}
		w.Write(data)
		mw.Close()
		r.body, r.contentType = b.Bytes(), mw.FormDataContentType()
	}
}

// resp is a recorded response.
type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// obj decodes a JSON object response.
func (r resp) obj(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	r.json(t, &m)
	return m
}

// do sends a request to the API and checks the response against the
// OpenAPI document.
func (e *env) do(t *testing.T, method, path string, opts ...opt) resp {
	t.Helper()
	rq := req{method: method, path: path}
	for _, o := range opts {
		o(&rq)
	}
	var body io.Reader = http.NoBody
	if rq.body != nil {
		body = bytes.NewReader(rq.body)
	}
	r := httptest.NewRequest(method, path, body)
	r.RemoteAddr = "192.0.2.10:40000"
	if rq.contentType != "" {
		r.Header.Set("Content-Type", rq.contentType)
	}
	if rq.token != "" {
		r.Header.Set("Authorization", "Bearer "+rq.token)
	}
	for k, v := range rq.header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	res := resp{status: w.Code, header: w.Header(), body: w.Body.Bytes()}
	theContract().check(t, method, r.URL, res)
	return res
}

// want fails the test unless r has the status.
func (r resp) want(t *testing.T, status int) resp {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body: %s", r.status, status, r.body)
	}
	return r
}

// problemOf decodes a problem response.
func (r resp) problem(t *testing.T) problemDoc {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json; body %s", ct, r.body)
	}
	var p problemDoc
	r.json(t, &p)
	return p
}

type problemDoc struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
		Code    string `json:"code"`
	} `json:"errors"`
}

// hasError reports whether the problem names field with the message key.
func (p problemDoc) hasError(field, code string) bool {
	for _, e := range p.Errors {
		if e.Field == field && e.Code == code {
			return true
		}
	}
	return false
}

func (p problemDoc) fields() []string {
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field+" "+e.Code)
	}
	return out
}

// contract checks responses against the OpenAPI document and records
// which operations the tests exercised.
type contract struct {
	doc       map[string]any
	paths     []pathTemplate
	compiler  *jsonschema.Compiler
	mu        sync.Mutex
	schemas   map[string]*jsonschema.Schema
	exercised map[string]bool
}

type pathTemplate struct {
	raw      string
	segments []string
	methods  map[string]map[string]any // lower-case method → operation
}

const docURL = "https://dxatlas.invalid/openapi.json"

var (
	contractOnce sync.Once
	theC         *contract
)

// theContract is the one checker of the test binary, so that TestMain can
// see what every test exercised.
func theContract() *contract {
	contractOnce.Do(func() {
		c, err := newContract(openAPIDoc)
		if err != nil {
			panic(err)
		}
		theC = c
	})
	return theC
}

func newContract(raw []byte) (*contract, error) {
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	res, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	comp := jsonschema.NewCompiler()
	comp.DefaultDraft(jsonschema.Draft2020)
	if err := comp.AddResource(docURL, res); err != nil {
		return nil, err
	}
	c := &contract{doc: doc, compiler: comp, schemas: map[string]*jsonschema.Schema{}, exercised: map[string]bool{}}
	paths, _ := doc["paths"].(map[string]any)
	for p, item := range paths {
		pt := pathTemplate{raw: p, segments: strings.Split(strings.Trim(p, "/"), "/"), methods: map[string]map[string]any{}}
		for m, o := range item.(map[string]any) {
			if op, ok := o.(map[string]any); ok && m != "parameters" {
				pt.methods[m] = op
			}
		}
		c.paths = append(c.paths, pt)
	}
	return c, nil
}

// operations lists every documented operation as "METHOD path".
func (c *contract) operations() []string {
	var out []string
	for _, p := range c.paths {
		for m := range p.methods {
			out = append(out, strings.ToUpper(m)+" "+p.raw)
		}
	}
	sort.Strings(out)
	return out
}

func (c *contract) unexercised() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, op := range c.operations() {
		if !c.exercised[op] {
			out = append(out, op)
		}
	}
	return out
}

// match finds the path template of a request path. Literal segments win
// over parameters, as in the server's router.
func (c *contract) match(u *url.URL) *pathTemplate {
	segs := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
	var best *pathTemplate
	bestLiterals := -1
	for i := range c.paths {
		p := &c.paths[i]
		if len(p.segments) != len(segs) {
			continue
		}
		literals, ok := 0, true
		for j, s := range p.segments {
			if strings.HasPrefix(s, "{") {
				if segs[j] == "" {
					ok = false
				}
				continue
			}
			if s != segs[j] {
				ok = false
				break
			}
			literals++
		}
		if ok && literals > bestLiterals {
			best, bestLiterals = p, literals
		}
	}
	return best
}

// pointer escapes a JSON Pointer token and makes it safe in a URL fragment.
func pointer(tokens ...string) string {
	var b strings.Builder
	for _, t := range tokens {
		t = strings.ReplaceAll(t, "~", "~0")
		t = strings.ReplaceAll(t, "/", "~1")
		b.WriteString("/" + url.PathEscape(t))
	}
	return b.String()
}

func (c *contract) schema(ptr string) (*jsonschema.Schema, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.schemas[ptr]; ok {
		return s, nil
	}
	s, err := c.compiler.Compile(docURL + "#" + ptr)
	if err != nil {
		return nil, err
	}
	c.schemas[ptr] = s
	return s, nil
}

// resolve follows a "$ref" to components/responses.
func (c *contract) resolve(obj map[string]any, ptr string) (map[string]any, string) {
	ref, ok := obj["$ref"].(string)
	if !ok {
		return obj, ptr
	}
	name := strings.TrimPrefix(ref, "#/components/responses/")
	return c.doc["components"].(map[string]any)["responses"].(map[string]any)[name].(map[string]any), pointer("components", "responses", name)
}

// check asserts that a response is documented for its request, and that
// its body is valid against the documented schema.
func (c *contract) check(t *testing.T, method string, u *url.URL, r resp) {
	t.Helper()
	if p := c.match(u); p != nil {
		m := strings.ToLower(method)
		if m == "head" {
			m = "get"
		}
		if _, ok := p.methods[m]; ok {
			c.mu.Lock()
			c.exercised[strings.ToUpper(m)+" "+p.raw] = true
			c.mu.Unlock()
		}
	}
	for _, p := range c.problems(method, u, r) {
		t.Errorf("contract: %s", p)
	}
}

// problems lists how a response departs from the document.
func (c *contract) problems(method string, u *url.URL, r resp) []string {
	p := c.match(u)
	if p == nil {
		var out []string
		if r.status != http.StatusNotFound {
			out = append(out, fmt.Sprintf("%s %s is not documented, yet answered %d", method, u.Path, r.status))
		}
		return append(out, c.responseProblems(method+" "+u.Path, c.component("NotFound"), r)...)
	}
	m := strings.ToLower(method)
	if m == "head" {
		m = "get"
	}
	op, ok := p.methods[m]
	if !ok {
		var out []string
		if r.status != http.StatusMethodNotAllowed {
			out = append(out, fmt.Sprintf("%s %s is not documented, yet answered %d", method, p.raw, r.status))
		}
		return append(out, c.responseProblems(method+" "+p.raw, c.component("MethodNotAllowed"), r)...)
	}
	key := strings.ToUpper(m) + " " + p.raw
	responses := op["responses"].(map[string]any)
	ro, ok := responses[strconv.Itoa(r.status)].(map[string]any)
	if !ok {
		return []string{fmt.Sprintf("%s answered %d, which is not documented; body: %s", key, r.status, r.body)}
	}
	obj, ptr := c.resolve(ro, pointer("paths", p.raw, m, "responses", strconv.Itoa(r.status)))
	if method == http.MethodHead {
		return nil
	}
	return c.responseProblems(key, documented{obj, ptr}, r)
}

type documented struct {
	obj map[string]any
	ptr string
}

func (c *contract) component(name string) documented {
	obj := c.doc["components"].(map[string]any)["responses"].(map[string]any)[name].(map[string]any)
	return documented{obj, pointer("components", "responses", name)}
}

func (c *contract) responseProblems(what string, d documented, r resp) []string {
	var out []string
	if hs, ok := d.obj["headers"].(map[string]any); ok {
		for name, h := range hs {
			if req, _ := h.(map[string]any)["required"].(bool); req && r.header.Get(name) == "" {
				out = append(out, fmt.Sprintf("%s %d lacks the documented header %s", what, r.status, name))
			}
		}
	}
	content, ok := d.obj["content"].(map[string]any)
	if !ok {
		if len(r.body) != 0 {
			out = append(out, fmt.Sprintf("%s %d is documented without a body, yet has one: %s", what, r.status, r.body))
		}
		return out
	}
	mt, _, err := mime.ParseMediaType(r.header.Get("Content-Type"))
	if err != nil {
		return append(out, fmt.Sprintf("%s %d: Content-Type %q: %v", what, r.status, r.header.Get("Content-Type"), err))
	}
	if _, ok := content[mt]; !ok {
		return append(out, fmt.Sprintf("%s %d answered %s, documented: %v", what, r.status, mt, slices.Sorted(maps.Keys(content))))
	}
	var docs [][]byte
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		docs = [][]byte{r.body}
	case mt == "application/jsonl":
		for line := range bytes.Lines(r.body) {
			if len(bytes.TrimSpace(line)) > 0 {
				docs = append(docs, line)
			}
		}
	default:
		return out // a file: its media type is what is documented
	}
	sch, err := c.schema(d.ptr + pointer("content", mt, "schema"))
	if err != nil {
		return append(out, fmt.Sprintf("compile schema of %s %d: %v", what, r.status, err))
	}
	for _, b := range docs {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			out = append(out, fmt.Sprintf("%s %d: body is not JSON: %v: %s", what, r.status, err, b))
			continue
		}
		if err := sch.Validate(v); err != nil {
			out = append(out, fmt.Sprintf("%s %d: body does not match the documented schema: %v\nbody: %s", what, r.status, err, b))
		}
	}
	return out
}

// exampleCase is a complete, valid case record.
func exampleCase(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile("testdata/case.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// callBody is a call the secretariat can create.
func callBody(slug string, opens, closes time.Time) map[string]any {
	return map[string]any{
		"slug":        slug,
		"title":       map[string]string{"en": "SME digital transformation 2026", "ar": "التحول الرقمي للمنشآت الصغيرة والمتوسطة 2026"},
		"description": map[string]string{"en": "Cases of ICT-enabled digital transformation of SMEs."},
		"opens_at":    opens.Format(time.RFC3339),
		"closes_at":   closes.Format(time.RFC3339),
		"timezone":    "Europe/Zurich",
		"eligibility": []map[string]any{{"code": "sme_focus", "text": map[string]string{"en": "The transformation concerns SMEs."}}},
	}
}

// createCall creates a call as the secretariat and returns its slug.
func (e *env) createCall(t *testing.T, slug string, opens, closes time.Time) string {
	t.Helper()
	e.do(t, "POST", "/api/v1/calls", token(e.secretariat), jsonBody(callBody(slug, opens, closes))).want(t, http.StatusCreated)
	return slug
}

// createCase starts a case as tok with body and returns its id.
func (e *env) createCase(t *testing.T, tok, slug string, body any) string {
	t.Helper()
	var out struct{ ID string }
	e.do(t, "POST", "/api/v1/calls/"+slug+"/cases", token(tok), jsonBody(body)).want(t, http.StatusCreated).json(t, &out)
	if out.ID == "" {
		t.Fatal("no case id")
	}
	return out.ID
}

// validCase creates and submits a valid case as tok.
func (e *env) validCase(t *testing.T, tok, slug string) string {
	t.Helper()
	id := e.createCase(t, tok, slug, exampleCase(t))
	e.do(t, "POST", "/api/v1/cases/"+id+"/submit", token(tok)).want(t, http.StatusOK)
	return id
}

// Minimal files of each kind, as their first bytes identify them.
var (
	pdfFile = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	pngFile = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 32)...)
)

// documentedEnum returns the enum of a component schema.
func documentedEnum(t *testing.T, name string) []any {
	t.Helper()
	s, ok := theContract().doc["components"].(map[string]any)["schemas"].(map[string]any)[name].(map[string]any)
	if !ok {
		t.Fatalf("no schema %s", name)
	}
	e, ok := s["enum"].([]any)
	if !ok {
		t.Fatalf("schema %s has no enum", name)
	}
	return e
}

// TestPanicAnswersProblem: a handler's fault is answered with a problem
// document in the reader's language, not the server's plain text, and
// logged with its stack; a deliberate abort is left to the server.
func TestPanicAnswersProblem(t *testing.T) {
	cat, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	a := app.New(nil, cat, app.Options{Log: slog.New(slog.NewTextHandler(&logged, nil))})
	s := &server{app: a, log: a.Log}
	h := s.adapt(func(w http.ResponseWriter, r *http.Request, rc *reqCtx) error { panic("boom") })
	req := httptest.NewRequest(http.MethodGet, "/api/v1/anything", nil)
	req.Header.Set("Accept-Language", "fr")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var p problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Code != http.StatusInternalServerError ||
		rec.Header().Get("Content-Type") != "application/problem+json" || p.Code != "error.internal" || p.Title != cat.Localizer("fr").T("api.status.500") {
		t.Errorf("a panic answered %d %s: %s (%v)", rec.Code, rec.Header().Get("Content-Type"), rec.Body, err)
	}
	if !strings.Contains(logged.String(), "panic: boom") || !strings.Contains(logged.String(), "goroutine") {
		t.Errorf("the log lacks the panic and its stack:\n%s", logged.String())
	}
	abort := s.adapt(func(w http.ResponseWriter, r *http.Request, rc *reqCtx) error { panic(http.ErrAbortHandler) })
	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Errorf("an abort was not passed on: %v", v)
		}
	}()
	abort.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/api/v1/anything", nil))
}
