package store

import (
	"encoding/json"
	"maps"
	"testing"
)

func TestDecodeScores(t *testing.T) {
	tests := []struct {
		in   string
		want map[string]int
		bad  bool
	}{
		{`{}`, map[string]int{}, false},
		{` { } `, map[string]int{}, false},
		{`{"impact":4,"inclusion":2}`, map[string]int{"impact": 4, "inclusion": 2}, false},
		{`{"impact": 4, "inclusion": 2}`, map[string]int{"impact": 4, "inclusion": 2}, false},
		{"{\n\t\"a\" : -3 ,\"b\":0}", map[string]int{"a": -3, "b": 0}, false},
		{`{"a\u0062":1}`, map[string]int{"ab": 1}, false}, // escapes go the slow way
		{`{"a":1,"a":2}`, map[string]int{"a": 2}, false},
		{`{"a":12345678901}`, map[string]int{"a": 12345678901}, false},
		{`{"a":1.5}`, nil, true},
		{`{"a":"1"}`, nil, true},
		{`{"a":1,}`, nil, true},
		{`{"a":1} x`, nil, true},
		{`{"a":1`, nil, true},
		{`[]`, nil, true},
		{``, nil, true},
	}
	for _, tc := range tests {
		got, err := decodeScores([]byte(tc.in))
		if tc.bad {
			if err == nil {
				t.Errorf("decodeScores(%q) = %v, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || !maps.Equal(got, tc.want) {
			t.Errorf("decodeScores(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
		// The fast path agrees with encoding/json.
		var std map[string]int
		if err := json.Unmarshal([]byte(tc.in), &std); err != nil || !maps.Equal(std, got) {
			t.Errorf("encoding/json reads %q as %v, %v", tc.in, std, err)
		}
	}
}
