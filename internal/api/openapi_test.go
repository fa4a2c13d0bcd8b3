package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/i18n"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

func TestOpenAPIServed(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite(t))
	r := e.do(t, "GET", "/api/openapi.json").want(t, http.StatusOK)
	if r.header.Get("Content-Type") != "application/json" || !bytes.Equal(r.body, openAPIDoc) {
		t.Errorf("served %q, %d bytes", r.header.Get("Content-Type"), len(r.body))
	}
	var doc map[string]any
	r.json(t, &doc)
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi %v", doc["openapi"])
	}
	// A bad token is refused even here.
	e.do(t, "GET", "/api/openapi.json", token("nope")).want(t, http.StatusUnauthorized)
}

// TestOpenAPIEnums checks that every code list of the document is the
// domain's, in the domain's order.
func TestOpenAPIEnums(t *testing.T) {
	var countries []string
	for _, c := range domain.Countries() {
		countries = append(countries, c.Code)
	}
	var formatEnum []any
	for _, p := range theContract().doc["components"].(map[string]any)["parameters"].(map[string]any)["format"].(map[string]any)["schema"].(map[string]any)["enum"].([]any) {
		formatEnum = append(formatEnum, p)
	}
	for _, tc := range []struct {
		name string
		doc  []any
		want any
	}{
		{"ActionLine", documentedEnum(t, "ActionLine"), domain.ActionLines},
		{"Goal", documentedEnum(t, "Goal"), domain.Goals},
		{"SDGTarget", documentedEnum(t, "SDGTarget"), domain.Targets},
		{"Sector", documentedEnum(t, "Sector"), domain.Sectors},
		{"Technology", documentedEnum(t, "Technology"), domain.Technologies},
		{"SizeClass", documentedEnum(t, "SizeClass"), domain.SizeClasses},
		{"OrgType", documentedEnum(t, "OrgType"), domain.OrgTypes},
		{"Scope", documentedEnum(t, "Scope"), domain.Scopes},
		{"Status", documentedEnum(t, "Status"), domain.Statuses},
		{"CostRange", documentedEnum(t, "CostRange"), domain.CostRanges},
		{"Funding", documentedEnum(t, "Funding"), domain.FundingSources},
		{"Licence", documentedEnum(t, "Licence"), domain.Licences},
		{"TranslationSource", documentedEnum(t, "TranslationSource"), domain.TranslationSources},
		{"Region", documentedEnum(t, "Region"), domain.Regions},
		{"CountryCode", documentedEnum(t, "CountryCode"), countries},
		{"CaseState", documentedEnum(t, "CaseState"), domain.CaseStates},
		{"CallPhase", documentedEnum(t, "CallPhase"), domain.CallPhases},
		{"Role", documentedEnum(t, "Role"), domain.Roles},
		{"UILanguage", documentedEnum(t, "UILanguage"), i18n.Langs},
		{"export format", formatEnum, app.ExportFormats},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Compare as JSON, where 8 and 8.0 are the same number.
			var want []any
			if err := json.Unmarshal([]byte(jsonText(tc.want)), &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(tc.doc, want) {
				t.Errorf("document %v\ndomain   %v", tc.doc, want)
			}
		})
	}
}

