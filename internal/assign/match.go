package assign

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Matching rules: how names, domains, languages and codes are compared.

// normCode makes vocabulary codes compare case-insensitively ("c4" = "C4").
func normCode(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// normLang keeps the primary language subtag: "fr-CA" reads as "fr".
func normLang(s string) string {
	s = normCode(s)
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	return s
}

// normDomain accepts a domain or a whole address ("a@Acme.org" → "acme.org").
func normDomain(s string) string {
	s = normCode(s)
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	return strings.Trim(s, ".")
}

// sameDomain reports whether two normalised domains belong to one
// organisation: equal, or one a subdomain of the other (cs.uni.edu and
// uni.edu). Public webmail domains say nothing about an organisation and
// never match.
func sameDomain(a, b string) bool {
	return !isWebmail(a) && !isWebmail(b) && related(a, b)
}

// related is sameDomain for domains already known not to be webmail.
func related(a, b string) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	if b == "" {
		return false
	}
	n := len(a) - len(b)
	return a[n:] == b && (n == 0 || a[n-1] == '.')
}

// isWebmail reports whether d is a public mail service whose users share
// nothing but the provider.
func isWebmail(d string) bool {
	switch d {
	case "gmail.com", "googlemail.com",
		"outlook.com", "hotmail.com", "live.com", "msn.com",
		"icloud.com", "me.com", "mac.com", "aol.com",
		"proton.me", "protonmail.com", "pm.me", "tutanota.com", "zoho.com",
		"gmx.com", "gmx.net", "gmx.de", "web.de", "mail.com", "t-online.de",
		"laposte.net", "orange.fr", "free.fr", "wanadoo.fr", "libero.it",
		"yandex.ru", "yandex.com", "ya.ru", "mail.ru", "bk.ru", "inbox.ru", "list.ru", "rambler.ru",
		"qq.com", "foxmail.com", "163.com", "126.com", "yeah.net", "sina.com", "sina.cn", "sohu.com", "aliyun.com",
		"naver.com", "hanmail.net", "daum.net", "rediffmail.com":
		return true
	}
	// National variants: yahoo.fr, yahoo.co.uk, hotmail.com.br, live.fr …
	for _, p := range []string{"yahoo.", "ymail.", "hotmail.", "outlook.", "live."} {
		if rest, ok := strings.CutPrefix(d, p); ok && looksLikeTLD(rest) {
			return true
		}
	}
	return false
}

// looksLikeTLD reports whether s is one or two short labels such as "fr",
// "com" or "co.uk": what follows a provider name in its national domains,
// and unlike an organisation's own name.
func looksLikeTLD(s string) bool {
	labels := strings.Split(s, ".")
	if len(labels) > 2 {
		return false
	}
	for _, l := range labels {
		if len(l) < 2 || len(l) > 3 {
			return false
		}
	}
	return true
}

// normOrg reduces an organisation (or person) name to a comparison key:
// case and marks folded (accents, Arabic vowel and hamza marks),
// punctuation dropped, a leading "the" and trailing legal forms removed,
// so "The ACME Co., Ltd." and "Acmé" match.
func normOrg(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == '.' || r == '/' || r == '\'' || r == '’':
			// Inside abbreviations: "S.A.", "S/A", "Int'l".
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	if len(words) > 1 && words[0] == "the" {
		words = words[1:]
	}
	for len(words) > 1 && isLegalForm(words[len(words)-1]) {
		words = words[:len(words)-1]
	}
	return strings.Join(words, " ")
}

func isLegalForm(w string) bool {
	switch w {
	case "ltd", "limited", "inc", "incorporated", "llc", "llp", "lp", "plc",
		"co", "corp", "corporation", "company", "cie", "pty", "pvt", "private",
		"gmbh", "ag", "kg", "sa", "sas", "sarl", "sasu", "srl", "spa", "sl",
		"bv", "nv", "oy", "ab", "as", "asa", "aps", "kk", "ooo", "zao", "pao", "pjsc", "jsc", "ojsc",
		"bhd", "sdn", "tbk", "pt", "cv":
		return true
	}
	return false
}
