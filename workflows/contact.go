package workflows

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/exactsync/exactsync/activities"
)

// SignalPartnerChanged tells a running contact sync that its partner changed again; the run makes one more
// pass instead of a second run starting.
const SignalPartnerChanged = "partner-changed"

// versionBlockArchived is the change that made a sync of an archived, linked partner block its Exact account
// (BlockAccount) instead of only skipping it.
const versionBlockArchived = "block-archived-partner"

// maxContactPasses bounds the passes of one run; a partner edited without pause continues as new.
const maxContactPasses = 20

// ContactInput names the partner to sync.
type ContactInput struct {
	Connection   string
	ConnectionID int64
	Division     int
	PartnerID    int64
	// Force sends a payload Exact refused before, unchanged (`starter retry --force`).
	Force bool `json:",omitempty"`
}

// ContactResult is the outcome of a contact sync.
type ContactResult struct {
	State     string // synced or skipped
	Reason    string // why it was skipped
	Action    string // created, updated, linked or unchanged
	ExactID   string
	ExactCode string
	Banks     activities.BanksResult
	Passes    int
	// Note says, in English and Dutch, what the run did besides the usual: a link to an account deleted in
	// Exact dropped and replaced, an archived partner's account blocked, a restored one's unblocked.
	Note string `json:",omitempty"`
}

// SyncContact syncs one Odoo partner to an Exact account: fetch → map → upsert → bank accounts → write back.
// Changes signalled while it runs make it go once more, so polls, webhooks and edits coalesce into one run.
func SyncContact(ctx workflow.Context, in ContactInput) (ContactResult, error) {
	changed := workflow.GetSignalChannel(ctx, SignalPartnerChanged)
	stops := newStopper(ctx, in.Connection, in.ConnectionID, changed, func(state, class, reason string) {
		setKindState(ctx, "contact", state, class, reason)
	})
	setState(ctx, StateRunning, "")
	return untilSynced(stops, func() (ContactResult, bool, error) {
		return contactPasses(ctx, in, changed)
	}, func(res ContactResult) {
		setState(ctx, res.State, "")
	}, func(err error) error {
		return contactFailed(ctx, in, err)
	}, func() error {
		return workflow.NewContinueAsNewError(ctx, SyncContact, in)
	}, func(force bool) { in.Force = force })
}

// contactPasses syncs the partner, and again as long as it changed while a pass ran (after a quiet spell); it
// stops at the first error, and reports that the run must continue as new after maxContactPasses.
func contactPasses(ctx workflow.Context, in ContactInput, changed workflow.ReceiveChannel) (res ContactResult, more bool, err error) {
	drain := func() bool {
		got := false
		for changed.ReceiveAsync(nil) {
			got = true
		}
		return got
	}
	for passes := 1; ; passes++ {
		drain()
		r, err := syncContactOnce(ctx, in)
		if err != nil {
			return r, false, err
		}
		res = r
		res.Passes = passes
		if !drain() {
			return res, false, nil
		}
		if passes >= maxContactPasses {
			return res, true, nil
		}
		// The partner changed while this pass ran: it is being edited now. Let the burst settle before the next
		// pass, so 30 edits in 10 seconds cost a few PUTs, not one each (Exact's 60 a minute).
		if workflow.GetVersion(ctx, "quiet-before-next-pass", workflow.DefaultVersion, 1) == 1 {
			awaitQuiet(ctx, changed)
		}
	}
}

// quietWindow is how long a partner must stay unchanged before the next pass; maxBurstWait bounds the wait, so
// a partner that never stops changing is still sent about once a minute.
const (
	quietWindow  = 5 * time.Second
	maxBurstWait = time.Minute
)

// awaitQuiet waits until no change was signalled for quietWindow, or maxBurstWait has passed; the changes that
// came meanwhile are all taken by the next pass.
func awaitQuiet(ctx workflow.Context, changed workflow.ReceiveChannel) {
	deadline := workflow.Now(ctx).Add(maxBurstWait)
	for {
		wait := min(quietWindow, deadline.Sub(workflow.Now(ctx)))
		if wait <= 0 {
			return
		}
		more, err := workflow.AwaitWithTimeout(ctx, wait, func() bool { return changed.Len() > 0 })
		if err != nil || !more {
			return
		}
		for changed.ReceiveAsync(nil) {
		}
	}
}

