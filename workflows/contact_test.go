package workflows

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/exactsync/exactsync/activities"
	"github.com/exactsync/exactsync/clients/odoo"
)

func newEnv(t *testing.T) *testsuite.TestWorkflowEnvironment {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflow(SyncContact)
	env.RegisterWorkflow(DetectContacts)
	env.RegisterActivity(&activities.Contacts{})
	env.RegisterActivity(&activities.Connections{})
	env.RegisterActivity(&activities.Invoices{})
	env.RegisterActivity(&activities.Payments{})
	return env
}

// noInvoices makes the detector's invoice feed say the connection syncs no invoices.
func noInvoices(env *testsuite.TestWorkflowEnvironment) {
	var v *activities.Invoices
	env.OnActivity(v.ChangedInvoices, mock.Anything, mock.Anything).Return(activities.ChangedInvoices{Off: true}, nil)
}

var in = ContactInput{Connection: "demo", ConnectionID: 1, Division: 1234567, PartnerID: 42}

func mockHappyPath(env *testsuite.TestWorkflowEnvironment, a *activities.Contacts) {
	env.OnActivity(a.FetchPartner, mock.Anything, activities.ContactRef{ConnectionID: 1, PartnerID: 42}).
		Return(activities.FetchedPartner{Partner: odoo.Partner{ID: 42, Name: "Acme"}}, nil)
	env.OnActivity(a.MapContact, mock.Anything, mock.Anything).Return(activities.MappedContact{PartnerID: 42,
		Account: activities.AccountFields{"Name": "Acme"}, Banks: []activities.BankPayload{{OdooID: 7, IBAN: "NL91ABNA0417164300"}}}, nil)
	env.OnActivity(a.UpsertAccount, mock.Anything, mock.Anything).Return(activities.UpsertResult{ExactID: "guid-1", ExactCode: "ODOO42", Action: activities.ActionCreated}, nil)
}

func TestSyncContactHappyPath(t *testing.T) {
	env := newEnv(t)
	var a *activities.Contacts
	mockHappyPath(env, a)
	env.OnActivity(a.SyncBankAccounts, mock.Anything, mock.MatchedBy(func(b activities.BanksInput) bool {
		return b.ExactID == "guid-1" && b.NewAccount && len(b.Banks) == 1
	})).Return(activities.BanksResult{Created: 1}, nil).Once()
	env.OnActivity(a.WriteBackPartner, mock.Anything, activities.WriteBackInput{ConnectionID: 1, PartnerID: 42, ExactID: "guid-1", ExactCode: "ODOO42"}).
		Return(true, nil).Once()

	env.ExecuteWorkflow(SyncContact, in)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var got ContactResult
	if err := env.GetWorkflowResult(&got); err != nil {
		t.Fatal(err)
	}
	if got.State != StateSynced || got.Action != activities.ActionCreated || got.ExactID != "guid-1" || got.Banks.Created != 1 || got.Passes != 1 {
		t.Errorf("result = %+v", got)
	}
	env.AssertExpectations(t)
}

func TestSyncContactSkipsWithoutTouchingExact(t *testing.T) {
	env := newEnv(t)
	var a *activities.Contacts
	env.OnActivity(a.FetchPartner, mock.Anything, mock.Anything).Return(activities.FetchedPartner{Skip: true, Reason: "the partner is archived in Odoo"}, nil)
	env.ExecuteWorkflow(SyncContact, in)
	var got ContactResult
	if err := env.GetWorkflowResult(&got); err != nil {
		t.Fatal(err)
	}
	if got.State != StateSkipped || got.Reason == "" {
		t.Errorf("result = %+v, want skipped with a reason", got)
	}
	env.AssertNotCalled(t, "UpsertAccount", mock.Anything, mock.Anything)
}

