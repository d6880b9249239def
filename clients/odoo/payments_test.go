package odoo_test

import (
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/clients/odoo/odootest"
)

// postedDraftInvoice posts the seeded draft invoice (4 × 85.00 + 21 % = 411.40) and returns it.
func postedDraftInvoice(t *testing.T, e *env) odoo.Move {
	t.Helper()
	id := e.ids.Moves["draft-invoice"]
	if err := e.c.PostMoves(ctx, []int64{id}); err != nil {
		t.Fatal(err)
	}
	b, err := e.c.Moves(ctx, []int64{id})
	if err != nil {
		t.Fatal(err)
	}
	return b.Moves[0]
}

func movePayments(t *testing.T, e *env, id int64) odoo.MovePayments {
	t.Helper()
	mps, err := e.c.InvoicePayments(ctx, []int64{id})
	if err != nil {
		t.Fatalf("InvoicePayments: %v", err)
	}
	if len(mps) != 1 || mps[0].Move.ID != id {
		t.Fatalf("InvoicePayments(%d): got %+v", id, mps)
	}
	return mps[0]
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// TestPaymentLifecycle: parts add up, each payment is found again by its memo and by the invoice, the
// invoice's payments are read from its partial reconciliations, and a cancelled payment gives the amount back.
func TestPaymentLifecycle(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		inv := postedDraftInvoice(t, e)
		if !inv.AmountTotal.Equal(dec("411.4")) {
			t.Fatalf("invoice total: got %s, want 411.40", inv.AmountTotal)
		}
		today := time.Now().UTC()
		bank := e.ids.Journals["BNK1"]
		first, err := e.c.RegisterPayment(ctx, inv.ID, dec("100"), today, bank, "EXACT-1")
		if err != nil {
			t.Fatalf("RegisterPayment: %v", err)
		}
		mp := movePayments(t, e, inv.ID)
		if mp.PaymentState != "partial" || !mp.AmountResidual.Equal(dec("311.4")) || len(mp.Reconciled) != 1 {
			t.Fatalf("after 100: got %s, residual %s, %d reconciliations", mp.PaymentState, mp.AmountResidual, len(mp.Reconciled))
		}
		rec := mp.Reconciled[0]
		if rec.Payment.ID != first || rec.CounterpartType != odoo.MoveEntry || !rec.Amount.Equal(dec("100")) || !rec.AmountCompany.Equal(dec("100")) || rec.Date.IsZero() {
			t.Errorf("reconciliation: got %+v, want payment %d of 100", rec, first)
		}
		second, err := e.c.RegisterPayment(ctx, inv.ID, dec("311.40"), today, bank, "EXACT-2")
		if err != nil {
			t.Fatalf("RegisterPayment(rest): %v", err)
		}
		mp = movePayments(t, e, inv.ID)
		if mp.PaymentState != "paid" || !mp.AmountResidual.IsZero() || len(mp.Reconciled) != 2 {
			t.Fatalf("after the rest: got %s, residual %s, %d reconciliations", mp.PaymentState, mp.AmountResidual, len(mp.Reconciled))
		}

		byMemo, err := e.c.FindPayments(ctx, odoo.PaymentQuery{Memo: "EXACT-1"})
		if err != nil {
			t.Fatalf("FindPayments(memo): %v", err)
		}
		if len(byMemo) != 1 || byMemo[0].ID != first || byMemo[0].Memo != "EXACT-1" || !byMemo[0].Amount.Equal(dec("100")) ||
			byMemo[0].CreatedBy.ID != e.c.UID() || byMemo[0].PaymentType != "inbound" || byMemo[0].PartnerType != "customer" ||
			byMemo[0].Journal.ID != bank || byMemo[0].Move.IsZero() || byMemo[0].CreateDate.IsZero() {
			t.Errorf("FindPayments(EXACT-1): got %+v", byMemo)
		}
		// Registered in full: 17 posted; 18 and later paid, the part payment too (its invoice is paid).
		wantState := "posted"
		if e.b.version >= 18 {
			wantState = "paid"
		}
		byMove, err := e.c.FindPayments(ctx, odoo.PaymentQuery{MoveID: inv.ID})
		if err != nil {
			t.Fatalf("FindPayments(move): %v", err)
		}
		if len(byMove) != 2 || byMove[0].ID != first || byMove[1].ID != second {
			t.Fatalf("FindPayments(move): got %+v, want %d and %d", byMove, first, second)
		}
		for _, p := range byMove {
			if p.State != wantState || !p.IsReconciled || p.IsMatched || len(p.ReconciledInvoiceIDs) != 1 || p.ReconciledInvoiceIDs[0] != inv.ID {
				t.Errorf("payment %s: state %s reconciled %v matched %v invoices %v; want %s, reconciled, unmatched (outstanding account), the invoice",
					p.Name, p.State, p.IsReconciled, p.IsMatched, p.ReconciledInvoiceIDs, wantState)
			}
		}
		if ps, err := e.c.FindPayments(ctx, odoo.PaymentQuery{MoveID: inv.ID, Memo: "EXACT-2"}); err != nil || len(ps) != 1 || ps[0].ID != second {
			t.Errorf("FindPayments(move and memo): got %+v, %v", ps, err)
		}
		if ps, err := e.c.FindPayments(ctx, odoo.PaymentQuery{Memo: "EXACT-404"}); err != nil || len(ps) != 0 {
			t.Errorf("FindPayments(unknown memo): got %+v, %v", ps, err)
		}
		if _, err := e.c.FindPayments(ctx, odoo.PaymentQuery{}); err == nil {
			t.Error("FindPayments without a condition: got nil error")
		}

		cancelled, err := e.c.CancelPayment(ctx, first)
		if err != nil {
			t.Fatalf("CancelPayment: %v", err)
		}
		if !cancelled.Cancelled() || cancelled.Memo != "EXACT-1" {
			t.Errorf("cancelled payment: got %+v", cancelled)
		}
		mp = movePayments(t, e, inv.ID)
		if mp.PaymentState != "partial" || !mp.AmountResidual.Equal(dec("100")) || len(mp.Reconciled) != 1 || mp.Reconciled[0].Payment.ID != second {
			t.Errorf("after cancelling the first payment: got %s, residual %s, %+v", mp.PaymentState, mp.AmountResidual, mp.Reconciled)
		}
		e.srv.ResetCalls()
		again, err := e.c.CancelPayment(ctx, first)
		if err != nil || again.State != cancelled.State {
			t.Errorf("CancelPayment again: got %+v, %v", again, err)
		}
		if n := e.srv.Calls().ByMethod["account.payment.action_cancel"]; n != 0 {
			t.Errorf("CancelPayment of a cancelled payment called action_cancel %d times", n)
		}
		if _, err := e.c.CancelPayment(ctx, 999999); !errors.Is(err, odoo.ErrNotFound) {
			t.Errorf("CancelPayment of a missing payment: got %v, want ErrNotFound", err)
		}
		// Cancelled, it is still found by its memo, no longer by the invoice.
		if ps, _ := e.c.FindPayments(ctx, odoo.PaymentQuery{Memo: "EXACT-1"}); len(ps) != 1 || !ps[0].Cancelled() {
			t.Errorf("cancelled payment by its memo: got %+v", ps)
		}
		if ps, _ := e.c.FindPayments(ctx, odoo.PaymentQuery{MoveID: inv.ID}); len(ps) != 1 || ps[0].ID != second {
			t.Errorf("payments of the invoice after the cancel: got %+v", ps)
		}
	})
}

