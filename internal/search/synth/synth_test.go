package synth

import (
	"reflect"
	"strings"
	"testing"

	"github.com/dxatlas/dxatlas/internal/domain"
)

func TestRecordsAreValid(t *testing.T) {
	langs := map[string]int{}
	translated := 0
	for _, seed := range []int64{1, 2, 42} {
		for r := range Records(400, seed) {
			c := r.Case
			if errs := domain.Validate(&c, r.PublishedAt); errs != nil {
				t.Fatalf("seed %d %s (%s) is not valid: %v\n%+v", seed, r.ID, c.Language, errs, c)
			}
			if _, _, err := domain.ParseCaseID(r.ID); err != nil {
				t.Errorf("%s: %v", r.ID, err)
			}
			if want := "sme-dx-" + r.ID[3:7]; r.Call != want {
				t.Errorf("%s: call %s, want %s", r.ID, r.Call, want)
			}
			if strings.Contains(c.Title+c.Summary+c.Solution, "{") {
				t.Errorf("%s: unexpanded slot in %q", r.ID, c.Title)
			}
			langs[c.Language]++
			if len(c.Translations) > 0 {
				translated++
			}
		}
	}
	for _, l := range domain.UNLanguages {
		if langs[l] < 100 {
			t.Errorf("%d cases in %s, want at least 100 of 1200", langs[l], l)
		}
	}
	if translated < 100 {
		t.Errorf("%d translated cases, want at least 100 of 1200", translated)
	}
}

func TestMakeIsDeterministic(t *testing.T) {
	for i := range 50 {
		a, b := Make(7, i), Make(7, i)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("Make(7, %d) differs between calls", i)
		}
	}
	if reflect.DeepEqual(Make(7, 0), Make(8, 0)) {
		t.Error("different seeds gave the same case")
	}
	if got := Generate(3, 7); len(got) != 3 || !reflect.DeepEqual(got[2], Make(7, 2).Case) {
		t.Error("Generate differs from Make")
	}
}

func TestTechnologiesMatchTheText(t *testing.T) {
	// The text names the case's first technology, so that a concept search
	// finds it by its words as well as by its tag.
	for r := range Records(200, 3) {
		c := r.Case
		name := techTexts[c.Technologies[0]][c.Language]
		all := strings.Join([]string{c.Title, c.Summary, c.Problem, c.Solution, c.Impact}, " ")
		if !strings.Contains(strings.ToLower(all), strings.ToLower(name)) {
			t.Errorf("%s (%s): text does not mention %q", r.ID, c.Language, name)
		}
	}
}

func TestCountWordsNeverExceedsWordCount(t *testing.T) {
	for r := range Records(300, 5) {
		c := r.Case
		for _, s := range []string{c.Summary, c.Problem, c.Solution, c.Impact, c.SDGLinkage} {
			if got, want := countWords(s), domain.WordCount(s); got > want {
				t.Fatalf("%s (%s): countWords %d > WordCount %d in %q", r.ID, c.Language, got, want, s)
			}
		}
	}
}
