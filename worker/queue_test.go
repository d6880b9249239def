package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	sdkpb "go.temporal.io/api/sdk/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/exactsync/exactsync/activities"
	"github.com/exactsync/exactsync/store"
	"github.com/exactsync/exactsync/workflows"
)

// The queue in the Web UI: a sync stopped by a data error waits in its run, SyncState "waiting", with the reason
// and the fix, once, in SyncReason and the run's current details (what the UI shows). The retry signal (the UI's
// "Send signal", with or without input) before the fix stops it again; after the fix it syncs in the same run, so
// the record is one row, synced, and nothing waits any more; one Exact account.
func TestStoppedRunReadsInTheWebUIAndRetriesInItsRunAfterTheFix(t *testing.T) {
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
	_, err = s.wait(id)
	var stopped *workflows.StoppedError
	if !errors.As(err, &stopped) {
		t.Fatalf("sync ended with %v, want it waiting for a fix of the unmapped payment term", err)
	}
	wid := workflows.ContactWorkflowID(s.conn.Name, id)
	runID := stopped.RunID
	now, err := workflows.DescribeSync(ctx, s.ts.Client, wid)
	if err != nil {
		t.Fatal(err)
	}
	if now.Closed || now.State != workflows.StateWaiting || now.Class != activities.ErrTypeData {
		t.Fatalf("sync now %+v, want its run open, waiting on a DataError", now)
	}
	details := currentDetails(t, s, wid)
	for _, msg := range []string{now.Reason, details} {
		for _, want := range []string{"Fix:", "Oplossing:", "has no Exact payment condition"} {
			if strings.Count(msg, want) != 1 {
				t.Errorf("%q has %q %d times, want once", msg, want, strings.Count(msg, want))
			}
		}
		if want := fmt.Sprintf("starter mappings set --kind payment_term --odoo-id %d", term); !strings.Contains(msg, want) || !strings.Contains(msg, "45 Days") {
			t.Errorf("%q lacks the term or the command %q", msg, want)
		}
	}
	if !strings.Contains(details, "Send signal") || !strings.Contains(details, "`retry`") {
		t.Errorf("the run's current details do not say how to retry: %q", details)
	}
	waiting := fmt.Sprintf("SyncState = 'waiting' AND OdooID = %d", id)
	s.waitForCount(waiting, 1)
	// The README's query by words of the reason.
	s.waitForCount(fmt.Sprintf("SyncState = 'waiting' AND SyncReason = 'payment condition' AND OdooID = %d", id), 1)
	s.waitForCount(fmt.Sprintf("SyncState = 'waiting' AND SyncReason = 'VAT number' AND OdooID = %d", id), 0)
	// The README's queue: one row per record not yet through, whatever its state.
	queue := fmt.Sprintf("ExecutionStatus = 'Running' AND WorkflowType IN ('SyncContact', 'SyncInvoice', 'SyncPayment') AND OdooID = %d", id)
	s.waitForCount(queue, 1)

	// Before the fix: the retry (with an input, as the UI may send) stops it again, in the same run.
	if err := s.ts.Client.SignalWorkflow(ctx, wid, "", workflows.SignalRetry, "mapping fixed?"); err != nil {
		t.Fatal(err)
	}
	_, err = s.wait(id)
	if !errors.As(err, &stopped) || stopped.RunID != runID || stopped.Stop.Retries != 1 || stopped.Stop.Class != activities.ErrTypeData {
		t.Fatalf("after a retry before the fix: %v, want the same run stopped again after one retry", err)
	}

	if err := s.st.SaveMapping(ctx, s.conn.ID, store.Mapping{Kind: store.MapPaymentTerm, OdooID: term, ExactCode: "60"}); err != nil {
		t.Fatal(err)
	}
	if err := s.ts.Client.SignalWorkflow(ctx, wid, "", workflows.SignalRetry, nil); err != nil {
		t.Fatal(err)
	}
	res, err := s.wait(id)
	if err != nil || res.State != workflows.StateSynced {
		t.Fatalf("after the fix and a retry: %+v, %v; want synced", res, err)
	}
	after, err := workflows.DescribeSync(ctx, s.ts.Client, wid)
	if err != nil || after.RunID != runID || after.State != workflows.StateSynced || after.Class != "" || after.Reason != "" {
		t.Errorf("after the retry: %+v (%v), want the same run synced, without error class or reason", after, err)
	}
	s.waitForCount(waiting, 0)
	s.waitForCount(queue, 0)
	s.waitForCount(fmt.Sprintf("WorkflowId = '%s'", wid), 1)
	if accs := s.accountsNamed("Reset Termijn BV"); len(accs) != 1 {
		t.Errorf("%d Exact accounts, want 1", len(accs))
	}
}

