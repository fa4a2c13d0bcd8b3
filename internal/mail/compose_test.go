package mail

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	texttemplate "text/template"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// testCatalog stands in for the message catalogue (tested in its own
// package): English and Arabic mail strings, rendered like the catalogue
// renders them, with text/template and a map of data.
var testCatalog = map[string]map[string]string{
	"en": {
		"mail.greeting":             "Dear {{.Name}},",
		"mail.signature":            "Kind regards,\nThe dxatlas secretariat",
		"mail.footer":               "This message was sent automatically by dxatlas; replies are not read.",
		"mail.verify.subject":       "Confirm your e-mail address",
		"mail.verify.body":          "Thank you for registering with dxatlas. Please confirm your e-mail address by opening this link within 24 hours:\n{{.Link}}\n\nIf you did not register, you can ignore this message.",
		"mail.reset.subject":        "Reset your password",
		"mail.reset.body":           "We received a request to reset the password of your dxatlas account. To choose a new password, open this link within one hour:\n{{.Link}}\n\nIf you did not ask for this, you can ignore this message; your password stays unchanged.",
		"mail.receipt.subject":      "Case {{.CaseID}} received: {{.Title}}",
		"mail.receipt.body":         "We have received version {{.Version}} of your case {{.CaseID}}, “{{.Title}}”, submitted to the call “{{.Call}}”.\n\nYou can follow it here:\n{{.Link}}",
		"mail.receipt.copy_heading": "Copy of your submission",
		"mail.withdrawn.subject":    "Case {{.CaseID}} withdrawn",
		"mail.withdrawn.body":       "Your case {{.CaseID}}, “{{.Title}}”, has been withdrawn from the call “{{.Call}}”. It will not be reviewed.",
	},
	"ar": {
		"mail.greeting":             "السيد/السيدة {{.Name}} المحترم/المحترمة،",
		"mail.signature":            "مع خالص التحيات،\nأمانة dxatlas",
		"mail.footer":               "أُرسلت هذه الرسالة آليًا من منصة dxatlas، ولا تُقرأ الردود عليها.",
		"mail.verify.subject":       "تأكيد عنوان بريدكم الإلكتروني",
		"mail.verify.body":          "نشكركم على التسجيل في منصة dxatlas. يُرجى تأكيد عنوان بريدكم الإلكتروني بفتح الرابط التالي في غضون 24 ساعة:\n{{.Link}}\n\nإذا لم تقوموا بالتسجيل، يمكنكم تجاهل هذه الرسالة.",
		"mail.reset.subject":        "إعادة تعيين كلمة المرور",
		"mail.reset.body":           "تلقّينا طلبًا لإعادة تعيين كلمة المرور لحسابكم في منصة dxatlas. لاختيار كلمة مرور جديدة، يُرجى فتح الرابط التالي في غضون ساعة واحدة:\n{{.Link}}\n\nإذا لم تطلبوا ذلك، يمكنكم تجاهل هذه الرسالة، وستبقى كلمة المرور دون تغيير.",
		"mail.receipt.subject":      "تم استلام الحالة {{.CaseID}}: {{.Title}}",
		"mail.receipt.body":         "تلقّينا الإصدار {{.Version}} من حالتكم {{.CaseID}} «{{.Title}}» المقدَّمة في إطار الدعوة «{{.Call}}».\n\nيمكنكم متابعتها عبر الرابط التالي:\n{{.Link}}",
		"mail.receipt.copy_heading": "نسخة مما قدّمتموه",
		"mail.withdrawn.subject":    "سحب الحالة {{.CaseID}}",
		"mail.withdrawn.body":       "تم سحب حالتكم {{.CaseID}} «{{.Title}}» من الدعوة «{{.Call}}»، ولن تخضع للاستعراض.",
	},
}

// tableLoc is a Localizer over a string table; missing keys fall back to
// English, then to the key.
type tableLoc struct {
	lang    string
	strings map[string]string
}

func (l tableLoc) Lang() string { return l.lang }

func (l tableLoc) Dir() string {
	if l.lang == "ar" {
		return "rtl"
	}
	return "ltr"
}