// TestOpenAPILimits checks the documented length caps of the case record
// against the domain's limits.
func TestOpenAPILimits(t *testing.T) {
	props := schemaAt(t, "Case")["properties"].(map[string]any)
	sub := func(obj map[string]any, path ...string) map[string]any {
		for _, p := range path {
			obj = obj[p].(map[string]any)
		}
		return obj
	}
	for _, lim := range domain.Limits {
		t.Run(lim.Field, func(t *testing.T) {
			var s map[string]any
			switch parts := strings.Split(lim.Field, "."); {
			case strings.HasSuffix(parts[0], "[]") && len(parts) == 2: // kpis[].name
				s = sub(props, strings.TrimSuffix(parts[0], "[]"), "items", "properties", parts[1])
			case strings.HasSuffix(parts[0], "[]"): // links[]
				s = schemaAt(t, "HTTPSURL")
			case lim.Field == "organisation.website":
				s = schemaAt(t, "HTTPSURL")
			case len(parts) == 2:
				s = sub(props, parts[0], "properties", parts[1])
			default:
				s = sub(props, parts[0])
			}
			if got := s["maxLength"]; got != float64(lim.MaxChars) {
				t.Errorf("maxLength %v, domain %d", got, lim.MaxChars)
			}
			if !lim.Words && lim.Min > 0 && s["minLength"] != float64(lim.Min) {
				t.Errorf("minLength %v, domain %d", s["minLength"], lim.Min)
			}
		})
	}
}

func schemaAt(t *testing.T, name string) map[string]any {
	t.Helper()
	s, ok := theContract().doc["components"].(map[string]any)["schemas"].(map[string]any)[name].(map[string]any)
	if !ok {
		t.Fatalf("no schema %s", name)
	}
	return s
}

// TestOpenAPIRoutes checks that the router serves exactly the documented
// operations.
func TestOpenAPIRoutes(t *testing.T) {
	rt := (&server{}).routes()
	var served []string
	for _, p := range rt.paths {
		for _, m := range rt.methods[p] {
			served = append(served, m+" "+p)
		}
	}
	slices.Sort(served)
	if documented := theContract().operations(); !slices.Equal(served, documented) {
		t.Errorf("served     %v\ndocumented %v", served, documented)
	}
}

// TestOpenAPIWellFormed checks what the tests rely on: every schema
// compiles, operation ids are unique, and every error is a problem.
func TestOpenAPIWellFormed(t *testing.T) {
	c := theContract()
	for name := range c.doc["components"].(map[string]any)["schemas"].(map[string]any) {
		if _, err := c.schema(pointer("components", "schemas", name)); err != nil {
			t.Errorf("schema %s: %v", name, err)
		}
	}
	ids := map[string]bool{}
	for _, p := range c.paths {
		for m, op := range p.methods {
			id, _ := op["operationId"].(string)
			if id == "" || ids[id] {
				t.Errorf("%s %s: operationId %q missing or repeated", m, p.raw, id)
			}
			ids[id] = true
			for status, r := range op["responses"].(map[string]any) {
				obj, _ := c.resolve(r.(map[string]any), "")
				if status >= "400" {
					if _, ok := obj["content"].(map[string]any)["application/problem+json"]; !ok {
						t.Errorf("%s %s %s: not a problem document", m, p.raw, status)
					}
				}
			}
		}
	}
}

