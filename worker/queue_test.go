package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/exactsync/exactsync/activities"
	"github.com/exactsync/exactsync/store"
	"github.com/exactsync/exactsync/workflows"
)

// The queue in the Web UI: a run stopped by a data error fails with the reason and the fix as its own message,
// once (not "activity error" with the hint buried in causes); after the fix, the Web UI's Reset of that run (the
// API call the UI makes) syncs the partner, and resetting again still leaves one Exact account.
func TestFailedRunReadsInTheWebUIAndResetsAfterTheFix(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	term, err := s.odoo.Create("account.payment.term", map[string]any{"name": "45 Days"})
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.odoo.Create("res.partner", map[string]any{"name": "Reset Termijn BV", "is_company": true, "customer_rank": 1,
		"country_id": s.odoo.Seeded().Countries["NL"], "property_payment_term_id": term})
	if err != nil {
		t.Fatal(err)
	}
	if err := workflows.StartContactSync(ctx, s.ts.Client, s.conn, id); err != nil {
		t.Fatal(err)
	}
	if _, err := s.wait(id); err == nil {
		t.Fatal("want the sync to fail on the unmapped payment term")
	}
	wid := workflows.ContactWorkflowID(s.conn.Name, id)
	failure := lastEvent(t, s, wid).GetWorkflowExecutionFailedEventAttributes().GetFailure()
	msg := failure.GetMessage()
	for _, want := range []string{"Fix:", "Oplossing:", "has no Exact payment condition"} {
		if strings.Count(msg, want) != 1 {
			t.Errorf("the failure's own message has %q %d times, want once: %q", want, strings.Count(msg, want), msg)
		}
	}
	if want := fmt.Sprintf("starter mappings set --kind payment_term --odoo-id %d", term); !strings.Contains(msg, want) || !strings.Contains(msg, "45 Days") {
		t.Errorf("the failure's own message lacks the term or the command %q: %q", want, msg)
	}
	if failure.GetCause() != nil || failure.GetApplicationFailureInfo().GetType() != activities.ErrTypeData {
		t.Errorf("failure = %v, want a DataError without nested causes", failure)
	}

	if err := s.st.SaveMapping(ctx, s.conn.ID, store.Mapping{Kind: store.MapPaymentTerm, OdooID: term, ExactCode: "60"}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		resetToFirstTask(t, s, wid)
		res, err := s.wait(id)
		if err != nil || res.State != workflows.StateSynced {
			t.Fatalf("after the reset: %+v, %v; want synced", res, err)
		}
	}
	if accs := s.accountsNamed("Reset Termijn BV"); len(accs) != 1 {
		t.Errorf("%d Exact accounts after two resets, want 1", len(accs))
	}
}

// lastEvent is the latest event of the workflow's latest run.
func lastEvent(t *testing.T, s *stack, wid string) *historypb.HistoryEvent {
	t.Helper()
	it := s.ts.Client.GetWorkflowHistory(context.Background(), wid, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT)
	var last *historypb.HistoryEvent
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		last = e
	}
	if last == nil {
		t.Fatalf("%s has no history", wid)
	}
	return last
}

// resetToFirstTask does what the Web UI's Reset ("to the first workflow task") does.
func resetToFirstTask(t *testing.T, s *stack, wid string) {
	t.Helper()
	ctx := context.Background()
	desc, err := s.ts.Client.DescribeWorkflowExecution(ctx, wid, "")
	if err != nil {
		t.Fatal(err)
	}
	runID := desc.GetWorkflowExecutionInfo().GetExecution().GetRunId()
	it := s.ts.Client.GetWorkflowHistory(ctx, wid, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var firstTask int64
	for it.HasNext() && firstTask == 0 {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if e.GetEventType() == enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED {
			firstTask = e.GetEventId()
		}
	}
	if _, err := s.ts.Client.ResetWorkflowExecution(ctx, &workflowservice.ResetWorkflowExecutionRequest{
		Namespace:                 "default",
		WorkflowExecution:         &commonpb.WorkflowExecution{WorkflowId: wid, RunId: runID},
		Reason:                    "mapping fixed",
		WorkflowTaskFinishEventId: firstTask,
		RequestId:                 uuid.NewString(),
	}); err != nil {
		t.Fatalf("reset %s: %v", wid, err)
	}
}