func TestSyncContactDataErrorStopsWithoutRetry(t *testing.T) {
	env := newEnv(t)
	var a *activities.Contacts
	env.OnActivity(a.FetchPartner, mock.Anything, mock.Anything).Return(activities.FetchedPartner{Partner: odoo.Partner{ID: 42}}, nil)
	calls := 0
	env.OnActivity(a.MapContact, mock.Anything, mock.Anything).Return(func(_ context.Context, _ activities.MapInput) (activities.MappedContact, error) {
		calls++
		_, err := activities.MapPartner(odoo.Partner{ID: 42}, nil)
		return activities.MappedContact{}, activities.Classify(err)
	})
	env.ExecuteWorkflow(SyncContact, in)
	err := env.GetWorkflowError()
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.Type() != activities.ErrTypeData {
		t.Fatalf("err = %v, want a DataError", err)
	}
	if calls != 1 {
		t.Errorf("MapContact ran %d times, want 1 (data errors are not retried)", calls)
	}
}

func TestSyncContactTransientErrorRetries(t *testing.T) {
	env := newEnv(t)
	var a *activities.Contacts
	mockHappyPath(env, a)
	attempts := 0
	env.OnActivity(a.SyncBankAccounts, mock.Anything, mock.Anything).Return(func(_ context.Context, _ activities.BanksInput) (activities.BanksResult, error) {
		attempts++
		if attempts < 3 {
			return activities.BanksResult{}, temporal.NewApplicationError("exact: 503", activities.ErrTypeTransient)
		}
		return activities.BanksResult{Created: 1}, nil
	})
	env.OnActivity(a.WriteBackPartner, mock.Anything, mock.Anything).Return(true, nil)
	env.ExecuteWorkflow(SyncContact, in)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if attempts != 3 {
		t.Errorf("SyncBankAccounts attempts = %d, want 3", attempts)
	}
}

// An app whose client ID or secret Exact refuses pauses the connection too, and the pause says why: the
// reason is the error's own, not a fixed text about refresh tokens.
func TestSyncContactRefusedAppPausesWithItsReason(t *testing.T) {
	env := newEnv(t)
	var a *activities.Contacts
	var c *activities.Connections
	const why = "the app's client ID or secret is refused: fix EXACT_CLIENT_ID/EXACT_CLIENT_SECRET and `starter connect exact`"
	env.OnActivity(a.FetchPartner, mock.Anything, mock.Anything).Return(activities.FetchedPartner{Partner: odoo.Partner{ID: 42, Name: "Acme"}}, nil)
	env.OnActivity(a.MapContact, mock.Anything, mock.Anything).Return(activities.MappedContact{PartnerID: 42}, nil)
	env.OnActivity(a.UpsertAccount, mock.Anything, mock.Anything).Return(activities.UpsertResult{},
		temporal.NewNonRetryableApplicationError(why, activities.ErrTypeReconsent, nil))
	env.OnActivity(c.PauseConnection, mock.Anything, mock.MatchedBy(func(p activities.PauseInput) bool {
		return p.Reason == why
	})).Return(nil).Once()
	env.ExecuteWorkflow(SyncContact, in)
	if env.GetWorkflowError() == nil {
		t.Fatal("want the run to fail")
	}
	env.AssertExpectations(t)
}

func TestSyncContactDeadTokenPausesTheConnection(t *testing.T) {
	env := newEnv(t)
	var a *activities.Contacts
	var c *activities.Connections
	env.OnActivity(a.FetchPartner, mock.Anything, mock.Anything).Return(activities.FetchedPartner{Partner: odoo.Partner{ID: 42, Name: "Acme"}}, nil)
	env.OnActivity(a.MapContact, mock.Anything, mock.Anything).Return(activities.MappedContact{PartnerID: 42}, nil)
	env.OnActivity(a.UpsertAccount, mock.Anything, mock.Anything).Return(activities.UpsertResult{},
		temporal.NewNonRetryableApplicationError("Exact no longer accepts this connection's tokens", activities.ErrTypeReconsent, nil))
	env.OnActivity(c.PauseConnection, mock.Anything, mock.MatchedBy(func(p activities.PauseInput) bool {
		return p.ConnectionID == 1 && len(p.ScheduleIDs) == 2 && p.ScheduleIDs[0] == DetectScheduleID("demo") && p.ScheduleIDs[1] == PullScheduleID("demo")
	})).Return(nil).Once()
	env.ExecuteWorkflow(SyncContact, in)
	var app *temporal.ApplicationError
	if err := env.GetWorkflowError(); !errors.As(err, &app) || app.Type() != activities.ErrTypeReconsent {
		t.Fatalf("err = %v, want ReconsentNeeded", err)
	}
	env.AssertExpectations(t)
}

