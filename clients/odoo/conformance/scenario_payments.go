package conformance

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/exactsync/exactsync/clients/odoo"
)

// lockDate is the fiscal year lock date the scenario sets for a moment: fixed, so that the fault Odoo answers
// (which shows it as the user reads dates) is the same in every recording.
const lockDate = "2020-12-31"

// simpleInvoice posts a customer invoice of one untaxed line.
func (r *run) simpleInvoice(ctx context.Context, name string, price decimal.Decimal, date string) (odoo.Move, error) {
	return r.postMove(ctx, map[string]any{
		"move_type": odoo.MoveOutInvoice, "partner_id": r.partner, "journal_id": r.saleJournal,
		"invoice_date": date, "invoice_payment_term_id": r.paymentTerm,
		"invoice_line_ids": []any{[]any{0, 0, map[string]any{"name": name, "quantity": 1.0, "price_unit": price.InexactFloat64(),
			"account_id": r.income, "tax_ids": []any{[]any{6, 0, []int64{}}}}}},
	})
}

// invoicePayments reads one move's payments.
func (r *run) invoicePayments(ctx context.Context, id int64) (odoo.MovePayments, error) {
	mps, err := r.c.InvoicePayments(ctx, []int64{id})
	if err != nil {
		return odoo.MovePayments{}, err
	}
	if len(mps) != 1 {
		return odoo.MovePayments{}, fmt.Errorf("InvoicePayments: %d results", len(mps))
	}
	return mps[0], nil
}

// findPayments finds the two payments of the invoice again: by their memo, and by the invoice; InvoicePayments
// shows both, whose amounts make the total.
func (r *run) findPayments(ctx context.Context) error {
	byMemo, err := r.c.FindPayments(ctx, odoo.PaymentQuery{Memo: "Partial " + r.suffix})
	if err != nil {
		return err
	}
	half := r.invoiceTotal.Div(decimal.NewFromInt(2)).Round(2)
	if len(byMemo) != 1 || !byMemo[0].Amount.Equal(half) || byMemo[0].Memo != "Partial "+r.suffix ||
		byMemo[0].CreatedBy.ID != r.c.UID() || byMemo[0].Cancelled() || len(byMemo[0].ReconciledInvoiceIDs) != 1 {
		r.surprise("payment found by its memo: %+v, want one of %s by uid %d paying the invoice", byMemo, half, r.c.UID())
	}
	byMove, err := r.c.FindPayments(ctx, odoo.PaymentQuery{MoveID: r.invoice})
	if err != nil {
		return err
	}
	if len(byMove) != 2 {
		r.surprise("payments found by the invoice: %d, want 2", len(byMove))
	}
	both, err := r.c.FindPayments(ctx, odoo.PaymentQuery{MoveID: r.invoice, Memo: "Rest " + r.suffix})
	if err != nil {
		return err
	}
	if len(both) != 1 || !both[0].Amount.Equal(r.invoiceTotal.Sub(half)) {
		r.surprise("payment found by the invoice and its memo: %+v", both)
	}
	none, err := r.c.FindPayments(ctx, odoo.PaymentQuery{Memo: "No such payment " + r.suffix})
	if err != nil {
		return err
	}
	if len(none) != 0 {
		r.surprise("payments of an unknown memo: %+v", none)
	}
	mp, err := r.invoicePayments(ctx, r.invoice)
	if err != nil {
		return err
	}
	sum := decimal.Zero
	for _, rec := range mp.Reconciled {
		sum = sum.Add(rec.Amount)
		if rec.Payment.ID == 0 || rec.CounterpartType != odoo.MoveEntry {
			r.surprise("reconciled with the invoice: %+v, want a payment's entry", rec)
		}
	}
	if !mp.AmountResidual.IsZero() || mp.PaymentState != "paid" || len(mp.Reconciled) != 2 || !sum.Equal(r.invoiceTotal) {
		r.surprise("payments of the paid invoice: %s, residual %s, %d reconciliations of %s; want paid, 0, 2 of %s",
			mp.PaymentState, mp.AmountResidual, len(mp.Reconciled), sum, r.invoiceTotal)
	}
	return nil
}

