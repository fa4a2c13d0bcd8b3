package api

import (
	"reflect"
	"testing"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
)

// TestReviewOpenAPIEnums checks the review workflow's code lists in the
// document against the domain's and the app's, in their order.
func TestReviewOpenAPIEnums(t *testing.T) {
	doc := theContract().doc
	prop := func(schema, name string) []any {
		return schemaAt(t, schema)["properties"].(map[string]any)[name].(map[string]any)["enum"].([]any)
	}
	param := func(path, name string) []any {
		for _, p := range doc["paths"].(map[string]any)[path].(map[string]any)["get"].(map[string]any)["parameters"].([]any) {
			if p := p.(map[string]any); p["name"] == name {
				return p["schema"].(map[string]any)["enum"].([]any)
			}
		}
		t.Fatalf("%s has no parameter %s", path, name)
		return nil
	}
	for _, tc := range []struct {
		name string
		doc  []any
		want []string
	}{
		{"Recommendation", documentedEnum(t, "Recommendation"), domain.Recommendations},
		{"ScreeningOutcome", documentedEnum(t, "ScreeningOutcome"), domain.ScreeningOutcomes},
		{"review_visibility", prop("ReviewSettings", "review_visibility"), domain.Visibilities},
		{"ranking sort", param("/api/v1/calls/{slug}/ranking", "sort"), app.RankingKeys},
		{"decision", prop("DecisionRequest", "decision"), []string{domain.DecisionAccepted, domain.DecisionRejected}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := make([]any, len(tc.want))
			for i, s := range tc.want {
				want[i] = s
			}
			if !reflect.DeepEqual(tc.doc, want) {
				t.Errorf("document %v\ncode     %v", tc.doc, want)
			}
		})
	}
}
