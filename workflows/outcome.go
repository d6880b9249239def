package workflows

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
)

// This file holds client-side helpers (not workflow code) that read how a record's sync stands.

// StoppedError is a sync whose run waits for a fix (see stop.go). It unwraps to an ApplicationError with the
// stop's class as its type, its reason as its message and its Problem as details, as the run's failure carried
// before runs waited.
type StoppedError struct {
	WorkflowID, RunID string
	Stop              Stop
}

func (e *StoppedError) Error() string {
	return fmt.Sprintf("%s %s: %s", e.WorkflowID, e.Stop.State, e.Stop.Reason)
}

// Unwrap gives the stop as an ApplicationError.
func (e *StoppedError) Unwrap() error {
	var details []any
	if e.Stop.Problem != nil {
		details = append(details, *e.Stop.Problem)
	}
	return temporal.NewNonRetryableApplicationError(e.Stop.Reason, e.Stop.Class, nil, details...)
}

// SyncStatus is how a record's sync workflow stands now.
type SyncStatus struct {
	RunID string
	// Closed: the run ended (completed, failed, …); Status says how.
	Closed bool
	Status enums.WorkflowExecutionStatus
	// State is the run's SyncState; Stopped says it waits for a fix (waiting or paused) with nothing left to do
	// until a retry: no workflow task or activity pending, so a retry signal sent before this read was taken.
	State, Class, Reason string
	Stopped              bool
}

// DescribeSync reads how the sync with this workflow ID stands, from its latest run's mutable state (current, not
// the eventually consistent visibility).
func DescribeSync(ctx context.Context, c client.Client, workflowID string) (SyncStatus, error) {
	desc, err := c.DescribeWorkflowExecution(ctx, workflowID, "")
	if err != nil {
		return SyncStatus{}, err
	}
	return syncStatus(desc), nil
}

func syncStatus(desc *workflowservice.DescribeWorkflowExecutionResponse) SyncStatus {
	info := desc.GetWorkflowExecutionInfo()
	st := SyncStatus{RunID: info.GetExecution().GetRunId(), Status: info.GetStatus(),
		Closed: info.GetStatus() != enums.WORKFLOW_EXECUTION_STATUS_RUNNING}
	dc := converter.GetDefaultDataConverter()
	fields := info.GetSearchAttributes().GetIndexedFields()
	if p := fields[AttrSyncState.GetName()]; p != nil {
		_ = dc.FromPayload(p, &st.State)
	}
	if p := fields[AttrErrorClass.GetName()]; p != nil {
		_ = dc.FromPayload(p, &st.Class)
	}
	if p := fields[AttrSyncReason.GetName()]; p != nil {
		_ = dc.FromPayload(p, &st.Reason)
	}
	st.Stopped = !st.Closed && (st.State == StateWaiting || st.State == StatePaused) &&
		desc.GetPendingWorkflowTask() == nil && len(desc.GetPendingActivities()) == 0
	return st
}

// awaitPoll is how often AwaitSync looks again.
const awaitPoll = 200 * time.Millisecond

// AwaitSync waits until the sync with this workflow ID completed, decoding its result into valuePtr (a run that
// continued as new is followed), or stopped to wait for a fix: then it returns a *StoppedError. A run that failed
// returns its error, as Get does.
func AwaitSync(ctx context.Context, c client.Client, workflowID string, valuePtr any) error {
	for {
		st, err := DescribeSync(ctx, c, workflowID)
		if err != nil {
			return err
		}
		switch {
		case st.Stopped:
			stop := Stop{State: st.State, Class: st.Class, Reason: st.Reason}
			// The query gives the whole reason (the search attribute is clipped) and the Problem.
			if v, err := c.QueryWorkflow(ctx, workflowID, st.RunID, QueryStop); err == nil {
				var full Stop
				if v.Get(&full) == nil && full.State != "" {
					stop = full
				}
			}
			return &StoppedError{WorkflowID: workflowID, RunID: st.RunID, Stop: stop}
		case st.Closed && st.Status != enums.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW:
			return c.GetWorkflow(ctx, workflowID, st.RunID).Get(ctx, valuePtr)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(awaitPoll):
		}
	}
}