// TestOverpayment: more than is due pays the invoice and leaves the rest open on the payment.
func TestOverpayment(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		inv := postedDraftInvoice(t, e)
		id, err := e.c.RegisterPayment(ctx, inv.ID, dec("500"), time.Now().UTC(), e.ids.Journals["BNK1"], "EXACT-OVER")
		if err != nil {
			t.Fatalf("RegisterPayment(500 on 411.40): %v", err)
		}
		mp := movePayments(t, e, inv.ID)
		if mp.PaymentState != "paid" || !mp.AmountResidual.IsZero() || len(mp.Reconciled) != 1 || !mp.Reconciled[0].Amount.Equal(dec("411.4")) {
			t.Errorf("overpaid invoice: got %+v", mp)
		}
		ps, err := e.c.Payments(ctx, []int64{id})
		if err != nil {
			t.Fatal(err)
		}
		if p := ps[0]; p.IsReconciled || !p.Amount.Equal(dec("500")) {
			t.Errorf("the overpayment: got reconciled %v amount %s, want 500 with 88.60 open", p.IsReconciled, p.Amount)
		}
	})
}

// TestReconcileCreditNote: a credit note of part of an invoice, then of the rest: partial, then reversed; wrong
// pairs are refused before anything is sent.
func TestReconcileCreditNote(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		inv := postedDraftInvoice(t, e)
		refund := func(price float64, reversal bool) int64 {
			t.Helper()
			vals := map[string]any{"move_type": odoo.MoveOutRefund, "partner_id": inv.Partner.ID, "invoice_line_ids": []any{[]any{0, 0,
				map[string]any{"name": "Credit", "quantity": 1.0, "price_unit": price, "tax_ids": []any{[]any{6, 0, []int64{e.ids.Taxes["sale 21%"]}}}}}}}
			if reversal {
				vals["reversed_entry_id"] = inv.ID
			}
			id, err := e.c.Create(ctx, "account.move", vals)
			if err != nil {
				t.Fatal(err)
			}
			if err := e.c.PostMoves(ctx, []int64{id}); err != nil {
				t.Fatal(err)
			}
			return id
		}
		part := refund(100, false) // 121.00
		if err := e.c.ReconcileCreditNote(ctx, inv.ID, part); err != nil {
			t.Fatalf("ReconcileCreditNote: %v", err)
		}
		mp := movePayments(t, e, inv.ID)
		if mp.PaymentState != "partial" || !mp.AmountResidual.Equal(dec("290.4")) || len(mp.Reconciled) != 1 ||
			mp.Reconciled[0].CounterpartType != odoo.MoveOutRefund || mp.Reconciled[0].CounterpartMove.ID != part || !mp.Reconciled[0].Payment.IsZero() {
			t.Errorf("after a credit note of 121: got %+v", mp)
		}
		// Again: they are matched already, which is success; nothing is sent.
		e.srv.ResetCalls()
		if err := e.c.ReconcileCreditNote(ctx, inv.ID, part); err != nil {
			t.Errorf("the same credit note again: got %v, want nil", err)
		}
		if n := e.srv.Calls().ByMethod["account.move.line.reconcile"]; n != 0 {
			t.Errorf("the same credit note again: %d reconcile calls, want 0", n)
		}
		if err := e.c.ReconcileCreditNote(ctx, part, inv.ID); !errors.Is(err, odoo.ErrValidation) {
			t.Errorf("the wrong way round: got %v, want a validation error", err)
		}
		// A credit note of another customer is refused, though Odoo would match the lines.
		other, err := e.c.Create(ctx, "account.move", map[string]any{"move_type": odoo.MoveOutRefund, "partner_id": e.ids.Partners["Bakkerij De Gouden Korst"],
			"invoice_line_ids": []any{[]any{0, 0, map[string]any{"name": "Credit", "quantity": 1.0, "price_unit": 10.0}}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.c.PostMoves(ctx, []int64{other}); err != nil {
			t.Fatal(err)
		}
		if err := e.c.ReconcileCreditNote(ctx, inv.ID, other); !errors.Is(err, odoo.ErrValidation) {
			t.Errorf("a credit note of another customer: got %v, want a validation error", err)
		}
		// A reversal of the rest: Odoo matches it on posting; ReconcileCreditNote then has nothing to do.
		rest := refund(240, true) // 290.40
		mp = movePayments(t, e, inv.ID)
		if mp.PaymentState != "reversed" || !mp.AmountResidual.IsZero() || len(mp.Reconciled) != 2 {
			t.Errorf("after the reversal of the rest: got %+v, want reversed", mp)
		}
		if err := e.c.ReconcileCreditNote(ctx, inv.ID, rest); err != nil {
			t.Errorf("ReconcileCreditNote of a reversal Odoo matched: %v", err)
		}
		mps, err := e.c.InvoicePayments(ctx, []int64{rest, inv.ID})
		if err != nil {
			t.Fatal(err)
		}
		if mps[0].Move.ID != rest || mps[0].PaymentState != "paid" || mps[1].Move.ID != inv.ID {
			t.Errorf("InvoicePayments order and the credit note's state: got %+v", mps)
		}
	})
}

// TestLockedPeriodPayment: Odoo posts a payment dated in a locked period on the first open date instead of
// refusing it, and refuses to reset a move of that period; x_ fields can still be written on it.
func TestLockedPeriodPayment(t *testing.T) {
	clk := odootest.NewClock(time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC))
	forEachBackend(t, func(t *testing.T, e *env) {
		id, err := e.c.Create(ctx, "account.move", map[string]any{"move_type": odoo.MoveOutInvoice, "partner_id": e.ids.Partners["Sanne Bakker"],
			"invoice_date": "2020-06-01", "invoice_line_ids": []any{[]any{0, 0, map[string]any{"name": "Old", "quantity": 1.0, "price_unit": 40.0}}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.c.PostMoves(ctx, []int64{id}); err != nil {
			t.Fatal(err)
		}
		if err := e.c.WriteFields(ctx, "res.company", e.srv.CompanyID(), map[string]any{"fiscalyear_lock_date": "2020-12-31"}); err != nil {
			t.Fatalf("lock: %v", err)
		}
		if _, err := e.c.RegisterPayment(ctx, id, dec("10"), time.Date(2020, 6, 15, 0, 0, 0, 0, time.UTC), e.ids.Journals["BNK1"], "EXACT-LOCKED"); err != nil {
			t.Fatalf("RegisterPayment in a locked period: %v", err)
		}
		ps, err := e.c.FindPayments(ctx, odoo.PaymentQuery{Memo: "EXACT-LOCKED"})
		if err != nil || len(ps) != 1 {
			t.Fatalf("FindPayments: %+v %v", ps, err)
		}
		// The entry is posted at the end of the first open year; 17's payment date is its entry's, 18's stays.
		b, err := e.c.Moves(ctx, []int64{ps[0].Move.ID})
		if err != nil {
			t.Fatal(err)
		}
		if got := b.Moves[0].Date.Format(odoo.DateLayout); got != "2021-12-31" {
			t.Errorf("payment entry date: got %s, want 2021-12-31 (the end of the first open year)", got)
		}
		wantDate := "2021-12-31"
		if e.b.version >= 18 {
			wantDate = "2020-06-15"
		}
		if got := ps[0].Date.Format(odoo.DateLayout); got != wantDate {
			t.Errorf("payment date: got %s, want %s", got, wantDate)
		}
		if err := e.c.ResetMovesToDraft(ctx, []int64{id}); !errors.Is(err, odoo.ErrValidation) {
			t.Errorf("reset in a locked period: got %v, want a validation error", err)
		}
		if _, err := e.c.EnsureCustomField(ctx, "account.move", "x_exact_entry_id", "char", "Exact entry"); err != nil {
			t.Fatal(err)
		}
		if err := e.c.WriteFields(ctx, "account.move", id, map[string]any{"x_exact_entry_id": "E-1"}); err != nil {
			t.Errorf("x_ field on a move of a locked period: %v", err)
		}
	}, func(o *odootest.Options) { o.Now = clk.Now })
}
