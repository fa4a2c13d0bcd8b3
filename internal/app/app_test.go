package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/i18n"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// clock is the one injected clock; tests move it past deadlines.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

var (
	t0     = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	opens  = t0.Add(-24 * time.Hour)
	closes = t0.Add(7 * 24 * time.Hour)
)

type fixture struct {
	a               *app.App
	db              *store.DB
	clk             *clock
	sec, alice, bob store.User
	reviewer, admin store.User
	call            store.Call
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	cat, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: t0}
	f := &fixture{db: db, clk: clk, a: app.New(db, cat, app.Options{Now: clk.Now, BaseURL: "http://dx.test"})}
	mk := func(email, role string) store.User {
		u, err := f.a.AddUser(ctx, nil, email, strings.Split(email, "@")[0], role, "correct horse battery")
		if err != nil {
			t.Fatalf("AddUser %s: %v", email, err)
		}
		return u
	}
	f.sec = mk("sec@un.example", store.RoleSecretariat)
	f.admin = mk("admin@un.example", store.RoleAdmin)
	f.alice = mk("alice@sme.example", store.RoleApplicant)
	f.bob = mk("bob@other.example", store.RoleApplicant)
	f.reviewer = mk("rev@uni.example", store.RoleReviewer)
	f.call = f.mustCall(t, "sme-dx", opens, closes)
	return f
}

func ptr[T any](v T) *T { return &v }

func (f *fixture) mustCall(t *testing.T, slug string, o, c time.Time) store.Call {
	t.Helper()
	call, err := f.a.CreateCall(context.Background(), &f.sec, app.CallInput{
		Slug: ptr(slug), Title: store.LocalText{"en": "Global call", "ar": "دعوة عالمية"},
		Description: store.LocalText{"en": "Cases of SME digital transformation."},
		Eligibility: &[]store.EligibilityItem{{Code: "sme", Text: store.LocalText{"en": "Concerns SMEs"}}},
		OpensAt:     &o, ClosesAt: &c, Timezone: ptr("Europe/Zurich"), Blind: ptr(true), ReviewersPerCase: ptr(3),
	})
	if err != nil {
		t.Fatalf("CreateCall: %v", err)
	}
	return call
}

