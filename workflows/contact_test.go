package workflows

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

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

// onStop runs check once the sync waits for a fix (the test environment skips ahead to it), with the Stop
// QueryStop answers. A check that does not retry cancels the run (the Web UI's Cancel), which ends it.
func onStop(t *testing.T, env *testsuite.TestWorkflowEnvironment, check func(Stop)) {
	t.Helper()
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(QueryStop)
		if err != nil {
			t.Errorf("query %s: %v", QueryStop, err)
			return
		}
		var st Stop
		if err := v.Get(&st); err != nil {
			t.Errorf("query %s: %v", QueryStop, err)
			return
		}
		check(st)
	}, time.Hour)
}

// refusedEnv is a test environment in which the mapping refuses partner 42 on every pass (a data error: no
// country); calls counts the passes.
func refusedEnv(t *testing.T) (*testsuite.TestWorkflowEnvironment, *int) {
	env := newEnv(t)
	var a *activities.Contacts
	env.OnActivity(a.FetchPartner, mock.Anything, mock.Anything).Return(activities.FetchedPartner{Partner: odoo.Partner{ID: 42}}, nil)
	calls := new(int)
	env.OnActivity(a.MapContact, mock.Anything, mock.Anything).Return(func(_ context.Context, _ activities.MapInput) (activities.MappedContact, error) {
		*calls++
		_, err := activities.MapPartner(odoo.Partner{ID: 42}, nil)
		return activities.MappedContact{}, activities.Classify(err)
	})
	return env, calls
}

// A data error is not retried by Temporal: the run waits for a fix with the reason and the Problem, and the retry
// signal (what the Web UI's "Send signal" and `starter retry` send) makes the same run sync again.
func TestSyncContactDataErrorWaitsForAFixInItsRun(t *testing.T) {
	env := newEnv(t)
	var a *activities.Contacts
	env.OnActivity(a.FetchPartner, mock.Anything, mock.Anything).Return(activities.FetchedPartner{Partner: odoo.Partner{ID: 42}}, nil)
	calls := 0
	env.OnActivity(a.MapContact, mock.Anything, mock.Anything).Return(func(_ context.Context, _ activities.MapInput) (activities.MappedContact, error) {
		calls++
		if calls == 1 {
			_, err := activities.MapPartner(odoo.Partner{ID: 42}, nil)
			return activities.MappedContact{}, activities.Classify(err)
		}
		return activities.MappedContact{PartnerID: 42, Account: activities.AccountFields{"Name": "Acme"}}, nil
	})
	env.OnActivity(a.UpsertAccount, mock.Anything, mock.Anything).Return(activities.UpsertResult{ExactID: "guid-1", ExactCode: "ODOO42", Action: activities.ActionCreated}, nil)
	env.OnActivity(a.WriteBackPartner, mock.Anything, mock.Anything).Return(true, nil)
	stopped := false
	onStop(t, env, func(st Stop) {
		stopped = true
		if st.State != StateWaiting || st.Class != activities.ErrTypeData || st.Problem == nil || st.Problem.Code != "partner.no_name" ||
			!strings.Contains(st.Reason, "Fix:") || !strings.Contains(st.Reason, "Oplossing:") {
			t.Errorf("stop = %+v, want waiting on the data error with its bilingual fix", st)
		}
		if calls != 1 {
			t.Errorf("MapContact ran %d times before the retry, want 1 (data errors are not retried)", calls)
		}
		env.SignalWorkflow(SignalRetry, nil)
	})
	env.ExecuteWorkflow(SyncContact, in)
	var got ContactResult
	if err := env.GetWorkflowResult(&got); err != nil {
		t.Fatal(err)
	}
	if !stopped || calls != 2 || got.State != StateSynced || got.ExactCode != "ODOO42" {
		t.Errorf("stopped %v, MapContact ran %d times, result %+v; want one stop, then synced by the retry", stopped, calls, got)
	}
}

