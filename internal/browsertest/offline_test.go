package browsertest

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/dxatlas/dxatlas/internal/domain"
)

// offline cuts the tab's connection (or restores it).
func offline(off bool) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		command(network.Enable, network.EnableParams{}),
		command(network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{Offline: off, DownloadThroughput: -1, UploadThroughput: -1}},
		}),
	)
}

// TestLostConnection: an applicant's connection drops while they work on
// a case and press Submit. What the site acknowledged (the automatic save
// the form announced) is kept; the form says that it could not save what
// came after; and back online, the form opens with the saved draft.
func TestLostConnection(t *testing.T) {
	t.Parallel()
	s := newSuite(t)
	tb := s.tab(t, applicant, TabOptions{})
	id := s.startCase(t, tb, "en") // the tab is left on the case form
	const title = "Solar cold rooms for the fish traders of Kisumu"
	status := `document.getElementById("save-status")`

	// Typing, then leaving the field, saves the draft in the background.
	tb.Do(t, chromedp.Focus("#f-title"), Type(title), Key(kb.Tab))
	waitFor(t, tb, status+`.textContent !== ""`)
	if msg := Eval[string](t, tb, status+`.textContent`); msg == Eval[string](t, tb, status+`.dataset.offline`) {
		t.Fatalf("the automatic save failed online: %q", msg)
	}
	if got := savedCase(t, s, id).Title; got != title {
		t.Fatalf("after the automatic save the stored title is %q, want %q", got, title)
	}

	// The connection drops: the next automatic save fails and says so,
	// and so does the Submit button's request.
	tb.Do(t, offline(true), chromedp.Focus("#f-summary"), Type("Words typed offline."), Key(kb.Tab))
	waitFor(t, tb, status+`.textContent === `+status+`.dataset.offline`)
	tb.Do(t, chromedp.Click(`main form button[name=action][value=submit]`, chromedp.NodeVisible))
	time.Sleep(500 * time.Millisecond) // the failed navigation

	// Back online: the stored draft is the one acknowledged, not
	// submitted, and the form shows it.
	tb.Do(t, offline(false))
	if st := tb.Open(t, "/en/me/cases/"+id+"/edit"); st != http.StatusOK {
		t.Fatalf("the case form after reconnecting: status %d", st)
	}
	keeps(t, tb, map[string]string{"#f-title": title})
	c, err := s.site.DB.CaseByID(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if c.State != domain.StateDraft || strings.Contains(string(c.Doc), "offline") {
		t.Errorf("after the lost connection the case is %s and holds %s", c.State, c.Doc)
	}
}
