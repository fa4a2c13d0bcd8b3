package api

import (
	"net/http"

	"github.com/dxatlas/dxatlas/internal/app"
)

// Invitations to review, for whoever holds the mailed link: its token
// names the invitation. The app applies the same rules as the page behind
// the link: a signed-in caller (a bearer token) accepts for their own
// account only if it has the invited address; an anonymous caller
// creates the reviewer account, unless the address already has one.

// getInvitation describes the open invitation of a token.
func (s *server) getInvitation(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	v, err := s.app.Invitation(r.Context(), rc.actor, r.PathValue("token"))
	if err != nil {
		return err
	}
	v.ExpiresAt = v.ExpiresAt.UTC()
	return writeJSON(w, http.StatusOK, v)
}

// acceptRequest is the body of an acceptance: the password of the account
// it creates, when it creates one.
type acceptRequest struct {
	Password string `json:"password"`
}

// acceptedJSON is the answer to an acceptance: the panel membership, the
// account, and, when the acceptance created the account, a token for it
// (as the page signs the new account in).
type acceptedJSON struct {
	Member  app.PanelMember `json:"member"`
	Account accountJSON     `json:"account"`
	Token   string          `json:"token,omitempty"`
}

// acceptInvitation accepts an invitation.
func (s *server) acceptInvitation(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var in acceptRequest
	if err := readOptionalJSON(w, r, &in); err != nil {
		return err
	}
	u, m, err := s.app.AcceptInvitationAs(r.Context(), rc.actor, r.PathValue("token"), in.Password)
	if err != nil {
		return err
	}
	out := acceptedJSON{Member: panelJSON(m), Account: account(u)}
	if rc.actor == nil {
		if out.Token, err = s.app.IssueToken(r.Context(), u, "invitation"); err != nil {
			return err
		}
	}
	return writeJSON(w, http.StatusOK, out)
}

// declineInvitation declines an invitation, with a reason and someone
// else to invite if the caller gives them.
func (s *server) declineInvitation(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var in app.Decline
	if err := readOptionalJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.app.DeclineInvitation(r.Context(), r.PathValue("token"), in); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