// The next change of the partner wakes a sync waiting for a fix, as a retry does; a retry that only repeats the
// same refusal stops the run again, with the count of retries.
func TestSyncContactWaitingWakesOnTheNextChange(t *testing.T) {
	env, calls := refusedEnv(t)
	var seen []Stop
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalPartnerChanged, nil) }, time.Hour)
	for _, at := range []time.Duration{30 * time.Minute, 2 * time.Hour} {
		env.RegisterDelayedCallback(func() {
			v, err := env.QueryWorkflow(QueryStop)
			if err != nil {
				t.Fatal(err)
			}
			var st Stop
			if err := v.Get(&st); err != nil {
				t.Fatal(err)
			}
			seen = append(seen, st)
		}, at)
	}
	env.RegisterDelayedCallback(env.CancelWorkflow, 3*time.Hour)
	env.ExecuteWorkflow(SyncContact, in)
	if err := env.GetWorkflowError(); !temporal.IsCanceledError(err) {
		t.Fatalf("the run ended with %v; it must wait for a fix until cancelled", err)
	}
	if *calls != 2 || len(seen) != 2 || seen[0].State != StateWaiting || seen[1].State != StateWaiting || seen[0].Retries != 0 || seen[1].Retries != 1 {
		t.Errorf("MapContact ran %d times, stops %+v; want 2 and two stops, the second after one retry", *calls, seen)
	}
}

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
	var st Stop
	onStop(t, env, func(s Stop) { st = s; env.CancelWorkflow() })
	env.ExecuteWorkflow(SyncContact, in)
	if !temporal.IsCanceledError(env.GetWorkflowError()) || st.State != StatePaused || st.Reason != why {
		t.Fatalf("run ended with %v, stop %+v; want the run paused with the refusal's reason until cancelled", env.GetWorkflowError(), st)
	}
	env.AssertExpectations(t)
}

// A dead token pauses the connection and both its schedules once; the run waits, paused, and `starter resume`'s
// retry makes it sync.
func TestSyncContactDeadTokenPausesTheConnection(t *testing.T) {
	env := newEnv(t)
	var a *activities.Contacts
	var c *activities.Connections
	env.OnActivity(a.FetchPartner, mock.Anything, mock.Anything).Return(activities.FetchedPartner{Partner: odoo.Partner{ID: 42, Name: "Acme"}}, nil)
	env.OnActivity(a.MapContact, mock.Anything, mock.Anything).Return(activities.MappedContact{PartnerID: 42}, nil)
	upserts := 0
	env.OnActivity(a.UpsertAccount, mock.Anything, mock.Anything).Return(func(context.Context, activities.UpsertInput) (activities.UpsertResult, error) {
		upserts++
		if upserts == 1 {
			return activities.UpsertResult{}, temporal.NewNonRetryableApplicationError("Exact no longer accepts this connection's tokens", activities.ErrTypeReconsent, nil)
		}
		return activities.UpsertResult{ExactID: "guid-1", ExactCode: "ODOO42", Action: activities.ActionCreated}, nil
	})
	env.OnActivity(a.WriteBackPartner, mock.Anything, mock.Anything).Return(true, nil)
	env.OnActivity(c.PauseConnection, mock.Anything, mock.MatchedBy(func(p activities.PauseInput) bool {
		return p.ConnectionID == 1 && len(p.ScheduleIDs) == 2 && p.ScheduleIDs[0] == DetectScheduleID("demo") && p.ScheduleIDs[1] == PullScheduleID("demo")
	})).Return(nil).Once()
	var st Stop
	onStop(t, env, func(s Stop) {
		st = s
		env.SignalWorkflow(SignalRetry, nil)
	})
	env.ExecuteWorkflow(SyncContact, in)
	var got ContactResult
	if err := env.GetWorkflowResult(&got); err != nil {
		t.Fatal(err)
	}
	if st.State != StatePaused || st.Class != activities.ErrTypeReconsent || got.State != StateSynced {
		t.Fatalf("stop %+v, result %+v; want paused on the dead token, then synced", st, got)
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

// A run retried maxRetriesPerRun times continues as new on the next retry, so its history stays bounded; the new
// run starts with a pass.
func TestSyncContactRetriedOftenContinuesAsNew(t *testing.T) {
	env, calls := refusedEnv(t)
	for i := 1; i <= maxRetriesPerRun; i++ {
		env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalRetryForce, nil) }, time.Duration(i)*time.Hour)
	}
	env.ExecuteWorkflow(SyncContact, in)
	var cont *workflow.ContinueAsNewError
	if err := env.GetWorkflowError(); !errors.As(err, &cont) {
		t.Fatalf("run ended with %v, want it to continue as new after %d retries", err, maxRetriesPerRun)
	}
	var next ContactInput
	if err := converter.GetDefaultDataConverter().FromPayloads(cont.Input, &next); err != nil || !next.Force || next.PartnerID != 42 {
		t.Errorf("continued with %+v (%v), want the partner with the forced retry", next, err)
	}
	if *calls != maxRetriesPerRun {
		t.Errorf("MapContact ran %d times, want %d: the first pass and a pass per retry but the last", *calls, maxRetriesPerRun)
	}
}
