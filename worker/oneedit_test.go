package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/exactsync/exactsync/activities"
	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/clients/odoo/odootest"
	"github.com/exactsync/exactsync/internal/pgtest"
	"github.com/exactsync/exactsync/store"
	"github.com/exactsync/exactsync/workflows"
)

// notifyHook posts an Odoo automation rule's notification to the worker's webhook endpoint.
func (s *stack) notifyHook(body string) {
	s.t.Helper()
	resp, err := http.Post("http://"+s.httpAddr+"/webhooks/odoo/"+s.conn.WebhookSecret, "application/json", bytes.NewBufferString(body))
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		s.t.Fatalf("webhook status %d, want 202", resp.StatusCode)
	}
}

// nextRun waits for a run of workflow id other than after to end, and returns its run ID.
func (s *stack) nextRun(id, after string) string {
	s.t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		desc, err := s.ts.Client.DescribeWorkflowExecution(ctx, id, "")
		if err == nil && desc.WorkflowExecutionInfo.Execution.RunId != after && desc.WorkflowExecutionInfo.CloseTime != nil {
			return desc.WorkflowExecutionInfo.Execution.RunId
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("no new run of %s ended", id)
	return ""
}

// runOf is the run ID of workflow id's latest run.
func (s *stack) runOf(id string) string {
	s.t.Helper()
	desc, err := s.ts.Client.DescribeWorkflowExecution(context.Background(), id, "")
	if err != nil {
		s.t.Fatal(err)
	}
	return desc.WorkflowExecutionInfo.Execution.RunId
}

// One edit is one run: the webhook's run reads the record right after the edit, and the next poll, which finds
// the same edit in its change feed, starts nothing, for a partner and for an invoice. The webhook's run reads
// within the edit's second, so it reads once more when the second is over: an edit later in that same second is
// still sent.
func TestOneEditOneRunByWebhookAndPoll(t *testing.T) {
	s := newStack(t)
	s.mapInvoices()
	partner, err := s.odoo.Create("res.partner", map[string]any{"name": "Eén Run BV", "is_company": true, "customer_rank": 1,
		"country_id": s.odoo.Seeded().Countries["NL"]})
	if err != nil {
		t.Fatal(err)
	}
	move := s.postInvoice("out_invoice", partner, 100, s.odoo.Seeded().Taxes["sale 21%"], "")
	s.settle([]int64{partner})
	if _, err := s.waitInvoice(move); err != nil {
		t.Fatal(err)
	}
	s.clock.Advance(3 * time.Second)
	if res := s.detect(); len(res.PartnerIDs)+len(res.MoveIDs) != 0 {
		t.Fatalf("a quiet Odoo after the first sync started %v and %v", res.PartnerIDs, res.MoveIDs)
	}

	t.Run("partner", func(t *testing.T) {
		s.t = t
		wid := workflows.ContactWorkflowID(s.conn.Name, partner)
		before := s.runOf(wid)
		if err := s.odoo.Write("res.partner", []int64{partner}, map[string]any{"phone": "+31 20 111 2222"}); err != nil {
			t.Fatal(err)
		}
		s.notifyHook(fmt.Sprintf(`{"_model":"res.partner","_id":%d,"commercial_partner_id":%d}`, partner, partner))
		// A second edit in the same second, after the notification: Odoo's rule would notify it too, but the
		// run under way must take it anyway.
		if err := s.odoo.Write("res.partner", []int64{partner}, map[string]any{"website": "https://een-run.example"}); err != nil {
			t.Fatal(err)
		}
		run := s.nextRun(wid, before)
		if accs := s.accountsNamed("Eén Run BV"); len(accs) != 1 || accs[0]["Phone"] != "+31 20 111 2222" || accs[0]["Website"] != "https://een-run.example" {
			t.Fatalf("accounts = %v, want one with both edits", accs)
		}
		s.clock.Advance(3 * time.Second)
		res := s.detect()
		if slices.Contains(res.PartnerIDs, partner) || res.Synced == 0 {
			t.Errorf("the poll after the webhook's run: %+v; want the partner skipped as already synced", res)
		}
		if got := s.runOf(wid); got != run {
			t.Errorf("a second run %s after the webhook's %s", got, run)
		}
	})

	t.Run("invoice", func(t *testing.T) {
		s.t = t
		wid := workflows.InvoiceWorkflowID(s.conn.Name, move)
		before := s.runOf(wid)
		for _, m := range []string{"button_draft", "action_post"} {
			if _, err := s.odoo.Call("account.move", m, []any{[]any{move}}, nil); err != nil {
				t.Fatal(err)
			}
		}
		s.notifyHook(fmt.Sprintf(`{"_model":"account.move","_id":%d}`, move))
		run := s.nextRun(wid, before)
		s.clock.Advance(3 * time.Second)
		res := s.detect()
		if slices.Contains(res.MoveIDs, move) || res.Synced == 0 {
			t.Errorf("the poll after the webhook's run: %+v; want the invoice skipped as already synced", res)
		}
		if got := s.runOf(wid); got != run {
			t.Errorf("a second run %s after the webhook's %s", got, run)
		}
	})
}

// A bank account's change that a partner's sync has read is no new change when the poll finds it again: the poll
// that started the sync read while the change's second was open, so its cursor stayed before it (as after the
// demo's seed). A later change of the bank account is a change again.
func TestABankAccountTheSyncReadStartsNoSecondRun(t *testing.T) {
	ctx := context.Background()
	clk := odootest.NewClock(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	od := odootest.NewServer(t, func(o *odootest.Options) { o.Now = clk.Now })
	st, err := store.Open(ctx, pgtest.URL(t), pgtest.Key())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	if _, err := st.SaveOdoo(ctx, store.Connection{Name: "banks", OdooURL: od.URL(), OdooDatabase: od.Database(), OdooLogin: od.Login(),
		OdooAPIKey: od.APIKey(), OdooCompanyID: od.CompanyID()}); err != nil {
		t.Fatal(err)
	}
	conn, err := st.Connection(ctx, "banks")
	if err != nil {
		t.Fatal(err)
	}
	c := &activities.Contacts{Store: st, Clients: activities.NewClients(st, zap.NewNop())}
	poll := func() activities.ChangedPartners {
		t.Helper()
		page, err := c.ChangedPartners(ctx, activities.ChangedPartnersInput{ConnectionID: conn.ID, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.SaveCursor(ctx, activities.CursorInput{ConnectionID: conn.ID, Cursors: page.Cursors}); err != nil {
			t.Fatal(err)
		}
		return page
	}
	clk.Advance(10 * time.Second)
	if page := poll(); len(page.PartnerIDs) == 0 {
		t.Fatal("the first poll found none of the seeded partners")
	}

	partner := od.Seeded().Partners["Bakkerij De Gouden Korst"]
	bank, err := od.Create("res.partner.bank", map[string]any{"partner_id": partner, "acc_number": "NL02ABNA0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	if page := poll(); !slices.Equal(page.PartnerIDs, []int64{partner}) {
		t.Fatalf("the poll in the new bank account's second started %v, want partner %d", page.PartnerIDs, partner)
	}
	clk.Advance(3 * time.Second)
	fetched, err := c.FetchPartner(ctx, activities.ContactRef{ConnectionID: conn.ID, PartnerID: partner})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(fetched.Partner.BankAccounts, func(b odoo.BankAccount) bool { return b.ID == bank }) {
		t.Fatalf("the sync read bank accounts %+v, want %d among them", fetched.Partner.BankAccounts, bank)
	}
	if page := poll(); len(page.PartnerIDs) != 0 || page.Synced != 1 {
		t.Errorf("the poll after the sync read the bank account: started %v, skipped as synced %d; want none started, 1 skipped",
			page.PartnerIDs, page.Synced)
	}

	clk.Advance(3 * time.Second)
	if err := od.Write("res.partner.bank", []int64{bank}, map[string]any{"acc_holder_name": "De Gouden Korst"}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(3 * time.Second)
	if page := poll(); !slices.Equal(page.PartnerIDs, []int64{partner}) {
		t.Errorf("the poll after a later change of the bank account started %v, want partner %d", page.PartnerIDs, partner)
	}
}