// overpay pays more than an invoice's total: Odoo allows it (the difference stays open on the payment, which is
// not reconciled); then the payment is cancelled (back to draft, then cancelled) and the invoice is due again.
func (r *run) overpay(ctx context.Context) error {
	total := decimal.RequireFromString("80.00")
	m, err := r.simpleInvoice(ctx, "Overpaid "+r.suffix, total, r.today.Format(odoo.DateLayout))
	if err != nil {
		return err
	}
	memo := "Overpay " + r.suffix
	if _, err := r.c.RegisterPayment(ctx, m.ID, decimal.RequireFromString("100.00"), r.today, r.bankJournal, memo); err != nil {
		return err
	}
	mp, err := r.invoicePayments(ctx, m.ID)
	if err != nil {
		return err
	}
	if mp.PaymentState != "paid" || !mp.AmountResidual.IsZero() || len(mp.Reconciled) != 1 || !mp.Reconciled[0].Amount.Equal(total) {
		r.surprise("overpaid invoice: %+v, want paid with one reconciliation of %s", mp, total)
	}
	ps, err := r.c.FindPayments(ctx, odoo.PaymentQuery{Memo: memo})
	if err != nil {
		return err
	}
	if len(ps) != 1 || ps[0].IsReconciled || !ps[0].Amount.Equal(decimal.RequireFromString("100")) {
		r.surprise("the overpayment: %+v, want one of 100 not fully reconciled", ps)
		return nil
	}
	p, err := r.c.CancelPayment(ctx, ps[0].ID)
	if err != nil {
		return err
	}
	// 17 lists no invoice for it any more; 18+ keeps the invoices it was registered for (invoice_ids) in
	// reconciled_invoice_ids, reconciled or not.
	if !p.Cancelled() || r.c.ServerVersion().Major < 18 && len(p.ReconciledInvoiceIDs) != 0 {
		r.surprise("cancelled payment: %+v", p)
	}
	again, err := r.c.CancelPayment(ctx, ps[0].ID)
	if err != nil {
		return err
	}
	if again.State != p.State {
		r.surprise("cancelling a cancelled payment: %s, was %s", again.State, p.State)
	}
	if mp, err = r.invoicePayments(ctx, m.ID); err != nil {
		return err
	}
	if mp.PaymentState != "not_paid" || !mp.AmountResidual.Equal(total) || len(mp.Reconciled) != 0 {
		r.surprise("invoice of the cancelled payment: %+v, want not_paid, %s due", mp, total)
	}
	// Found again by its memo, cancelled; no longer by the invoice.
	if ps, err = r.c.FindPayments(ctx, odoo.PaymentQuery{Memo: memo}); err != nil {
		return err
	}
	if len(ps) != 1 || !ps[0].Cancelled() {
		r.surprise("cancelled payment by its memo: %+v", ps)
	}
	if ps, err = r.c.FindPayments(ctx, odoo.PaymentQuery{MoveID: m.ID}); err != nil {
		return err
	}
	if len(ps) != 0 {
		r.surprise("payments of the invoice after the cancel: %+v", ps)
	}
	return nil
}

