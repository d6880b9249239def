package workflows

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/exactsync/exactsync/store"
)

// This file holds client-side helpers (not workflow code) that start workflows and manage schedules; the worker,
// its webhook endpoint and the starter CLI share them.

// StartContactSync starts the partner's SyncContact, or signals the running one: repeated edits, polls and
// webhooks of one partner coalesce into one run.
func StartContactSync(ctx context.Context, c client.Client, conn store.Connection, partnerID int64) error {
	return startContactSync(ctx, c, conn, partnerID, false)
}

// ForceContactSync is StartContactSync for `starter retry --force` and `starter link`: a run waiting for a fix gets
// SignalRetryForce, a new run sends even a payload Exact refused before (a run syncing now is signalled as usual).
func ForceContactSync(ctx context.Context, c client.Client, conn store.Connection, partnerID int64) error {
	id := ContactWorkflowID(conn.Name, partnerID)
	st, err := DescribeSync(ctx, c, id)
	var nf *serviceerror.NotFound
	if err != nil && !errors.As(err, &nf) {
		return fmt.Errorf("describe %s: %w", id, err)
	}
	if err == nil && !st.Closed && (st.State == StateWaiting || st.State == StatePaused) {
		err := c.SignalWorkflow(ctx, id, "", SignalRetryForce, nil)
		if !errors.As(err, &nf) {
			return err
		}
		// It ended meanwhile: start a new run.
	}
	return startContactSync(ctx, c, conn, partnerID, true)
}

// syncOptions are the start options of one record's sync workflow: its ID, and the queue's search attributes.
func syncOptions(id string, conn store.Connection, odooModel string, odooID int64) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:                    id,
		TaskQueue:             TaskQueue,
		WorkflowIDReusePolicy: enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			AttrConnection.ValueSet(conn.Name),
			AttrOdooModel.ValueSet(odooModel),
			AttrOdooID.ValueSet(odooID),
			AttrExactDivision.ValueSet(int64(conn.ExactDivision)),
			AttrSyncState.ValueSet(StateRunning),
		),
	}
}

func startContactSync(ctx context.Context, c client.Client, conn store.Connection, partnerID int64, force bool) error {
	opts := syncOptions(ContactWorkflowID(conn.Name, partnerID), conn, "res.partner", partnerID)
	in := ContactInput{Connection: conn.Name, ConnectionID: conn.ID, Division: conn.ExactDivision, PartnerID: partnerID, Force: force}
	_, err := c.SignalWithStartWorkflow(ctx, opts.ID, SignalPartnerChanged, nil, opts, SyncContact, in)
	if err != nil {
		return fmt.Errorf("start %s: %w", opts.ID, err)
	}
	return nil
}

// EnsureDetectSchedule creates the connection's change-detector Schedule, or updates its interval and unpauses
// it when it exists.
func EnsureDetectSchedule(ctx context.Context, c client.Client, conn store.Connection, every time.Duration) error {
	if every <= 0 {
		every = time.Minute
	}
	action := &client.ScheduleWorkflowAction{
		ID:        DetectWorkflowID(conn.Name),
		Workflow:  DetectContacts,
		Args:      []any{DetectInput{Connection: conn.Name, ConnectionID: conn.ID}},
		TaskQueue: TaskQueue,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			AttrConnection.ValueSet(conn.Name),
			AttrOdooModel.ValueSet("res.partner"),
			AttrExactDivision.ValueSet(int64(conn.ExactDivision)),
		),
	}
	return ensureSchedule(ctx, c, DetectScheduleID(conn.Name), action, every, "exactsync: poll Odoo for changed partners and invoices")
}

// DefaultPullEvery is how often a connection's payments are pulled from Exact by default.
const DefaultPullEvery = 5 * time.Minute

// EnsurePaymentSchedule creates the connection's payment-pull Schedule (Exact → Odoo), or updates its interval and
// unpauses it when it exists.
func EnsurePaymentSchedule(ctx context.Context, c client.Client, conn store.Connection, every time.Duration) error {
	if every <= 0 {
		every = DefaultPullEvery
	}
	action := &client.ScheduleWorkflowAction{
		ID:        PullWorkflowID(conn.Name),
		Workflow:  PullPayments,
		Args:      []any{PullInput{Connection: conn.Name, ConnectionID: conn.ID}},
		TaskQueue: TaskQueue,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			AttrConnection.ValueSet(conn.Name),
			AttrOdooModel.ValueSet("account.payment"),
			AttrExactDivision.ValueSet(int64(conn.ExactDivision)),
		),
	}
	return ensureSchedule(ctx, c, PullScheduleID(conn.Name), action, every, "exactsync: pull payments matched in Exact")
}

