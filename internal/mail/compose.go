package mail

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
)

// Localizer gives the strings of one language from the message catalogue.
type Localizer interface {
	// T returns the text of key; args is optional template data, a
	// map[string]any.
	T(key string, args ...any) string
	Lang() string // language code, e.g. "ar"
	Dir() string  // "rtl" or "ltr"
}

// Field is one label/value line of a case copy, already in the
// recipient's language.
type Field struct {
	Label, Value string
}

// ReceiptData describes a submitted case version for its receipt.
type ReceiptData struct {
	CaseID  string
	Title   string
	Call    string // the call's title in the recipient's language
	Version int
	Link    string
	// Fields is the copy of what was submitted, laid out by the caller.
	Fields []Field
}

//go:embed templates/*.tmpl
var templateFS embed.FS

// Composer renders dxatlas's messages in the recipient's language: a plain
// text body and an HTML alternative, with the strings from the message
// catalogue. It is safe for concurrent use.
type Composer struct {
	loc     func(lang string) Localizer
	baseURL string
	html    *htmltemplate.Template
	text    *texttemplate.Template
}

// NewComposer returns a Composer taking its strings from loc. baseURL, the
// site's address, is shown in every footer and completes links that start
// with "/".
func NewComposer(loc func(lang string) Localizer, baseURL string) *Composer {
	return &Composer{
		loc:     loc,
		baseURL: strings.TrimRight(baseURL, "/"),
		// The templates are compiled into the binary, so a parse error is a
		// build defect that every test run reveals.
		html: htmltemplate.Must(htmltemplate.ParseFS(templateFS, "templates/message.html.tmpl")),
		text: texttemplate.Must(texttemplate.ParseFS(templateFS, "templates/message.txt.tmpl")),
	}
}

// Verify is the message with the link that confirms an e-mail address.
func (c *Composer) Verify(lang, to, name, link string) Message {
	link = c.abs(link)
	return c.compose(lang, to, name, "verify:"+digest(to, link), letter{
		subject: "mail.verify.subject",
		body:    "mail.verify.body",
		data:    map[string]any{"Name": userText(name), "Link": linkText(link)},
		link:    link,
	})
}

// Reset is the message with the link that sets a new password.
func (c *Composer) Reset(lang, to, name, link string) Message {
	link = c.abs(link)
	return c.compose(lang, to, name, "reset:"+digest(to, link), letter{
		subject: "mail.reset.subject",
		body:    "mail.reset.body",
		data:    map[string]any{"Name": userText(name), "Link": linkText(link)},
		link:    link,
	})
}

// Receipt confirms the submission of a case version, with a copy of what
// was submitted. There is one receipt per case version and recipient.
func (c *Composer) Receipt(lang, to, name string, r ReceiptData) Message {
	link := c.abs(r.Link)
	key := fmt.Sprintf("receipt:%s:v%d:%s", r.CaseID, r.Version, digest(to))
	return c.compose(lang, to, name, key, letter{
		subject: "mail.receipt.subject",
		body:    "mail.receipt.body",
		data: map[string]any{
			"Name": userText(name), "CaseID": userText(r.CaseID), "Title": userText(r.Title),
			"Call": userText(r.Call), "Version": r.Version, "Link": linkText(link),
		},
		link:        link,
		copyHeading: "mail.receipt.copy_heading",
		fields:      r.Fields,
	})
}

// Withdrawn confirms that a case was withdrawn.
func (c *Composer) Withdrawn(lang, to, name, caseID, title, call string) Message {
	key := fmt.Sprintf("withdrawn:%s:%s", caseID, digest(to))
	return c.compose(lang, to, name, key, letter{
		subject: "mail.withdrawn.subject",
		body:    "mail.withdrawn.body",
		data: map[string]any{
			"Name": userText(name), "CaseID": userText(caseID), "Title": userText(title), "Call": userText(call),
		},
	})
}

// letter is what varies between messages.
type letter struct {
	subject, body string // catalogue keys
	data          map[string]any
	link          string // must appear in the body; appended if the text lacks it
	copyHeading   string // catalogue key, with fields
	fields        []Field
}

// view is the data of both templates.
type view struct {
	Lang, Dir   string
	Subject     string
	Greeting    para
	Body        []para
	CopyHeading string
	Fields      []Field
	Signature   para
	Footer      para
	SiteURL     string
}

