package domain

import (
	"encoding/json"
	"testing"
)

// TestDecimalRoundTrip: whatever a person types in a number field survives
// a JSON round trip unchanged, and the JSON stays valid.
func TestDecimalRoundTrip(t *testing.T) {
	for _, in := range []string{"5", "-3.25", "0.5", "+5", ".5", "5.", "007", "abc", "1e5", "12 000", "١٢", ""} {
		t.Run(in, func(t *testing.T) {
			b, err := json.Marshal(KPI{Name: "x", Value: Decimal(in)})
			if err != nil {
				t.Fatal(err)
			}
			if !json.Valid(b) {
				t.Fatalf("invalid JSON %s", b)
			}
			var k KPI
			if err := json.Unmarshal(b, &k); err != nil {
				t.Fatal(err)
			}
			if string(k.Value) != in {
				t.Fatalf("round trip %q → %s → %q", in, b, k.Value)
			}
		})
	}
}
