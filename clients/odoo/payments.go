package odoo

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"
)

// RegisterPayment registers a payment on one posted invoice or bill the way a
// user does in the UI: it creates an account.payment.register wizard for the
// move (amount, payment date, journal, communication, difference kept open)
// and calls action_create_payments. The move's payment_state and
// amount_residual follow: a part payment leaves it partial and later parts add
// up; more than is due pays it and leaves the rest open on the payment (Odoo
// allows it); nothing left to pay is a Validation fault. A payment date in a
// locked period is not refused: Odoo posts its entry on the first open date
// (see Payment.Date). Give each payment a unique communication: FindPayments finds it
// again by it when an answer was lost. It returns the created account.payment's
// id when Odoo reports it (0 otherwise).
//
// With a WriteOff the invoice is marked fully paid ("Mark as fully paid"): what the payment leaves open, or pays
// beyond what is due, is booked on WriteOff.Account (a rounding difference of a foreign currency).
func (c *Client) RegisterPayment(ctx context.Context, moveID int64, amount decimal.Decimal, date time.Time, journalID int64, communication string, writeOff ...WriteOff) (int64, error) {
	const wizard = "account.payment.register"
	switch {
	case moveID <= 0:
		return 0, fmt.Errorf("odoo: %s: invalid move id %d", wizard, moveID)
	case !amount.IsPositive():
		return 0, fmt.Errorf("odoo: %s: amount %s must be positive", wizard, amount)
	case date.IsZero():
		return 0, fmt.Errorf("odoo: %s: a payment date is required", wizard)
	case journalID <= 0:
		return 0, fmt.Errorf("odoo: %s: invalid journal id %d", wizard, journalID)
	}
	active := map[string]any{"active_model": "account.move", "active_ids": []int64{moveID}, "active_id": moveID}
	vals := map[string]any{
		// The wire carries a double; the decimal is the source of truth and is
		// converted once, here.
		"amount":       amount.InexactFloat64(),
		"payment_date": formatDate(date),
		"journal_id":   journalID,
		// A part payment leaves the rest open (Odoo's default, said out loud): never written off.
		"payment_difference_handling": "open",
	}
	if communication != "" {
		vals["communication"] = communication
	}
	for _, w := range writeOff {
		if w.Account <= 0 {
			return 0, fmt.Errorf("odoo: %s: a write-off needs an account", wizard)
		}
		vals["payment_difference_handling"], vals["writeoff_account_id"] = "reconcile", w.Account
		if w.Label != "" {
			vals["writeoff_label"] = w.Label
		}
	}
	wid, err := c.createWith(ctx, wizard, vals, active)
	if err != nil {
		return 0, err
	}
	res, err := c.call(ctx, wizard, "action_create_payments", []any{[]int64{wid}}, map[string]any{"context": active})
	if err != nil {
		return 0, err
	}
	if action, ok := res.(map[string]any); ok {
		if id, ok := asInt(action["res_id"]); ok {
			return id, nil
		}
	}
	return 0, nil
}

// WriteOff books the difference between a payment and what the invoice has open on Account, with Label on the
// write-off journal item (Odoo's default "Write-Off" when empty).
type WriteOff struct {
	Account int64
	Label   string
}

// Payment is an account.payment.
type Payment struct {
	ID       int64
	Name     string
	State    string // 17: draft, posted, cancel; 18+: draft, in_process, paid, canceled, rejected
	Amount   decimal.Decimal
	Currency Many2One
	// Date is the payment date. Odoo posts a payment dated in a locked period on the first open date: on 17
	// Date is that date (the payment's date is its entry's); on 18+ Date stays as asked and only the entry
	// (Move) is dated later.
	Date        time.Time
	Journal     Many2One
	Partner     Many2One
	PaymentType string // inbound, outbound
	PartnerType string // customer, supplier
	// Memo is the communication given at registration: account.payment.ref on 17, memo on 18 and later.
	Memo string
	Move Many2One // the payment's journal entry
	// CreatedBy and CreateDate say who registered it: a caller that may only cancel its own payments checks them.
	CreatedBy  Many2One
	CreateDate time.Time
	// IsReconciled: nothing is left open on its receivable/payable line; IsMatched: its liquidity line was
	// matched with a bank statement (or it is on the journal's own account).
	IsReconciled         bool
	IsMatched            bool
	ReconciledInvoiceIDs []int64
	ReconciledBillIDs    []int64
	Record               Record
}

// Cancelled reports whether the payment is cancelled (17 "cancel", 18+ "canceled").
func (p Payment) Cancelled() bool { return p.State == "cancel" || p.State == "canceled" }

