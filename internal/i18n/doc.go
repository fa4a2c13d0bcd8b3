// Package i18n is dxatlas's internationalisation layer: the message
// catalogues of the six UN languages, language negotiation, text direction,
// CLDR plural forms, and locale formatting of dates and numbers.
//
// # Catalogues
//
// The catalogues are flat go-i18n v2 JSON files, one per language, embedded
// in the binary: locales/en.json, fr.json, es.json, ru.json, zh.json and
// ar.json. A message is either a string or, when its wording depends on a
// number, an object of CLDR plural forms:
//
//	"nav.home": "Home",
//	"case.errors.title": {"one": "There is a problem", "other": "There are {{.Count}} problems"}
//
// Texts are text/template templates over the data passed to [L.T] or
// [L.Tn]; placeholders are written {{.Name}}, {{.Count}}, {{.Min}} and so
// on. English is the source language; every other language falls back to
// English for a key it lacks, and a key missing everywhere is shown as the
// key itself, so a page never breaks over a missing text.
//
// # Adding a key
//
//  1. Name the key by area: site.*, nav.*, footer.*, account.*, call.*,
//     case.*, sec.*, state.*, phase.*, role.*, error.*, err.*
//     (validation), mail.*, vocab.*, form.*, lang.*, zone.*. Field labels and help texts are
//     case.field.<json path>.label and case.field.<json path>.help.
//  2. Add it to en.json first, in plain words that say what to do.
//  3. Add it to ar.json in the same release: Arabic, like English, must be
//     complete, and a test fails for any English key missing in Arabic.
//  4. Add it to fr, es, ru and zh when a translation is available; until
//     then those languages show the English text and pages can show the
//     "lang.fallback_notice" text (see [L.Translated]).
//  5. Use exactly the placeholders of the English text: a test compares
//     them. In a plural message a form may leave the number out where the
//     language spells it ("دقيقة واحدة"), but the message as a whole must
//     use the same placeholders as English.
//  6. If the wording depends on a number, make the English message plural
//     and give every language every plural category it needs according
//     to CLDR (Arabic: zero, one, two, few, many, other; Russian: one,
//     few, many, other; French and Spanish: one, many, other; English:
//     one, other; Chinese: other). A test checks this against the plural
//     rules go-i18n applies. Call it with [L.Tn], or with [L.T] and an
//     integer Count in the data.
//
// Run go test ./internal/i18n after any change to a catalogue.
package i18n