// currentDetails is what the Web UI shows as the run's current details.
func currentDetails(t *testing.T, s *stack, wid string) string {
	t.Helper()
	v, err := s.ts.Client.QueryWorkflow(context.Background(), wid, "", "__temporal_workflow_metadata")
	if err != nil {
		t.Fatal(err)
	}
	var meta sdkpb.WorkflowMetadata
	if err := v.Get(&meta); err != nil {
		t.Fatal(err)
	}
	return meta.GetCurrentDetails()
}

// waitForCount waits until Temporal's visibility (eventually consistent, with nothing to wait on) counts n
// executions for query.
func (s *stack) waitForCount(query string, n int64) {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := s.ts.Client.CountWorkflow(context.Background(), &workflowservice.CountWorkflowExecutionsRequest{Query: query})
		if err != nil {
			s.t.Fatal(err)
		}
		if resp.GetCount() == n {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("visibility counts %d executions for %s, want %d", resp.GetCount(), query, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// An invoice whose partner's sync waits for a fix does not wait on it for hours: it stops too, with the partner's
// reason, and both go on in their runs once the partner is fixed and each is retried (partner first, as
// `starter retry` does).
func TestInvoiceStopsWhilePartnerWaitsForAFix(t *testing.T) {
	s := newStack(t)
	s.mapInvoices()
	ctx := context.Background()
	term, err := s.odoo.Create("account.payment.term", map[string]any{"name": "45 Days"})
	if err != nil {
		t.Fatal(err)
	}
	partner, err := s.odoo.Create("res.partner", map[string]any{"name": "Wachtend BV", "is_company": true, "customer_rank": 1,
		"country_id": s.odoo.Seeded().Countries["NL"], "property_payment_term_id": term})
	if err != nil {
		t.Fatal(err)
	}
	move := s.postInvoice("out_invoice", partner, 75, s.odoo.Seeded().Taxes["sale 21%"], "")
	if err := workflows.StartInvoiceSync(ctx, s.ts.Client, s.conn, move); err != nil {
		t.Fatal(err)
	}
	_, err = s.waitInvoice(move)
	var stopped *workflows.StoppedError
	if !errors.As(err, &stopped) || stopped.Stop.Problem == nil || stopped.Stop.Problem.Code != "invoice.partner_failed" ||
		!strings.Contains(stopped.Stop.Reason, "has no Exact payment condition") {
		t.Fatalf("invoice sync: %v; want it waiting with the partner's reason", err)
	}
	invoiceRun := stopped.RunID
	_, err = s.wait(partner)
	if !errors.As(err, &stopped) {
		t.Fatalf("partner sync: %v; want it waiting for a fix", err)
	}
	partnerRun := stopped.RunID

	if err := s.st.SaveMapping(ctx, s.conn.ID, store.Mapping{Kind: store.MapPaymentTerm, OdooID: term, ExactCode: "60"}); err != nil {
		t.Fatal(err)
	}
	for _, wid := range []string{workflows.ContactWorkflowID(s.conn.Name, partner), workflows.InvoiceWorkflowID(s.conn.Name, move)} {
		if err := s.ts.Client.SignalWorkflow(ctx, wid, "", workflows.SignalRetry, nil); err != nil {
			t.Fatal(err)
		}
	}
	if res, err := s.wait(partner); err != nil || res.State != workflows.StateSynced {
		t.Fatalf("partner after the fix: %+v, %v", res, err)
	}
	res, err := s.waitInvoice(move)
	if err != nil || res.Action != activities.EntryCreated {
		t.Fatalf("invoice after the fix: %+v, %v; want created", res, err)
	}
	for wid, run := range map[string]string{workflows.ContactWorkflowID(s.conn.Name, partner): partnerRun, workflows.InvoiceWorkflowID(s.conn.Name, move): invoiceRun} {
		if now, err := workflows.DescribeSync(ctx, s.ts.Client, wid); err != nil || now.RunID != run {
			t.Errorf("%s: %+v (%v); want the run that waited to have synced", wid, now, err)
		}
	}
}
