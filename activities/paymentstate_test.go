package activities

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/exact/exacttest"
	"github.com/exactsync/exactsync/clients/odoo"
)

// Payment terms as the simulator's cash-flow model writes them (exacttest/cashflow.go): an entry's term keeps its
// ID when matched, a remainder gets a new ID, a bank line has its own term (TransactionType 40, the opposite
// amount, the statement date as EntryDate and LastPaymentDate), and every term of one match gets the same EndDate.

func ptDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func ptDay(s string) exact.Date {
	if s == "" {
		return exact.Date{}
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return exact.Date{Time: d}
}

type ptMod func(*exact.PaymentTerm)

// pt is an open term of a customer's invoice in euros; its entry's amount is the term's unless ptTotal says.
func pt(id, entry, amount string, mods ...ptMod) exact.PaymentTerm {
	t := exact.PaymentTerm{LineType: exact.LineTypeReceipt, Timestamp: 10}
	t.ID, t.TransactionEntryID, t.Account, t.Currency, t.Journal = id, entry, "cust-1", "EUR", "70"
	t.AmountFC, t.AmountDC, t.TransactionAmountFC, t.TransactionAmountDC = ptDec(amount), ptDec(amount), ptDec(amount), ptDec(amount)
	t.Status, t.TransactionType, t.InvoiceDate, t.EntryDate = exact.TermOpen, 20, ptDay("2026-01-17"), ptDay("2026-01-17")
	for _, m := range mods {
		m(&t)
	}
	return t
}

func ptTotal(amount string) ptMod {
	return func(t *exact.PaymentTerm) {
		t.TransactionAmountFC, t.TransactionAmountDC = ptDec(amount), ptDec(amount)
	}
}

// ptMatched: Status 50, EndDate end, LastPaymentDate paid ("" for none: a credit-note match).
func ptMatched(end, paid string) ptMod {
	return func(t *exact.PaymentTerm) {
		t.Status, t.IsFullyPaid, t.EndDate, t.LastPaymentDate = exact.TermMatched, true, ptDay(end), ptDay(paid)
	}
}

func ptLastPaid(day string) ptMod {
	return func(t *exact.PaymentTerm) { t.LastPaymentDate = ptDay(day) }
}

// ptBank: a bank line's own term, matched on the statement date day.
func ptBank(day string) ptMod {
	return func(t *exact.PaymentTerm) {
		t.TransactionType, t.Journal, t.EntryDate, t.InvoiceDate = exact.TransactionTypeCashFlow, "20", ptDay(day), ptDay(day)
		ptMatched(day, day)(t)
	}
}

// ptCreditNote: a credit note's term, its entry dated day.
func ptCreditNote(day string) ptMod {
	return func(t *exact.PaymentTerm) { t.TransactionType, t.InvoiceDate, t.EntryDate = 21, ptDay(day), ptDay(day) }
}

func ptPurchase(t *exact.PaymentTerm) {
	t.LineType, t.Account = exact.LineTypePayment, "supp-1"
	if t.Journal == "70" {
		t.Journal = "60"
	}
	if t.TransactionType == 20 {
		t.TransactionType = 30
	}
}

// ptForeign: in dollars at 0.92 euro.
func ptForeign(t *exact.PaymentTerm) {
	t.Currency = "USD"
	t.AmountDC, t.TransactionAmountDC = t.AmountFC.Mul(ptDec("0.92")).Round(2), t.TransactionAmountFC.Mul(ptDec("0.92")).Round(2)
}

func ptStamp(ts int64) ptMod { return func(t *exact.PaymentTerm) { t.Timestamp = ts } }

func ptTerms(ts ...exact.PaymentTerm) []exact.PaymentTerm { return ts }

// ptPartsOf describes parts as "term amount date with [entry:amount …]".
func ptPartsOf(ps []PaidPart) []string {
	var out []string
	for _, p := range ps {
		var sh []string
		for _, s := range p.Shares {
			sh = append(sh, fmt.Sprintf("%s:%s:%s", s.With, s.EntryID, s.Amount.StringFixed(2)))
		}
		out = append(out, fmt.Sprintf("%s %s %s %s [%s]", p.TermID, p.Amount.StringFixed(2), p.Date.Format(time.DateOnly), p.With, strings.Join(sh, " ")))
	}
	return out
}

// The simulator's scenarios, row by row.
var (
	// Invoice I (121.00) after 21.00 paid by bank statement B1 on 2026-02-03.
	ptPartial = ptTerms(
		pt("T0", "I", "21", ptTotal("121"), ptMatched("2026-02-03", "2026-02-03"), ptStamp(11)),
		pt("R1", "I", "100", ptTotal("121"), ptLastPaid("2026-02-03"), ptStamp(12)),
		pt("K1", "B1", "-21", ptBank("2026-02-03"), ptStamp(13)),
	)
	// … and the rest, 100.00, by B2 on 2026-02-10.
	ptFull = ptTerms(
		pt("T0", "I", "21", ptTotal("121"), ptMatched("2026-02-03", "2026-02-03"), ptStamp(11)),
		pt("R1", "I", "100", ptTotal("121"), ptMatched("2026-02-10", "2026-02-10"), ptStamp(14)),
		pt("K1", "B1", "-21", ptBank("2026-02-03"), ptStamp(13)),
		pt("K2", "B2", "-100", ptBank("2026-02-10"), ptStamp(15)),
	)
	// Invoice I2 (121.00) matched with credit note C (−48.40, dated 2026-01-25): no payment date, EndDate the
	// credit note's date (the highest invoice date of the match).
	ptCredited = ptTerms(
		pt("T2", "I2", "48.40", ptTotal("121"), ptMatched("2026-01-25", "")),
		pt("R2", "I2", "72.60", ptTotal("121")),
		pt("CT", "C", "-48.40", ptCreditNote("2026-01-25"), ptMatched("2026-01-25", "")),
	)
	// ptPartial undone: I's rows deleted (in the mirror still, and in sync/Deleted), a new open row N; the
	// payment's term open again on the relation.
	ptUndone = ptTerms(
		pt("T0", "I", "21", ptTotal("121"), ptMatched("2026-02-03", "2026-02-03"), ptStamp(11)),
		pt("R1", "I", "100", ptTotal("121"), ptLastPaid("2026-02-03"), ptStamp(12)),
		pt("K1", "B1", "-21", ptStamp(20), func(t *exact.PaymentTerm) { t.TransactionType, t.Journal = exact.TransactionTypeCashFlow, "20" }),
		pt("N", "I", "121", ptStamp(21)),
	)
	ptUndoneDeleted = map[string]bool{"T0": true, "R1": true}
	// … then matched again with another statement, B3, for 50.00 on 2026-02-20.
	ptRematched = ptTerms(
		pt("K1", "B1", "-21", ptStamp(20), func(t *exact.PaymentTerm) { t.TransactionType, t.Journal = exact.TransactionTypeCashFlow, "20" }),
		pt("N", "I", "50", ptTotal("121"), ptMatched("2026-02-20", "2026-02-20"), ptStamp(22)),
		pt("R3", "I", "71", ptTotal("121"), ptLastPaid("2026-02-20"), ptStamp(23)),
		pt("K3", "B3", "-50", ptBank("2026-02-20"), ptStamp(24)),
	)
)

func TestExactEntryStateOfPayments(t *testing.T) {
	tests := []struct {
		name    string
		entry   string
		terms   []exact.PaymentTerm
		deleted map[string]bool
		status  PaymentStatus
		open    string
		total   string
		credit  bool
		sales   bool
		foreign bool
		parts   []string
		undone  []string
	}{
		{name: "open", entry: "I", terms: ptTerms(pt("T0", "I", "121")), status: PaymentOpen, open: "121", total: "121", sales: true},
		{name: "partly paid by bank", entry: "I", terms: ptPartial, status: PaymentPartlyPaid, open: "100", total: "121", sales: true,
			parts: []string{"T0 21.00 2026-02-03 bank [bank:B1:21.00]"}},
		{name: "paid in full by two statements", entry: "I", terms: ptFull, status: PaymentPaid, open: "0", total: "121", sales: true,
			parts: []string{"T0 21.00 2026-02-03 bank [bank:B1:21.00]", "R1 100.00 2026-02-10 bank [bank:B2:100.00]"}},
		{name: "the bank entry itself is no sales entry", entry: "B1", terms: ptPartial, status: PaymentUnknown, open: "0", total: "0"},
		{name: "invoice matched with a credit note", entry: "I2", terms: ptCredited, status: PaymentPartlyPaid, open: "72.60", total: "121", sales: true,
			parts: []string{"T2 48.40 2026-01-25 credit_note [credit_note:C:48.40]"}},
		{name: "the credit note's side of the match", entry: "C", terms: ptCredited, status: PaymentPaid, open: "0", total: "48.40", sales: true, credit: true,
			parts: []string{"CT 48.40 2026-01-25 invoice [invoice:I2:48.40]"}},
		{name: "match undone: open again", entry: "I", terms: ptUndone, deleted: ptUndoneDeleted, status: PaymentOpen, open: "121", total: "121", sales: true,
			undone: []string{"T0"}},
		{name: "undone, deleted rows already dropped by the mirror", entry: "I", terms: ptUndone[2:], status: PaymentOpen, open: "121", total: "121", sales: true},
		{name: "undone and matched again for another amount", entry: "I", terms: ptRematched, status: PaymentPartlyPaid, open: "71", total: "121", sales: true,
			parts: []string{"N 50.00 2026-02-20 bank [bank:B3:50.00]"}},
		{name: "deletions not read yet: the terms do not add up", entry: "I", terms: ptUndone, status: PaymentIncomplete, open: "221", total: "242", sales: true,
			parts: []string{"T0 21.00 2026-02-03 unknown []"}}, // the payment's term is open again
		{name: "a replayed older row loses to the newer one", entry: "I",
			terms:  append(slices.Clone(ptFull), pt("R1", "I", "100", ptTotal("121"), ptLastPaid("2026-02-03"), ptStamp(12))),
			status: PaymentPaid, open: "0", total: "121", sales: true,
			parts: []string{"T0 21.00 2026-02-03 bank [bank:B1:21.00]", "R1 100.00 2026-02-10 bank [bank:B2:100.00]"}},
		{name: "ids compared whatever their case", entry: "i", terms: ptTerms(pt("T0", "I", "121")), status: PaymentOpen, open: "121", total: "121", sales: true},
		{name: "payment in dollars", entry: "U", status: PaymentPartlyPaid, open: "100", total: "121", sales: true, foreign: true,
			terms: ptTerms(
				pt("TU", "U", "21", ptTotal("121"), ptMatched("2026-02-03", "2026-02-03"), ptForeign),
				pt("RU", "U", "100", ptTotal("121"), ptLastPaid("2026-02-03"), ptForeign),
				pt("KU", "BU", "-21", ptBank("2026-02-03"), ptForeign)),
			parts: []string{"TU 21.00 2026-02-03 bank [bank:BU:21.00]"}},
		{name: "purchase bill paid", entry: "P", status: PaymentPaid, open: "0", total: "160.50",
			terms: ptTerms(
				pt("TP", "P", "160.50", ptMatched("2026-03-01", "2026-03-01"), ptPurchase),
				pt("KP", "BP", "-160.50", ptBank("2026-03-01"), ptPurchase)),
			parts: []string{"TP 160.50 2026-03-01 bank [bank:BP:160.50]"}},
		{name: "credit note refunded by bank", entry: "C", status: PaymentPaid, open: "0", total: "48.40", sales: true, credit: true,
			terms: ptTerms(
				pt("CT", "C", "-48.40", ptCreditNote("2026-01-25"), ptMatched("2026-03-01", "2026-03-01")),
				pt("KC", "BC", "48.40", ptBank("2026-03-01"))),
			parts: []string{"CT 48.40 2026-03-01 bank [bank:BC:48.40]"}},
		{
			// A remainder keeps the date of the payment that split it off; matched later with a credit note, its
			// LastPaymentDate says "paid by bank" but the pairing says credit note.
			name: "credit note matched with a remainder of an earlier payment", entry: "I", status: PaymentPaid, open: "0", total: "121", sales: true,
			terms: ptTerms(
				pt("T0", "I", "21", ptTotal("121"), ptMatched("2026-02-03", "2026-02-03")),
				pt("R1", "I", "100", ptTotal("121"), ptMatched("2026-02-05", "2026-02-03")),
				pt("K1", "B1", "-21", ptBank("2026-02-03")),
				pt("CT", "C3", "-100", ptCreditNote("2026-02-05"), ptMatched("2026-02-05", ""))),
			parts: []string{"T0 21.00 2026-02-03 bank [bank:B1:21.00]", "R1 100.00 2026-02-05 credit_note [credit_note:C3:100.00]"},
		},
		{
			// Same relation, same day, same amount: a bank payment of I4 and a credit note on I5. The invoice term
			// with a payment date took the payment.
			name: "same day and amount, bank and credit note told apart", entry: "I5", status: PaymentPaid, open: "0", total: "50", sales: true,
			terms: ptTerms(
				pt("T4", "I4", "50", ptMatched("2026-03-01", "2026-03-01")),
				pt("T5", "I5", "50", ptMatched("2026-03-01", "")),
				pt("K4", "B4", "-50", ptBank("2026-03-01")),
				pt("C5", "C5", "-50", ptCreditNote("2026-03-01"), ptMatched("2026-03-01", ""))),
			parts: []string{"T5 50.00 2026-03-01 credit_note [credit_note:C5:50.00]"},
		},
		{
			name: "same day and amount, and both invoices carry a payment date: unknown", entry: "I5", status: PaymentPaid, open: "0", total: "50", sales: true,
			terms: ptTerms(
				pt("T4", "I4", "50", ptMatched("2026-03-01", "2026-03-01")),
				pt("T5", "I5", "50", ptMatched("2026-03-01", "2026-02-01")),
				pt("K4", "B4", "-50", ptBank("2026-03-01")),
				pt("C5", "C5", "-50", ptCreditNote("2026-03-01"), ptMatched("2026-03-01", ""))),
			parts: []string{"T5 50.00 2026-03-01 unknown []"},
		},
		{
			name: "two instalments paid by one bank line", entry: "I", status: PaymentPaid, open: "0", total: "121", sales: true,
			terms: ptTerms(
				pt("T1", "I", "60", ptTotal("121"), ptMatched("2026-03-01", "2026-03-01")),
				pt("T2", "I", "61", ptTotal("121"), ptMatched("2026-03-01", "2026-03-01")),
				pt("K", "B", "-121", ptBank("2026-03-01"))),
			parts: []string{"T1 60.00 2026-03-01 bank [bank:B:60.00]", "T2 61.00 2026-03-01 bank [bank:B:61.00]"},
		},
		{
			name: "one transfer paying two invoices", entry: "I7", status: PaymentPaid, open: "0", total: "100", sales: true,
			terms: ptTerms(
				pt("T6", "I6", "121", ptMatched("2026-03-01", "2026-03-01")),
				pt("T7", "I7", "100", ptMatched("2026-03-01", "2026-03-01")),
				pt("K", "B", "-221", ptBank("2026-03-01"))),
			parts: []string{"T7 100.00 2026-03-01 bank [bank:B:100.00]"},
		},
		{
			name: "a group that does not balance stays unknown", entry: "I7", status: PaymentPaid, open: "0", total: "100", sales: true,
			terms: ptTerms(
				pt("T6", "I6", "121", ptMatched("2026-03-01", "2026-03-01")),
				pt("T7", "I7", "100", ptMatched("2026-03-01", "2026-03-01")),
				pt("K", "B", "-200", ptBank("2026-03-01"))),
			parts: []string{"T7 100.00 2026-03-01 unknown []"},
		},
		{
			name: "a group balanced by a payment and a credit note together stays unknown", entry: "I7", status: PaymentPaid, open: "0", total: "100", sales: true,
			terms: ptTerms(
				pt("T6", "I6", "121", ptMatched("2026-03-01", "2026-03-01")),
				pt("T7", "I7", "100", ptMatched("2026-03-01", "2026-03-01")),
				pt("K", "B", "-200", ptBank("2026-03-01")),
				pt("X", "CX", "-21", ptCreditNote("2026-03-01"), ptMatched("2026-03-01", ""))),
			parts: []string{"T7 100.00 2026-03-01 unknown []"},
		},
		{
			name: "one term matched with two credit notes at once", entry: "I", status: PaymentPaid, open: "0", total: "100", sales: true,
			terms: ptTerms(
				pt("T", "I", "100", ptMatched("2026-03-01", "")),
				pt("X", "CX", "-60", ptCreditNote("2026-03-01"), ptMatched("2026-03-01", "")),
				pt("Y", "CY", "-40", ptCreditNote("2026-02-20"), ptMatched("2026-03-01", ""))),
			parts: []string{"T 100.00 2026-03-01 credit_note [credit_note:CX:60.00 credit_note:CY:40.00]"},
		},
		{
			name: "counterpart not in the mirror", entry: "I", status: PaymentPartlyPaid, open: "100", total: "121", sales: true,
			terms: ptPartial[:2],
			parts: []string{"T0 21.00 2026-02-03 unknown []"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ExactEntryState(tc.entry, tc.terms, tc.deleted)
			if got.Status != tc.status || !got.Open.Equal(ptDec(tc.open)) || !got.Total.Equal(ptDec(tc.total)) || got.Credit != tc.credit ||
				(got.Status != PaymentUnknown && got.Sales != tc.sales) || got.Foreign != tc.foreign {
				t.Errorf("got %s open %s total %s credit %v sales %v foreign %v, want %s open %s total %s credit %v sales %v foreign %v",
					got.Status, got.Open, got.Total, got.Credit, got.Sales, got.Foreign, tc.status, tc.open, tc.total, tc.credit, tc.sales, tc.foreign)
			}
			if parts := ptPartsOf(got.Paid); !slices.Equal(parts, tc.parts) {
				t.Errorf("paid parts:\n got %q\nwant %q", parts, tc.parts)
			}
			if !slices.Equal(got.Undone, tc.undone) {
				t.Errorf("undone: got %v, want %v", got.Undone, tc.undone)
			}
		})
	}
}

func TestPaymentStateDoesNotDependOnTheOrderOfTheTerms(t *testing.T) {
	terms := ptTerms(
		pt("T4", "I4", "50", ptMatched("2026-03-01", "2026-03-01")),
		pt("T5", "I5", "50", ptMatched("2026-03-01", "")),
		pt("K4", "B4", "-50", ptBank("2026-03-01")),
		pt("C5", "C5", "-50", ptCreditNote("2026-03-01"), ptMatched("2026-03-01", "")))
	want := map[string][]string{}
	for _, e := range []string{"I4", "I5", "C5"} {
		want[e] = ptPartsOf(ExactEntryState(e, terms, nil).Paid)
	}
	for i := range terms {
		rotated := append(slices.Clone(terms[i:]), terms[:i]...)
		slices.Reverse(rotated)
		for _, e := range []string{"I4", "I5", "C5"} {
			if got := ptPartsOf(ExactEntryState(e, rotated, nil).Paid); !slices.Equal(got, want[e]) {
				t.Errorf("entry %s, terms rotated by %d: got %q, want %q", e, i, got, want[e])
			}
		}
	}
	if want["I4"][0] != "T4 50.00 2026-03-01 bank [bank:B4:50.00]" || want["C5"][0] != "C5 50.00 2026-03-01 invoice [invoice:I5:50.00]" {
		t.Errorf("pairs: %v", want)
	}
}

// ptOdoo is an Odoo move as the connector's link table and Odoo read it.
func ptOdoo(residual, currency string, payments map[string]ConnectorPayment, reconciled ...ConnectorReconcile) OdooInvoiceState {
	return OdooInvoiceState{MoveID: 7, Name: "INV/2026/00007", Residual: ptDec(residual), Currency: currency, Payments: payments, Reconciled: reconciled}
}

func ptPay(id int64, amount string) ConnectorPayment {
	return ConnectorPayment{PaymentID: id, Amount: ptDec(amount)}
}

// ptApply does in a fake Odoo what the actions say, as Odoo would: a payment lowers the residual by its amount
// and, with a write-off, by the difference; a cancelled payment or reconciliation raises it again.
func ptApply(t *testing.T, o OdooInvoiceState, actions []PaymentAction) OdooInvoiceState {
	t.Helper()
	next := o
	next.Payments = maps.Clone(o.Payments)
	if next.Payments == nil {
		next.Payments = map[string]ConnectorPayment{}
	}
	next.Reconciled = slices.Clone(o.Reconciled)
	for _, a := range actions {
		switch {
		case a.Cancel != nil:
			p, ok := next.Payments[a.Cancel.TermID]
			if !ok || p.PaymentID != a.Cancel.PaymentID {
				t.Fatalf("cancel of a payment the connector did not make: %+v", a.Cancel)
			}
			next.Residual = next.Residual.Add(p.Amount)
			delete(next.Payments, a.Cancel.TermID)
		case a.Unreconcile != nil:
			i := slices.IndexFunc(next.Reconciled, func(r ConnectorReconcile) bool {
				return r.TermID == a.Unreconcile.TermID && r.CreditEntryID == a.Unreconcile.CreditEntryID
			})
			if i < 0 {
				t.Fatalf("unreconcile of a reconciliation the connector did not make: %+v", a.Unreconcile)
			}
			next.Residual = next.Residual.Add(next.Reconciled[i].Amount)
			next.Reconciled = slices.Delete(next.Reconciled, i, i+1)
		case a.Register != nil:
			if !a.Register.Amount.IsPositive() {
				t.Fatalf("registration of %s", a.Register.Amount)
			}
			if !a.Register.WriteOff.IsZero() && !next.Residual.Sub(a.Register.Amount).Equal(a.Register.WriteOff) {
				t.Fatalf("write-off %s, but Odoo would write off %s", a.Register.WriteOff, next.Residual.Sub(a.Register.Amount))
			}
			next.Residual = next.Residual.Sub(a.Register.Amount).Sub(a.Register.WriteOff)
			next.Payments[a.Register.TermID] = ConnectorPayment{PaymentID: int64(100 + len(next.Payments)), Amount: a.Register.Amount}
		case a.Reconcile != nil:
			next.Residual = next.Residual.Sub(a.Reconcile.Amount)
			next.Reconciled = append(next.Reconciled, ConnectorReconcile{TermID: a.Reconcile.TermID, InvoiceEntryID: a.Reconcile.InvoiceEntryID,
				CreditEntryID: a.Reconcile.CreditEntryID, Amount: a.Reconcile.Amount})
		}
	}
	return next
}

// ptActions describes actions as short strings.
func ptActions(as []PaymentAction) []string {
	var out []string
	for _, a := range as {
		switch {
		case a.Cancel != nil:
			out = append(out, fmt.Sprintf("cancel %d %s", a.Cancel.PaymentID, a.Cancel.TermID))
		case a.Unreconcile != nil:
			out = append(out, fmt.Sprintf("unreconcile %s %s %s", a.Unreconcile.TermID, a.Unreconcile.CreditEntryID, a.Unreconcile.Amount.StringFixed(2)))
		case a.Register != nil:
			r := a.Register
			dir := "out"
			if r.Inbound {
				dir = "in"
			}
			s := fmt.Sprintf("register %s %s %s %s journal %s", r.TermID, r.Amount.StringFixed(2), r.Date.Format(time.DateOnly), dir, r.Journal)
			if !r.WriteOff.IsZero() {
				s += " write-off " + r.WriteOff.StringFixed(2)
			}
			out = append(out, s)
		case a.Reconcile != nil:
			out = append(out, fmt.Sprintf("reconcile %s %s %s", a.Reconcile.TermID, a.Reconcile.CreditEntryID, a.Reconcile.Amount.StringFixed(2)))
		case a.Mismatch != nil:
			out = append(out, "mismatch "+a.Mismatch.Code)
		default:
			out = append(out, "empty action")
		}
	}
	return out
}

func ptCheckProblems(t *testing.T, as []PaymentAction) {
	t.Helper()
	for _, a := range as {
		if p := a.Mismatch; p != nil && (p.EN == "" || p.NL == "" || p.FixEN == "" || p.FixNL == "" || p.EN == p.NL || !strings.Contains(p.Error(), "NL: ")) {
			t.Errorf("problem not explained in both languages: %+v", p)
		}
	}
}

func TestDecidePayments(t *testing.T) {
	usdPaid := ptTerms(
		pt("TU", "U", "100", ptMatched("2026-03-01", "2026-03-01"), ptForeign),
		pt("KU", "BU", "-100", ptBank("2026-03-01"), ptForeign))
	eurPaid := ptTerms(
		pt("TE", "E", "100", ptMatched("2026-03-01", "2026-03-01")),
		pt("KE", "BE", "-100", ptBank("2026-03-01")))
	tests := []struct {
		name     string
		state    EntryPaymentState
		odoo     OdooInvoiceState
		want     []string
		residual string // Odoo's residual once the actions are applied
	}{
		{name: "open in both: nothing", state: ExactEntryState("I", ptTerms(pt("T0", "I", "121")), nil),
			odoo: ptOdoo("121", "EUR", nil), residual: "121"},
		{name: "paid in full", state: ExactEntryState("I", ptFull, nil), odoo: ptOdoo("121", "EUR", nil),
			want:     []string{"register T0 21.00 2026-02-03 in journal 20", "register R1 100.00 2026-02-10 in journal 20"},
			residual: "0"},
		{name: "first of two partial payments", state: ExactEntryState("I", ptPartial, nil), odoo: ptOdoo("121", "EUR", nil),
			want: []string{"register T0 21.00 2026-02-03 in journal 20"}, residual: "100"},
		{name: "second of two partial payments, the first registered", state: ExactEntryState("I", ptFull, nil),
			odoo: ptOdoo("100", "EUR", map[string]ConnectorPayment{"T0": ptPay(31, "21")}),
			want: []string{"register R1 100.00 2026-02-10 in journal 20"}, residual: "0"},
		{name: "paid in full, both registered: nothing", state: ExactEntryState("I", ptFull, nil),
			odoo:     ptOdoo("0", "EUR", map[string]ConnectorPayment{"T0": ptPay(31, "21"), "R1": ptPay(32, "100")}),
			residual: "0"},
		{name: "a credit note matched", state: ExactEntryState("I2", ptCredited, nil), odoo: ptOdoo("121", "EUR", nil),
			want: []string{"reconcile T2 C 48.40"}, residual: "72.60"},
		{name: "the credit note's side asks for the same reconciliation", state: ExactEntryState("C", ptCredited, nil), odoo: ptOdoo("48.40", "EUR", nil),
			want: []string{"reconcile T2 C 48.40"}, residual: "0"},
		{name: "the credit note's side after the reconciliation", state: ExactEntryState("C", ptCredited, nil),
			odoo:     ptOdoo("0", "EUR", nil, ConnectorReconcile{TermID: "T2", CreditEntryID: "C", Amount: ptDec("48.40")}),
			residual: "0"},
		{name: "credit-note match undone: the credit note's side leaves it to the invoice's", state: ExactEntryState("C", ptTerms(pt("NC", "C", "-48.40", ptCreditNote("2026-01-25"))), nil),
			odoo:     ptOdoo("0", "EUR", nil, ConnectorReconcile{TermID: "T2", InvoiceEntryID: "I2", CreditEntryID: "C", Amount: ptDec("48.40")}),
			residual: "0"},
		{name: "match undone: the connector's payment cancelled", state: ExactEntryState("I", ptUndone, ptUndoneDeleted),
			odoo: ptOdoo("100", "EUR", map[string]ConnectorPayment{"T0": ptPay(31, "21")}),
			want: []string{"cancel 31 T0"}, residual: "121"},
		{name: "undone and matched again for another amount", state: ExactEntryState("I", ptRematched, nil),
			odoo: ptOdoo("100", "EUR", map[string]ConnectorPayment{"T0": ptPay(31, "21")}),
			want: []string{"cancel 31 T0", "register N 50.00 2026-02-20 in journal 20"}, residual: "71"},
		{name: "credit-note match undone: the reconciliation taken back", state: ExactEntryState("I2", ptTerms(pt("N2", "I2", "121")), nil),
			odoo: ptOdoo("72.60", "EUR", nil, ConnectorReconcile{TermID: "T2", CreditEntryID: "C", Amount: ptDec("48.40")}),
			want: []string{"unreconcile T2 C 48.40"}, residual: "121"},
		{name: "the same term matched for another amount", state: ExactEntryState("I", ptPartial, nil),
			odoo: ptOdoo("110", "EUR", map[string]ConnectorPayment{"T0": ptPay(31, "11")}),
			want: []string{"cancel 31 T0", "register T0 21.00 2026-02-03 in journal 20"}, residual: "100"},
		{name: "the connector's payment cancelled by a person: Exact leads, registered again", state: ExactEntryState("I", ptPartial, nil),
			odoo: ptOdoo("121", "EUR", nil), want: []string{"register T0 21.00 2026-02-03 in journal 20"}, residual: "100"},
		{name: "payment in dollars", state: ExactEntryState("U", ptTerms(
			pt("TU", "U", "21", ptTotal("121"), ptMatched("2026-02-03", "2026-02-03"), ptForeign),
			pt("RU", "U", "100", ptTotal("121"), ptLastPaid("2026-02-03"), ptForeign),
			pt("KU", "BU", "-21", ptBank("2026-02-03"), ptForeign)), nil),
			odoo: ptOdoo("121", "usd", nil), want: []string{"register TU 21.00 2026-02-03 in journal 20"}, residual: "100"},
		{
			// Odoo's dollar total is a cent above Exact's (its own rate rounding): the payment that makes the entry
			// paid marks Odoo's invoice fully paid, the cent written off.
			name: "dollars: Exact paid, Odoo a cent more open", state: ExactEntryState("U", usdPaid, nil), odoo: ptOdoo("100.01", "USD", nil),
			want: []string{"register TU 100.00 2026-03-01 in journal 20 write-off 0.01"}, residual: "0",
		},
		{name: "dollars: Exact paid, Odoo a cent less open (overpaid)", state: ExactEntryState("U", usdPaid, nil), odoo: ptOdoo("99.99", "USD", nil),
			want: []string{"register TU 100.00 2026-03-01 in journal 20 write-off -0.01"}, residual: "0"},
		{name: "dollars: the cent left after everything was registered", state: ExactEntryState("U", usdPaid, nil),
			odoo: ptOdoo("0.01", "USD", map[string]ConnectorPayment{"TU": ptPay(31, "100")}), want: []string{"mismatch payment.rounding_left"}, residual: "0.01"},
		{name: "dollars: a cent on a partial payment waits for the last", state: ExactEntryState("U", ptTerms(
			pt("TU", "U", "21", ptTotal("121"), ptMatched("2026-02-03", "2026-02-03"), ptForeign),
			pt("RU", "U", "100", ptTotal("121"), ptLastPaid("2026-02-03"), ptForeign),
			pt("KU", "BU", "-21", ptBank("2026-02-03"), ptForeign)), nil),
			odoo: ptOdoo("121.01", "USD", nil), want: []string{"register TU 21.00 2026-02-03 in journal 20"}, residual: "100.01"},
		{
			// In the division's own currency the invoice push makes the totals equal to the cent: a cent is a real
			// difference, not rounding.
			name: "euros: a cent more open in Odoo is a mismatch", state: ExactEntryState("E", eurPaid, nil), odoo: ptOdoo("100.01", "EUR", nil),
			want: []string{"register TE 100.00 2026-03-01 in journal 20", "mismatch payment.open_in_odoo"}, residual: "0.01",
		},
		{name: "a person registered a payment in Odoo: not cancelled, reported", state: ExactEntryState("I", ptTerms(pt("T0", "I", "121")), nil),
			odoo: ptOdoo("71", "EUR", nil), want: []string{"mismatch payment.paid_in_odoo"}, residual: "71"},
		{
			// The person's payment in Odoo and Exact's bank line are probably the same money: registering Exact's
			// would pay twice.
			name: "a person registered in Odoo what Exact also matched: nothing registered", state: ExactEntryState("I", ptPartial, nil),
			odoo: ptOdoo("100", "EUR", nil), want: []string{"mismatch payment.paid_in_odoo"}, residual: "100",
		},
		{name: "an undone match cancelled even beside a person's payment", state: ExactEntryState("I", ptUndone, ptUndoneDeleted),
			odoo: ptOdoo("50", "EUR", map[string]ConnectorPayment{"T0": ptPay(31, "21")}),
			want: []string{"cancel 31 T0", "mismatch payment.paid_in_odoo"}, residual: "71"},
		{name: "purchase bill paid", state: ExactEntryState("P", ptTerms(
			pt("TP", "P", "160.50", ptMatched("2026-03-01", "2026-03-01"), ptPurchase),
			pt("KP", "BP", "-160.50", ptBank("2026-03-01"), ptPurchase)), nil),
			odoo: ptOdoo("160.50", "EUR", nil), want: []string{"register TP 160.50 2026-03-01 out journal 20"}, residual: "0"},
		{name: "customer's credit note refunded", state: ExactEntryState("C", ptTerms(
			pt("CT", "C", "-48.40", ptCreditNote("2026-01-25"), ptMatched("2026-03-01", "2026-03-01")),
			pt("KC", "BC", "48.40", ptBank("2026-03-01"))), nil),
			odoo: ptOdoo("48.40", "EUR", nil), want: []string{"register CT 48.40 2026-03-01 out journal 20"}, residual: "0"},
		{name: "one term, two credit notes", state: ExactEntryState("I", ptTerms(
			pt("T", "I", "100", ptMatched("2026-03-01", "")),
			pt("X", "CX", "-60", ptCreditNote("2026-03-01"), ptMatched("2026-03-01", "")),
			pt("Y", "CY", "-40", ptCreditNote("2026-02-20"), ptMatched("2026-03-01", ""))), nil),
			odoo: ptOdoo("100", "EUR", nil), want: []string{"reconcile T CX 60.00", "reconcile T CY 40.00"}, residual: "0"},
		{name: "two credit notes on one term: one credit note's side, the same key", state: ExactEntryState("CX", ptTerms(
			pt("T", "I", "100", ptMatched("2026-03-01", "")),
			pt("X", "CX", "-60", ptCreditNote("2026-03-01"), ptMatched("2026-03-01", "")),
			pt("Y", "CY", "-40", ptCreditNote("2026-02-20"), ptMatched("2026-03-01", ""))), nil),
			odoo: ptOdoo("60", "EUR", nil), want: []string{"reconcile T CX 60.00"}, residual: "0"},
		{name: "one term settled by a payment and a credit note together", state: ExactEntryState("I", ptTerms(
			pt("T", "I", "100", ptMatched("2026-03-01", "2026-03-01")),
			pt("K", "B", "-60", ptBank("2026-03-01")),
			pt("X", "CX", "-40", ptCreditNote("2026-02-20"), ptMatched("2026-03-01", ""))), nil),
			odoo: ptOdoo("100", "EUR", nil), want: []string{"register T 60.00 2026-03-01 in journal 20", "reconcile T CX 40.00"}, residual: "0"},
		{name: "one transfer paying two invoices", state: ExactEntryState("I7", ptTerms(
			pt("T6", "I6", "121", ptMatched("2026-03-01", "2026-03-01")),
			pt("T7", "I7", "100", ptMatched("2026-03-01", "2026-03-01")),
			pt("K", "B", "-221", ptBank("2026-03-01"))), nil),
			odoo: ptOdoo("100", "EUR", nil), want: []string{"register T7 100.00 2026-03-01 in journal 20"}, residual: "0"},
		{name: "counterpart unknown: reported, not guessed", state: ExactEntryState("I", ptPartial[:2], nil), odoo: ptOdoo("121", "EUR", nil),
			want: []string{"mismatch payment.unknown_counterpart"}, residual: "121"},
		{name: "another currency in Odoo", state: ExactEntryState("I", ptFull, nil), odoo: ptOdoo("121", "USD", nil),
			want: []string{"mismatch payment.currency_differs"}, residual: "121"},
		{name: "terms read mid-change", state: ExactEntryState("I", ptUndone, nil), odoo: ptOdoo("100", "EUR", map[string]ConnectorPayment{"T0": ptPay(31, "21")}),
			want: []string{"mismatch payment.terms_incomplete"}, residual: "100"},
		{name: "no terms, no payments: nothing", state: ExactEntryState("Z", ptFull, nil), odoo: ptOdoo("10", "EUR", nil), residual: "10"},
		{name: "no terms but the connector's payments", state: ExactEntryState("Z", ptFull, nil),
			odoo: ptOdoo("0", "EUR", map[string]ConnectorPayment{"T9": ptPay(39, "10")}), want: []string{"mismatch payment.no_terms"}, residual: "0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			actions := DecidePayments(tc.state, tc.odoo)
			if got := ptActions(actions); !slices.Equal(got, tc.want) {
				t.Fatalf("actions:\n got %q\nwant %q", got, tc.want)
			}
			ptCheckProblems(t, actions)
			after := ptApply(t, tc.odoo, actions)
			if !after.Residual.Equal(ptDec(tc.residual)) {
				t.Errorf("Odoo's residual after the actions: got %s, want %s", after.Residual, tc.residual)
			}
			// Idempotent: decided again on the result, only the problems (if any) come back.
			var problems []string
			for _, a := range ptActions(actions) {
				if strings.HasPrefix(a, "mismatch ") {
					problems = append(problems, a)
				}
			}
			if again := ptActions(DecidePayments(tc.state, after)); !slices.Equal(again, problems) {
				t.Errorf("decided again after the actions: got %q, want %q", again, problems)
			}
			for _, a := range actions {
				if a.Key() == "" {
					t.Errorf("action without a key: %+v", a)
				}
			}
		})
	}
}