var paymentFields = []string{"id", "name", "state", "amount", "currency_id", "date", "journal_id", "partner_id", "payment_type",
	"partner_type", "ref", "memo", "move_id", "create_uid", "create_date", "is_reconciled", "is_matched",
	"reconciled_invoice_ids", "reconciled_bill_ids"}

// Payments reads payments by id (in the order of ids); a missing id fails with ErrNotFound.
func (c *Client) Payments(ctx context.Context, ids []int64) ([]Payment, error) {
	ids = uniq(ids)
	if len(ids) == 0 {
		return nil, nil
	}
	recs, err := c.readAll(ctx, "account.payment", "payments", ids, paymentFields)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]Payment, len(recs))
	for _, r := range recs {
		p, err := decodePayment(r)
		if err != nil {
			return nil, err
		}
		byID[p.ID] = p
	}
	out := make([]Payment, 0, len(ids))
	for _, id := range ids {
		out = append(out, byID[id])
	}
	return out, nil
}

func decodePayment(r Record) (Payment, error) {
	d := NewDecoder(r)
	p := Payment{
		ID: d.Int("id"), Name: d.String("name"), State: d.String("state"), Currency: d.Many2One("currency_id"),
		Date: d.Date("date"), Journal: d.Many2One("journal_id"), Partner: d.Many2One("partner_id"),
		PaymentType: d.String("payment_type"), PartnerType: d.String("partner_type"), Memo: d.String("memo"),
		Move: d.Many2One("move_id"), CreatedBy: d.Many2One("create_uid"), CreateDate: d.Datetime("create_date"),
		IsReconciled: d.Bool("is_reconciled"), IsMatched: d.Bool("is_matched"),
		ReconciledInvoiceIDs: d.IDs("reconciled_invoice_ids"), ReconciledBillIDs: d.IDs("reconciled_bill_ids"), Record: r,
	}
	if _, ok := r["memo"]; !ok {
		p.Memo = d.String("ref")
	}
	p.Amount = d.Decimal("amount", -1)
	if d.Err() != nil {
		return Payment{}, fmt.Errorf("account.payment %d: %w", p.ID, d.Err())
	}
	return p, nil
}

// PaymentQuery selects payments for FindPayments; the conditions given all apply.
type PaymentQuery struct {
	// MoveID: the payments reconciled with this invoice or bill now (a cancelled or reset payment is not).
	MoveID int64
	// Memo: the payments registered with exactly this communication (17: account.payment.ref, 18+: memo),
	// cancelled ones included, so that a registration whose answer was lost is found again on retry.
	Memo string
}