// example is the complete, valid example case.
func example(t *testing.T) domain.Case {
	t.Helper()
	b, err := os.ReadFile("../domain/testdata/case.json")
	if err != nil {
		t.Fatal(err)
	}
	var c domain.Case
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func kind(err error) app.Kind {
	if e := app.AsError(err); e != nil {
		return e.Kind
	}
	return 0
}

func TestCaseLifecycle(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		a := f.a

		// A draft saves with invalid content and keeps it exactly.
		draft := domain.Case{Title: "short", KPIs: []domain.KPI{{Name: "Sales", Value: "abc"}}, Countries: []string{"XX"}}
		v, err := a.CreateCase(ctx, &f.alice, f.call.Slug, draft)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(v.ID, "DX-2026-") || v.State != domain.StateDraft {
			t.Fatalf("new case = %s %s", v.ID, v.State)
		}
		got, err := a.Case(ctx, &f.alice, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Doc.Title != "short" || got.Doc.KPIs[0].Value != "abc" || got.Doc.Countries[0] != "XX" {
			t.Fatalf("draft not kept as typed: %+v", got.Doc)
		}

		// Submitting it reports every problem, by field.
		_, err = a.Submit(ctx, &f.alice, v.ID)
		e := app.AsError(err)
		if e == nil || e.Kind != app.KindInvalid {
			t.Fatalf("submit invalid: %v", err)
		}
		fields := e.Fields.ByField()
		for _, want := range []string{"title", "summary", "countries[0]", "kpis[0].value", "consent_publish"} {
			if _, ok := fields[want]; !ok {
				t.Errorf("no error for %s in %v", want, e.Fields)
			}
		}

		// A valid case submits as version 1 and mails a receipt with a copy.
		good := example(t)
		if _, err := a.SaveDraft(ctx, &f.alice, v.ID, good); err != nil {
			t.Fatal(err)
		}
		s, err := a.Submit(ctx, &f.alice, v.ID)
		if err != nil {
			t.Fatalf("submit valid: %v", err)
		}
		if s.State != domain.StateSubmitted || s.Version != 1 {
			t.Fatalf("after submit: %s v%d", s.State, s.Version)
		}
		// Submitting twice is a no-op: no new version, no second receipt.
		if s2, err := a.Submit(ctx, &f.alice, v.ID); err != nil || s2.Version != 1 {
			t.Fatalf("second submit: v%d %v", s2.Version, err)
		}
		msgs, err := db.OutboxFor(ctx, f.alice.Email)
		if err != nil {
			t.Fatal(err)
		}
		receipts := 0
		for _, m := range msgs {
			if strings.Contains(m.Text, v.ID) && strings.Contains(m.Text, good.Organisation.Name) && strings.Contains(m.Text, good.Title) {
				receipts++
			}
		}
		if receipts != 1 {
			t.Fatalf("receipts with a copy of the case = %d, want 1 (%d messages)", receipts, len(msgs))
		}

		// Editing and resubmitting makes version 2; version 1 is unchanged.
		good.Title = "Cloud accounting and mobile payments for 42 tailoring workshops"
		if _, err := a.SaveDraft(ctx, &f.alice, v.ID, good); err != nil {
			t.Fatal(err)
		}
		if s, err = a.Submit(ctx, &f.alice, v.ID); err != nil || s.Version != 2 {
			t.Fatalf("resubmit: v%d %v", s.Version, err)
		}
		vers, err := a.Versions(ctx, &f.alice, v.ID)
		if err != nil || len(vers) != 2 {
			t.Fatalf("versions = %d %v", len(vers), err)
		}
		var v1 domain.Case
		json.Unmarshal(vers[0].Doc, &v1)
		if v1.Title == good.Title {
			t.Fatal("version 1 changed when version 2 was submitted")
		}

		// Past the deadline nothing can be edited or submitted; it stays readable.
		f.clk.Set(closes.Add(time.Second))
		if _, err := a.SaveDraft(ctx, &f.alice, v.ID, good); kind(err) != app.KindConflict {
			t.Fatalf("save after deadline: %v", err)
		}
		if _, err := a.Submit(ctx, &f.alice, v.ID); kind(err) != app.KindConflict {
			t.Fatalf("submit after deadline: %v", err)
		}
		if _, err := a.CreateCase(ctx, &f.alice, f.call.Slug, domain.Case{}); kind(err) != app.KindConflict {
			t.Fatalf("create after deadline: %v", err)
		}
		ro, err := a.Case(ctx, &f.alice, v.ID)
		if err != nil || ro.Locked != "case.locked.deadline" {
			t.Fatalf("read-only view: %q %v", ro.Locked, err)
		}

		// Withdrawal is recorded in the audit log.
		if w, err := a.Withdraw(ctx, &f.alice, v.ID, "merged with another case"); err != nil || w.State != domain.StateWithdrawn {
			t.Fatalf("withdraw: %v", err)
		}
		log, err := db.ListAudit(ctx, "case", v.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range log {
			actions = append(actions, e.Action)
		}
		for _, want := range []string{"create", "submit", "withdraw"} {
			if !strings.Contains(strings.Join(actions, " "), want) {
				t.Errorf("audit log lacks %q: %v", want, actions)
			}
		}
	})
}

func TestIndividualExtension(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		v, err := f.a.CreateCase(ctx, &f.alice, f.call.Slug, example(t))
		if err != nil {
			t.Fatal(err)
		}
		c, _ := db.CaseByID(ctx, v.ID)
		ext := closes.Add(48 * time.Hour)
		c.ExtendedUntil = &ext
		if err := db.SaveCase(ctx, c, nil); err != nil {
			t.Fatal(err)
		}
		f.clk.Set(closes.Add(time.Hour))
		if _, err := f.a.Submit(ctx, &f.alice, v.ID); err != nil {
			t.Fatalf("submit within an individual extension: %v", err)
		}
	})
}