func TestPaymentRegistrationNamesTheBankEntry(t *testing.T) {
	tests := []struct {
		name, entry, residual string
		terms                 []exact.PaymentTerm
		want                  RegisterPayment
	}{
		{"one statement", "I", "121", ptPartial, RegisterPayment{TermID: "T0", Amount: ptDec("21"), Date: ptDay("2026-02-03").Time, Inbound: true, Journal: "20", BankEntryID: "B1"}},
		{"two bank lines on one term: no single bank entry", "I", "100", ptTerms(
			pt("T", "I", "100", ptMatched("2026-03-01", "2026-03-01")),
			pt("K1", "B1", "-60", ptBank("2026-02-27"), ptMatched("2026-03-01", "2026-02-27")),
			pt("K2", "B2", "-40", ptBank("2026-03-01"))),
			RegisterPayment{TermID: "T", Amount: ptDec("100"), Date: ptDay("2026-03-01").Time, Inbound: true, Journal: "20"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			actions := DecidePayments(ExactEntryState(tc.entry, tc.terms, nil), ptOdoo(tc.residual, "EUR", nil))
			if len(actions) != 1 || actions[0].Register == nil {
				t.Fatalf("got %q, want one registration", ptActions(actions))
			}
			got := *actions[0].Register
			if got.TermID != tc.want.TermID || !got.Amount.Equal(tc.want.Amount) || !got.Date.Equal(tc.want.Date) || got.Inbound != tc.want.Inbound ||
				got.Journal != tc.want.Journal || got.BankEntryID != tc.want.BankEntryID || !got.WriteOff.IsZero() {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// A person reads the mismatch: the invoice's name, the entry's number and both amounts, in both languages.
func TestPaymentMismatchNamesTheInvoiceAndTheAmounts(t *testing.T) {
	st := ExactEntryState("I", ptTerms(pt("T0", "I", "121", func(t *exact.PaymentTerm) { t.EntryNumber = 26700001 })), nil)
	actions := DecidePayments(st, ptOdoo("71", "EUR", nil))
	if len(actions) != 1 || actions[0].Mismatch == nil {
		t.Fatalf("got %q, want one mismatch", ptActions(actions))
	}
	p := actions[0].Mismatch
	for _, text := range []string{p.EN, p.NL} {
		for _, want := range []string{"INV/2026/00007", "26700001", "71.00 EUR", "121.00 EUR", "50.00 EUR"} {
			if !strings.Contains(text, want) {
				t.Errorf("%q does not say %q", text, want)
			}
		}
	}
	if !strings.Contains(p.FixEN, "by hand") || !strings.Contains(p.FixNL, "met de hand") {
		t.Errorf("fix: %q / %q", p.FixEN, p.FixNL)
	}
}

func TestPaymentActionKeys(t *testing.T) {
	tests := []struct {
		action PaymentAction
		want   string
	}{
		{PaymentAction{Register: &RegisterPayment{TermID: "t1"}}, "t1"},
		{PaymentAction{Cancel: &CancelPayment{PaymentID: 4, TermID: "t1"}}, "t1"},
		{PaymentAction{Reconcile: &ReconcileCreditNote{TermID: "t1", CreditEntryID: "c1"}}, "t1 c1"},
		{PaymentAction{Unreconcile: &UnreconcileCreditNote{TermID: "t1", CreditEntryID: "c1"}}, "t1 c1"},
		{PaymentAction{Mismatch: &Problem{Code: "payment.paid_in_odoo"}}, "payment.paid_in_odoo"},
		{PaymentAction{}, ""},
	}
	for _, tc := range tests {
		if got := tc.action.Key(); got != tc.want {
			t.Errorf("Key of %+v: got %q, want %q", tc.action, got, tc.want)
		}
	}
}

// ptMirror is what the payment pull keeps: every term of the division by ID at its highest Timestamp, deleted
// rows kept and named in deleted (so that ExactEntryState can say what was undone), two cursors.
type ptMirror struct {
	rows            map[string]exact.PaymentTerm
	deleted         map[string]bool
	termsAt, delsAt int64
}

// pull reads what changed since the cursors and returns the number of Exact calls it took.
func (m *ptMirror) pull(t *testing.T, ex *exacttest.Server, c *exact.Client, div int) int {
	t.Helper()
	ctx := context.Background()
	before := ex.Calls().Total
	for pt, err := range c.Cashflow.PaymentTermsSince(ctx, div, m.termsAt) {
		if err != nil {
			t.Fatal(err)
		}
		m.rows[pt.ID] = *pt
		m.termsAt = max(m.termsAt, pt.Timestamp)
	}
	for d, err := range c.Deleted.Since(ctx, div, m.delsAt) {
		if err != nil {
			t.Fatal(err)
		}
		if d.EntityType == exact.DeletedPaymentTerm {
			m.deleted[d.EntityKey] = true
		}
		m.delsAt = max(m.delsAt, d.Timestamp)
	}
	return ex.Calls().Total - before
}

// TestPaymentStateFollowsTheSimulator runs the accountant's cash-flow commands on the simulator, pulls terms and
// deletions as the pull will (two calls), decides for every entry, applies the actions to a fake Odoo, and checks
// after every step that Odoo's residual equals Exact's open amount and that deciding again does nothing.
func TestPaymentStateFollowsTheSimulator(t *testing.T) {
	ctx := context.Background()
	ex := exacttest.NewServer(t, func(o *exacttest.Options) { o.MinutelyLimit = 10000 })
	const redirect = "http://127.0.0.1:1/cb"
	cfg := &exact.Config{ClientID: ex.ClientID(), ClientSecret: ex.ClientSecret(), RedirectURL: redirect, BaseURL: ex.URL()}
	tok, err := cfg.Exchange(ctx, ex.Authorize(t, redirect))
	if err != nil {
		t.Fatal(err)
	}
	c, err := exact.NewClient(exact.WithBaseURL(ex.URL()), exact.WithTokenSource(exact.StaticTokenSource(tok.AccessToken)))
	if err != nil {
		t.Fatal(err)
	}
	div := ex.DefaultDivision()
	cust, err := c.Accounts.Create(ctx, div, &exact.Account{Name: "Betaler", Status: "C", City: "Utrecht", Country: "NL"})
	if err != nil {
		t.Fatal(err)
	}
	supp, err := c.Accounts.Create(ctx, div, &exact.Account{Name: "Leverancier", IsSupplier: true})
	if err != nil {
		t.Fatal(err)
	}
	gl := func(code string) string {
		t.Helper()
		gls, err := exact.Collect(c.GLAccounts.List(ctx, div, &exact.ListOptions{Filter: exact.Eq("Code", exact.String(code))}))
		if err != nil || len(gls) != 1 {
			t.Fatalf("G/L account %s: %v %v", code, gls, err)
		}
		return gls[0].ID
	}
	gl8000, gl7000 := gl("8000"), gl("7000")

	odooOf := map[string]*OdooInvoiceState{}
	sale := func(name, currency, net string) string {
		t.Helper()
		e, err := c.SalesEntries.Create(ctx, div, &exact.SalesEntry{
			EntryHeader:     exact.EntryHeader{Journal: "70", EntryDate: exact.NewDate(2026, 2, 15), YourRef: name, Currency: currency},
			Customer:        cust.ID,
			SalesEntryLines: exact.Lines[exact.EntryLine]{{GLAccount: gl8000, AmountFC: ptDec(net), VATCode: "2  "}}})
		if err != nil {
			t.Fatal(err)
		}
		odooOf[e.EntryID] = &OdooInvoiceState{Name: name, Residual: ptDec(net).Mul(ptDec("1.21")).Abs(), Currency: cmp.Or(currency, "EUR")}
		return e.EntryID
	}
	inv, inv2, credit, usd := sale("INV/1", "", "100"), sale("INV/2", "", "100"), sale("RINV/1", "", "-40"), sale("INV/3", "USD", "100")
	bill, err := c.PurchaseEntries.Create(ctx, div, &exact.PurchaseEntry{
		EntryHeader:        exact.EntryHeader{Journal: "60", EntryDate: exact.NewDate(2026, 2, 20), YourRef: "F-77"},
		Supplier:           supp.ID,
		PurchaseEntryLines: exact.Lines[exact.EntryLine]{{GLAccount: gl7000, AmountFC: ptDec("50"), VATCode: "4  "}}})
	if err != nil {
		t.Fatal(err)
	}
	odooOf[bill.EntryID] = &OdooInvoiceState{Name: "BILL/1", Residual: ptDec("60.50"), Currency: "EUR"}
	entries := []string{inv, credit, inv2, usd, bill.EntryID} // the credit note first: it asks for the reconciliation
	label := map[string]string{inv: "inv", inv2: "inv2", credit: "credit", usd: "usd", bill.EntryID: "bill"}

	m := &ptMirror{rows: map[string]exact.PaymentTerm{}, deleted: map[string]bool{}, termsAt: 1, delsAt: 1}
	// step pulls, decides and applies for every entry; it returns the actions by entry as short strings with the
	// term and entry IDs left out.
	step := func(t *testing.T) map[string][]string {
		t.Helper()
		if calls := m.pull(t, ex, c, div); calls != 2 {
			t.Errorf("the pull took %d Exact calls, want 2 (terms and deletions)", calls)
		}
		terms := slices.Collect(maps.Values(m.rows))
		got := map[string][]string{}
		for _, e := range entries {
			st := ExactEntryState(e, terms, m.deleted)
			actions := DecidePayments(st, *odooOf[e])
			for _, a := range actions {
				if a.Mismatch != nil {
					t.Errorf("%s: %v", label[e], a.Mismatch)
				}
				if a.Reconcile != nil || a.Unreconcile != nil { // the other move of the reconciliation
					var r ConnectorReconcile
					if a.Reconcile != nil {
						r = ConnectorReconcile{TermID: a.Reconcile.TermID, InvoiceEntryID: a.Reconcile.InvoiceEntryID, CreditEntryID: a.Reconcile.CreditEntryID, Amount: a.Reconcile.Amount}
					} else {
						r = ConnectorReconcile{TermID: a.Unreconcile.TermID, InvoiceEntryID: a.Unreconcile.InvoiceEntryID, CreditEntryID: a.Unreconcile.CreditEntryID, Amount: a.Unreconcile.Amount}
					}
					other := r.CreditEntryID
					if e == r.CreditEntryID {
						other = r.InvoiceEntryID
					}
					o := odooOf[other]
					if o == nil || other == e {
						t.Fatalf("%s: reconciliation with an entry Odoo does not have: %+v", label[e], r)
					}
					if a.Reconcile != nil {
						o.Residual, o.Reconciled = o.Residual.Sub(r.Amount), append(o.Reconciled, r)
					} else {
						o.Residual = o.Residual.Add(r.Amount)
						o.Reconciled = slices.DeleteFunc(o.Reconciled, func(x ConnectorReconcile) bool { return x.TermID == r.TermID && x.CreditEntryID == r.CreditEntryID })
					}
				}
			}
			*odooOf[e] = ptApply(t, *odooOf[e], actions)
			for _, s := range ptActions(actions) {
				f := strings.Fields(s)
				switch f[0] {
				case "register":
					s = strings.Join(append(f[:1], f[2:]...), " ")
				case "cancel":
					s = "cancel"
				case "reconcile", "unreconcile":
					s = f[0] + " " + label[f[2]] + " " + f[3]
				}
				got[label[e]] = append(got[label[e]], s)
			}
		}
		for _, e := range entries {
			st := ExactEntryState(e, terms, m.deleted)
			if !odooOf[e].Residual.Equal(st.Open) {
				t.Errorf("%s: Odoo's residual %s, Exact's open amount %s (%s)", label[e], odooOf[e].Residual, st.Open, st.Status)
			}
			if again := DecidePayments(st, *odooOf[e]); len(again) != 0 {
				t.Errorf("%s decided again: %q", label[e], ptActions(again))
			}
		}
		return got
	}
	check := func(t *testing.T, got, want map[string][]string) {
		t.Helper()
		if !maps.EqualFunc(got, want, slices.Equal) {
			t.Errorf("actions:\n got %q\nwant %q", got, want)
		}
	}

	check(t, step(t), map[string][]string{})
	st1, err := ex.ProcessBankStatement(div, exact.NewDate(2026, 3, 1).Time, []exacttest.Match{{EntryID: inv, AmountFC: ptDec("21")}})
	if err != nil {
		t.Fatal(err)
	}
	check(t, step(t), map[string][]string{"inv": {"register 21.00 2026-03-01 in journal 20"}})
	st2, err := ex.ProcessBankStatement(div, exact.NewDate(2026, 3, 2).Time, []exacttest.Match{{EntryID: inv}})
	if err != nil {
		t.Fatal(err)
	}
	check(t, step(t), map[string][]string{"inv": {"register 100.00 2026-03-02 in journal 20"}})
	check(t, step(t), map[string][]string{}) // a pull with nothing new

	if _, err := ex.MatchCreditNote(div, inv2, credit); err != nil {
		t.Fatal(err)
	}
	check(t, step(t), map[string][]string{"credit": {"reconcile credit 48.40"}})

	if err := ex.UndoMatch(div, inv); err != nil {
		t.Fatal(err)
	}
	check(t, step(t), map[string][]string{"inv": {"cancel", "cancel"}})
	if st := ExactEntryState(inv, slices.Collect(maps.Values(m.rows)), m.deleted); st.Status != PaymentOpen || len(st.Undone) != 2 {
		t.Errorf("after the undo: %s, undone %v; want open, two matches undone", st.Status, st.Undone)
	}
	// The payments, left on the relation by the undo, matched again by hand: registered on their statements' dates.
	if _, err := ex.MatchCreditNote(div, inv, st2.EntryID); err != nil {
		t.Fatal(err)
	}
	check(t, step(t), map[string][]string{"inv": {"register 100.00 2026-03-02 in journal 20"}})
	if _, err := ex.MatchCreditNote(div, inv, st1.EntryID); err != nil {
		t.Fatal(err)
	}
	check(t, step(t), map[string][]string{"inv": {"register 21.00 2026-03-01 in journal 20"}})

	if err := ex.UndoMatch(div, inv2); err != nil {
		t.Fatal(err)
	}
	check(t, step(t), map[string][]string{"inv2": {"unreconcile credit 48.40"}})
	if _, err := ex.ProcessBankStatement(div, exact.NewDate(2026, 3, 5).Time, []exacttest.Match{{EntryID: credit}}); err != nil { // refunded
		t.Fatal(err)
	}
	if _, err := ex.ProcessBankStatement(div, exact.NewDate(2026, 3, 6).Time, []exacttest.Match{{EntryID: usd, AmountFC: ptDec("21")}}); err != nil {
		t.Fatal(err)
	}
	if err := ex.RecordPayment(div, bill.EntryID, ptDec("60.50"), exact.NewDate(2026, 3, 7).Time); err != nil {
		t.Fatal(err)
	}
	check(t, step(t), map[string][]string{
		"credit": {"register 48.40 2026-03-05 out journal 20"},
		"usd":    {"register 21.00 2026-03-06 in journal 20"},
		"bill":   {"register 60.50 2026-03-07 out journal 20"},
	})
	if !odooOf[usd].Residual.Equal(ptDec("100")) || odooOf[usd].Currency != "USD" {
		t.Errorf("dollar invoice in Odoo: %s %s, want 100 USD open", odooOf[usd].Residual, odooOf[usd].Currency)
	}
}

// A rounding difference is written off on the exchange loss account when it costs the company (less received,
// more paid) and on the gain account otherwise; a company without the account gets a bilingual data error.
func TestWriteOffAccount(t *testing.T) {
	co := odoo.Company{ID: 1, Name: "Demo B.V.", ExchangeGain: odoo.Many2One{ID: 8, Name: "8009 Koerswinst"}, ExchangeLoss: odoo.Many2One{ID: 7, Name: "7009 Koersverlies"}}
	cent := decimal.RequireFromString("0.01")
	for _, tc := range []struct {
		name     string
		writeOff decimal.Decimal
		inbound  bool
		want     int64
	}{
		{"a customer paid a cent less", cent, true, 7},
		{"a customer paid a cent more", cent.Neg(), true, 8},
		{"a supplier was paid a cent less", cent, false, 8},
		{"a supplier was paid a cent more", cent.Neg(), false, 7},
	} {
		got, p := writeOffAccount(co, tc.writeOff, tc.inbound)
		if p != nil || got.ID != tc.want {
			t.Errorf("%s: account %+v, problem %v; want %d", tc.name, got, p, tc.want)
		}
	}
	co.ExchangeLoss = odoo.Many2One{}
	_, p := writeOffAccount(co, cent, true)
	if p == nil || p.Code != "payment.exchange_account" || !strings.Contains(p.EN, "no exchange loss account") || !strings.Contains(p.FixNL, "starter retry") {
		t.Errorf("no loss account: %+v, want the bilingual data error", p)
	}
}