// creditNote: a credit note posted as the invoice's reversal (reversed_entry_id) is reconciled with it by Odoo on
// posting, and ReconcileCreditNote says so without doing more; a standalone credit note of the rest is reconciled by
// ReconcileCreditNote, and the invoice is "reversed". The wrong way round is refused by the client.
func (r *run) creditNote(ctx context.Context) error {
	date := r.today.Format(odoo.DateLayout)
	total := decimal.RequireFromString("100.00")
	inv, err := r.simpleInvoice(ctx, "Credited "+r.suffix, total, date)
	if err != nil {
		return err
	}
	refund := func(amount string, reversal bool) (odoo.Move, error) {
		vals := map[string]any{
			"move_type": odoo.MoveOutRefund, "partner_id": r.partner, "journal_id": r.saleJournal, "invoice_date": date,
			"invoice_line_ids": []any{[]any{0, 0, map[string]any{"name": "Credit " + r.suffix, "quantity": 1.0,
				"price_unit": decimal.RequireFromString(amount).InexactFloat64(), "account_id": r.income, "tax_ids": []any{[]any{6, 0, []int64{}}}}}},
		}
		if reversal {
			vals["reversed_entry_id"] = inv.ID
		}
		return r.postMove(ctx, vals)
	}
	first, err := refund("30.00", true)
	if err != nil {
		return err
	}
	partial := func(what string) error {
		mp, err := r.invoicePayments(ctx, inv.ID)
		if err != nil {
			return err
		}
		if mp.PaymentState != "partial" || !mp.AmountResidual.Equal(decimal.RequireFromString("70")) || len(mp.Reconciled) != 1 ||
			mp.Reconciled[0].CounterpartType != odoo.MoveOutRefund || mp.Reconciled[0].CounterpartMove.ID != first.ID || mp.Reconciled[0].Payment.ID != 0 {
			r.surprise("invoice %s: %+v, want partial, 70 due, one reconciliation with the credit note", what, mp)
		}
		return nil
	}
	if err := partial("after posting its reversal of 30"); err != nil {
		return err
	}
	if err := r.c.ReconcileCreditNote(ctx, inv.ID, first.ID); err != nil {
		return err
	}
	if err := partial("after ReconcileCreditNote with its reversal"); err != nil {
		return err
	}
	if err := r.c.ReconcileCreditNote(ctx, first.ID, inv.ID); !errors.Is(err, odoo.ErrValidation) {
		r.surprise("reconciling the other way round: %v, want a validation error", err)
	}
	rest, err := refund("70.00", false)
	if err != nil {
		return err
	}
	if err := r.c.ReconcileCreditNote(ctx, inv.ID, rest.ID); err != nil {
		return err
	}
	mps, err := r.c.InvoicePayments(ctx, []int64{inv.ID, rest.ID})
	if err != nil {
		return err
	}
	if mp := mps[0]; mp.PaymentState != "reversed" || !mp.AmountResidual.IsZero() || len(mp.Reconciled) != 2 {
		r.surprise("invoice after credit notes of its whole amount: %+v, want reversed, nothing due, two reconciliations", mp)
	}
	if mp := mps[1]; mp.PaymentState != "paid" || !mp.AmountResidual.IsZero() || len(mp.Reconciled) != 1 || mp.Reconciled[0].CounterpartType != odoo.MoveOutInvoice {
		r.surprise("the credit note of the rest: %+v, want paid by the invoice", mp)
	}
	// Take the second credit note back, as the invoice's payment widget does: the first stays reconciled.
	seventy := decimal.RequireFromString("70")
	taken, err := r.c.UnreconcileCreditNote(ctx, inv.ID, rest.ID, seventy)
	if err != nil {
		return err
	}
	if !taken.Equal(seventy) {
		r.surprise("unreconcile the credit note of the rest: took back %s, want 70", taken)
	}
	if err := partial("after taking back the credit note of the rest"); err != nil {
		return err
	}
	if mps, err = r.c.InvoicePayments(ctx, []int64{rest.ID}); err != nil {
		return err
	}
	if mp := mps[0]; mp.PaymentState != "not_paid" || !mp.AmountResidual.Equal(seventy) || len(mp.Reconciled) != 0 {
		r.surprise("the credit note taken back: %+v, want not_paid, 70 open, nothing reconciled", mp)
	}
	if taken, err = r.c.UnreconcileCreditNote(ctx, inv.ID, rest.ID, seventy); err != nil || !taken.IsZero() {
		r.surprise("unreconcile it again: took back %s, %v; want nothing, no error", taken, err)
	}
	return nil
}

// lockedPayment registers a payment dated in a locked period: Odoo 17 does not refuse it, it posts it on the first
// open date (_get_accounting_date: the end of the year after the lock date, today being later); resetting a move
// of the locked period is refused, writing x_ fields on it is not. The lock is lifted again in any case.
func (r *run) lockedPayment(ctx context.Context) error {
	inv, err := r.simpleInvoice(ctx, "Locked "+r.suffix, decimal.RequireFromString("40.00"), "2020-06-01")
	if err != nil {
		return err
	}
	if err := r.c.WriteFields(ctx, "res.company", r.company.ID, map[string]any{"fiscalyear_lock_date": lockDate}); err != nil {
		return err
	}
	checkErr := r.inLockedPeriod(ctx, inv)
	if err := r.c.WriteFields(ctx, "res.company", r.company.ID, map[string]any{"fiscalyear_lock_date": false}); err != nil {
		return errors.Join(checkErr, err)
	}
	return checkErr
}