func TestAuthorization(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		v, err := f.a.CreateCase(ctx, &f.alice, f.call.Slug, example(t))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.AddAttachment(ctx, &f.alice, v.ID, "report.pdf", pdf); err != nil {
			t.Fatal(err)
		}
		type op struct {
			name string
			do   func(actor app.Actor) error
		}
		ops := []op{
			{"read", func(u app.Actor) error { _, err := f.a.Case(ctx, u, v.ID); return err }},
			{"save", func(u app.Actor) error { _, err := f.a.SaveDraft(ctx, u, v.ID, example(t)); return err }},
			{"submit", func(u app.Actor) error { _, err := f.a.Submit(ctx, u, v.ID); return err }},
			{"versions", func(u app.Actor) error { _, err := f.a.Versions(ctx, u, v.ID); return err }},
			{"attachments", func(u app.Actor) error { _, err := f.a.Attachments(ctx, u, v.ID); return err }},
			{"download", func(u app.Actor) error { _, _, err := f.a.AttachmentFile(ctx, u, v.ID, "report.pdf"); return err }},
			{"attach", func(u app.Actor) error { _, err := f.a.AddAttachment(ctx, u, v.ID, "x.pdf", pdf); return err }},
			{"withdraw", func(u app.Actor) error { _, err := f.a.Withdraw(ctx, u, v.ID, ""); return err }},
		}
		// want: 0 = allowed; otherwise the kind of refusal.
		actors := []struct {
			name string
			u    app.Actor
			want map[string]app.Kind
		}{
			{"anonymous", nil, map[string]app.Kind{"*": app.KindUnauthenticated}},
			{"other applicant", &f.bob, map[string]app.Kind{"*": app.KindNotFound}},
			{"reviewer", &f.reviewer, map[string]app.Kind{"*": app.KindNotFound}},
			{"secretariat", &f.sec, map[string]app.Kind{"read": 0, "versions": 0, "attachments": 0, "download": 0, "*": app.KindForbidden}},
			{"admin", &f.admin, map[string]app.Kind{"read": 0, "versions": 0, "attachments": 0, "download": 0, "*": app.KindForbidden}},
		}
		for _, ac := range actors {
			for _, o := range ops {
				t.Run(ac.name+"/"+o.name, func(t *testing.T) {
					want, ok := ac.want[o.name]
					if !ok {
						want = ac.want["*"]
					}
					if got := kind(o.do(ac.u)); got != want {
						t.Fatalf("kind = %d, want %d", got, want)
					}
				})
			}
		}
		// Only staff create calls; only applicants create cases.
		if _, err := f.a.CreateCall(ctx, &f.alice, app.CallInput{Slug: ptr("x-call")}); kind(err) != app.KindForbidden {
			t.Errorf("applicant CreateCall: %v", err)
		}
		if _, err := f.a.CreateCase(ctx, &f.reviewer, f.call.Slug, domain.Case{}); kind(err) != app.KindForbidden {
			t.Errorf("reviewer CreateCase: %v", err)
		}
		if err := f.a.Export(ctx, &f.alice, f.call.Slug, "csv", app.ListFilter{}, &bytes.Buffer{}); kind(err) != app.KindForbidden {
			t.Errorf("applicant Export: %v", err)
		}
		// Applicants list only their own cases; staff list all.
		if _, n, err := f.a.Cases(ctx, &f.bob, f.call.Slug, app.ListFilter{}); err != nil || n != 0 {
			t.Errorf("bob's list = %d %v", n, err)
		}
		if _, n, err := f.a.Cases(ctx, &f.sec, f.call.Slug, app.ListFilter{}); err != nil || n != 1 {
			t.Errorf("secretariat's list = %d %v", n, err)
		}
	})
}

