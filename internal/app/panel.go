package app

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/mail"
	"github.com/dxatlas/dxatlas/internal/store"
)

// invitationLifetime is how long an invitation link works.
const invitationLifetime = 30 * 24 * time.Hour

// Expertise is what a reviewer declares they know: WSIS action lines,
// technologies, ISIC sectors and M49 regions, as vocabulary codes.
type Expertise = store.ReviewerExpertise

// Conflicts are a reviewer's declared conflicts of interest: the
// organisations they work for or with, and cases they must not review.
type Conflicts struct {
	Organisations []string `json:"organisations"`
	Cases         []string `json:"cases,omitempty"`
}

// Invitation asks someone to review for a call.
type Invitation struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	// Language of the invitation mail (one of the six); default English,
	// or the language of an existing account.
	Language  string    `json:"language,omitempty"`
	Expertise Expertise `json:"expertise"`
	// Languages the reviewer reads (BCP 47); default the mail's language.
	Languages []string `json:"languages"`
	// MaxLoad is the most cases the reviewer will take; 0 means 10.
	MaxLoad   int       `json:"max_load"`
	Conflicts Conflicts `json:"conflicts"`
}

// ReviewerProfile is what a reviewer declares for a call, and may change:
// the expertise and conflicts given replace the old ones; no languages or
// no maximum load keeps the old ones.
type ReviewerProfile struct {
	Expertise Expertise `json:"expertise"`
	Languages []string  `json:"languages"`
	MaxLoad   *int      `json:"max_load,omitempty"`
	Conflicts Conflicts `json:"conflicts"`
}

