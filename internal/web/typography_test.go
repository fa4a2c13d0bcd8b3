package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/i18n"
)

// TestTypography: labels, lists and codes are punctuated as each language
// writes them.
func TestTypography(t *testing.T) {
	tests := []struct {
		lang, label, list string
	}{
		{"en", "Call: ", ", "},
		{"fr", "Call\u00a0: ", ", "},
		{"es", "Call: ", ", "},
		{"ru", "Call: ", ", "},
		{"zh", "Call：", "、"},
		{"ar", "Call: ", "، "},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			if got := labelled(tt.lang, "Call"); got != tt.label {
				t.Errorf("labelled = %q, want %q", got, tt.label)
			}
			if got := listSep(tt.lang); got != tt.list {
				t.Errorf("listSep = %q, want %q", got, tt.list)
			}
		})
	}
	if got := isolate("DX-2026-0001"); got != "\u2068DX-2026-0001\u2069" {
		t.Errorf("isolate = %q", got)
	}
	if got := isolate(""); got != "" {
		t.Errorf("isolate of nothing = %q", got)
	}
}

// typographyRequests gives a request in each of the six languages.
func typographyRequests(t *testing.T) map[string]*request {
	t.Helper()
	cat, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*request{}
	for _, l := range i18n.Langs {
		out[l] = &request{lang: l, L: cat.Localizer(l)}
	}
	return out
}

// TestErrorSummaryPunctuation: an error summary names the field with the
// language's label punctuation.
func TestErrorSummaryPunctuation(t *testing.T) {
	rqs := typographyRequests(t)
	tests := []struct{ lang, prefix string }{
		{"en", "Name: "},
		{"fr", "Name\u00a0: "},
		{"zh", "Name："},
		{"ar", "Name: "},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			rq := rqs[tt.lang]
			fe := newFormErrors(rq, "top")
			fe.add(&formField{ID: "f-name", Name: "name", Label: "Name"})
			fe.place(domain.Errors{{Field: "name", Key: domain.ErrRequired}, {Field: "other", Key: domain.ErrRequired}})
			msg := rq.T(domain.ErrRequired)
			want := []summaryItem{{Href: "#f-name", Text: tt.prefix + msg}, {Href: "#top", Text: msg}}
			if !slices.Equal(fe.Summary, want) {
				t.Errorf("summary = %q, want %q", fe.Summary, want)
			}
		})
	}
}

// TestProfileOtherLanguages: the codes of other languages are written
// back with the reader's list separator, and what is read back gives the
// same codes, whichever separator was typed.
func TestProfileOtherLanguages(t *testing.T) {
	rqs := typographyRequests(t)
	tests := []struct{ lang, value string }{
		{"en", "sw, pt-BR"},
		{"fr", "sw, pt-BR"},
		{"zh", "sw、pt-BR"},
		{"ar", "sw، pt-BR"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			rq := rqs[tt.lang]
			pf := newProfileFields(rq, url.Values{"languages": {"en", "sw", "pt-BR"}}, newFormErrors(rq, "p"))
			if pf.Other.Value != tt.value {
				t.Fatalf("other languages = %q, want %q", pf.Other.Value, tt.value)
			}
			p, problems := formToProfile(url.Values{"languages": {"en"}, "languages_other": {pf.Other.Value}})
			if len(problems) > 0 || !slices.Equal(p.Languages, []string{"en", "sw", "pt-BR"}) {
				t.Errorf("read back %q (%v), want [en sw pt-BR]", p.Languages, problems)
			}
		})
	}
	for _, typed := range []string{"sw,pt hi", "sw ;pt\thi\n", "sw، pt؛ hi", "sw、pt，hi", "sw；pt\u3000hi", ",, sw,pt , hi ,"} {
		if got := splitCodes(typed); !slices.Equal(got, []string{"sw", "pt", "hi"}) {
			t.Errorf("splitCodes(%q) = %q", typed, got)
		}
	}
}

// TestReviewerAttachment: the reviewer sees an attachment's format by
// name and its size in their language, as the applicant does.
func TestReviewerAttachment(t *testing.T) {
	eachLangDB(t, func(t *testing.T, e *env, lang string) {
		w := newReviewWorld(t, e, false, nil)
		rq := &request{lang: lang, L: e.app.Cat.Localizer(lang)}
		r := e.client(t)
		r.signIn(lang, e.reviewer.Email)
		r.get("/"+lang+"/review/assignments/"+strconv.FormatInt(w.assignment, 10)).expect(t, http.StatusOK).
			contains(t, "zephyrine-annual-report.pdf", "(PDF"+esc(listSep(lang)+fileSize(rq, int64(len(pdfBytes))))+")").
			lacks(t, "application/pdf")
	})
}
