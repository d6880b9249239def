package exact_test

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/exact/exacttest"
)

// termMirror is what a payment pull keeps: the payment terms by ID, fed by sync/Cashflow/PaymentTerms and
// sync/Deleted with their own cursors.
type termMirror struct {
	rows             map[string]exact.PaymentTerm
	terms, deletions int64 // the two cursors
	deletedTermsSeen int
}

func newMirror() *termMirror {
	return &termMirror{rows: map[string]exact.PaymentTerm{}, terms: 1, deletions: 1}
}

func (m *termMirror) pull(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	for pt, err := range e.c.Cashflow.PaymentTermsSince(ctx, e.div, m.terms) {
		if err != nil {
			t.Fatal(err)
		}
		m.rows[pt.ID] = *pt
		m.terms = max(m.terms, pt.Timestamp)
	}
	for d, err := range e.c.Deleted.Since(ctx, e.div, m.deletions) {
		if err != nil {
			t.Fatal(err)
		}
		if d.EntityType == exact.DeletedPaymentTerm {
			delete(m.rows, d.EntityKey)
			m.deletedTermsSeen++
		}
		m.deletions = max(m.deletions, d.Timestamp)
	}
}

// state applies the recommended rule (EXACT-API.md D.11) to one entry: its open amount, and paid when it has
// rows and none is open.
func (m *termMirror) state(entryID string) (open decimal.Decimal, paid bool, rows []exact.PaymentTerm) {
	open = decimal.Zero
	for _, r := range m.rows {
		if r.TransactionEntryID != entryID {
			continue
		}
		rows = append(rows, r)
		if r.Status != exact.TermMatched {
			open = open.Add(r.AmountFC)
		}
	}
	return open, len(rows) > 0 && open.IsZero(), rows
}