// PanelMember is a reviewer of a call, from invitation on.
type PanelMember struct {
	ID   int64  `json:"id"`
	Call string `json:"call"`
	// Reviewer is the reviewer's account id once the invitation is
	// accepted; assignments name reviewers by it.
	Reviewer  *int64    `json:"reviewer,omitempty"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	State     string    `json:"state"` // invited, accepted, declined
	Language  string    `json:"language"`
	Expertise Expertise `json:"expertise"`
	Languages []string  `json:"languages"`
	MaxLoad   int       `json:"max_load"`
	Conflicts Conflicts `json:"conflicts"`
	// Load and Submitted count the reviewer's assignments in the call and
	// the reviews they submitted (in Reviewers only).
	Load      int `json:"load"`
	Submitted int `json:"submitted"`
	// Suggestion is someone else suggested, in free text, on declining
	// before reasons and replacements were asked for.
	Suggestion string `json:"suggestion,omitempty"`
	// DeclineReason and Replacement are what the reviewer gave on
	// declining.
	DeclineReason string       `json:"decline_reason,omitempty"`
	Replacement   *Replacement `json:"suggested_replacement,omitempty"`
	InvitedAt     time.Time    `json:"invited_at"`
	RespondedAt   *time.Time   `json:"responded_at,omitempty"`
}

func panelMemberOf(m store.PanelMember, slug string) PanelMember {
	or := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	exp := m.Expertise
	exp.WSIS, exp.Technologies, exp.Sectors, exp.Regions = or(exp.WSIS), or(exp.Technologies), or(exp.Sectors), or(exp.Regions)
	out := PanelMember{ID: m.ID, Call: slug, Reviewer: m.UserID, Email: m.Email, Name: m.Name, State: m.State,
		Language: m.Language, Expertise: exp, Languages: or(m.Languages), MaxLoad: m.MaxLoad,
		Conflicts:  Conflicts{Organisations: or(m.ConflictOrgs), Cases: m.ConflictCases},
		Suggestion: m.Suggestion, DeclineReason: m.DeclineReason, InvitedAt: m.InvitedAt, RespondedAt: m.RespondedAt}
	if m.SuggestedName != "" || m.SuggestedEmail != "" {
		out.Replacement = &Replacement{Name: m.SuggestedName, Email: m.SuggestedEmail}
	}
	return out
}

var caseIDRE = regexp.MustCompile(`^DX-[0-9]{4}-[0-9]{4,}$`)

// cleanProfile normalises a profile and returns what is wrong with it.
func cleanProfile(p *ReviewerProfile) domain.Errors {
	var errs domain.Errors
	codes := func(path string, list []string, known []string, upper bool) []string {
		var out []string
		for i, c := range list {
			c = strings.TrimSpace(c)
			if upper {
				c = strings.ToUpper(c)
			}
			if !slices.Contains(known, c) {
				errs = append(errs, field(path+"["+strconv.Itoa(i)+"]", "err.unknown_code", map[string]any{"Value": c}))
				continue
			}
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
		return out
	}
	p.Expertise.WSIS = codes("expertise.wsis", p.Expertise.WSIS, domain.ActionLines, true)
	p.Expertise.Technologies = codes("expertise.technologies", p.Expertise.Technologies, domain.Technologies, false)
	p.Expertise.Sectors = codes("expertise.sectors", p.Expertise.Sectors, domain.Sectors, true)
	p.Expertise.Regions = codes("expertise.regions", p.Expertise.Regions, domain.Regions, false)
	var langs []string
	for i, l := range p.Languages {
		tag, err := language.Parse(strings.TrimSpace(l))
		if base, conf := tag.Base(); err != nil || conf != language.Exact {
			errs = append(errs, field("languages["+strconv.Itoa(i)+"]", "err.bad_language", map[string]any{"Value": l}))
		} else if b := base.String(); !slices.Contains(langs, b) {
			langs = append(langs, b)
		}
	}
	p.Languages = langs
	if p.MaxLoad != nil && (*p.MaxLoad < 0 || *p.MaxLoad > maxLoadLimit) {
		errs = append(errs, field("max_load", "review.err.range", map[string]any{"Min": 0, "Max": maxLoadLimit}))
	}
	var orgs []string
	for i, o := range p.Conflicts.Organisations {
		o = cleanText(o)
		if o == "" || slices.Contains(orgs, o) {
			continue
		}
		checkLen(&errs, "conflicts.organisations["+strconv.Itoa(i)+"]", o, 200)
		orgs = append(orgs, o)
	}
	if len(orgs) > 50 {
		errs = append(errs, field("conflicts.organisations", "err.too_many", map[string]any{"Max": 50, "Count": len(orgs)}))
	}
	p.Conflicts.Organisations = orgs
	var cases []string
	for i, c := range p.Conflicts.Cases {
		c = strings.ToUpper(strings.TrimSpace(c))
		if !caseIDRE.MatchString(c) {
			errs = append(errs, field("conflicts.cases["+strconv.Itoa(i)+"]", "err.unknown_code", map[string]any{"Value": c}))
		} else if !slices.Contains(cases, c) {
			cases = append(cases, c)
		}
	}
	p.Conflicts.Cases = cases
	return errs
}

// invitable reports whether a call's panel may still change.
func (a *App) invitable(call store.Call) bool {
	switch a.Phase(call) {
	case domain.PhaseDecided, domain.PhasePublished:
		return false
	}
	return true
}

// InviteReviewer invites someone to review for a call (secretariat): it
// mails a one-time link to accept or decline. Inviting again someone who
// has not accepted sends a new link and updates the declarations.
func (a *App) InviteReviewer(ctx context.Context, actor Actor, slug string, in Invitation) (PanelMember, error) {
	if err := requireStaff(actor); err != nil {
		return PanelMember{}, err
	}
	in.Email, in.Name = normEmail(in.Email), cleanText(in.Name)
	var errs domain.Errors
	if !checkEmail(in.Email) {
		errs = append(errs, field("email", "account.err.email_invalid", nil))
	}
	checkProfile(in.Name, "", "", "", &errs)
	if in.Language != "" && !isLang(in.Language) {
		errs = append(errs, field("language", "err.unknown_code", map[string]any{"Value": in.Language}))
	}
	if in.MaxLoad == 0 {
		in.MaxLoad = defaultMaxLoad
	}
	p := ReviewerProfile{Expertise: in.Expertise, Languages: in.Languages, MaxLoad: &in.MaxLoad, Conflicts: in.Conflicts}
	errs = append(errs, cleanProfile(&p)...)
	if len(errs) > 0 {
		return PanelMember{}, invalid(errs)
	}
	var out PanelMember
	err := a.DB.Transact(ctx, func(tx *store.DB) error {
		call, err := tx.CallBySlug(ctx, slug)
		if err != nil {
			return notFound(err)
		}
		if !a.invitable(call) {
			return errPhase
		}
		lang := in.Language
		if u, err := tx.UserByEmail(ctx, in.Email); err == nil && lang == "" && isLang(u.Language) {
			lang = u.Language
		} else if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if lang == "" {
			lang = "en"
		}
		if len(p.Languages) == 0 {
			p.Languages = []string{lang}
		}
		tok, hash := NewToken()
		now := a.now()
		exp := now.Add(invitationLifetime)
		m, err := tx.PanelMemberByEmail(ctx, call.ID, in.Email)
		switch {
		case errors.Is(err, store.ErrNotFound):
			m = store.PanelMember{CallID: call.ID, Email: in.Email}
		case err != nil:
			return err
		case !domain.CanMoveInvitation(m.State, domain.InvitationInvited):
			return errAlreadyMember
		}
		from := m.State
		by := actor.ID
		m.Name, m.State, m.Language = in.Name, domain.InvitationInvited, lang
		m.Expertise, m.Languages, m.MaxLoad = p.Expertise, p.Languages, *p.MaxLoad
		m.ConflictOrgs, m.ConflictCases = p.Conflicts.Organisations, p.Conflicts.Cases
		m.InviteHash, m.InviteExpiresAt, m.InvitedBy, m.InvitedAt, m.RespondedAt = hash, &exp, &by, now, nil
		if m.ID == 0 {
			err = tx.CreatePanelMember(ctx, &m)
		} else {
			err = tx.UpdatePanelMember(ctx, m)
		}
		if err != nil {
			return err
		}
		if err := a.audit(ctx, tx, actor, "panel", idString(m.ID), "invite", from, m.State, call.Slug+" "+m.Email); err != nil {
			return err
		}
		loc, _ := time.LoadLocation(call.Timezone)
		msg := a.Mail.Invitation(lang, m.Email, m.Name, mail.InvitationData{
			Call:    localText(call.Title, lang),
			Link:    a.link(lang, "/review/invitation?token="+tok),
			Expires: a.Cat.Localizer(lang).FormatDate(exp, loc),
		})
		out = panelMemberOf(m, call.Slug)
		return a.enqueue(ctx, tx, msg)
	})
	if err != nil {
		return PanelMember{}, err
	}
	a.Notify()
	return out, nil
}

// Ways of accepting an invitation, as InvitationView.Accept gives them.
const (
	// AcceptCreate: no account has the invited address; accepting creates
	// one, with a password.
	AcceptCreate = "create"
	// AcceptLink: the reader is signed in with the invited address;
	// accepting adds the call to that account.
	AcceptLink = "link"
	// AcceptSignIn: an account has the invited address; the reader must
	// sign in to it first.
	AcceptSignIn = "signin"
	// AcceptOther: the reader is signed in with another address and
	// cannot accept.
	AcceptOther = "other"
)

// InvitationView is what the holder of an invitation link may know of it:
// the call, whom it was sent to, until when it works, and how accepting
// would go for the reader. Nothing of what the secretariat declared for
// the reviewer is shown.
type InvitationView struct {
	Call      string          `json:"call"`
	CallTitle store.LocalText `json:"call_title"`
	Email     string          `json:"email"`
	Name      string          `json:"name"`
	// State is the invitation's: always invited, since an answered or
	// expired link no longer opens anything.
	State string `json:"state"`
	// HasAccount says whether accepting links an existing account (no
	// password needed) or creates one (a password is needed).
	HasAccount bool      `json:"has_account"`
	ExpiresAt  time.Time `json:"expires_at"`
	// Accept is how the reader may accept: AcceptCreate, AcceptLink,
	// AcceptSignIn or AcceptOther.
	Accept string `json:"accept"`
}

// openInvitation finds the open invitation of a token.
func (a *App) openInvitation(ctx context.Context, tx *store.DB, token string) (store.PanelMember, error) {
	if token == "" {
		return store.PanelMember{}, errInvitation
	}
	m, err := tx.PanelMemberByInvite(ctx, HashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return store.PanelMember{}, errInvitation
	}
	if err != nil {
		return store.PanelMember{}, err
	}
	if m.State != domain.InvitationInvited || m.InviteExpiresAt == nil || !a.now().Before(*m.InviteExpiresAt) {
		return store.PanelMember{}, errInvitation
	}
	return m, nil
}

// acceptMode is how actor may accept an invitation to email, given
// whether an account has that address.
func acceptMode(actor Actor, email string, hasAccount bool) string {
	switch {
	case actor != nil && strings.EqualFold(actor.Email, email):
		return AcceptLink
	case actor != nil:
		return AcceptOther
	case hasAccount:
		return AcceptSignIn
	}
	return AcceptCreate
}

// checkAcceptMode refuses the ways of accepting that are not allowed: with
// another account, or without signing in to the invited address's
// account.
func checkAcceptMode(mode, email string) error {
	switch mode {
	case AcceptOther:
		return &Error{Kind: KindForbidden, Key: "review.err.invitation_other_account", Args: map[string]any{"Email": email}}
	case AcceptSignIn:
		return errSignInFirst
	}
	return nil
}

// Invitation describes the open invitation of a link's token to its
// reader (nil when not signed in).
func (a *App) Invitation(ctx context.Context, actor Actor, token string) (InvitationView, error) {
	m, err := a.openInvitation(ctx, a.DB, token)
	if err != nil {
		return InvitationView{}, err
	}
	call, err := a.DB.CallByID(ctx, m.CallID)
	if err != nil {
		return InvitationView{}, err
	}
	_, err = a.DB.UserByEmail(ctx, m.Email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return InvitationView{}, err
	}
	has := err == nil
	return InvitationView{Call: call.Slug, CallTitle: call.Title, Email: m.Email, Name: m.Name, State: m.State,
		HasAccount: has, ExpiresAt: *m.InviteExpiresAt, Accept: acceptMode(actor, m.Email, has)}, nil
}

// AcceptInvitationAs accepts an invitation for actor, by the rules of
// InvitationView.Accept: signed in with the invited address, it links
// that account (the password is ignored); not signed in, it creates a
// verified reviewer account with password (the link proves the address),
// unless the address already has an account, which must sign in first;
// signed in with another address, it is refused. It returns the account,
// so that the caller can sign it in.
func (a *App) AcceptInvitationAs(ctx context.Context, actor Actor, token, password string) (store.User, PanelMember, error) {
	view, err := a.Invitation(ctx, actor, token)
	if err != nil {
		return store.User{}, PanelMember{}, err
	}
	if err := checkAcceptMode(view.Accept, view.Email); err != nil {
		return store.User{}, PanelMember{}, err
	}
	// Hash outside the transaction: it is slow on purpose.
	var hash string
	if view.Accept == AcceptCreate {
		if password == "" {
			return store.User{}, PanelMember{}, invalid(domain.Errors{field("password", "review.err.password_required", map[string]any{"Min": MinPasswordLen})})
		}
		var errs domain.Errors
		checkPassword(password, password, false, &errs)
		if len(errs) > 0 {
			return store.User{}, PanelMember{}, invalid(errs)
		}
		if hash, err = HashPassword(password); err != nil {
			return store.User{}, PanelMember{}, err
		}
	}
	var u store.User
	var out PanelMember
	err = a.DB.Transact(ctx, func(tx *store.DB) error {
		m, err := a.openInvitation(ctx, tx, token)
		if err != nil {
			return err
		}
		now := a.now()
		u, err = tx.UserByEmail(ctx, m.Email)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		exists := err == nil
		// Check again: an account may have been made for the address since.
		if err := checkAcceptMode(acceptMode(actor, m.Email, exists), m.Email); err != nil {
			return err
		}
		switch {
		case !exists:
			u = store.User{Email: m.Email, Name: m.Name, Role: store.RoleReviewer, PasswordHash: hash, VerifiedAt: &now,
				Language: m.Language, CreatedAt: now}
			if err := tx.CreateUser(ctx, &u); err != nil {
				return err
			}
			if err := a.audit(ctx, tx, &u, "user", itoa(u.ID), "create", "", u.Role, "invitation to review"); err != nil {
				return err
			}
		case u.VerifiedAt == nil:
			// The invitation link proves the address as well as a
			// verification link would.
			u.VerifiedAt = &now
			if err := tx.UpdateUser(ctx, u); err != nil {
				return err
			}
		}
		uid := u.ID
		m.UserID, m.State, m.InviteHash, m.InviteExpiresAt, m.RespondedAt = &uid, domain.InvitationAccepted, "", nil, &now
		if err := tx.UpdatePanelMember(ctx, m); err != nil {
			if isStoreConflict(err) {
				return errAlreadyMember
			}
			return err
		}
		call, err := tx.CallByID(ctx, m.CallID)
		if err != nil {
			return err
		}
		out = panelMemberOf(m, call.Slug)
		return a.audit(ctx, tx, &u, "panel", idString(m.ID), "accept", domain.InvitationInvited, m.State, call.Slug)
	})
	if err != nil {
		return store.User{}, PanelMember{}, err
	}
	return u, out, nil
}

// AcceptInvitation accepts an invitation as the owner of the invited
// address: it links that address's account as if it were signed in, or
// creates the account with password. The pages and the API use
// AcceptInvitationAs, which knows who asks; this is for the operator's
// tools and fixtures, which hold the mailed link on the invitee's behalf.
func (a *App) AcceptInvitation(ctx context.Context, token, password string) (store.User, PanelMember, error) {
	view, err := a.Invitation(ctx, nil, token)
	if err != nil {
		return store.User{}, PanelMember{}, err
	}
	var actor Actor
	if view.HasAccount {
		u, err := a.DB.UserByEmail(ctx, view.Email)
		if err != nil {
			return store.User{}, PanelMember{}, err
		}
		actor = &u
	}
	return a.AcceptInvitationAs(ctx, actor, token, password)
}

// Replacement is someone suggested for a call's panel by a reviewer who
// declines.
type Replacement struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Decline is a reviewer's answer when declining an invitation: why (if
// they wish), and someone else to invite.
type Decline struct {
	Reason      string       `json:"reason,omitempty"`
	Replacement *Replacement `json:"suggested_replacement,omitempty"`
}

// Limits of what a decline holds.
const (
	maxDeclineReason = 1000
	maxNameChars     = 200
)

// clean normalises d and returns what is wrong with it; invitee is the
// invited address, which cannot be suggested.
func (d *Decline) clean(invitee string) domain.Errors {
	var errs domain.Errors
	d.Reason = cleanText(d.Reason)
	checkLen(&errs, "reason", d.Reason, maxDeclineReason)
	if r := d.Replacement; r != nil {
		r.Name, r.Email = cleanText(r.Name), normEmail(cleanText(r.Email))
		switch {
		case r.Name == "" && r.Email == "":
			d.Replacement = nil
			return errs
		case r.Email == "":
			errs = append(errs, field("suggested_replacement.email", "err.required", nil))
		case !checkEmail(r.Email):
			errs = append(errs, field("suggested_replacement.email", "account.err.email_invalid", nil))
		case invitee != "" && r.Email == invitee:
			errs = append(errs, field("suggested_replacement.email", "review.err.suggest_self", nil))
		}
		checkLen(&errs, "suggested_replacement.name", r.Name, maxNameChars)
	}
	return errs
}

// DeclineInvitation declines an invitation, optionally with a reason and
// someone else to invite. Whoever holds the link may decline it.
func (a *App) DeclineInvitation(ctx context.Context, token string, d Decline) error {
	if d.Replacement != nil {
		r := *d.Replacement // clean changes it: leave the caller's alone
		d.Replacement = &r
	}
	if errs := d.clean(""); len(errs) > 0 {
		return invalid(errs)
	}
	return a.DB.Transact(ctx, func(tx *store.DB) error {
		m, err := a.openInvitation(ctx, tx, token)
		if err != nil {
			return err
		}
		if errs := d.clean(m.Email); len(errs) > 0 {
			return invalid(errs)
		}
		now := a.now()
		m.State, m.InviteHash, m.InviteExpiresAt, m.RespondedAt = domain.InvitationDeclined, "", nil, &now
		m.DeclineReason, m.SuggestedName, m.SuggestedEmail = d.Reason, "", ""
		why := d.Reason
		if d.Replacement != nil {
			m.SuggestedName, m.SuggestedEmail = d.Replacement.Name, d.Replacement.Email
			why = strings.TrimSpace(why + " (suggests " + strings.TrimSpace(m.SuggestedName+" <"+m.SuggestedEmail+">") + ")")
		}
		if err := tx.UpdatePanelMember(ctx, m); err != nil {
			return err
		}
		return a.audit(ctx, tx, nil, "panel", idString(m.ID), "decline", domain.InvitationInvited, m.State, why)
	})
}

// memberFor returns the accepted panel member of a call for a reviewer
// account.
func memberFor(ctx context.Context, tx *store.DB, callID, reviewerID int64) (store.PanelMember, error) {
	m, err := tx.PanelMemberByUser(ctx, callID, reviewerID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && m.State != domain.InvitationAccepted) {
		return store.PanelMember{}, errNotMember
	}
	return m, err
}

// UpdateReviewerProfile changes a reviewer's declarations for a call: the
// reviewer for themselves, or the secretariat for any reviewer (by account
// id). Others get NotFound.
func (a *App) UpdateReviewerProfile(ctx context.Context, actor Actor, slug string, reviewerID int64, p ReviewerProfile) (PanelMember, error) {
	if actor == nil {
		return PanelMember{}, errUnauth
	}
	if actor.ID != reviewerID && !isStaff(actor) {
		return PanelMember{}, errNotFound
	}
	if errs := cleanProfile(&p); len(errs) > 0 {
		return PanelMember{}, invalid(errs)
	}
	var out PanelMember
	err := a.DB.Transact(ctx, func(tx *store.DB) error {
		call, err := tx.CallBySlug(ctx, slug)
		if err != nil {
			return notFound(err)
		}
		m, err := memberFor(ctx, tx, call.ID, reviewerID)
		if err != nil {
			if errors.Is(err, errNotMember) && !isStaff(actor) {
				return errNotFound
			}
			return err
		}
		if len(p.Languages) == 0 {
			p.Languages = m.Languages
		}
		before := m.MaxLoad
		if p.MaxLoad != nil {
			m.MaxLoad = *p.MaxLoad
		}
		m.Expertise, m.Languages = p.Expertise, p.Languages
		m.ConflictOrgs, m.ConflictCases = p.Conflicts.Organisations, p.Conflicts.Cases
		if err := tx.UpdatePanelMember(ctx, m); err != nil {
			return err
		}
		out = panelMemberOf(m, call.Slug)
		return a.audit(ctx, tx, actor, "panel", idString(m.ID), "profile", "", "",
			"max_load "+strconv.Itoa(before)+" → "+strconv.Itoa(m.MaxLoad))
	})
	return out, err
}

// SetMaxLoad changes a reviewer's maximum load in a call (secretariat).
// Assignments already made stay; the next run respects the new maximum.
func (a *App) SetMaxLoad(ctx context.Context, actor Actor, slug string, reviewerID int64, n int) (PanelMember, error) {
	if err := requireStaff(actor); err != nil {
		return PanelMember{}, err
	}
	if n < 0 || n > maxLoadLimit {
		return PanelMember{}, invalid(domain.Errors{field("max_load", "review.err.range", map[string]any{"Min": 0, "Max": maxLoadLimit})})
	}
	var out PanelMember
	err := a.DB.Transact(ctx, func(tx *store.DB) error {
		call, err := tx.CallBySlug(ctx, slug)
		if err != nil {
			return notFound(err)
		}
		m, err := memberFor(ctx, tx, call.ID, reviewerID)
		if err != nil {
			return err
		}
		before := m.MaxLoad
		m.MaxLoad = n
		if err := tx.UpdatePanelMember(ctx, m); err != nil {
			return err
		}
		out = panelMemberOf(m, call.Slug)
		return a.audit(ctx, tx, actor, "panel", idString(m.ID), "max_load", strconv.Itoa(before), strconv.Itoa(n), "")
	})
	return out, err
}

// Reviewers lists a call's panel with each reviewer's load and submitted
// reviews (secretariat).
func (a *App) Reviewers(ctx context.Context, actor Actor, slug string) ([]PanelMember, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	call, err := a.Call(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	ms, err := a.DB.ListPanel(ctx, call.ID)
	if err != nil {
		return nil, err
	}
	as, err := a.DB.ListAssignments(ctx, store.AssignmentFilter{CallID: call.ID})
	if err != nil {
		return nil, err
	}
	load, submitted := map[int64]int{}, map[int64]int{}
	for _, x := range as {
		load[x.ReviewerID]++
		if x.ReviewState == domain.ReviewSubmitted {
			submitted[x.ReviewerID]++
		}
	}
	out := make([]PanelMember, len(ms))
	for i, m := range ms {
		out[i] = panelMemberOf(m, call.Slug)
		if m.UserID != nil {
			out[i].Load, out[i].Submitted = load[*m.UserID], submitted[*m.UserID]
		}
	}
	return out, nil
}

// MyPanels lists the calls whose panel the actor has joined, with their
// declarations.
func (a *App) MyPanels(ctx context.Context, actor Actor) ([]PanelMember, error) {
	if actor == nil {
		return nil, errUnauth
	}
	ms, err := a.DB.PanelsOfUser(ctx, actor.ID)
	if err != nil {
		return nil, err
	}
	out := make([]PanelMember, 0, len(ms))
	for _, m := range ms {
		call, err := a.DB.CallByID(ctx, m.CallID)
		if err != nil {
			return nil, err
		}
		out = append(out, panelMemberOf(m, call.Slug))
	}
	return out, nil
}
