package domain

import (
	"fmt"
	"strings"
	"text/template"
)

// Message-catalogue keys of validation errors. Each error says what to do;
// its English text is in ErrorEnglish, its arguments in FieldError.Args.
const (
	ErrRequired           = "err.required"
	ErrTooShortChars      = "err.too_short_chars"       // Min, Max, Count
	ErrTooLongChars       = "err.too_long_chars"        // Max, Count
	ErrTooFewWords        = "err.too_few_words"         // Min, Max, Count
	ErrTooManyWords       = "err.too_many_words"        // Min, Max, Count
	ErrUnknownCode        = "err.unknown_code"          // Value
	ErrTargetNotUnderGoal = "err.target_not_under_goal" // Value, Goal
	ErrPeriodOrder        = "err.period_order"          // Start
	ErrPeriodFuture       = "err.period_future"         // Value, Now
	ErrStartFuture        = "err.start_future"          // Value, Now
	ErrNotHTTPSURL        = "err.not_https_url"
	ErrTooMany            = "err.too_many"  // Max, Count
	ErrDuplicate          = "err.duplicate" // Value
	ErrMustConsent        = "err.must_consent"
	ErrNotDecimal         = "err.not_decimal"
	ErrNotInteger         = "err.not_integer"
	ErrTooSmall           = "err.too_small" // Min
	ErrTooLarge           = "err.too_large" // Max
	ErrBadMonth           = "err.bad_month"
	ErrInvalidUTF8        = "err.invalid_utf8"
	ErrControlChars       = "err.control_chars"
	ErrLineBreak          = "err.line_break"
	ErrBadLanguage        = "err.bad_language"          // Value
	ErrSameAsPrimary      = "err.same_as_primary"       // Value
	ErrSameAsCaseLanguage = "err.same_as_case_language" // Value
	ErrTranslationEmpty   = "err.translation_empty"
)

// ErrorKeys lists every key Validate can emit, so that the message
// catalogues can be checked for completeness. Read-only.
var ErrorKeys = []string{
	ErrRequired, ErrTooShortChars, ErrTooLongChars, ErrTooFewWords, ErrTooManyWords,
	ErrUnknownCode, ErrTargetNotUnderGoal, ErrPeriodOrder, ErrPeriodFuture, ErrStartFuture,
	ErrNotHTTPSURL, ErrTooMany, ErrDuplicate, ErrMustConsent, ErrNotDecimal, ErrNotInteger,
	ErrTooSmall, ErrTooLarge, ErrBadMonth, ErrInvalidUTF8, ErrControlChars, ErrLineBreak,
	ErrBadLanguage, ErrSameAsPrimary, ErrSameAsCaseLanguage, ErrTranslationEmpty,
}

// ErrorEnglish gives each error key its English message, a go-i18n
// (text/template) template over the error's Args. Read-only.
var ErrorEnglish = map[string]string{
	ErrRequired:           "Fill this in; it is required.",
	ErrTooShortChars:      "Write at least {{.Min}} characters (at most {{.Max}}); you have written {{.Count}}.",
	ErrTooLongChars:       "Shorten this to at most {{.Max}} characters; it has {{.Count}}.",
	ErrTooFewWords:        "Write at least {{.Min}} words (at most {{.Max}}); you have written {{.Count}}.",
	ErrTooManyWords:       "Shorten this to at most {{.Max}} words; it has {{.Count}}.",
	ErrUnknownCode:        "“{{.Value}}” is not one of the allowed values; choose one from the list.",
	ErrTargetNotUnderGoal: "Target {{.Value}} belongs to goal {{.Goal}}, which is not among the goals you chose: add goal {{.Goal}} or remove this target.",
	ErrPeriodOrder:        "The end month must not be before the start month ({{.Start}}); correct one of them.",
	ErrPeriodFuture:       "The end month {{.Value}} is in the future: enter a month up to {{.Now}}, or set the status to ongoing.",
	ErrStartFuture:        "The start month {{.Value}} is in the future: enter a month up to {{.Now}}.",
	ErrNotHTTPSURL:        "Enter a full web address starting with https://, for example https://example.org/page.",
	ErrTooMany:            "Keep at most {{.Max}}; there are {{.Count}}. Remove the ones that matter least.",
	ErrDuplicate:          "“{{.Value}}” is listed more than once; remove the repeat.",
	ErrMustConsent:        "Tick the box to agree that the case may be published if it is accepted; a case cannot be submitted without this consent.",
	ErrNotDecimal:         "Enter a number with digits and an optional decimal point, such as 1250 or 3.5, without spaces, units or thousands separators.",
	ErrNotInteger:         "Enter a whole number using digits only, such as 42.",
	ErrTooSmall:           "Enter a number of at least {{.Min}}.",
	ErrTooLarge:           "Enter a number of at most {{.Max}}.",
	ErrBadMonth:           "Enter a month as YYYY-MM, for example 2024-08.",
	ErrInvalidUTF8:        "This text contains bytes that are not valid characters; paste it again as plain text.",
	ErrControlChars:       "Remove the invisible control characters from this text (line breaks and tabs are fine); pasting it as plain text usually helps.",
	ErrLineBreak:          "Keep this on one line: remove the line breaks.",
	ErrBadLanguage:        "“{{.Value}}” is not a valid language code; use a code such as en, fr, zh or pt-BR.",
	ErrSameAsPrimary:      "{{.Value}} is already your primary action line; choose a different one or remove it.",
	ErrSameAsCaseLanguage: "The case itself is written in {{.Value}}; a translation must be in another language.",
	ErrTranslationEmpty:   "Add at least one translated text (title, summary, problem, solution, impact or lessons), or remove this translation.",
}

// FieldError is one reason a case cannot be submitted. Field is the JSON
// path of the value (title, organisation.name, kpis[2].value,
// sdgs.targets[1], translations.fr.source); Key is a message-catalogue key
// and Args the values its message uses.
type FieldError struct {
	Field string
	Key   string
	Args  map[string]any
}

// English renders the error's English message (for logs, the command line
// and tests; pages use the message catalogues).
func (fe FieldError) English() string {
	src, ok := ErrorEnglish[fe.Key]
	if !ok {
		return fe.Key
	}
	t, err := template.New(fe.Key).Parse(src)
	if err != nil {
		return fe.Key
	}
	var b strings.Builder
	if err := t.Execute(&b, fe.Args); err != nil {
		return fe.Key
	}
	return b.String()
}

// Errors is the list of reasons a case cannot be submitted, in the order
// of the case's fields. Validate returns nil when there are none; use Err
// to get a nil error in that case.
type Errors []FieldError

// Error implements error, one "field: message" per error.
func (e Errors) Error() string {
	parts := make([]string, len(e))
	for i, fe := range e {
		parts[i] = fmt.Sprintf("%s: %s", fe.Field, fe.English())
	}
	return strings.Join(parts, "; ")
}

// Err returns e as an error, or nil when e is empty (a nil Errors stored in
// an error variable would not compare equal to nil).
func (e Errors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// ByField groups the errors by field, for showing each beside its input.
func (e Errors) ByField() map[string][]FieldError {
	m := make(map[string][]FieldError)
	for _, fe := range e {
		m[fe.Field] = append(m[fe.Field], fe)
	}
	return m
}
