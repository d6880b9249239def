package workflows

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/exactsync/exactsync/activities"
	"github.com/exactsync/exactsync/clients/odoo"
)

func newInvoiceEnv(t *testing.T) *testsuite.TestWorkflowEnvironment {
	t.Helper()
	env := newEnv(t)
	env.RegisterWorkflow(SyncInvoice)
	env.RegisterWorkflow(SyncPayment)
	env.RegisterWorkflow(PullPayments)
	return env
}

var invoiceIn = InvoiceInput{Connection: "demo", ConnectionID: 1, Division: 1234567, MoveID: 7}

func mockFetchedInvoice(env *testsuite.TestWorkflowEnvironment, do string) {
	var v *activities.Invoices
	env.OnActivity(v.FetchInvoice, mock.Anything, activities.InvoiceRef{ConnectionID: 1, MoveID: 7}).Return(activities.FetchedInvoice{Do: do,
		Move: odoo.Move{ID: 7, Name: "INV/2026/00007", MoveType: odoo.MoveOutInvoice}, PartnerID: 42, WrittenEntryNumber: "26700003"}, nil)
}

// fetch → partner → map → document → entry → write back, in that order, with what each step gave the next.
func TestSyncInvoiceHappyPath(t *testing.T) {
	env := newInvoiceEnv(t)
	var v *activities.Invoices
	mockFetchedInvoice(env, activities.InvoicePost)
	env.OnActivity(v.EnsureInvoicePartner, mock.Anything, activities.PartnerInput{ConnectionID: 1, PartnerID: 42, MoveName: "INV/2026/00007"}).
		Return(activities.PartnerAccount{ExactID: "acc-42"}, nil)
	env.OnActivity(v.MapInvoiceActivity, mock.Anything, mock.Anything).Return(activities.MappedEntry{MoveID: 7}, nil)
	env.OnActivity(v.UploadInvoiceDocument, mock.Anything, mock.MatchedBy(func(d activities.DocumentInput) bool {
		return d.PartnerExactID == "acc-42" && d.MoveName == "INV/2026/00007"
	})).Return(activities.DocumentResult{DocumentID: "doc-1"}, nil)
	env.OnActivity(v.UpsertEntry, mock.Anything, mock.MatchedBy(func(e activities.EntryInput) bool {
		return e.PartnerExactID == "acc-42" && e.DocumentID == "doc-1"
	})).Return(activities.EntryResult{Action: activities.EntryCreated, EntryID: "e-1", EntryNumber: "26700003", AmountFC: "121"}, nil)
	env.OnActivity(v.WriteBackInvoice, mock.Anything, mock.MatchedBy(func(w activities.InvoiceWriteBackInput) bool {
		return w.EntryID == "e-1" && w.EntryNumber == "26700003" && w.DocumentID == "doc-1"
	})).Return(true, nil).Once()
	env.ExecuteWorkflow(SyncInvoice, invoiceIn)
	var got InvoiceResult
	if err := env.GetWorkflowResult(&got); err != nil {
		t.Fatal(err)
	}
	if got.State != StateSynced || got.Action != activities.EntryCreated || got.EntryNumber != "26700003" || got.DocumentID != "doc-1" {
		t.Errorf("result = %+v", got)
	}
	env.AssertExpectations(t)
}

// A data error (an unmapped tax) stops the run with the reason, nothing is posted, and the run waits for a fix.
func TestSyncInvoiceDataErrorStops(t *testing.T) {
	env := newInvoiceEnv(t)
	var v *activities.Invoices
	mockFetchedInvoice(env, activities.InvoicePost)
	env.OnActivity(v.EnsureInvoicePartner, mock.Anything, mock.Anything).Return(activities.PartnerAccount{ExactID: "acc-42"}, nil)
	env.OnActivity(v.MapInvoiceActivity, mock.Anything, mock.Anything).Return(activities.MappedEntry{},
		temporal.NewNonRetryableApplicationError("Odoo tax 3 has no Exact mapping. Fix: starter mappings set … | NL: …", activities.ErrTypeData, nil))
	var st Stop
	onStop(t, env, func(s Stop) { st = s; env.CancelWorkflow() })
	env.ExecuteWorkflow(SyncInvoice, invoiceIn)
	if !temporal.IsCanceledError(env.GetWorkflowError()) || st.State != StateWaiting || st.Class != activities.ErrTypeData ||
		st.Reason != "Odoo tax 3 has no Exact mapping. Fix: starter mappings set … | NL: …" {
		t.Fatalf("completed %v (%v), stop %+v; want the run waiting on the data error", env.IsWorkflowCompleted(), env.GetWorkflowError(), st)
	}
	env.AssertNotCalled(t, "UpsertEntry", mock.Anything, mock.Anything)
	env.AssertNotCalled(t, "UploadInvoiceDocument", mock.Anything, mock.Anything)
}

// A cancelled invoice that was sent is reversed, and the run says so.
func TestSyncInvoiceCancelledIsReversed(t *testing.T) {
	env := newInvoiceEnv(t)
	var v *activities.Invoices
	mockFetchedInvoice(env, activities.InvoiceReverse)
	env.OnActivity(v.ReverseEntry, mock.Anything, activities.ReverseInput{ConnectionID: 1, MoveID: 7, Cancelled: true}).
		Return(activities.ReverseResult{Reversed: "26700003", ReversalID: "r-1", ReversalNumber: "26700009", Note: "reversed"}, nil)
	env.OnActivity(v.WriteBackInvoice, mock.Anything, mock.MatchedBy(func(w activities.InvoiceWriteBackInput) bool {
		return w.EntryID == "" && w.WrittenEntryNumber == "26700003"
	})).Return(true, nil)
	env.ExecuteWorkflow(SyncInvoice, invoiceIn)
	var got InvoiceResult
	if err := env.GetWorkflowResult(&got); err != nil {
		t.Fatal(err)
	}
	if got.Action != activities.EntryReversed || got.EntryNumber != "26700009" || len(got.Notes) != 1 {
		t.Errorf("result = %+v", got)
	}
	env.AssertNotCalled(t, "EnsureInvoicePartner", mock.Anything, mock.Anything)
}

