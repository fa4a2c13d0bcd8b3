package assign

import "testing"

func TestNormOrg(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Acme Ltd.", "acme"},
		{"The ACME Co., Ltd", "acme"},
		{"Société Générale S.A.", "societe generale"},
		{"  Banco   do Brasil  S/A ", "banco do brasil"},
		{"Dept. of Health", "dept of health"},
		{"PT Telkom Indonesia Tbk", "pt telkom indonesia"},
		{"The", "the"},
		{"Ltd", "ltd"},
		{"华为技术有限公司", "华为技术有限公司"},
		{"مُؤَسَّسَة النور", "موسسة النور"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := normOrg(tt.in); got != tt.want {
				t.Fatalf("normOrg(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSameDomain(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"acme.org", "acme.org", true},
		{"lab.acme.org", "acme.org", true},
		{"acme.org", "cs.lab.acme.org", true},
		{"notacme.org", "acme.org", false},
		{"acme.org", "acme.com", false},
		{"gmail.com", "gmail.com", false},
		{"qq.com", "qq.com", false},
		{"163.com", "163.com", false},
		{"yandex.ru", "yandex.ru", false},
		{"mail.ru", "mail.ru", false},
		{"yahoo.co.uk", "yahoo.co.uk", false},
		{"outlook.com.br", "outlook.com.br", false},
		{"outlook.acme.org", "outlook.acme.org", true},
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.a+" "+tt.b, func(t *testing.T) {
			if got := sameDomain(tt.a, tt.b); got != tt.want {
				t.Fatalf("sameDomain(%q, %q) = %v", tt.a, tt.b, got)
			}
		})
	}
}

func TestNormDomainAndLang(t *testing.T) {
	for in, want := range map[string]string{"Jane@ACME.org": "acme.org", " acme.org. ": "acme.org", "@acme.org": "acme.org"} {
		if got := normDomain(in); got != want {
			t.Errorf("normDomain(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"fr-CA": "fr", "ZH_Hans": "zh", " en ": "en"} {
		if got := normLang(in); got != want {
			t.Errorf("normLang(%q) = %q, want %q", in, got, want)
		}
	}
}
