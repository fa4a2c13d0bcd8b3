package server

import "testing"

// TestLoggedPath: invitation tokens answered through the API never reach
// the log.
func TestLoggedPath(t *testing.T) {
	for in, want := range map[string]string{
		"/en/cases":                               "/en/cases",
		"/api/v1/invitations/SECRETtoken":         "/api/v1/invitations/…",
		"/api/v1/invitations/SECRETtoken/accept":  "/api/v1/invitations/…/accept",
		"/api/v1/invitations/SECRETtoken/decline": "/api/v1/invitations/…/decline",
		"/api/v1/calls/sme-dx/assignments/auto":   "/api/v1/calls/sme-dx/assignments/auto",
	} {
		if got := loggedPath(in); got != want {
			t.Errorf("loggedPath(%q) = %q, want %q", in, got, want)
		}
	}
}