func TestSyncContactCoalescesSignalsIntoAnotherPass(t *testing.T) {
	env := newEnv(t)
	var a *activities.Contacts
	mockHappyPath(env, a)
	env.OnActivity(a.SyncBankAccounts, mock.Anything, mock.Anything).Return(activities.BanksResult{}, nil)
	writeBacks := 0
	env.OnActivity(a.WriteBackPartner, mock.Anything, mock.Anything).Return(func(_ context.Context, _ activities.WriteBackInput) (bool, error) {
		writeBacks++
		if writeBacks == 1 {
			// Three notifications arrive while the first pass runs: they make one more pass, not three.
			for range 3 {
				env.SignalWorkflow(SignalPartnerChanged, nil)
			}
		}
		return true, nil
	})
	env.ExecuteWorkflow(SyncContact, in)
	var got ContactResult
	if err := env.GetWorkflowResult(&got); err != nil {
		t.Fatal(err)
	}
	if got.Passes != 2 || writeBacks != 2 {
		t.Errorf("passes = %d, write-backs = %d; want 2 and 2", got.Passes, writeBacks)
	}
}

func TestDetectContactsAdvancesTheCursorAfterStarting(t *testing.T) {
	env := newEnv(t)
	var a *activities.Contacts
	var order []string
	pages := []activities.ChangedPartners{
		{PartnerIDs: []int64{1, 2}, Cursors: []activities.NamedCursor{{Name: "p", Value: "2026-01-01 00:00:00|2"}}, More: true},
		{PartnerIDs: nil, Cursors: []activities.NamedCursor{{Name: "p", Value: "2026-01-01 00:00:01|9"}}, More: false},
	}
	page := 0
	env.OnActivity(a.ChangedPartners, mock.Anything, mock.Anything).Return(func(_ context.Context, _ activities.ChangedPartnersInput) (activities.ChangedPartners, error) {
		p := pages[page]
		page++
		order = append(order, "changed")
		return p, nil
	})
	env.OnActivity(a.EnqueueContactSyncs, mock.Anything, activities.EnqueueInput{ConnectionID: 1, PartnerIDs: []int64{1, 2}}).
		Return(func(_ context.Context, _ activities.EnqueueInput) error { order = append(order, "enqueue"); return nil }).Once()
	env.OnActivity(a.SaveCursor, mock.Anything, mock.Anything).Return(func(_ context.Context, c activities.CursorInput) error {
		order = append(order, "cursor "+c.Cursors[0].Value)
		return nil
	})
	noInvoices(env)
	env.ExecuteWorkflow(DetectContacts, DetectInput{Connection: "demo", ConnectionID: 1})
	var got DetectResult
	if err := env.GetWorkflowResult(&got); err != nil {
		t.Fatal(err)
	}
	want := []string{"changed", "enqueue", "cursor 2026-01-01 00:00:00|2", "changed", "cursor 2026-01-01 00:00:01|9"}
	if len(order) != len(want) {
		t.Fatalf("order = %v, want %v", order, want)
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("order = %v, want %v", order, want)
		}
	}
	if got.Pages != 2 || got.Started != 2 {
		t.Errorf("result = %+v", got)
	}
}

func TestDetectContactsFailedStartKeepsTheCursor(t *testing.T) {
	env := newEnv(t)
	var a *activities.Contacts
	env.OnActivity(a.ChangedPartners, mock.Anything, mock.Anything).Return(activities.ChangedPartners{PartnerIDs: []int64{1}, Cursors: []activities.NamedCursor{{Name: "p", Value: "x|1"}}}, nil)
	env.OnActivity(a.EnqueueContactSyncs, mock.Anything, mock.Anything).Return(temporal.NewNonRetryableApplicationError("no", activities.ErrTypeConfig, nil))
	env.ExecuteWorkflow(DetectContacts, DetectInput{Connection: "demo", ConnectionID: 1})
	if env.GetWorkflowError() == nil {
		t.Fatal("want an error")
	}
	env.AssertNotCalled(t, "SaveCursor", mock.Anything, mock.Anything)
}