func syncContactOnce(ctx workflow.Context, in ContactInput) (ContactResult, error) {
	var a *activities.Contacts
	ref := activities.ContactRef{ConnectionID: in.ConnectionID, PartnerID: in.PartnerID}

	var fetched activities.FetchedPartner
	if err := workflow.ExecuteActivity(remote(ctx), a.FetchPartner, ref).Get(ctx, &fetched); err != nil {
		return ContactResult{}, err
	}
	if fetched.Skip {
		res := ContactResult{State: StateSkipped, Reason: fetched.Reason}
		if fetched.Block && workflow.GetVersion(ctx, versionBlockArchived, workflow.DefaultVersion, 1) == 1 {
			var b activities.BlockResult
			if err := workflow.ExecuteActivity(remote(ctx), a.BlockAccount,
				activities.BlockInput{ConnectionID: in.ConnectionID, PartnerID: in.PartnerID}).Get(ctx, &b); err != nil {
				return ContactResult{}, err
			}
			res.Action, res.ExactID, res.ExactCode, res.Note = b.Action, b.ExactID, b.ExactCode, b.Note
		}
		return res, nil
	}

	var mapped activities.MappedContact
	if err := workflow.ExecuteActivity(quick(ctx), a.MapContact,
		activities.MapInput{ConnectionID: in.ConnectionID, Partner: fetched.Partner}).Get(ctx, &mapped); err != nil {
		return ContactResult{}, err
	}

	var up activities.UpsertResult
	if err := workflow.ExecuteActivity(remote(ctx), a.UpsertAccount,
		activities.UpsertInput{ConnectionID: in.ConnectionID, Mapped: mapped, Force: in.Force}).Get(ctx, &up); err != nil {
		return ContactResult{}, err
	}
	res := ContactResult{State: StateSynced, Action: up.Action, ExactID: up.ExactID, ExactCode: up.ExactCode, Note: up.Note}

	if len(mapped.Banks) > 0 {
		if err := workflow.ExecuteActivity(remote(ctx), a.SyncBankAccounts, activities.BanksInput{
			ConnectionID: in.ConnectionID, PartnerID: in.PartnerID, ExactID: up.ExactID,
			NewAccount: up.Action == activities.ActionCreated, Banks: mapped.Banks,
		}).Get(ctx, &res.Banks); err != nil {
			return res, err
		}
	}

	err := workflow.ExecuteActivity(remote(ctx), a.WriteBackPartner, activities.WriteBackInput{
		ConnectionID: in.ConnectionID, PartnerID: in.PartnerID, ExactID: up.ExactID, ExactCode: up.ExactCode,
		WrittenID: fetched.WrittenID, WrittenCode: fetched.WrittenCode,
	}).Get(ctx, nil)
	return res, err
}

// contactFailed is syncFailed for a contact sync.
func contactFailed(ctx workflow.Context, in ContactInput, err error) error {
	return syncFailed(ctx, in.Connection, in.ConnectionID, err, func(state, class string) { setState(ctx, state, class) })
}

// syncFailed records a sync's failure in the search attributes (the queue view, through set), pauses the
// connection and its schedules when Exact's token chain is dead, and returns the error so the run shows as failed
// with its reason. A run fails only when it cannot wait for a fix (stopper.wait): replayed from before runs
// waited; a cancelled one ends cancelled.
func syncFailed(ctx workflow.Context, connection string, connectionID int64, err error, set func(state, class string)) error {
	if ctx.Err() != nil {
		set(StateFailed, "Cancelled")
		return ctx.Err()
	}
	state, class := stopState(ctx, connection, connectionID, err)
	if state == StateWaiting {
		state = StateFailed
	}
	set(state, class)
	return runFailure(err)
}

// runFailure is the error a run fails with, as the Web UI shows it at the top of the failed run: the activity's
// reason and fix as the run's own message, once, with its type (and the Problem behind a data error as details),
// not "activity error" with the hint buried twice in nested causes. Errors that are not ApplicationErrors (a
// timeout) stay as they are.
func runFailure(err error) error {
	var app *temporal.ApplicationError
	if !errors.As(err, &app) {
		return err
	}
	var details []any
	var p activities.Problem
	if app.HasDetails() && app.Details(&p) == nil {
		details = append(details, p)
	}
	return temporal.NewNonRetryableApplicationError(app.Message(), app.Type(), nil, details...)
}

// setState updates the queue's search attributes, and counts a run's outcome in the worker's metrics
// (exactsync_syncs_total by kind, state and error class; emitted once, never on replay).
func setState(ctx workflow.Context, state, errorClass string) {
	setKindState(ctx, "contact", state, errorClass, "")
}

// setKindState is setState for a kind of sync (contact, payment), with the reason of a sync waiting for a fix.
func setKindState(ctx workflow.Context, kind, state, errorClass, reason string) {
	countState(ctx, kind, state, errorClass)
	upsertState(ctx, stateUpdates(state, errorClass, reason)...)
}

// countState counts a sync's outcome (a run waiting for a fix counts as one outcome each time it stops).
func countState(ctx workflow.Context, kind, state, errorClass string) {
	if state != StateRunning {
		workflow.GetMetricsHandler(ctx).WithTags(map[string]string{"kind": kind, "state": state, "error_class": errorClass}).
			Counter(MetricSyncs).Inc(1)
	}
}

// stateUpdates are the search attribute updates of a sync's state: SyncState, and ErrorClass and SyncReason set
// while it waits for a fix, unset otherwise.
func stateUpdates(state, errorClass, reason string) []temporal.SearchAttributeUpdate {
	updates := []temporal.SearchAttributeUpdate{AttrSyncState.ValueSet(state)}
	if errorClass != "" {
		updates = append(updates, AttrErrorClass.ValueSet(errorClass))
	} else {
		updates = append(updates, AttrErrorClass.ValueUnset())
	}
	if reason != "" {
		updates = append(updates, AttrSyncReason.ValueSet(reason))
	} else {
		updates = append(updates, AttrSyncReason.ValueUnset())
	}
	return updates
}

func upsertState(ctx workflow.Context, updates ...temporal.SearchAttributeUpdate) {
	if err := workflow.UpsertTypedSearchAttributes(ctx, updates...); err != nil {
		workflow.GetLogger(ctx).Warn("upsert search attributes", "error", err)
	}
}
