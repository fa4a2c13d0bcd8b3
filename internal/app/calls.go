package app

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/i18n"
	"github.com/dxatlas/dxatlas/internal/store"
)

// CallInput is a call as the secretariat writes it. On update, nil fields
// are left as they are.
type CallInput struct {
	Slug             *string                  `json:"slug,omitempty"`
	Title            store.LocalText          `json:"title,omitempty"`
	Description      store.LocalText          `json:"description,omitempty"`
	Eligibility      *[]store.EligibilityItem `json:"eligibility,omitempty"`
	OpensAt          *time.Time               `json:"opens_at,omitempty"`
	ClosesAt         *time.Time               `json:"closes_at,omitempty"`
	Timezone         *string                  `json:"timezone,omitempty"`
	Blind            *bool                    `json:"blind,omitempty"`
	ReviewersPerCase *int                     `json:"reviewers_per_case,omitempty"`
	Rubric           json.RawMessage          `json:"rubric,omitempty"`
}

var slugRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{1,62}[a-z0-9])$`)

func isLang(l string) bool {
	for _, x := range i18n.Langs {
		if x == l {
			return true
		}
	}
	return false
}

// apply merges in into c and validates the result.
func (in CallInput) apply(c *store.Call) domain.Errors {
	var errs domain.Errors
	if in.Slug != nil {
		c.Slug = strings.TrimSpace(*in.Slug)
	}
	if !slugRE.MatchString(c.Slug) {
		errs = append(errs, field("slug", "call.err.slug", nil))
	}
	mergeText := func(dst *store.LocalText, src store.LocalText, name string, max int) {
		if src == nil {
			return
		}
		if *dst == nil {
			*dst = store.LocalText{}
		}
		for l, t := range src {
			if !isLang(l) {
				errs = append(errs, field(name+"."+l, "err.bad_language", map[string]any{"Value": l}))
				continue
			}
			t = strings.TrimSpace(t)
			if t == "" {
				delete(*dst, l)
				continue
			}
			if n := utf8.RuneCountInString(t); n > max {
				errs = append(errs, field(name+"."+l, "err.too_long_chars", map[string]any{"Max": max, "Count": n}))
			}
			(*dst)[l] = t
		}
	}
	mergeText(&c.Title, in.Title, "title", 200)
	mergeText(&c.Description, in.Description, "description", 20000)
	if c.Title["en"] == "" {
		errs = append(errs, field("title.en", "err.required", nil))
	}
	if in.Eligibility != nil {
		c.Eligibility = nil
		seen := map[string]bool{}
		for i, it := range *in.Eligibility {
			it.Code = strings.TrimSpace(it.Code)
			p := "eligibility[" + itoa(int64(i)) + "]"
			if it.Code == "" && len(it.Text) == 0 {
				continue
			}
			if !slugRE.MatchString(it.Code) && !regexp.MustCompile(`^[a-z0-9_]{1,40}$`).MatchString(it.Code) {
				errs = append(errs, field(p+".code", "call.err.code", nil))
			}
			if seen[it.Code] {
				errs = append(errs, field(p+".code", "err.duplicate", nil))
			}
			seen[it.Code] = true
			if strings.TrimSpace(it.Text["en"]) == "" {
				errs = append(errs, field(p+".text.en", "err.required", nil))
			}
			c.Eligibility = append(c.Eligibility, it)
		}
	}
	if in.Timezone != nil {
		c.Timezone = strings.TrimSpace(*in.Timezone)
	}
	if _, err := time.LoadLocation(c.Timezone); err != nil || c.Timezone == "" || c.Timezone == "Local" {
		errs = append(errs, field("timezone", "call.err.timezone", nil))
	}
	if in.OpensAt != nil {
		c.OpensAt = in.OpensAt.UTC().Truncate(time.Second)
	}
	if in.ClosesAt != nil {
		c.ClosesAt = in.ClosesAt.UTC().Truncate(time.Second)
	}
	if c.OpensAt.IsZero() {
		errs = append(errs, field("opens_at", "err.required", nil))
	}
	if c.ClosesAt.IsZero() {
		errs = append(errs, field("closes_at", "err.required", nil))
	} else if !c.ClosesAt.After(c.OpensAt) {
		errs = append(errs, field("closes_at", "call.err.close_before_open", nil))
	}
	if in.Blind != nil {
		c.Blind = *in.Blind
	}
	if in.ReviewersPerCase != nil {
		c.ReviewersPerCase = *in.ReviewersPerCase
	}
	if c.ReviewersPerCase < 1 || c.ReviewersPerCase > 10 {
		errs = append(errs, field("reviewers_per_case", "call.err.reviewers", map[string]any{"Min": 1, "Max": 10}))
	}
	if in.Rubric != nil {
		if !json.Valid(in.Rubric) {
			errs = append(errs, field("rubric", "error.malformed_json", nil))
		} else if string(in.Rubric) != "null" {
			if _, err := domain.ParseRubric(in.Rubric); err != nil {
				errs = append(errs, field("rubric", "review.err.rubric", map[string]any{"Detail": err.Error()}))
			}
			c.Rubric = in.Rubric
		} else {
			c.Rubric = nil
		}
	}
	return errs
}

// CreateCall creates a call (secretariat and admin).
func (a *App) CreateCall(ctx context.Context, actor Actor, in CallInput) (store.Call, error) {
	if !isStaff(actor) {
		return store.Call{}, forbidOrUnauth(actor)
	}
	c := store.Call{ReviewersPerCase: 3, Timezone: "UTC", CreatedAt: a.now(), UpdatedAt: a.now()}
	if in.Slug == nil {
		s := ""
		in.Slug = &s
	}
	if errs := in.apply(&c); len(errs) > 0 {
		return store.Call{}, invalid(errs)
	}
	err := a.DB.Transact(ctx, func(tx *store.DB) error {
		if err := tx.CreateCall(ctx, &c); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return invalid(domain.Errors{field("slug", "call.err.slug_taken", nil)})
			}
			return err
		}
		return a.audit(ctx, tx, actor, "call", c.Slug, "create", "", a.Phase(c), "")
	})
	return c, err
}

// UpdateCall changes a call (secretariat and admin). Moving the closing
// time later extends the call for everyone.
func (a *App) UpdateCall(ctx context.Context, actor Actor, slug string, in CallInput) (store.Call, error) {
	if !isStaff(actor) {
		return store.Call{}, forbidOrUnauth(actor)
	}
	var c store.Call
	err := a.DB.Transact(ctx, func(tx *store.DB) error {
		var err error
		if c, err = tx.CallBySlug(ctx, slug); err != nil {
			return notFound(err)
		}
		before := c
		if errs := in.apply(&c); len(errs) > 0 {
			return invalid(errs)
		}
		c.UpdatedAt = a.now()
		if err := tx.UpdateCall(ctx, c); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return invalid(domain.Errors{field("slug", "call.err.slug_taken", nil)})
			}
			return err
		}
		reason := ""
		if !before.ClosesAt.Equal(c.ClosesAt) {
			reason = "closes_at " + before.ClosesAt.Format(time.RFC3339) + " → " + c.ClosesAt.Format(time.RFC3339)
		}
		return a.audit(ctx, tx, actor, "call", c.Slug, "update", a.Phase(before), a.Phase(c), reason)
	})
	return c, err
}

// Phase is the call's phase now: time drives draft, open and closed.
func (a *App) Phase(c store.Call) string {
	return domain.CallPhase(c.OpensAt, c.ClosesAt, c.Phase, a.now())
}

// Visible reports whether actor may see call c: the public sees a call from
// its opening on; staff see every call.
func (a *App) visible(actor Actor, c store.Call) bool {
	return isStaff(actor) || a.Phase(c) != domain.PhaseDraft
}

// Call returns a call the actor may see.
func (a *App) Call(ctx context.Context, actor Actor, slug string) (store.Call, error) {
	c, err := a.DB.CallBySlug(ctx, slug)
	if err != nil {
		return store.Call{}, notFound(err)
	}
	if !a.visible(actor, c) {
		return store.Call{}, errNotFound
	}
	return c, nil
}

// Calls lists the calls the actor may see, newest first.
func (a *App) Calls(ctx context.Context, actor Actor) ([]store.Call, error) {
	all, err := a.DB.ListCalls(ctx)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, c := range all {
		if a.visible(actor, c) {
			out = append(out, c)
		}
	}
	return out, nil
}

func notFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return errNotFound
	}
	return err
}

func forbidOrUnauth(actor Actor) error {
	if actor == nil {
		return errUnauth
	}
	return errForbidden
}