// FindPayments finds payments by the invoice they pay and/or by their memo, in id order (a search of
// account.payment, plus InvoicePayments' calls for MoveID).
func (c *Client) FindPayments(ctx context.Context, q PaymentQuery) ([]Payment, error) {
	if q.MoveID == 0 && q.Memo == "" {
		return nil, fmt.Errorf("odoo: FindPayments needs a move id or a memo")
	}
	var domain Domain
	if q.Memo != "" {
		field := "ref"
		if ok, err := c.hasField(ctx, "account.payment", "memo"); err != nil {
			return nil, err
		} else if ok {
			field = "memo"
		}
		domain = leaf(field, "=", q.Memo)
	}
	if q.MoveID != 0 {
		mps, err := c.InvoicePayments(ctx, []int64{q.MoveID})
		if err != nil {
			return nil, err
		}
		var ids []any
		for _, r := range mps[0].Reconciled {
			if r.Payment.ID != 0 {
				ids = append(ids, r.Payment.ID)
			}
		}
		if len(ids) == 0 {
			return nil, nil
		}
		domain = and(domain, leaf("id", "in", ids))
	}
	fields, err := c.existing(ctx, "account.payment", paymentFields)
	if err != nil {
		return nil, err
	}
	recs, err := c.searchRead(ctx, "account.payment", domain, fields, SearchReadOptions{Order: "id asc"})
	if err != nil {
		return nil, err
	}
	out := make([]Payment, 0, len(recs))
	for _, r := range recs {
		p, err := decodePayment(r)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// CancelPayment cancels a payment as a user does: back to draft (action_draft, which un-reconciles it from
// the invoices it paid, up to 18) and cancelled (action_cancel; 18+ deletes its draft entry). A cancelled
// payment is returned as it is. Whether the payment may be cancelled (made by the connector: see
// Payment.CreatedBy and Memo) is the caller's call. Returns the payment as read afterwards.
func (c *Client) CancelPayment(ctx context.Context, paymentID int64) (*Payment, error) {
	ps, err := c.Payments(ctx, []int64{paymentID})
	if err != nil {
		return nil, err
	}
	p := ps[0]
	if p.Cancelled() {
		return &p, nil
	}
	if p.State != "draft" {
		if _, err := c.call(ctx, "account.payment", "action_draft", []any{[]int64{paymentID}}, nil); err != nil {
			return nil, err
		}
	}
	if _, err := c.call(ctx, "account.payment", "action_cancel", []any{[]int64{paymentID}}, nil); err != nil {
		return nil, err
	}
	if ps, err = c.Payments(ctx, []int64{paymentID}); err != nil {
		return nil, err
	}
	if p = ps[0]; !p.Cancelled() {
		return nil, validationFault("account.payment", "action_cancel", fmt.Sprintf("payment %d (%s) is %s after cancelling", p.ID, p.Name, p.State), false)
	}
	return &p, nil
}

// ReconcileCreditNote matches a posted credit note with the posted invoice it credits (a customer invoice
// with a customer credit note, a vendor bill with a vendor credit note), as a user does from the invoice's
// outstanding credits: their open receivable or payable lines are reconciled (account.move.line.reconcile).
// The invoice's residual drops by the credit note's; fully matched by credit notes alone, Odoo shows it
// "reversed" (with a payment also involved, "paid"). A credit note posted as the invoice's reversal
// (reversed_entry_id) was reconciled with it by Odoo already: that is success, nothing more is done. Odoo
// itself would reconcile lines of different partners on one account: this refuses moves of different
// companies or commercial partners, and moves with nothing left open to match (a Validation fault).
func (c *Client) ReconcileCreditNote(ctx context.Context, invoiceID, refundID int64) error {
	recs, err := c.readAll(ctx, "account.move", "moves", []int64{invoiceID, refundID},
		[]string{"id", "name", "move_type", "state", "company_id", "commercial_partner_id"})
	if err != nil {
		return err
	}
	heads := map[int64]*Decoder{}
	for _, r := range recs {
		d := NewDecoder(r)
		heads[d.Int("id")] = d
	}
	inv, ref := heads[invoiceID], heads[refundID]
	invType, refType := inv.String("move_type"), ref.String("move_type")
	pairs := (invType == MoveOutInvoice || invType == "out_receipt") && refType == MoveOutRefund ||
		(invType == MoveInInvoice || invType == "in_receipt") && refType == MoveInRefund
	bad := func(format string, a ...any) error {
		return validationFault("account.move", "reconcile_credit_note", fmt.Sprintf(format, a...), false)
	}
	switch {
	case !pairs:
		return bad("%s (%s) cannot be credited by %s (%s)", inv.String("name"), invType, ref.String("name"), refType)
	case inv.String("state") != StatePosted || ref.String("state") != StatePosted:
		return bad("%s is %s and %s is %s: only posted moves are reconciled", inv.String("name"), inv.String("state"), ref.String("name"), ref.String("state"))
	case inv.Many2One("company_id").ID != ref.Many2One("company_id").ID:
		return bad("%s and %s belong to different companies", inv.String("name"), ref.String("name"))
	case inv.Many2One("commercial_partner_id").ID != ref.Many2One("commercial_partner_id").ID:
		return bad("%s is of %s, %s of %s", inv.String("name"), inv.Many2One("commercial_partner_id").Name, ref.String("name"), ref.Many2One("commercial_partner_id").Name)
	}
	if inv.Err() != nil || ref.Err() != nil {
		return fmt.Errorf("odoo: account.move: %w", errors.Join(inv.Err(), ref.Err()))
	}
	// Odoo reconciles a credit note made as an invoice's reversal (reversed_entry_id) with it when posting it.
	paid, err := c.InvoicePayments(ctx, []int64{invoiceID})
	if err != nil {
		return err
	}
	already := false
	for _, r := range paid[0].Reconciled {
		already = already || r.CounterpartMove.ID == refundID
	}
	lines, err := c.searchRead(ctx, "account.move.line", and(leaf("move_id", "in", []any{invoiceID, refundID}),
		leaf("account_type", "in", []any{"asset_receivable", "liability_payable"}), leaf("reconciled", "=", false)),
		[]any{"id", "move_id", "account_id"}, SearchReadOptions{Order: "id asc"})
	if err != nil {
		return err
	}
	byAccount := map[int64][]int64{}
	moves := map[int64]map[int64]bool{}
	var accounts []int64
	for _, r := range lines {
		d := NewDecoder(r)
		acc := d.Many2One("account_id").ID
		if _, ok := byAccount[acc]; !ok {
			accounts = append(accounts, acc)
			moves[acc] = map[int64]bool{}
		}
		byAccount[acc] = append(byAccount[acc], d.Int("id"))
		moves[acc][d.Many2One("move_id").ID] = true
	}
	done := false
	for _, acc := range accounts {
		if !moves[acc][invoiceID] || !moves[acc][refundID] {
			continue
		}
		if _, err := c.call(ctx, "account.move.line", "reconcile", []any{byAccount[acc]}, nil); err != nil {
			return err
		}
		done = true
	}
	if !done && !already {
		return bad("%s and %s have nothing open to reconcile with each other", inv.String("name"), ref.String("name"))
	}
	return nil
}

// UnreconcileCreditNote takes back a reconciliation of an invoice or bill with a credit note, as the invoice's
// payment widget does (account.move.js_remove_outstanding_partial, which unlinks the partial; Odoo then reopens
// both moves and drops their matching number). Of the partials between the two moves it removes the one of
// amount (in the invoice's currency), or every one when none is of that amount; payments and other credit notes
// stay reconciled. It returns the amount taken back; zero when nothing was reconciled between them (taken back
// already, say by an earlier attempt whose answer was lost).
func (c *Client) UnreconcileCreditNote(ctx context.Context, invoiceID, refundID int64, amount decimal.Decimal) (decimal.Decimal, error) {
	mps, err := c.InvoicePayments(ctx, []int64{invoiceID})
	if err != nil {
		return decimal.Zero, err
	}
	var between []Reconciliation
	for _, r := range mps[0].Reconciled {
		if r.CounterpartMove.ID == refundID {
			between = append(between, r)
		}
	}
	for _, r := range between {
		if r.Amount.Equal(amount) {
			between = []Reconciliation{r}
			break
		}
	}
	taken := decimal.Zero
	for _, r := range between {
		if _, err := c.call(ctx, "account.move", "js_remove_outstanding_partial", []any{[]any{invoiceID}, r.PartialID}, nil); err != nil {
			return taken, err
		}
		taken = taken.Add(r.Amount)
	}
	return taken, nil
}

// MovePayments is what is paid on an invoice or bill: its residual and payment state, and every journal
// item reconciled with it (payments, credit notes, other entries).
type MovePayments struct {
	Move           Many2One
	MoveType       string
	State          string
	PaymentState   string // not_paid, partial, paid, in_payment (with the Accounting app), reversed, …
	Currency       Many2One
	CurrencyPlaces int32
	AmountTotal    decimal.Decimal
	AmountResidual decimal.Decimal
	// Reconciled are the partial reconciliations of its receivable/payable lines, in partial id order.
	Reconciled []Reconciliation
}

// Reconciliation is one account.partial.reconcile between an invoice's line and a counterpart.
type Reconciliation struct {
	PartialID int64
	Date      time.Time // max_date: the later of the two items' dates
	// Amount is what it settles in the invoice's currency; AmountCompany in the company's.
	Amount, AmountCompany decimal.Decimal
	Counterpart           Many2One // the other journal item
	CounterpartMove       Many2One
	CounterpartType       string   // its move_type: entry for a payment, out_refund/in_refund for a credit note
	Payment               Many2One // the account.payment of the counterpart's entry, if any
}

// InvoicePayments reads, for each move (in the order of ids), its residual, payment state, currency and the
// journal items reconciled with it. It reads account.partial.reconcile, the same on 17, 18 and 19 (the
// invoice_payments_widget JSON differs between versions), in a constant number of calls: the moves, their
// receivable/payable lines, the partials, the counterpart lines and their moves.
func (c *Client) InvoicePayments(ctx context.Context, moveIDs []int64) ([]MovePayments, error) {
	moveIDs = uniq(moveIDs)
	if len(moveIDs) == 0 {
		return nil, nil
	}
	recs, err := c.readAll(ctx, "account.move", "moves", moveIDs,
		[]string{"id", "name", "move_type", "state", "payment_state", "currency_id", "amount_total", "amount_residual"})
	if err != nil {
		return nil, err
	}
	currencies, err := c.currencyMap(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]MovePayments, len(moveIDs))
	index := map[int64]int{}
	for i, id := range moveIDs {
		index[id] = i
	}
	for _, r := range recs {
		d := NewDecoder(r)
		mp := MovePayments{Move: Many2One{ID: d.Int("id"), Name: d.String("name")}, MoveType: d.String("move_type"),
			State: d.String("state"), PaymentState: d.String("payment_state"), Currency: d.Many2One("currency_id"), CurrencyPlaces: 2}
		if cur, ok := currencies[mp.Currency.ID]; ok {
			mp.CurrencyPlaces = cur.DecimalPlaces
		}
		mp.AmountTotal = d.Decimal("amount_total", mp.CurrencyPlaces)
		mp.AmountResidual = d.Decimal("amount_residual", mp.CurrencyPlaces)
		if d.Err() != nil {
			return nil, fmt.Errorf("account.move %d: %w", mp.Move.ID, d.Err())
		}
		out[index[mp.Move.ID]] = mp
	}
	ids := make([]any, len(moveIDs))
	for i, id := range moveIDs {
		ids[i] = id
	}
	lines, err := c.searchRead(ctx, "account.move.line", and(leaf("move_id", "in", ids),
		leaf("account_type", "in", []any{"asset_receivable", "liability_payable"})),
		[]any{"id", "move_id", "matched_debit_ids", "matched_credit_ids"}, SearchReadOptions{Order: "id asc"})
	if err != nil {
		return nil, err
	}
	own := map[int64]int64{} // invoice line → its move
	var partialIDs []int64
	for _, r := range lines {
		d := NewDecoder(r)
		own[d.Int("id")] = d.Many2One("move_id").ID
		partialIDs = append(partialIDs, d.IDs("matched_debit_ids")...)
		partialIDs = append(partialIDs, d.IDs("matched_credit_ids")...)
		if d.Err() != nil {
			return nil, fmt.Errorf("account.move.line: %w", d.Err())
		}
	}
	partialIDs = uniq(partialIDs)
	if len(partialIDs) == 0 {
		return out, nil
	}
	sort.Slice(partialIDs, func(i, j int) bool { return partialIDs[i] < partialIDs[j] })
	partials, err := c.read(ctx, "account.partial.reconcile", partialIDs,
		[]any{"id", "debit_move_id", "credit_move_id", "amount", "debit_amount_currency", "credit_amount_currency", "max_date"})
	if err != nil {
		return nil, err
	}
	type half struct {
		move        int64
		r           Reconciliation
		counterpart int64
		amountCur   decimal.Decimal
	}
	var halves []half
	var counterparts []int64
	for _, r := range partials {
		d := NewDecoder(r)
		debit, credit := d.Many2One("debit_move_id"), d.Many2One("credit_move_id")
		base := Reconciliation{PartialID: d.Int("id"), Date: d.Date("max_date"), AmountCompany: d.Decimal("amount", -1)}
		if m, ok := own[debit.ID]; ok {
			h := half{move: m, r: base, counterpart: credit.ID, amountCur: d.Decimal("debit_amount_currency", -1)}
			h.r.Counterpart = credit
			halves = append(halves, h)
			counterparts = append(counterparts, credit.ID)
		}
		if m, ok := own[credit.ID]; ok {
			h := half{move: m, r: base, counterpart: debit.ID, amountCur: d.Decimal("credit_amount_currency", -1)}
			h.r.Counterpart = debit
			halves = append(halves, h)
			counterparts = append(counterparts, debit.ID)
		}
		if d.Err() != nil {
			return nil, fmt.Errorf("account.partial.reconcile: %w", d.Err())
		}
	}
	cl, err := c.read(ctx, "account.move.line", uniq(counterparts), []any{"id", "move_id", "payment_id"})
	if err != nil {
		return nil, err
	}
	type lineInfo struct{ move, payment Many2One }
	info := map[int64]lineInfo{}
	var cmoves []int64
	for _, r := range cl {
		d := NewDecoder(r)
		li := lineInfo{move: d.Many2One("move_id"), payment: d.Many2One("payment_id")}
		info[d.Int("id")] = li
		cmoves = append(cmoves, li.move.ID)
		if d.Err() != nil {
			return nil, fmt.Errorf("account.move.line: %w", d.Err())
		}
	}
	mrecs, err := c.read(ctx, "account.move", uniq(cmoves), []any{"id", "move_type"})
	if err != nil {
		return nil, err
	}
	types := map[int64]string{}
	for _, r := range mrecs {
		d := NewDecoder(r)
		types[d.Int("id")] = d.String("move_type")
	}
	for _, h := range halves {
		i := index[h.move]
		li := info[h.counterpart]
		h.r.CounterpartMove, h.r.Payment, h.r.CounterpartType = li.move, li.payment, types[li.move.ID]
		h.r.Amount = h.amountCur.Round(out[i].CurrencyPlaces)
		out[i].Reconciled = append(out[i].Reconciled, h.r)
	}
	return out, nil
}