func (c *Composer) compose(lang, to, name, key string, l letter) Message {
	loc := c.loc(lang)
	v := view{
		Lang:      loc.Lang(),
		Dir:       "ltr",
		Subject:   oneLine(plain(loc.T(l.subject, l.data))),
		Greeting:  parsePara(loc.T("mail.greeting", map[string]any{"Name": userText(name)})),
		Signature: parsePara(loc.T("mail.signature")),
		Footer:    parsePara(loc.T("mail.footer")),
		SiteURL:   c.baseURL,
	}
	if loc.Dir() == "rtl" {
		v.Dir = "rtl"
	}
	body := loc.T(l.body, l.data)
	if l.link != "" && !strings.ContainsRune(body, markLinkStart) {
		// A translation that drops the link must not leave the reader
		// without it.
		body += "\n\n" + linkText(l.link)
	}
	v.Body = parseParas(body)
	if l.copyHeading != "" && len(l.fields) > 0 {
		v.CopyHeading = oneLine(loc.T(l.copyHeading))
		v.Fields = l.fields
	}

	var text, html bytes.Buffer
	if err := c.text.Execute(&text, v); err != nil {
		panic(fmt.Sprintf("mail: text template: %v", err)) // a template defect, caught by the tests
	}
	if err := c.html.Execute(&html, v); err != nil {
		panic(fmt.Sprintf("mail: html template: %v", err))
	}
	return Message{To: strings.TrimSpace(to), Subject: v.Subject, Text: text.String(), HTML: html.String(), Key: key}
}

// abs completes a site-relative link with the base URL.
func (c *Composer) abs(link string) string {
	if strings.HasPrefix(link, "/") && !strings.HasPrefix(link, "//") {
		return c.baseURL + link
	}
	return link
}

// digest is a short, stable fingerprint of a recipient address (compared
// case-insensitively) and further parts, for message keys.
func digest(to string, more ...string) string {
	h := sha256.New()
	h.Write([]byte(strings.ToLower(strings.TrimSpace(to))))
	for _, p := range more {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Values are passed to the catalogue wrapped in private-use markers, so
// that after translation the HTML template can tell the catalogue's text
// from what users wrote (isolated with dir="auto") and from links (made
// clickable). The text part and the subject simply drop the markers.
const (
	markUserStart = '\uE000'
	markUserEnd   = '\uE001'
	markLinkStart = '\uE002'
	markLinkEnd   = '\uE003'
)

var markers = strings.NewReplacer(
	string(markUserStart), "", string(markUserEnd), "",
	string(markLinkStart), "", string(markLinkEnd), "")

// userText marks an inline value (a name, a title); line breaks, which such
// values should not hold, are folded so that they cannot split a paragraph.
func userText(s string) string {
	return string(markUserStart) + oneLine(markers.Replace(s)) + string(markUserEnd)
}

func linkText(s string) string {
	return string(markLinkStart) + markers.Replace(s) + string(markLinkEnd)
}

func plain(s string) string { return markers.Replace(s) }

type spanKind int

const (
	spanText spanKind = iota
	spanUser
	spanLink
	spanBreak
)

// span is a run of a paragraph.
type span struct {
	Text string
	Kind spanKind
}

func (s span) IsUser() bool  { return s.Kind == spanUser }
func (s span) IsLink() bool  { return s.Kind == spanLink }
func (s span) IsBreak() bool { return s.Kind == spanBreak }

// para is a paragraph: Spans for HTML, Text for the plain-text part.
type para struct {
	Spans []span
	Text  string
}

// parseParas splits marked text into paragraphs at blank lines.
func parseParas(s string) []para {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var ps []para
	for _, chunk := range strings.Split(s, "\n\n") {
		if strings.TrimSpace(chunk) == "" {
			continue
		}
		ps = append(ps, parsePara(chunk))
	}
	return ps
}

// parsePara turns marked text into spans; each line break becomes a
// break span.
func parsePara(s string) para {
	s = strings.Trim(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	p := para{Text: plain(s)}
	kind := spanText
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			p.Spans = append(p.Spans, span{Text: cur.String(), Kind: kind})
			cur.Reset()
		}
	}
	for _, r := range s {
		switch r {
		case markUserStart:
			flush()
			kind = spanUser
		case markLinkStart:
			flush()
			kind = spanLink
		case markUserEnd, markLinkEnd:
			flush()
			kind = spanText
		case '\n':
			flush()
			p.Spans = append(p.Spans, span{Kind: spanBreak})
		default:
			cur.WriteRune(r)
		}
	}
	flush()
	return p
}