func (r *run) inLockedPeriod(ctx context.Context, inv odoo.Move) error {
	memo := "Locked " + r.suffix
	asked := time.Date(2020, 6, 15, 0, 0, 0, 0, time.UTC)
	if _, err := r.c.RegisterPayment(ctx, inv.ID, decimal.RequireFromString("10.00"), asked, r.bankJournal, memo); err != nil {
		return err
	}
	ps, err := r.c.FindPayments(ctx, odoo.PaymentQuery{Memo: memo})
	if err != nil {
		return err
	}
	// The first open date, for a journal numbered per year, today being in a later year: the end of the year after.
	lock, _ := time.Parse(odoo.DateLayout, lockDate)
	want := time.Date(lock.Year()+1, 12, 31, 0, 0, 0, 0, time.UTC)
	if len(ps) != 1 {
		return fmt.Errorf("payment in a locked period: found %d", len(ps))
	}
	entry, err := r.c.Read(ctx, "account.move", []int64{ps[0].Move.ID}, []string{"date", "state"})
	if err != nil {
		return err
	}
	// 17: the payment's date is its entry's; 18+ keeps the date asked on the payment.
	payDate := want
	if r.c.ServerVersion().Major >= 18 {
		payDate = asked
	}
	if len(entry) != 1 || !odoo.NewDecoder(entry[0]).Date("date").Equal(want) || !ps[0].Date.Equal(payDate) {
		r.surprise("payment dated %s in a period locked until %s: %+v, entry %v; want the entry posted on %s", asked.Format(odoo.DateLayout), lockDate,
			ps[0], entry, want.Format(odoo.DateLayout))
	}
	mp, err := r.invoicePayments(ctx, inv.ID)
	if err != nil {
		return err
	}
	if mp.PaymentState != "partial" || !mp.AmountResidual.Equal(decimal.RequireFromString("30")) {
		r.surprise("invoice of the locked period after a payment of 10: %+v", mp)
	}
	r.wantFault("resetting a move of a locked period to draft", r.c.ResetMovesToDraft(ctx, []int64{inv.ID}))
	names := r.moveFieldNames()
	if err := r.c.WriteFields(ctx, "account.move", inv.ID, map[string]any{names[0]: "LOCKED-" + r.suffix}); err != nil {
		r.surprise("x_ field on a move of a locked period: %v", err)
	}
	return nil
}

// StepWriteOff registers a payment one cent short and one a cent over, each marked fully paid with the difference
// written off on the company's exchange difference accounts.
const StepWriteOff = "register payments with a write-off"

func (r *run) writeOff(ctx context.Context) error {
	if r.company.ExchangeGain.ID == 0 || r.company.ExchangeLoss.ID == 0 {
		r.surprise("company %d has no exchange difference accounts: gain %+v, loss %+v", r.company.ID, r.company.ExchangeGain, r.company.ExchangeLoss)
		return nil
	}
	for _, tc := range []struct {
		paid    string
		account odoo.Many2One
	}{{"49.99", r.company.ExchangeLoss}, {"50.01", r.company.ExchangeGain}} {
		m, err := r.simpleInvoice(ctx, "Written off "+tc.paid+" "+r.suffix, decimal.RequireFromString("50.00"), r.today.Format(odoo.DateLayout))
		if err != nil {
			return err
		}
		if _, err := r.c.RegisterPayment(ctx, m.ID, decimal.RequireFromString(tc.paid), r.today, r.bankJournal, "Write-off "+tc.paid+" "+r.suffix,
			odoo.WriteOff{Account: tc.account.ID, Label: "Rounding " + r.suffix}); err != nil {
			return err
		}
		mp, err := r.invoicePayments(ctx, m.ID)
		if err != nil {
			return err
		}
		if !mp.AmountResidual.IsZero() || mp.PaymentState != "paid" && mp.PaymentState != "in_payment" {
			r.surprise("invoice of 50.00 paid %s with a write-off on %s: %+v, want paid, nothing open", tc.paid, tc.account.Name, mp)
		}
	}
	return nil
}
