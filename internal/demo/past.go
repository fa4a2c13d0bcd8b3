package demo

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
)

// The sample file holds seven cases per language. The last of each seven
// goes to the open call, as the applicants' work in progress; the other
// six of each language were selected in the past call and are published,
// so that a newcomer lands on a living library.

// casesPerLanguage is how many sample cases each language has, in a row.
const casesPerLanguage = 7

// inOpenCall reports whether sample case i (from 0) belongs to the open
// call rather than to the past call's published results.
func inOpenCall(i int) bool { return i%casesPerLanguage == casesPerLanguage-1 }

// seedPastCall creates the 2025 call, closed since, and publishes its
// selected cases through the importer — one import per owner, so that
// the demo applicants own them — which indexes them for the library.
func seedPastCall(ctx context.Context, a *app.App, sec store.User, owners []store.User) error {
	spec, err := PastCall()
	if err != nil {
		return err
	}
	// 3 March 2025, 09:00, to 30 June 2025, 23:59:59, Geneva time (CET,
	// then CEST), written in UTC so that no zone database is needed.
	opens := time.Date(2025, time.March, 3, 8, 0, 0, 0, time.UTC)
	closes := time.Date(2025, time.June, 30, 21, 59, 59, 0, time.UTC)
	call, err := a.CreateCall(ctx, &sec, callInput(spec, opens, closes))
	if err != nil {
		return err
	}
	lines := CaseLines()
	for o, owner := range owners {
		var mine [][]byte
		for i, line := range lines {
			if !inOpenCall(i) && i%len(owners) == o {
				mine = append(mine, line)
			}
		}
		rep, err := a.Import(ctx, &sec, spec.Slug, bytes.NewReader(bytes.Join(mine, []byte("\n"))),
			app.ImportOptions{Owner: owner.Email, Publish: true})
		if err != nil {
			return err
		}
		if len(rep.Rejected) > 0 {
			return fmt.Errorf("line %d rejected: %v", rep.Rejected[0].Line, rep.Rejected[0].Reasons)
		}
	}
	// Its review is over and its results are out.
	now := a.Now().UTC()
	if err := a.DB.SetCallPhase(ctx, call.ID, domain.PhasePublished, now); err != nil {
		return err
	}
	uid := sec.ID
	return a.DB.AddAudit(ctx, store.AuditEntry{At: now, ActorID: &uid, Entity: "call", EntityID: call.Slug, Action: "phase",
		From: domain.PhaseClosed, To: domain.PhasePublished, Reason: "demo: results published"})
}