func TestPaymentPullAgainstTheSimulator(t *testing.T) {
	e := newEnv(t, envConfig{sim: func(o *exacttest.Options) { o.MinutelyLimit = 10000 }})
	ctx := context.Background()
	acc := e.customer(t, "Betaler")
	gl := e.glAccount(t, "8000")
	post := func(currency string, amount string) *exact.SalesEntry {
		t.Helper()
		entry, err := e.c.SalesEntries.Create(ctx, e.div, &exact.SalesEntry{
			EntryHeader: exact.EntryHeader{Journal: "70", EntryDate: exact.NewDate(2026, 2, 15), YourRef: "INV/2026/00" + amount, Currency: currency},
			Customer:    acc.ID,
			SalesEntryLines: exact.Lines[exact.EntryLine]{
				{GLAccount: gl.ID, AmountFC: decimal.RequireFromString(amount), VATCode: "2  "},
			}})
		if err != nil {
			t.Fatal(err)
		}
		return entry
	}
	inv := post("", "100") // 121.00
	m := newMirror()
	m.pull(t, e)
	open, paid, rows := m.state(inv.EntryID)
	if !open.Equal(decimal.RequireFromString("121")) || paid || len(rows) != 1 {
		t.Fatalf("new invoice: open %s paid %v rows %+v", open, paid, rows)
	}
	r := rows[0]
	if r.LineType != exact.LineTypeReceipt || r.Status != exact.TermOpen || r.IsFullyPaid || r.Currency != "EUR" ||
		!r.AmountDC.Equal(r.AmountFC) || r.EntryID == "" || r.Timestamp <= 1 || !r.LastPaymentDate.IsZero() || !r.EndDate.IsZero() ||
		r.TransactionType != 20 || r.InvoiceNumber != inv.EntryNumber || r.YourRef != "INV/2026/00100" {
		t.Errorf("open term: %+v", r)
	}

	// A partial payment: the term splits.
	st, err := e.srv.ProcessBankStatement(e.div, exact.NewDate(2026, 3, 1).Time, []exacttest.Match{{EntryID: inv.EntryID, AmountFC: decimal.RequireFromString("21")}})
	if err != nil {
		t.Fatal(err)
	}
	m.pull(t, e)
	open, paid, rows = m.state(inv.EntryID)
	if !open.Equal(decimal.RequireFromString("100")) || paid || len(rows) != 2 {
		t.Fatalf("after 21.00: open %s paid %v rows %+v", open, paid, rows)
	}
	for _, r := range rows {
		if r.Status == exact.TermMatched && (!r.IsFullyPaid || r.LastPaymentDate.ISO() != "2026-03-01" || r.EndDate.ISO() != "2026-03-01") {
			t.Errorf("matched part: %+v", r)
		}
		if r.Status == exact.TermOpen && (r.IsFullyPaid || r.LastPaymentDate.ISO() != "2026-03-01" || !r.AmountFC.Equal(decimal.RequireFromString("100"))) {
			t.Errorf("open remainder: %+v", r)
		}
	}
	_, _, bankRows := m.state(st.EntryID)
	if len(bankRows) != 1 || bankRows[0].TransactionType != exact.TransactionTypeCashFlow || bankRows[0].TransactionID != st.Lines[0].ID ||
		!bankRows[0].AmountFC.Equal(decimal.RequireFromString("-21")) || bankRows[0].YourRef != inv.YourRef {
		t.Errorf("the payment's own term: %+v", bankRows)
	}
	items, err := exact.Collect(e.c.Cashflow.ReceivablesList(ctx, e.div, &exact.ListOptions{Filter: exact.Eq("EntryNumber", exact.Int(inv.EntryNumber))}))
	if err != nil || len(items) != 1 || !items[0].Amount.Equal(decimal.RequireFromString("100")) || items[0].CurrencyCode != "EUR" || items[0].AccountID != acc.ID {
		t.Errorf("ReceivablesList: %+v %v", items, err)
	}
	be, err := e.c.Cashflow.BankEntry(ctx, e.div, st.EntryID)
	if err != nil || be.JournalCode != "20" || len(be.BankEntryLines) != 1 || be.BankEntryLines[0].OurRef != inv.EntryNumber ||
		be.BankEntryLines[0].Date.ISO() != "2026-03-01" || be.BankEntryLines[0].Account != acc.ID {
		t.Errorf("bank entry: %+v %v", be, err)
	}
	lines, err := exact.Collect(e.c.Cashflow.BankEntryLines(ctx, e.div, &exact.ListOptions{Filter: exact.Eq("EntryID", exact.Guid(st.EntryID))}))
	if err != nil || len(lines) != 1 || !lines[0].AmountFC.Equal(decimal.RequireFromString("-21")) {
		t.Errorf("bank entry lines: %+v %v", lines, err)
	}
	if bes, err := exact.Collect(e.c.Cashflow.BankEntries(ctx, e.div, nil)); err != nil || len(bes) != 1 || bes[0].EntryNumber != 26200001 {
		t.Errorf("bank entries: %+v %v", bes, err)
	}

	// The match undone: the rows the mirror holds are deleted, a new open row appears.
	if err := e.srv.UndoMatch(e.div, inv.EntryID); err != nil {
		t.Fatal(err)
	}
	m.pull(t, e)
	open, paid, rows = m.state(inv.EntryID)
	if !open.Equal(decimal.RequireFromString("121")) || paid || len(rows) != 1 || m.deletedTermsSeen != 2 {
		t.Errorf("after the undo: open %s paid %v rows %+v, %d deletions", open, paid, rows, m.deletedTermsSeen)
	}
	if open, _, _ := m.state(st.EntryID); !open.Equal(decimal.RequireFromString("-21")) {
		t.Errorf("the payment after the undo: open %s, want -21 on the relation", open)
	}

	// Paid in full, then a credit note matched with a second invoice.
	if _, err := e.srv.ProcessBankStatement(e.div, exact.NewDate(2026, 3, 2).Time, []exacttest.Match{{EntryID: inv.EntryID}}); err != nil {
		t.Fatal(err)
	}
	inv2, credit := post("", "50"), post("", "-50")
	if _, err := e.srv.MatchCreditNote(e.div, inv2.EntryID, credit.EntryID); err != nil {
		t.Fatal(err)
	}
	m.pull(t, e)
	for _, id := range []string{inv.EntryID, inv2.EntryID, credit.EntryID} {
		if open, paid, rows := m.state(id); !paid || !open.IsZero() {
			t.Errorf("entry %s: open %s paid %v rows %+v, want paid", id, open, paid, rows)
		}
	}
	if _, _, rows := m.state(inv2.EntryID); len(rows) != 1 || !rows[0].LastPaymentDate.IsZero() || rows[0].EndDate.ISO() != "2026-02-15" {
		t.Errorf("invoice settled by a credit note: %+v, want no payment date, EndDate the invoice date", rows)
	}

	// A foreign currency: AmountFC in dollars, AmountDC in euros.
	usd := post("USD", "200") // 242.00 USD at 0.92 = 222.64 EUR
	if _, err := e.srv.ProcessBankStatement(e.div, exact.NewDate(2026, 3, 2).Time, []exacttest.Match{{EntryID: usd.EntryID, AmountFC: decimal.RequireFromString("42")}}); err != nil {
		t.Fatal(err)
	}
	m.pull(t, e)
	open, _, rows = m.state(usd.EntryID)
	if !open.Equal(decimal.RequireFromString("200")) || len(rows) != 2 {
		t.Fatalf("USD after 42: open %s rows %+v", open, rows)
	}
	for _, r := range rows {
		if r.Currency != "USD" || !r.AmountDC.Equal(r.AmountFC.Mul(decimal.RequireFromString("0.92")).Round(2)) {
			t.Errorf("USD term: %s %s FC %s DC", r.Currency, r.AmountFC, r.AmountDC)
		}
	}
	rates, err := exact.Collect(e.c.ExchangeRates(ctx, e.div, &exact.ListOptions{Filter: exact.Eq("SourceCurrency", exact.String("USD"))}))
	if err != nil || len(rates) != 1 || !rates[0].Rate.Equal(decimal.RequireFromString("0.92")) || rates[0].TargetCurrency != "EUR" {
		t.Errorf("exchange rates: %+v %v", rates, err)
	}
}

