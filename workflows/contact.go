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
	drain := func() bool {
		got := false
		for changed.ReceiveAsync(nil) {
			got = true
		}
		return got
	}
	setState(ctx, StateRunning, "")
	var res ContactResult
	for passes := 1; ; passes++ {
		drain()
		r, err := syncContactOnce(ctx, in)
		if err != nil {
			return r, contactFailed(ctx, in, err)
		}
		res = r
		res.Passes = passes
		if !drain() {
			break
		}
		if passes >= maxContactPasses {
			return res, workflow.NewContinueAsNewError(ctx, SyncContact, in)
		}
		// The partner changed while this pass ran: it is being edited now. Let the burst settle before the next
		// pass, so 30 edits in 10 seconds cost a few PUTs, not one each (Exact's 60 a minute).
		if workflow.GetVersion(ctx, "quiet-before-next-pass", workflow.DefaultVersion, 1) == 1 {
			awaitQuiet(ctx, changed)
		}
	}
	setState(ctx, res.State, "")
	return res, nil
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
// with its reason. Every kind of sync (contact, invoice, payment) fails through it.
func syncFailed(ctx workflow.Context, connection string, connectionID int64, err error, set func(state, class string)) error {
	class := activities.ErrorType(err)
	var app *temporal.ApplicationError
	if errors.As(err, &app) && class == "" {
		class = app.Type()
	}
	state := StateFailed
	if class == activities.ErrTypeReconsent || class == activities.ErrTypePaused {
		state = StatePaused
	}
	if class == activities.ErrTypeReconsent {
		var c *activities.Connections
		reason := "Exact refused the connection's tokens: connect Exact again (starter connect exact)"
		if app != nil && app.Message() != "" {
			reason = app.Message() // a dead refresh token, or the app's client ID or secret refused
		}
		pause := activities.PauseInput{ConnectionID: connectionID, ScheduleIDs: []string{DetectScheduleID(connection), PullScheduleID(connection)},
			Reason: reason}
		if perr := workflow.ExecuteActivity(quick(ctx), c.PauseConnection, pause).Get(ctx, nil); perr != nil {
			workflow.GetLogger(ctx).Error("pause connection", "error", perr)
		}
	}
	if class == "" {
		class = "Unknown"
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
	setKindState(ctx, "contact", state, errorClass)
}

// setKindState is setState for a kind of sync (contact, payment).
func setKindState(ctx workflow.Context, kind, state, errorClass string) {
	if state != StateRunning {
		workflow.GetMetricsHandler(ctx).WithTags(map[string]string{"kind": kind, "state": state, "error_class": errorClass}).
			Counter(MetricSyncs).Inc(1)
	}
	updates := []temporal.SearchAttributeUpdate{AttrSyncState.ValueSet(state)}
	if errorClass != "" {
		updates = append(updates, AttrErrorClass.ValueSet(errorClass))
	} else {
		updates = append(updates, AttrErrorClass.ValueUnset())
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, updates...); err != nil {
		workflow.GetLogger(ctx).Warn("upsert search attributes", "error", err)
	}
}