func (l tableLoc) T(key string, args ...any) string {
	s, ok := l.strings[key]
	if !ok {
		if s, ok = testCatalog["en"][key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return s
	}
	t, err := texttemplate.New(key).Parse(s)
	if err != nil {
		return key
	}
	var b strings.Builder
	if err := t.Execute(&b, args[0]); err != nil {
		return key
	}
	return b.String()
}

func testLocalizer(lang string) Localizer {
	if _, ok := testCatalog[lang]; !ok {
		lang = "en"
	}
	return tableLoc{lang: lang, strings: testCatalog[lang]}
}

func newTestComposer() *Composer {
	return NewComposer(testLocalizer, "https://dxatlas.example.org/")
}

// receiptFixtures are the receipts kept as golden files.
var receiptFixtures = []struct {
	lang, to, name string
	data           ReceiptData
}{
	{
		lang: "en", to: "Amina.Wanjiru@example.net", name: "Amina Wanjiru",
		data: ReceiptData{
			CaseID: "DX-2026-0042", Title: "Mobile money for market traders in Kisumu",
			Call:    "Global Call for Cases: ICT-enabled Digital Transformation of SMEs",
			Version: 2, Link: "/en/cases/DX-2026-0042",
			Fields: []Field{
				{Label: "Title", Value: "Mobile money for market traders in Kisumu"},
				{Label: "Organisation", Value: "Mama Mboga & Sons <Traders' Cooperative>"},
				{Label: "Summary", Value: "Market traders moved from cash to mobile payments.\nSales records are now kept on a phone."},
				{Label: "KPI 1", Value: "Traders paid by mobile money: 40 → 1,200 (2025-12)"},
			},
		},
	},
	{
		lang: "ar", to: "layla@example.org", name: "ليلى الحسيني",
		data: ReceiptData{
			CaseID: "DX-2026-0107", Title: "تطبيق Souq Pay للدفع عبر الهاتف المحمول لصغار التجار",
			Call:    "الدعوة العالمية لتقديم الحالات: التحول الرقمي للمنشآت الصغيرة والمتوسطة بفضل تكنولوجيا المعلومات والاتصالات",
			Version: 1, Link: "https://dxatlas.example.org/ar/cases/DX-2026-0107",
			Fields: []Field{
				{Label: "العنوان", Value: "تطبيق Souq Pay للدفع عبر الهاتف المحمول لصغار التجار"},
				{Label: "الجهة", Value: "تعاونية تجار سوق أم درمان"},
				{Label: "الملخّص", Value: "انتقل 1200 تاجر من النقد إلى الدفع عبر الهاتف المحمول.\nتُحفظ سجلات المبيعات الآن في تطبيق Souq Pay."},
				{Label: "البلد", Value: "السودان (SD)"},
			},
		},
	},
}

func TestReceiptGolden(t *testing.T) {
	c := newTestComposer()
	for _, f := range receiptFixtures {
		t.Run(f.lang, func(t *testing.T) {
			m := c.Receipt(f.lang, f.to, f.name, f.data)
			head := "To: " + m.To + "\nSubject: " + m.Subject + "\nKey: " + m.Key + "\n\n"
			golden(t, "receipt_"+f.lang+".txt.golden", head+m.Text)
			golden(t, "receipt_"+f.lang+".html.golden", m.HTML)
		})
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the rendered message (go test -update rewrites it):\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

func TestComposerMessages(t *testing.T) {
	c := newTestComposer()
	const link = "https://dxatlas.example.org/en/account/verify?token=tok-1"
	tests := []struct {
		name        string
		lang        string
		compose     func(to, link string) Message
		wantSubject string
		wantKey     string // prefix
		wantLink    bool
		linkInKey   bool // one-time links identify their message
		wantInBody  []string
	}{
		{
			name: "verify en", lang: "en",
			compose:     func(to, link string) Message { return c.Verify("en", to, "Amina", link) },
			wantSubject: "Confirm your e-mail address", wantKey: "verify:", wantLink: true, linkInKey: true,
			wantInBody: []string{"Dear Amina,", "within 24 hours"},
		},
		{
			name: "verify ar", lang: "ar",
			compose:     func(to, link string) Message { return c.Verify("ar", to, "ليلى", link) },
			wantSubject: "تأكيد عنوان بريدكم الإلكتروني", wantKey: "verify:", wantLink: true, linkInKey: true,
			wantInBody: []string{"السيد/السيدة ليلى المحترم/المحترمة،", "في غضون 24 ساعة"},
		},
		{
			name: "reset en", lang: "en",
			compose:     func(to, link string) Message { return c.Reset("en", to, "Amina", link) },
			wantSubject: "Reset your password", wantKey: "reset:", wantLink: true, linkInKey: true,
			wantInBody: []string{"choose a new password"},
		},
		{
			name: "reset ar", lang: "ar",
			compose:     func(to, link string) Message { return c.Reset("ar", to, "ليلى", link) },
			wantSubject: "إعادة تعيين كلمة المرور", wantKey: "reset:", wantLink: true, linkInKey: true,
			wantInBody: []string{"كلمة مرور جديدة"},
		},
		{
			name: "receipt en", lang: "en",
			compose: func(to, link string) Message {
				return c.Receipt("en", to, "Amina", ReceiptData{CaseID: "DX-2026-0001", Title: "Cold chain", Call: "Call 2026", Version: 3, Link: link})
			},
			wantSubject: "Case DX-2026-0001 received: Cold chain", wantKey: "receipt:DX-2026-0001:v3:", wantLink: true,
			wantInBody: []string{"version 3 of your case DX-2026-0001, “Cold chain”, submitted to the call “Call 2026”"},
		},
		{
			name: "withdrawn en", lang: "en",
			compose: func(to, _ string) Message {
				return c.Withdrawn("en", to, "Amina", "DX-2026-0001", "Cold chain", "Call 2026")
			},
			wantSubject: "Case DX-2026-0001 withdrawn", wantKey: "withdrawn:DX-2026-0001:",
			wantInBody: []string{"has been withdrawn from the call “Call 2026”"},
		},
		{
			name: "withdrawn ar", lang: "ar",
			compose: func(to, _ string) Message {
				return c.Withdrawn("ar", to, "ليلى", "DX-2026-0002", "سلسلة التبريد", "دعوة 2026")
			},
			wantSubject: "سحب الحالة DX-2026-0002", wantKey: "withdrawn:DX-2026-0002:",
			wantInBody: []string{"تم سحب حالتكم DX-2026-0002 «سلسلة التبريد» من الدعوة «دعوة 2026»"},
		},
		{
			name: "unknown language falls back to English", lang: "en",
			compose:     func(to, link string) Message { return c.Verify("sw", to, "Amina", link) },
			wantSubject: "Confirm your e-mail address", wantKey: "verify:", wantLink: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.compose(" user@example.org ", link)
			if m.To != "user@example.org" {
				t.Errorf("To = %q", m.To)
			}
			if m.Subject != tt.wantSubject {
				t.Errorf("Subject = %q, want %q", m.Subject, tt.wantSubject)
			}
			if !strings.HasPrefix(m.Key, tt.wantKey) {
				t.Errorf("Key = %q, want prefix %q", m.Key, tt.wantKey)
			}
			if again := tt.compose("USER@example.org", link); again.Key != m.Key || again.Text != m.Text || again.HTML != m.HTML {
				t.Errorf("composing again (address in other case) differs: key %q vs %q", again.Key, m.Key)
			}
			if other := tt.compose("someone.else@example.org", link); other.Key == m.Key {
				t.Errorf("another recipient has the same key %q", m.Key)
			}
			if other := tt.compose("user@example.org", link+"x"); tt.linkInKey && other.Key == m.Key {
				t.Errorf("another link has the same key %q", m.Key)
			}
			if tt.wantLink {
				if !strings.Contains(m.Text, link) {
					t.Errorf("text lacks the link:\n%s", m.Text)
				}
				if !strings.Contains(m.HTML, `<a href="`+strings.ReplaceAll(link, "&", "&amp;")+`"`) {
					t.Errorf("HTML lacks a link to %s:\n%s", link, m.HTML)
				}
			}
			dir := "ltr"
			if tt.lang == "ar" {
				dir = "rtl"
			}
			if want := `<html lang="` + tt.lang + `" dir="` + dir + `">`; !strings.Contains(m.HTML, want) {
				t.Errorf("HTML lacks %s", want)
			}
			for _, s := range tt.wantInBody {
				if !strings.Contains(m.Text, s) {
					t.Errorf("text lacks %q:\n%s", s, m.Text)
				}
			}
			if strings.ContainsAny(m.Text+m.HTML+m.Subject, "\uE000\uE001\uE002\uE003") {
				t.Error("markers leaked into the message")
			}
		})
	}
}

func TestComposerEscapesUserText(t *testing.T) {
	c := newTestComposer()
	m := c.Receipt("en", "a@example.org", `<script>alert("n")</script>`, ReceiptData{
		CaseID:  "DX-2026-0003",
		Title:   "Tom & Jerry's <b>bold</b> \"case\"\nsecond line",
		Call:    "Call <i>2026</i>",
		Version: 1,
		Link:    "https://dxatlas.example.org/en/cases/DX-2026-0003?a=1&b=2",
		Fields: []Field{
			{Label: "Summary <label>", Value: `<img src=x onerror="alert(1)">`},
			{Label: "Marker", Value: "\uE002javascript:alert(1)\uE003"},
		},
	})
	for _, bad := range []string{"<script", "<b>", "<i>", "<img", "<label>", `href="javascript`} {
		if strings.Contains(m.HTML, bad) {
			t.Errorf("HTML contains unescaped %q", bad)
		}
	}
	for _, want := range []string{
		`<span dir="auto">&lt;script&gt;alert(&#34;n&#34;)&lt;/script&gt;</span>`,
		`<span dir="auto">Tom &amp; Jerry&#39;s &lt;b&gt;bold&lt;/b&gt; &#34;case&#34; second line</span>`,
		`<dd dir="auto" style="margin:0 0 12px;white-space:pre-wrap;">&lt;img src=x onerror=&#34;alert(1)&#34;&gt;</dd>`,
		`<dt style="margin:0;font-weight:bold;">Summary &lt;label&gt;</dt>`,
		`<a href="https://dxatlas.example.org/en/cases/DX-2026-0003?a=1&amp;b=2"`,
	} {
		if !strings.Contains(m.HTML, want) {
			t.Errorf("HTML lacks %s\n%s", want, m.HTML)
		}
	}
	// The plain text carries user text as written.
	if !strings.Contains(m.Text, `Dear <script>alert("n")</script>,`) {
		t.Errorf("text altered the name:\n%s", m.Text)
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		t.Errorf("subject spans lines: %q", m.Subject)
	}
	if want := `Case DX-2026-0003 received: Tom & Jerry's <b>bold</b> "case" second line`; m.Subject != want {
		t.Errorf("Subject = %q, want %q", m.Subject, want)
	}
}

func TestComposerLinks(t *testing.T) {
	noLink := map[string]string{"mail.verify.body": "Please confirm your address."}
	tests := []struct {
		name    string
		loc     func(string) Localizer
		base    string
		link    string
		want    string
		wantKey string
	}{
		{
			name: "site-relative link completed with the base URL",
			loc:  testLocalizer, base: "https://dxatlas.example.org/", link: "/fr/account/verify?token=abc",
			want: "https://dxatlas.example.org/fr/account/verify?token=abc",
		},
		{
			name: "absolute link kept",
			loc:  testLocalizer, base: "https://dxatlas.example.org", link: "https://other.example.net/x",
			want: "https://other.example.net/x",
		},
		{
			name: "translation without the link gets it appended",
			loc:  func(string) Localizer { return tableLoc{lang: "fr", strings: noLink} },
			base: "https://dxatlas.example.org", link: "https://dxatlas.example.org/fr/account/verify?token=abc",
			want: "https://dxatlas.example.org/fr/account/verify?token=abc",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewComposer(tt.loc, tt.base).Verify("fr", "a@example.org", "Chloé", tt.link)
			if strings.Count(m.Text, tt.want) != 1 {
				t.Errorf("text should hold %s once:\n%s", tt.want, m.Text)
			}
			if !strings.Contains(m.HTML, `<a href="`+tt.want+`"`) {
				t.Errorf("HTML lacks a link to %s:\n%s", tt.want, m.HTML)
			}
		})
	}
}