// Minimal real files: the first bytes are what content sniffing reads.
var (
	pdf  = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	png  = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	webp = []byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x000\x01\x00\x9d\x01\x2a\x01\x00\x01\x00\x02\x004%\xa4\x00\x03p\x00\xfe\xfb\x94\x00\x00")
	jpeg = []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9")
)

func TestAttachments(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		v, err := f.a.CreateCase(ctx, &f.alice, f.call.Slug, domain.Case{})
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name string
			file string
			data []byte
			want app.Kind
		}{
			{"pdf", "report.pdf", pdf, 0},
			{"png", "chart.png", png, 0},
			{"jpeg", "photo.JPG", jpeg, 0},
			{"webp", "team.webp", webp, 0},
			{"png named pdf", "fake.pdf", png, app.KindInvalid},
			{"html named pdf", "page.pdf", []byte("<html><script>alert(1)</script></html>"), app.KindInvalid},
			{"path separator", "../../etc/passwd.pdf", pdf, app.KindInvalid},
			{"backslash", `dir\report.pdf`, pdf, app.KindInvalid},
			{"hidden", ".report.pdf", pdf, app.KindInvalid},
			{"empty", "empty.pdf", nil, app.KindInvalid},
			{"too large", "big.pdf", append(append([]byte{}, pdf...), make([]byte, app.MaxAttachmentSize)...), app.KindTooLarge},
			{"duplicate name", "report.pdf", pdf, app.KindInvalid},
			{"fifth", "annex.pdf", pdf, 0},
			{"sixth", "one-too-many.pdf", pdf, app.KindConflict},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := f.a.AddAttachment(ctx, &f.alice, v.ID, c.file, c.data)
				if got := kind(err); got != c.want {
					t.Fatalf("kind = %d, want %d (%v)", got, c.want, err)
				}
			})
		}
		att, data, err := f.a.AttachmentFile(ctx, &f.alice, v.ID, "chart.png")
		if err != nil || att.ContentType != "image/png" || !bytes.Equal(data, png) {
			t.Fatalf("download: %v %s", err, att.ContentType)
		}
	})
}

func TestImport(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		good, _ := json.Marshal(example(t))
		noConsent := example(t)
		noConsent.ConsentPublish = false
		bad1, _ := json.Marshal(noConsent)
		input := strings.Join([]string{
			string(good),
			`{"title": "broken`,
			string(bad1),
			"",
			`{"title": "An unknown field", "colour": "blue"}`,
			`{"countries": "KE"}`,
			string(good),
		}, "\n")
		rep, err := f.a.Import(ctx, nil, f.call.Slug, strings.NewReader(input), app.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Imported) != 2 {
			t.Errorf("imported %d, want 2", len(rep.Imported))
		}
		wantLines := map[int]string{2: "", 3: "consent_publish", 5: "colour", 6: "countries"}
		if len(rep.Rejected) != len(wantLines) {
			t.Fatalf("rejected = %+v", rep.Rejected)
		}
		for _, r := range rep.Rejected {
			frag, ok := wantLines[r.Line]
			if !ok || len(r.Reasons) == 0 || !strings.Contains(strings.Join(r.Reasons, " "), frag) {
				t.Errorf("line %d reasons %q, want mention of %q", r.Line, r.Reasons, frag)
			}
		}
		// Imported cases are submitted, with one immutable version.
		c, err := f.a.Case(ctx, &f.sec, rep.Imported[0])
		if err != nil || c.State != domain.StateSubmitted || c.Version != 1 {
			t.Fatalf("imported case: %+v %v", c.Case, err)
		}
		// --publish publishes directly.
		rep, err = f.a.Import(ctx, nil, f.call.Slug, bytes.NewReader(good), app.ImportOptions{Publish: true})
		if err != nil || len(rep.Imported) != 1 {
			t.Fatal(err)
		}
		if c, _ := db.CaseByID(ctx, rep.Imported[0]); c.State != domain.StatePublished || c.PublishedAt == nil {
			t.Fatalf("published import: %s", c.State)
		}
	})
}