func TestIDs(t *testing.T) {
	if got, want := ContactWorkflowID("demo", 42), "contact/demo/res.partner/42"; got != want {
		t.Errorf("ContactWorkflowID = %q, want %q", got, want)
	}
	if got, want := DetectScheduleID("demo"), "detect-contacts/demo"; got != want {
		t.Errorf("DetectScheduleID = %q, want %q", got, want)
	}
}

// A sweep (--from-start) carries its own cursors from page to page and never stores them, so a scheduled
// detector running at the same time cannot move it, nor have its own cursor overwritten by it.
func TestDetectContactsSweepCarriesItsOwnCursors(t *testing.T) {
	env := newEnv(t)
	var a *activities.Contacts
	var inputs []activities.ChangedPartnersInput
	pages := []activities.ChangedPartners{
		{PartnerIDs: []int64{1}, Cursors: []activities.NamedCursor{{Name: "p", Value: "2026-01-01 00:00:00|1"}}, More: true},
		{PartnerIDs: []int64{2}, Cursors: []activities.NamedCursor{{Name: "p", Value: "2026-01-01 00:00:05|2"}}},
	}
	env.OnActivity(a.ChangedPartners, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.ChangedPartnersInput) (activities.ChangedPartners, error) {
		inputs = append(inputs, in)
		return pages[len(inputs)-1], nil
	})
	env.OnActivity(a.EnqueueContactSyncs, mock.Anything, mock.Anything).Return(nil)
	noInvoices(env)
	env.ExecuteWorkflow(DetectContacts, DetectInput{Connection: "demo", ConnectionID: 1, FromStart: true})
	var got DetectResult
	if err := env.GetWorkflowResult(&got); err != nil {
		t.Fatal(err)
	}
	if len(inputs) != 2 || !inputs[0].Sweeping || len(inputs[0].Cursors) != 0 || !inputs[1].Sweeping ||
		len(inputs[1].Cursors) != 1 || inputs[1].Cursors[0].Value != "2026-01-01 00:00:00|1" {
		t.Errorf("ChangedPartners inputs = %+v, want a sweep from the beginning, then from the first page's cursors", inputs)
	}
	if got.Started != 2 {
		t.Errorf("started %d, want 2", got.Started)
	}
	env.AssertNotCalled(t, "SaveCursor", mock.Anything, mock.Anything)
}

// A burst of edits while a pass runs (30 in 10 seconds) is one more pass once the partner stays unchanged for a
// moment, not one pass per edit; a partner that never stops changing still goes out about once a minute.
func TestSyncContactCoalescesABurst(t *testing.T) {
	tests := []struct {
		name      string
		signals   int
		every     time.Duration
		minPasses int
		maxPasses int
	}{
		{"30 edits in 10 s", 30, 333 * time.Millisecond, 2, 2},
		{"an edit every 2 s for 3 minutes", 90, 2 * time.Second, 3, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t)
			var a *activities.Contacts
			mockHappyPath(env, a)
			env.OnActivity(a.SyncBankAccounts, mock.Anything, mock.Anything).Return(activities.BanksResult{}, nil)
			upserts := 0
			env.OnActivity(a.WriteBackPartner, mock.Anything, mock.Anything).Return(func(_ context.Context, _ activities.WriteBackInput) (bool, error) {
				upserts++
				if upserts == 1 {
					env.SignalWorkflow(SignalPartnerChanged, nil) // the burst starts while the first pass runs
					for i := 1; i < tt.signals; i++ {
						env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalPartnerChanged, nil) }, time.Duration(i)*tt.every)
					}
				}
				return true, nil
			})
			start := env.Now()
			env.ExecuteWorkflow(SyncContact, in)
			var got ContactResult
			if err := env.GetWorkflowResult(&got); err != nil {
				t.Fatal(err)
			}
			if last := time.Duration(tt.signals-1) * tt.every; env.Now().Sub(start) < last {
				t.Errorf("the run ended after %s, before the last edit at %s: later edits would start runs of their own", env.Now().Sub(start), last)
			}
			if upserts < tt.minPasses || upserts > tt.maxPasses || got.Passes != upserts {
				t.Errorf("%d signals: %d passes (result says %d), want %d to %d", tt.signals, upserts, got.Passes, tt.minPasses, tt.maxPasses)
			}
		})
	}
}