// ensureSchedule creates a Schedule (overlap: skip, first run now), or updates its spec and action, unpauses it
// and runs it now.
func ensureSchedule(ctx context.Context, c client.Client, id string, action *client.ScheduleWorkflowAction, every time.Duration, note string) error {
	spec := client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: every}}}
	_, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID:                 id,
		Spec:               spec,
		Action:             action,
		Overlap:            enums.SCHEDULE_OVERLAP_POLICY_SKIP,
		TriggerImmediately: true,
		Note:               note,
	})
	if err == nil {
		return nil
	}
	var exists *serviceerror.AlreadyExists
	if !errors.Is(err, temporal.ErrScheduleAlreadyRunning) && !errors.As(err, &exists) {
		return fmt.Errorf("create schedule %s: %w", id, err)
	}
	h := c.ScheduleClient().GetHandle(ctx, id)
	err = h.Update(ctx, client.ScheduleUpdateOptions{DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
		s := in.Description.Schedule
		s.Spec = &spec
		s.Action = action
		return &client.ScheduleUpdate{Schedule: &s}, nil
	}})
	if err != nil {
		return fmt.Errorf("update schedule %s: %w", id, err)
	}
	if err := h.Unpause(ctx, client.ScheduleUnpauseOptions{Note: "exactsync: connection (re)connected"}); err != nil {
		return fmt.Errorf("unpause schedule %s: %w", id, err)
	}
	// Run now rather than at the next interval, as a new schedule does.
	if err := h.Trigger(ctx, client.ScheduleTriggerOptions{Overlap: enums.SCHEDULE_OVERLAP_POLICY_SKIP}); err != nil {
		return fmt.Errorf("trigger schedule %s: %w", id, err)
	}
	return nil
}

// StartPaymentSync starts the invoice's SyncPayment, or signals the running one.
func StartPaymentSync(ctx context.Context, c client.Client, conn store.Connection, moveID int64) error {
	opts := syncOptions(PaymentWorkflowID(conn.Name, moveID), conn, "account.payment", moveID)
	in := PaymentInput{Connection: conn.Name, ConnectionID: conn.ID, Division: conn.ExactDivision, MoveID: moveID}
	if _, err := c.SignalWithStartWorkflow(ctx, opts.ID, SignalPaymentChanged, nil, opts, SyncPayment, in); err != nil {
		return fmt.Errorf("start %s: %w", opts.ID, err)
	}
	return nil
}

// StartInvoiceSync starts the move's SyncInvoice, or signals the running one.
func StartInvoiceSync(ctx context.Context, c client.Client, conn store.Connection, moveID int64) error {
	opts := syncOptions(InvoiceWorkflowID(conn.Name, moveID), conn, "account.move", moveID)
	in := InvoiceInput{Connection: conn.Name, ConnectionID: conn.ID, Division: conn.ExactDivision, MoveID: moveID}
	if _, err := c.SignalWithStartWorkflow(ctx, opts.ID, SignalMoveChanged, nil, opts, SyncInvoice, in); err != nil {
		return fmt.Errorf("start %s: %w", opts.ID, err)
	}
	return nil
}

// ContactSyncs lets invoice syncs wait for their partner through a Temporal client (activities.ContactSyncs).
type ContactSyncs struct{ Client client.Client }

// EnsureContactSync starts the partner's SyncContact unless one is running; a running one is not signalled (the
// invoice only waits for it).
func (s ContactSyncs) EnsureContactSync(ctx context.Context, conn store.Connection, partnerID int64) error {
	opts := syncOptions(ContactWorkflowID(conn.Name, partnerID), conn, "res.partner", partnerID)
	in := ContactInput{Connection: conn.Name, ConnectionID: conn.ID, Division: conn.ExactDivision, PartnerID: partnerID}
	_, err := s.Client.ExecuteWorkflow(ctx, opts, SyncContact, in)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if err != nil && !errors.As(err, &started) {
		return fmt.Errorf("start %s: %w", opts.ID, err)
	}
	return nil
}

// ContactSyncOutcome says how the partner's latest SyncContact run stands: running, completed, failed (with the
// reason; a run waiting for a fix, terminated, timed out and cancelled count as failed) or none.
func (s ContactSyncs) ContactSyncOutcome(ctx context.Context, conn store.Connection, partnerID int64) (string, string, error) {
	id := ContactWorkflowID(conn.Name, partnerID)
	st, err := DescribeSync(ctx, s.Client, id)
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return "none", "", nil
	}
	if err != nil {
		return "", "", err
	}
	switch {
	case st.Stopped:
		return "failed", st.Reason, nil
	case !st.Closed, st.Status == enums.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW:
		return "running", "", nil
	case st.Status == enums.WORKFLOW_EXECUTION_STATUS_COMPLETED:
		return "completed", "", nil
	}
	runErr := s.Client.GetWorkflow(ctx, id, st.RunID).Get(ctx, nil)
	var app *temporal.ApplicationError
	if errors.As(runErr, &app) {
		return "failed", app.Error(), nil
	}
	if runErr != nil {
		return "failed", runErr.Error(), nil
	}
	return "failed", st.Status.String(), nil
}