// TestContractChecker shows that the checker every test request goes
// through does catch responses that break the document.
func TestContractChecker(t *testing.T) {
	c := theContract()
	jsonHdr := http.Header{"Content-Type": {"application/json"}}
	problemHdr := http.Header{"Content-Type": {"application/problem+json"}}
	record := func(edit func(m map[string]any)) []byte {
		m := map[string]any{
			"id": "DX-2026-0001", "call": "sme-2026", "state": "draft", "version": 0,
			"created_at": "2026-03-01T09:00:00Z", "updated_at": "2026-03-01T09:00:00Z", "deadline": "2026-06-30T21:59:00Z",
			"editable": true, "missing": []string{"title"}, "organisation": map[string]any{}, "period": map[string]any{},
			"sme": map[string]any{}, "wsis": map[string]any{}, "sdgs": map[string]any{}, "consent_publish": false,
			"technologies": []string{"not a code"}, "kpis": []any{map[string]any{"value": "abc"}},
		}
		if edit != nil {
			edit(m)
		}
		b, _ := json.Marshal(m)
		return b
	}
	version := func(edit func(m map[string]any)) []byte {
		m := exampleCase(t)
		m["id"], m["version"], m["submitted_at"] = "DX-2026-0001", 1, "2026-03-01T09:00:00Z"
		if edit != nil {
			edit(m)
		}
		b, _ := json.Marshal(m)
		return b
	}
	for _, tc := range []struct {
		name         string
		method, path string
		r            resp
		ok           bool
	}{
		{"a draft record", "GET", "/api/v1/cases/DX-2026-0001", resp{200, jsonHdr, record(nil)}, true},
		{"a record without its id", "GET", "/api/v1/cases/DX-2026-0001", resp{200, jsonHdr, record(func(m map[string]any) { delete(m, "id") })}, false},
		{"a record with an unknown field", "GET", "/api/v1/cases/DX-2026-0001", resp{200, jsonHdr, record(func(m map[string]any) { m["colour"] = "red" })}, false},
		{"a record with a wrong type", "GET", "/api/v1/cases/DX-2026-0001", resp{200, jsonHdr, record(func(m map[string]any) { m["countries"] = "KE" })}, false},
		{"an unknown state", "GET", "/api/v1/cases/DX-2026-0001", resp{200, jsonHdr, record(func(m map[string]any) { m["state"] = "lost" })}, false},
		{"a valid version", "GET", "/api/v1/cases/DX-2026-0001/versions/1", resp{200, jsonHdr, version(nil)}, true},
		{"a version with an unknown code", "GET", "/api/v1/cases/DX-2026-0001/versions/1", resp{200, jsonHdr, version(func(m map[string]any) { m["technologies"] = []string{"teleportation"} })}, false},
		{"a version without consent", "GET", "/api/v1/cases/DX-2026-0001/versions/1", resp{200, jsonHdr, version(func(m map[string]any) { m["consent_publish"] = false })}, false},
		{"an undocumented status", "GET", "/api/v1/cases/DX-2026-0001", resp{409, problemHdr, []byte(`{"type":"about:blank","title":"x","status":409,"detail":"x"}`)}, false},
		{"an error that is not a problem", "GET", "/api/v1/cases/DX-2026-0001", resp{404, jsonHdr, []byte(`{}`)}, false},
		{"a problem without detail", "GET", "/api/v1/cases/DX-2026-0001", resp{404, problemHdr, []byte(`{"type":"about:blank","title":"x","status":404}`)}, false},
		{"401 without WWW-Authenticate", "GET", "/api/v1/me", resp{401, problemHdr, []byte(`{"type":"about:blank","title":"x","status":401,"detail":"x"}`)}, false},
		{"a 201 without Location", "POST", "/api/v1/calls/x/cases", resp{201, jsonHdr, []byte(`{"id":"DX-2026-0001","state":"draft"}`)}, false},
		{"204 with a body", "DELETE", "/api/v1/cases/DX-2026-0001/attachments/a.pdf", resp{204, http.Header{}, []byte(`x`)}, false},
		{"an undocumented path", "GET", "/api/v1/nowhere", resp{200, jsonHdr, []byte(`{}`)}, false},
		{"an undocumented method", "PUT", "/api/v1/calls", resp{200, jsonHdr, []byte(`{}`)}, false},
		{"a 405 without Allow", "PUT", "/api/v1/calls", resp{405, problemHdr, []byte(`{"type":"about:blank","title":"x","status":405,"detail":"x"}`)}, false},
		{"a bad JSON Lines record", "GET", "/api/v1/calls/x/export", resp{200, http.Header{"Content-Type": {"application/jsonl"}, "Content-Disposition": {"attachment"}}, []byte("{\"id\":\"x\",\"call\":\"x\",\"state\":\"draft\",\"version\":0}\n{\"id\":1}\n")}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, _ := url.Parse(tc.path)
			probs := c.problems(tc.method, u, tc.r)
			if tc.ok && len(probs) > 0 {
				t.Errorf("refused a valid response: %v", probs)
			}
			if !tc.ok && len(probs) == 0 {
				t.Error("accepted a response that breaks the document")
			}
		})
	}
}