func TestPayablesPull(t *testing.T) {
	e := newEnv(t, envConfig{})
	ctx := context.Background()
	sup, err := e.c.Accounts.Create(ctx, e.div, &exact.Account{Name: "Leverancier", IsSupplier: true})
	if err != nil {
		t.Fatal(err)
	}
	gl := e.glAccount(t, "7000")
	bill, err := e.c.PurchaseEntries.Create(ctx, e.div, &exact.PurchaseEntry{
		EntryHeader: exact.EntryHeader{Journal: "60", EntryDate: exact.NewDate(2026, 2, 20), YourRef: "F-77"},
		Supplier:    sup.ID,
		PurchaseEntryLines: exact.Lines[exact.EntryLine]{
			{GLAccount: gl.ID, AmountFC: decimal.RequireFromString("100"), VATCode: "7  "}, // reverse charge: 0 owed
			{GLAccount: gl.ID, AmountFC: decimal.RequireFromString("50"), VATCode: "4  "},
		}})
	if err != nil {
		t.Fatal(err)
	}
	items, err := exact.Collect(e.c.Cashflow.PayablesList(ctx, e.div, nil))
	if err != nil || len(items) != 1 || !items[0].Amount.Equal(decimal.RequireFromString("160.5")) || items[0].YourRef != "F-77" {
		t.Fatalf("PayablesList: %+v %v", items, err)
	}
	if err := e.srv.RecordPayment(e.div, bill.EntryID, decimal.RequireFromString("160.5"), exact.NewDate(2026, 3, 1).Time); err != nil {
		t.Fatal(err)
	}
	m := newMirror()
	m.pull(t, e)
	if open, paid, rows := m.state(bill.EntryID); !paid || !open.IsZero() || len(rows) != 1 || rows[0].LineType != exact.LineTypePayment {
		t.Errorf("paid bill: open %s paid %v rows %+v", open, paid, rows)
	}
	if items, err := exact.Collect(e.c.Cashflow.PayablesList(ctx, e.div, nil)); err != nil || len(items) != 0 {
		t.Errorf("PayablesList after payment: %+v %v", items, err)
	}
}