// The pull stores its cursors only after the payment syncs were started.
func TestPullPaymentsAdvancesTheCursorsAfterStarting(t *testing.T) {
	env := newInvoiceEnv(t)
	var p *activities.Payments
	var order []string
	env.OnActivity(p.PullPaymentTerms, mock.Anything, mock.Anything).Return(activities.PullResult{MoveIDs: []int64{7, 8}, Terms: 3,
		TermsCursor: "900", DeletedCursor: "12"}, nil)
	env.OnActivity(p.EnqueuePaymentSyncs, mock.Anything, activities.EnqueueInvoicesInput{ConnectionID: 1, MoveIDs: []int64{7, 8}}).
		Return(func(context.Context, activities.EnqueueInvoicesInput) error {
			order = append(order, "enqueue")
			return nil
		})
	env.OnActivity(p.SavePullCursors, mock.Anything, activities.PullCursors{ConnectionID: 1, Terms: "900", Deleted: "12"}).
		Return(func(context.Context, activities.PullCursors) error { order = append(order, "cursors"); return nil })
	env.ExecuteWorkflow(PullPayments, PullInput{Connection: "demo", ConnectionID: 1})
	var got PullResult
	if err := env.GetWorkflowResult(&got); err != nil {
		t.Fatal(err)
	}
	if strings.Join(order, ",") != "enqueue,cursors" || len(got.MoveIDs) != 2 {
		t.Errorf("order %v, result %+v; want enqueue then cursors", order, got)
	}
}

// A payment plan's actions are applied in order; a mismatch stops the sync with its reason.
func TestSyncPaymentAppliesThePlan(t *testing.T) {
	env := newInvoiceEnv(t)
	var p *activities.Payments
	plan := activities.PaymentPlan{MoveID: 7, Status: activities.PaymentPaid, Actions: []activities.PaymentAction{
		{Cancel: &activities.CancelPayment{PaymentID: 5, TermID: "t1"}}, {Register: &activities.RegisterPayment{TermID: "t2"}}}}
	env.OnActivity(p.PlanPayments, mock.Anything, activities.InvoiceRef{ConnectionID: 1, MoveID: 7}).Return(plan, nil)
	var applied []string
	env.OnActivity(p.ApplyPaymentAction, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.ApplyInput) (string, error) {
		applied = append(applied, in.Action.Key())
		return "done " + in.Action.Key(), nil
	})
	env.ExecuteWorkflow(SyncPayment, PaymentInput{Connection: "demo", ConnectionID: 1, MoveID: 7})
	var got PaymentResult
	if err := env.GetWorkflowResult(&got); err != nil {
		t.Fatal(err)
	}
	if strings.Join(applied, ",") != "t1,t2" || got.State != StateSynced || len(got.Notes) != 2 || got.Status != "paid" {
		t.Errorf("applied %v, result %+v", applied, got)
	}
}

// A dead Exact token in an invoice sync pauses the connection and both its schedules, as in a contact sync.
func TestSyncInvoiceDeadTokenPausesTheConnection(t *testing.T) {
	env := newInvoiceEnv(t)
	var v *activities.Invoices
	var c *activities.Connections
	mockFetchedInvoice(env, activities.InvoicePost)
	env.OnActivity(v.EnsureInvoicePartner, mock.Anything, mock.Anything).Return(activities.PartnerAccount{},
		temporal.NewNonRetryableApplicationError("Exact no longer accepts this connection's tokens", activities.ErrTypeReconsent, nil))
	env.OnActivity(c.PauseConnection, mock.Anything, mock.MatchedBy(func(p activities.PauseInput) bool {
		return p.ConnectionID == 1 && len(p.ScheduleIDs) == 2 && p.ScheduleIDs[1] == PullScheduleID("demo")
	})).Return(nil).Once()
	var st Stop
	onStop(t, env, func(s Stop) { st = s; env.CancelWorkflow() })
	env.ExecuteWorkflow(SyncInvoice, invoiceIn)
	if !temporal.IsCanceledError(env.GetWorkflowError()) || st.State != StatePaused || !strings.Contains(st.Reason, "tokens") {
		t.Fatalf("completed %v, stop %+v; want the run paused on the dead token", env.IsWorkflowCompleted(), st)
	}
	env.AssertExpectations(t)
}

// Notifications arriving while a payment sync runs make one more pass, not one each.
func TestSyncPaymentCoalescesSignalsIntoAnotherPass(t *testing.T) {
	env := newInvoiceEnv(t)
	var p *activities.Payments
	plans := 0
	env.OnActivity(p.PlanPayments, mock.Anything, mock.Anything).Return(func(context.Context, activities.InvoiceRef) (activities.PaymentPlan, error) {
		plans++
		if plans == 1 {
			for range 3 {
				env.SignalWorkflow(SignalPaymentChanged, nil)
			}
		}
		return activities.PaymentPlan{MoveID: 7, Status: activities.PaymentOpen}, nil
	})
	env.ExecuteWorkflow(SyncPayment, PaymentInput{Connection: "demo", ConnectionID: 1, MoveID: 7})
	var got PaymentResult
	if err := env.GetWorkflowResult(&got); err != nil {
		t.Fatal(err)
	}
	if got.Passes != 2 || plans != 2 {
		t.Errorf("passes = %d, plans = %d; want 2 and 2", got.Passes, plans)
	}
}
