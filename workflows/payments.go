package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/exactsync/exactsync/activities"
)

// SignalPaymentChanged tells a running payment sync that its invoice's terms changed again.
const SignalPaymentChanged = "payment-changed"

// PullInput names the connection whose payments are pulled.
type PullInput struct {
	Connection   string
	ConnectionID int64
}

// PullResult counts what a pull did.
type PullResult struct {
	Terms, Deleted int
	MoveIDs        []int64 // whose payment sync was started (or signalled)
}

// PullPayments reads what changed in Exact's payment terms since the stored cursors and starts one SyncPayment per
// invoice or bill the connector posted whose terms changed. The cursors advance only after the starts were
// accepted. A Schedule runs it every 5 minutes per connection (overlap: skip).
func PullPayments(ctx workflow.Context, in PullInput) (PullResult, error) {
	var a *activities.Payments
	var page activities.PullResult
	if err := workflow.ExecuteActivity(paging(ctx), a.PullPaymentTerms, activities.PullInput{ConnectionID: in.ConnectionID}).Get(ctx, &page); err != nil {
		if activities.ErrorType(err) == activities.ErrTypePaused {
			return PullResult{}, nil
		}
		return PullResult{}, err
	}
	res := PullResult{Terms: page.Terms, Deleted: page.Deleted, MoveIDs: page.MoveIDs}
	if page.Off {
		return res, nil
	}
	if len(page.MoveIDs) > 0 {
		if err := workflow.ExecuteActivity(paging(ctx), a.EnqueuePaymentSyncs,
			activities.EnqueueInvoicesInput{ConnectionID: in.ConnectionID, MoveIDs: page.MoveIDs}).Get(ctx, nil); err != nil {
			return res, err
		}
	}
	err := workflow.ExecuteActivity(quick(ctx), a.SavePullCursors, activities.PullCursors{ConnectionID: in.ConnectionID,
		Terms: page.TermsCursor, Deleted: page.DeletedCursor, DeletedReadAt: page.DeletedReadAt}).Get(ctx, nil)
	workflow.GetMetricsHandler(ctx).WithTags(map[string]string{"connection": in.Connection}).
		Gauge(MetricPullLastSuccess).Update(float64(workflow.Now(ctx).Unix()))
	return res, err
}

// PaymentInput names the invoice or bill whose payments are brought in line with Exact.
type PaymentInput struct {
	Connection   string
	ConnectionID int64
	Division     int
	MoveID       int64
}

// PaymentResult is what a payment sync did.
type PaymentResult struct {
	State    string
	Status   string   // Exact's conclusion: open, partly_paid, paid
	Open     string   // Exact's open amount
	Residual string   // Odoo's residual before the actions
	Notes    []string `json:",omitempty"`
	Reason   string   `json:",omitempty"`
	Passes   int
}

// SyncPayment brings one Odoo invoice's payments in line with what the accountant matched in Exact: read Exact's
// state (the mirror) and Odoo's → decide → register, cancel or reconcile, each once. Changes signalled while it
// runs make it go once more.
func SyncPayment(ctx workflow.Context, in PaymentInput) (PaymentResult, error) {
	changed := workflow.GetSignalChannel(ctx, SignalPaymentChanged)
	stops := newStopper(ctx, in.Connection, in.ConnectionID, changed, func(state, class, reason string) {
		setKindState(ctx, "payment", state, class, reason)
	})
	setPaymentState(ctx, StateRunning, "")
	return untilSynced(stops, func() (res PaymentResult, more bool, err error) {
		more, err = coalescedPasses(ctx, changed, false, func(n int) error {
			r, err := syncPaymentOnce(ctx, in)
			res, res.Passes = r, n
			return err
		})
		return res, more, err
	}, func(res PaymentResult) {
		setPaymentState(ctx, res.State, "")
	}, func(err error) error {
		return syncFailed(ctx, in.Connection, in.ConnectionID, err, func(state, class string) { setPaymentState(ctx, state, class) })
	}, func() error {
		return workflow.NewContinueAsNewError(ctx, SyncPayment, in)
	}, nil)
}

func syncPaymentOnce(ctx workflow.Context, in PaymentInput) (PaymentResult, error) {
	var a *activities.Payments
	var plan activities.PaymentPlan
	if err := workflow.ExecuteActivity(remote(ctx), a.PlanPayments, activities.InvoiceRef{ConnectionID: in.ConnectionID, MoveID: in.MoveID}).Get(ctx, &plan); err != nil {
		return PaymentResult{}, err
	}
	res := PaymentResult{State: StateSynced, Status: string(plan.Status), Open: plan.Open, Residual: plan.Residual}
	if plan.Skip != "" {
		res.State, res.Reason = StateSkipped, plan.Skip
		return res, nil
	}
	for _, action := range plan.Actions {
		var note string
		if err := workflow.ExecuteActivity(remote(ctx), a.ApplyPaymentAction, activities.ApplyInput{ConnectionID: in.ConnectionID,
			MoveID: in.MoveID, Action: action}).Get(ctx, &note); err != nil {
			return res, err
		}
		if note != "" {
			res.Notes = append(res.Notes, note)
		}
	}
	if len(plan.Actions) == 0 {
		res.State = StateSkipped
		res.Reason = "Odoo agrees with Exact"
	}
	return res, nil
}

// setPaymentState updates the queue's search attributes of a payment sync and counts its outcome.
func setPaymentState(ctx workflow.Context, state, errorClass string) {
	setKindState(ctx, "payment", state, errorClass, "")
}
