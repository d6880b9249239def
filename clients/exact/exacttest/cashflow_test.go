package exacttest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// terms returns the cashflow rows of a transaction (sales, purchase or bank entry), any status.
func (f *entryFixture) terms(t *testing.T, set, transactionEntryID string) []map[string]any {
	t.Helper()
	r := f.c.get(q(set, "$filter", "TransactionEntryID eq guid'"+transactionEntryID+"'",
		"$select", "ID,EntryID,Status,AmountFC,AmountDC,IsFullyPaid,EndDate,EndYear,EndPeriod,LastPaymentDate,TransactionType,TransactionID,YourRef,Currency,InvoiceDate"))
	if r.status != 200 {
		t.Fatalf("%s: %d %s", set, r.status, r.body)
	}
	rows, _ := r.results(t)
	return rows
}

func byStatus(rows []map[string]any) (matched, open []map[string]any) {
	for _, r := range rows {
		if r["Status"] == float64(50) {
			matched = append(matched, r)
		} else {
			open = append(open, r)
		}
	}
	return matched, open
}

func dateJSONOf(y int, m, d int) string {
	return fmt.Sprintf("/Date(%d)/", day(y, time.Month(m), d).UnixMilli())
}

func (f *entryFixture) invoice(t *testing.T, amount string, extra map[string]any) string {
	t.Helper()
	return f.c.create("salesentry/SalesEntries", f.sale(extra, map[string]any{"GLAccount": f.gl8000, "AmountFC": amount, "VATCode": "2"}))["EntryID"].(string)
}

func TestBankStatementPartialThenFull(t *testing.T) {
	f := newEntryFixture(t)
	div := f.s.DefaultDivision()
	inv := f.invoice(t, "100", nil) // 121.00, dated 2026-01-17
	before := f.terms(t, "cashflow/Receivables", inv)
	st, err := f.s.ProcessBankStatement(div, day(2026, 2, 3), []Match{{EntryID: inv, AmountFC: dec("21")}})
	if err != nil {
		t.Fatal(err)
	}
	if st.EntryNumber != 26200001 || len(st.Lines) != 1 || st.Lines[0].EntryID != inv || !st.Lines[0].AmountFC.Equal(dec("21")) {
		t.Errorf("statement: %+v", st)
	}
	matched, open := byStatus(f.terms(t, "cashflow/Receivables", inv))
	if len(matched) != 1 || len(open) != 1 {
		t.Fatalf("after 21 of 121: matched %v open %v", matched, open)
	}
	m, o := matched[0], open[0]
	if m["ID"] != before[0]["ID"] || m["AmountFC"] != 21.0 || m["AmountDC"] != 21.0 || m["IsFullyPaid"] != true ||
		m["EndDate"] != dateJSONOf(2026, 2, 3) || m["LastPaymentDate"] != dateJSONOf(2026, 2, 3) || m["EndYear"] != float64(2026) || m["EndPeriod"] != float64(2) {
		t.Errorf("matched part: %v", m)
	}
	if o["ID"] == m["ID"] || o["EntryID"] == m["EntryID"] || o["AmountFC"] != 100.0 || o["IsFullyPaid"] != false || o["EndDate"] != nil ||
		o["LastPaymentDate"] != dateJSONOf(2026, 2, 3) || o["Status"] != float64(20) {
		t.Errorf("open remainder: %v", o)
	}
	// The bank entry and its line, with the line's own (matched) term.
	be := f.c.get(q("financialtransaction/BankEntries(guid'"+st.EntryID+"')", "$select", "EntryNumber,JournalCode,Currency,Status,FinancialYear,FinancialPeriod,ClosingBalanceFC", "$expand", "BankEntryLines")).json(t)["d"].(map[string]any)
	lines := be["BankEntryLines"].(map[string]any)["results"].([]any)
	if be["EntryNumber"] != float64(26200001) || be["JournalCode"] != "20" || be["Currency"] != "EUR" || be["FinancialPeriod"] != float64(2) ||
		be["ClosingBalanceFC"] != 21.0 || len(lines) != 1 {
		t.Errorf("bank entry: %v", be)
	}
	line := lines[0].(map[string]any)
	if line["ID"] != st.Lines[0].ID || line["AmountFC"] != -21.0 || line["Account"] != f.customer || line["OurRef"] != float64(26700001) || line["Type"] != float64(40) {
		t.Errorf("bank line: %v", line)
	}
	bankTerms := f.terms(t, "cashflow/Receivables", st.EntryID)
	if len(bankTerms) != 1 || bankTerms[0]["ID"] != st.Lines[0].PaymentTerm || bankTerms[0]["AmountFC"] != -21.0 || bankTerms[0]["Status"] != float64(50) ||
		bankTerms[0]["TransactionType"] != float64(40) || bankTerms[0]["TransactionID"] != line["ID"] || bankTerms[0]["YourRef"] != "INV/2026/0001" {
		t.Errorf("bank line's term: %v", bankTerms)
	}
	list, _ := f.c.get(q("read/financial/ReceivablesList", "$select", "Amount,EntryNumber,CurrencyCode")).results(t)
	if len(list) != 1 || list[0]["Amount"] != 100.0 || list[0]["EntryNumber"] != float64(26700001) {
		t.Errorf("ReceivablesList: %v, want the open 100.00", list)
	}
	// The rest: a zero amount pays everything open.
	st2, err := f.s.ProcessBankStatement(div, day(2026, 2, 10), []Match{{EntryID: inv}})
	if err != nil {
		t.Fatal(err)
	}
	if st2.EntryNumber != 26200002 || !st2.Lines[0].AmountFC.Equal(dec("100")) {
		t.Errorf("second statement: %+v", st2)
	}
	matched, open = byStatus(f.terms(t, "cashflow/Receivables", inv))
	if len(matched) != 2 || len(open) != 0 {
		t.Errorf("after paying the rest: matched %v open %v", matched, open)
	}
	for _, r := range matched {
		if r["IsFullyPaid"] != true {
			t.Errorf("matched row not fully paid: %v", r)
		}
	}
	if list, _ := f.c.get(q("read/financial/ReceivablesList", "$select", "Amount")).results(t); len(list) != 0 {
		t.Errorf("ReceivablesList after full payment: %v", list)
	}
	if r := f.c.do("DELETE", "salesentry/SalesEntries(guid'"+inv+"')", nil); r.status != 500 || r.errMsg(t) != msgMatched {
		t.Errorf("deleting a paid entry: %d %s", r.status, r.body)
	}
}

func TestBankStatementOfSeveralPayments(t *testing.T) {
	f := newEntryFixture(t)
	div := f.s.DefaultDivision()
	a := f.invoice(t, "100", nil)
	b := f.invoice(t, "50", map[string]any{"YourRef": "INV/2026/0002"})
	p := f.c.create("purchaseentry/PurchaseEntries", f.purchaseBody(nil))["EntryID"].(string) // 121.00 payable
	st, err := f.s.ProcessBankStatement(div, day(2026, 3, 1), []Match{{EntryID: a}, {EntryID: b, AmountFC: dec("60.50")}, {EntryID: p, AmountFC: dec("121")}})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Lines) != 3 {
		t.Fatalf("lines: %+v", st.Lines)
	}
	be := f.c.get(q("financialtransaction/BankEntries(guid'"+st.EntryID+"')", "$select", "OpeningBalanceFC,ClosingBalanceFC")).json(t)["d"].(map[string]any)
	if be["OpeningBalanceFC"] != 0.0 || be["ClosingBalanceFC"] != 60.5 {
		t.Errorf("balances: %v, want 0 → 60.50 (121 + 60.50 in, 121 out)", be)
	}
	pays := f.terms(t, "cashflow/Payments", p)
	if len(pays) != 1 || pays[0]["Status"] != float64(50) || pays[0]["IsFullyPaid"] != true {
		t.Errorf("purchase term: %v", pays)
	}
	outgoing := f.terms(t, "cashflow/Payments", st.EntryID)
	incoming := f.terms(t, "cashflow/Receivables", st.EntryID)
	if len(outgoing) != 1 || outgoing[0]["AmountFC"] != -121.0 || len(incoming) != 2 {
		t.Errorf("bank lines' terms: payments %v receivables %v", outgoing, incoming)
	}
	lines, _ := f.c.get(q("financialtransaction/BankEntryLines", "$filter", "EntryID eq guid'"+st.EntryID+"'", "$select", "LineNumber,AmountFC", "$orderby", "LineNumber")).results(t)
	if len(lines) != 3 || lines[0]["AmountFC"] != -121.0 || lines[1]["AmountFC"] != -60.5 || lines[2]["AmountFC"] != 121.0 {
		t.Errorf("bank lines (receipts credit the receivable, a payment debits the payable): %v", lines)
	}
	if list, _ := f.c.get(q("read/financial/PayablesList", "$select", "Amount")).results(t); len(list) != 0 {
		t.Errorf("PayablesList: %v", list)
	}
}

func TestBankStatementRefusals(t *testing.T) {
	f := newEntryFixture(t)
	div := f.s.DefaultDivision()
	inv := f.invoice(t, "100", nil)
	usd := f.invoice(t, "100", map[string]any{"Currency": "USD"})
	credit := f.invoice(t, "-40", nil)
	if err := f.s.ClosePeriod(div, 2026, 4, true); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		date    [3]int
		matches []Match
		want    string
	}{
		{"more than open", [3]int{2026, 3, 1}, []Match{{EntryID: inv, AmountFC: dec("121.01")}}, "does not fit"},
		{"more than open in two lines", [3]int{2026, 3, 1}, []Match{{EntryID: inv, AmountFC: dec("100")}, {EntryID: inv, AmountFC: dec("21.01")}}, "does not fit"},
		{"the wrong sign", [3]int{2026, 3, 1}, []Match{{EntryID: inv, AmountFC: dec("-1")}}, "does not fit"},
		{"a credit note paid positive", [3]int{2026, 3, 1}, []Match{{EntryID: credit, AmountFC: dec("10")}}, "does not fit"},
		{"unknown entry", [3]int{2026, 3, 1}, []Match{{EntryID: "3f0956d9-c601-4ffb-9d62-f35966e5692d"}}, "no sales or purchase entry"},
		{"two currencies", [3]int{2026, 3, 1}, []Match{{EntryID: inv}, {EntryID: usd}}, "one currency"},
		{"closed period", [3]int{2026, 4, 2}, []Match{{EntryID: inv}}, msgFinYear},
		{"no lines", [3]int{2026, 3, 1}, nil, "at least one line"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.s.ProcessBankStatement(div, day(tc.date[0], time.Month(tc.date[1]), tc.date[2]), tc.matches)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if n := len(f.s.Entities(div, "financialtransaction/BankEntries")); n != 0 {
		t.Errorf("bank entries booked by refused statements: %d", n)
	}
	if _, err := f.s.ProcessBankStatement(div, day(2026, 3, 1), []Match{{EntryID: inv}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.ProcessBankStatement(div, day(2026, 3, 1), []Match{{EntryID: inv}}); !errors.Is(err, ErrNoOpenTerms) {
		t.Errorf("paying a paid entry: %v, want ErrNoOpenTerms", err)
	}
}

func TestMatchCreditNote(t *testing.T) {
	f := newEntryFixture(t)
	div := f.s.DefaultDivision()
	inv := f.invoice(t, "100", nil)                                          // 121.00 on 2026-01-17
	credit := f.invoice(t, "-40", map[string]any{"EntryDate": "2026-01-25"}) // -48.40
	amount, err := f.s.MatchCreditNote(div, inv, credit)
	if err != nil {
		t.Fatal(err)
	}
	if !amount.Equal(dec("48.4")) {
		t.Errorf("matched %s, want 48.40", amount)
	}
	matched, open := byStatus(f.terms(t, "cashflow/Receivables", inv))
	if len(matched) != 1 || len(open) != 1 || matched[0]["AmountFC"] != 48.4 || open[0]["AmountFC"] != 72.6 ||
		matched[0]["EndDate"] != dateJSONOf(2026, 1, 25) || matched[0]["LastPaymentDate"] != nil {
		t.Errorf("invoice after the credit note: matched %v open %v", matched, open)
	}
	cm, co := byStatus(f.terms(t, "cashflow/Receivables", credit))
	if len(cm) != 1 || len(co) != 0 || cm[0]["AmountFC"] != -48.4 || cm[0]["IsFullyPaid"] != true || cm[0]["EndDate"] != dateJSONOf(2026, 1, 25) {
		t.Errorf("credit note's term: matched %v open %v", cm, co)
	}
	// A credit note larger than what is open splits the credit note.
	big := f.invoice(t, "-100", nil) // -121.00
	if amount, err := f.s.MatchCreditNote(div, inv, big); err != nil || !amount.Equal(dec("72.6")) {
		t.Fatalf("second credit: %s %v", amount, err)
	}
	cm, co = byStatus(f.terms(t, "cashflow/Receivables", big))
	if len(cm) != 1 || len(co) != 1 || cm[0]["AmountFC"] != -72.6 || co[0]["AmountFC"] != -48.4 {
		t.Errorf("larger credit note split: matched %v open %v", cm, co)
	}
	if _, err := f.s.MatchCreditNote(div, inv, big); !errors.Is(err, ErrNoOpenTerms) {
		t.Errorf("matching a paid invoice: %v", err)
	}
	other := f.c.create("crm/Accounts", map[string]any{"Name": "Ander", "Status": "C"})["ID"].(string)
	inv2 := f.invoice(t, "10", map[string]any{"Customer": other})
	if _, err := f.s.MatchCreditNote(div, inv2, big); err == nil || !strings.Contains(err.Error(), "relation") {
		t.Errorf("another relation's credit note: %v", err)
	}
	if _, err := f.s.MatchCreditNote(div, big, inv2); err == nil {
		t.Error("credit note as the invoice: got nil error")
	}
}

func TestUndoMatch(t *testing.T) {
	f := newEntryFixture(t)
	div := f.s.DefaultDivision()
	inv := f.invoice(t, "100", nil)
	st, err := f.s.ProcessBankStatement(div, day(2026, 2, 3), []Match{{EntryID: inv, AmountFC: dec("21")}})
	if err != nil {
		t.Fatal(err)
	}
	old := f.terms(t, "cashflow/Receivables", inv)
	cursor := f.maxTimestamp(t)
	if err := f.s.UndoMatch(div, inv); err != nil {
		t.Fatal(err)
	}
	now := f.terms(t, "cashflow/Receivables", inv)
	if len(now) != 1 || now[0]["Status"] != float64(20) || now[0]["AmountFC"] != 121.0 || now[0]["IsFullyPaid"] != false ||
		now[0]["EndDate"] != nil || now[0]["LastPaymentDate"] != nil {
		t.Fatalf("after undo: %v, want one open row of 121.00", now)
	}
	for _, o := range old {
		if o["ID"] == now[0]["ID"] {
			t.Errorf("the open row after undo reuses ID %v, want a new one", o["ID"])
		}
	}
	deleted, _ := f.c.get(q("sync/Deleted", "$filter", fmt.Sprintf("Timestamp gt %dL", cursor), "$select", "EntityKey,EntityType,Timestamp")).results(t)
	keys := map[string]bool{}
	for _, d := range deleted {
		if d["EntityType"] == float64(10) {
			keys[d["EntityKey"].(string)] = true
		}
	}
	for _, o := range old {
		if !keys[o["ID"].(string)] {
			t.Errorf("row %v not in sync/Deleted (EntityType 10): %v", o["ID"], deleted)
		}
	}
	bank := f.terms(t, "cashflow/Receivables", st.EntryID)
	if len(bank) != 1 || bank[0]["Status"] != float64(20) || bank[0]["AmountFC"] != -21.0 || bank[0]["IsFullyPaid"] != false {
		t.Errorf("the payment after undo: %v, want open -21.00 on the relation", bank)
	}
	list, _ := f.c.get(q("read/financial/ReceivablesList", "$select", "Amount", "$orderby", "Amount")).results(t)
	if len(list) != 2 || list[0]["Amount"] != -21.0 || list[1]["Amount"] != 121.0 {
		t.Errorf("ReceivablesList after undo: %v, want the unapplied payment and the invoice", list)
	}
	changed, _ := f.c.get(q("sync/Cashflow/PaymentTerms", "$filter", fmt.Sprintf("Timestamp gt %dL", cursor), "$select", "ID,Status")).results(t)
	if len(changed) != 2 {
		t.Errorf("terms changed by the undo: %v, want the new open row and the payment", changed)
	}
	if err := f.s.UndoMatch(div, inv); !errors.Is(err, ErrNotMatched) {
		t.Errorf("undo twice: %v, want ErrNotMatched", err)
	}
	// The unapplied payment matched again, by hand, with the invoice.
	if amount, err := f.s.MatchCreditNote(div, inv, st.EntryID); err != nil || !amount.Equal(dec("21")) {
		t.Fatalf("re-match: %s %v", amount, err)
	}
	matched, open := byStatus(f.terms(t, "cashflow/Receivables", inv))
	if len(matched) != 1 || len(open) != 1 || matched[0]["LastPaymentDate"] != dateJSONOf(2026, 2, 3) || open[0]["AmountFC"] != 100.0 {
		t.Errorf("after re-match: matched %v open %v", matched, open)
	}
	// Undo from the bank entry's side undoes the same match.
	if err := f.s.UndoMatch(div, st.EntryID); err != nil {
		t.Fatal(err)
	}
	if _, open := byStatus(f.terms(t, "cashflow/Receivables", inv)); len(open) != 1 || open[0]["AmountFC"] != 121.0 {
		t.Errorf("after undo from the bank side: %v", open)
	}
	// An open entry again: it can be changed, and deleting it deletes its term.
	if r := f.c.do("PUT", "salesentry/SalesEntries(guid'"+inv+"')", map[string]any{"Description": "na terugdraaien"}); r.status != 204 {
		t.Errorf("PUT after undo: %d %s", r.status, r.body)
	}
}

// maxTimestamp is the highest row version of the payment terms and deletions.
func (f *entryFixture) maxTimestamp(t *testing.T) int64 {
	t.Helper()
	var top float64
	for _, set := range []string{"sync/Cashflow/PaymentTerms", "sync/Deleted"} {
		rows, _ := f.c.get(q(set, "$filter", "Timestamp gt 1L", "$select", "Timestamp")).results(t)
		for _, r := range rows {
			top = max(top, r["Timestamp"].(float64))
		}
	}
	return int64(top)
}

func TestForeignCurrencyPayment(t *testing.T) {
	f := newEntryFixture(t)
	div := f.s.DefaultDivision()
	inv := f.invoice(t, "100", map[string]any{"Currency": "USD"}) // 121.00 USD = 111.32 EUR
	st, err := f.s.ProcessBankStatement(div, day(2026, 2, 3), []Match{{EntryID: inv, AmountFC: dec("21")}})
	if err != nil {
		t.Fatal(err)
	}
	matched, open := byStatus(f.terms(t, "cashflow/Receivables", inv))
	if len(matched) != 1 || matched[0]["AmountFC"] != 21.0 || matched[0]["AmountDC"] != 19.32 || matched[0]["Currency"] != "USD" ||
		len(open) != 1 || open[0]["AmountFC"] != 100.0 || open[0]["AmountDC"] != 92.0 {
		t.Errorf("USD terms: matched %v open %v", matched, open)
	}
	lines, _ := f.c.get(q("financialtransaction/BankEntryLines", "$filter", "EntryID eq guid'"+st.EntryID+"'", "$select", "AmountFC,AmountDC,ExchangeRate")).results(t)
	if len(lines) != 1 || lines[0]["AmountFC"] != -21.0 || lines[0]["AmountDC"] != -19.32 || lines[0]["ExchangeRate"] != 0.92 {
		t.Errorf("USD bank line: %v", lines)
	}
	list, _ := f.c.get(q("read/financial/ReceivablesList", "$select", "Amount,CurrencyCode")).results(t)
	if len(list) != 1 || list[0]["Amount"] != 100.0 || list[0]["CurrencyCode"] != "USD" {
		t.Errorf("ReceivablesList in the invoice's currency: %v", list)
	}
	if _, err := f.s.ProcessBankStatement(div, day(2026, 2, 4), []Match{{EntryID: inv}}); err != nil {
		t.Fatal(err)
	}
	matched, _ = byStatus(f.terms(t, "cashflow/Receivables", inv))
	total := decimal.Zero
	for _, m := range matched {
		total = total.Add(decimal.NewFromFloat(m["AmountDC"].(float64)))
	}
	if !total.Equal(dec("111.32")) {
		t.Errorf("EUR of the matched parts: %s, want the invoice's 111.32", total)
	}
}

func TestPaymentTermsSync(t *testing.T) {
	f := newEntryFixture(t)
	div := f.s.DefaultDivision()
	inv := f.invoice(t, "100", nil)
	p := f.c.create("purchaseentry/PurchaseEntries", f.purchaseBody(nil))["EntryID"].(string)
	rows, _ := f.c.get(q("sync/Cashflow/PaymentTerms", "$filter", "Timestamp gt 1L", "$select", "ID,LineType,TransactionEntryID,Timestamp")).results(t)
	lineTypes := map[string]float64{}
	for _, r := range rows {
		lineTypes[r["TransactionEntryID"].(string)] = r["LineType"].(float64)
	}
	if lineTypes[inv] != 20 || lineTypes[p] != 22 {
		t.Errorf("LineType: %v, want 20 for the sales entry, 22 for the purchase entry", lineTypes)
	}
	// Every change gives a higher timestamp; rows come back ordered by it.
	cursor := f.maxTimestamp(t)
	if err := f.s.RecordPayment(div, inv, dec("1"), day(2026, 2, 1)); err != nil {
		t.Fatal(err)
	}
	changed, _ := f.c.get(q("sync/Cashflow/PaymentTerms", "$filter", fmt.Sprintf("Timestamp gt %dL", cursor), "$select", "ID,Timestamp,Status")).results(t)
	if len(changed) != 3 { // the matched part, the remainder, the payment's own term
		t.Errorf("changed rows: %v", changed)
	}
	prev := float64(cursor)
	for _, r := range changed {
		if ts := r["Timestamp"].(float64); ts <= prev {
			t.Errorf("timestamps not increasing: %v", changed)
		} else {
			prev = ts
		}
	}
	// Deleting an open entry deletes its term: sync/Deleted EntityType 10.
	terms := f.terms(t, "cashflow/Payments", p)
	if r := f.c.do("DELETE", "purchaseentry/PurchaseEntries(guid'"+p+"')", nil); r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	del, _ := f.c.get(q("sync/Deleted", "$filter", fmt.Sprintf("Timestamp gt %dL", cursor), "$select", "EntityKey,EntityType")).results(t)
	found := false
	for _, d := range del {
		found = found || (d["EntityType"] == float64(10) && d["EntityKey"] == terms[0]["ID"])
	}
	if !found {
		t.Errorf("sync/Deleted after deleting the purchase entry: %v, want its term %v as EntityType 10", del, terms[0]["ID"])
	}
}

func TestPaymentTermsSyncPages(t *testing.T) {
	f := newEntryFixture(t)
	f.invoice(t, "1", nil)
	f.s.mu.Lock()
	d := f.s.divs[f.s.DefaultDivision()]
	var tmpl record
	for _, r := range d.tables[tableTerms] {
		tmpl = r
	}
	for range 1000 {
		r := tmpl.clone()
		r["ID"], r["EntryID"] = newGUID(), newGUID()
		f.s.stamp(d, r)
		d.put(tableTerms, "ID", r)
	}
	f.s.mu.Unlock()
	r := f.c.get(q("sync/Cashflow/PaymentTerms", "$filter", "Timestamp gt 1L", "$select", "ID,Timestamp"))
	rows, next := r.results(t)
	if len(rows) != 1000 || next == "" {
		t.Fatalf("first page: %d rows, __next %q; want 1000 and a next link", len(rows), next)
	}
	rows2, next2 := f.c.get(next).results(t)
	if len(rows2) != 1 || next2 != "" {
		t.Errorf("second page: %d rows, __next %q; want 1, none", len(rows2), next2)
	}
}

func TestAdminEndpoints(t *testing.T) {
	f := newEntryFixture(t)
	f.invoice(t, "100", nil)                                        // 26700001, 121.00
	f.invoice(t, "-10", map[string]any{"YourRef": "INV/2026/0002"}) // 26700002, -12.10
	f.invoice(t, "50", map[string]any{"YourRef": "INV/2026/0003"})  // 26700003, 60.50
	post := func(path, body string) (int, map[string]any) {
		t.Helper()
		resp, err := http.Post(f.s.URL()+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	st, res := post("/sim/bank-statement", `{"date":"2026-02-03","lines":[{"entry_number":26700001,"amount":"21.00"},{"entry_number":26700003,"amount":60.5}]}`)
	if st != 200 || res["entry_number"] != float64(26200001) || len(res["lines"].([]any)) != 2 {
		t.Fatalf("bank statement: %d %v", st, res)
	}
	inv, _ := f.s.EntryIDByNumber(f.s.DefaultDivision(), 26700001, "")
	if _, open := byStatus(f.terms(t, "cashflow/Receivables", inv)); len(open) != 1 || open[0]["AmountFC"] != 100.0 {
		t.Errorf("after the admin bank statement: %v", open)
	}
	if st, res := post("/sim/match-credit-note", `{"invoice":{"entry_number":26700001},"credit":{"entry_number":26700002,"journal":"70"}}`); st != 200 || res["amount"] != "12.1" {
		t.Errorf("match credit note: %d %v", st, res)
	}
	if st, res := post("/sim/undo-match", `{"entry_number":26700001}`); st != 200 {
		t.Errorf("undo: %d %v", st, res)
	}
	if _, open := byStatus(f.terms(t, "cashflow/Receivables", inv)); len(open) != 1 || open[0]["AmountFC"] != 121.0 {
		t.Errorf("after the admin undo: %v", open)
	}
	if st, res := post("/sim/process-entry", `{"entry_number":26700001}`); st != 200 {
		t.Errorf("process: %d %v", st, res)
	}
	if st, res := post("/sim/close-period", `{"year":2026,"period":3,"closed":true}`); st != 200 {
		t.Errorf("close period: %d %v", st, res)
	}
	for _, tc := range []struct {
		path, body string
		status     int
		want       string
	}{
		{"/sim/bank-statement", `{"date":"2026-02-20","lines":[{"entry_number":26700003}]}`, 400, "no open payment terms"},
		{"/sim/bank-statement", `{"date":"2026-02-20","lines":[{"entry_number":26700009}]}`, 400, "no entry with number 26700009"},
		{"/sim/bank-statement", `{"date":"5-3-2026","lines":[{"entry_number":26700001}]}`, 400, "bad date"},
		{"/sim/bank-statement", `{"lines":[{"entry_number":26700001}],"x":1}`, 400, "unknown field"},
		{"/sim/bank-statement", `{"date":"2026-03-05","lines":[{"entry_number":26700001}]}`, 400, msgFinYear},
		{"/sim/undo-match", `{}`, 400, "entry_id or entry_number"},
		{"/sim/close-period", `{"year":2040,"period":1,"closed":true}`, 400, "no financial period"},
		{"/sim/nope", `{}`, 404, "unknown admin endpoint"},
	} {
		st, res := post(tc.path, tc.body)
		if msg, _ := res["error"].(string); st != tc.status || !strings.Contains(msg, tc.want) {
			t.Errorf("POST %s %s: %d %v, want %d %q", tc.path, tc.body, st, res, tc.status, tc.want)
		}
	}
	resp, err := http.Get(f.s.URL() + "/sim/bank-statement")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d, want 405", resp.StatusCode)
	}
	before := f.s.Calls()
	post("/sim/undo-match", `{"entry_number":26700001}`)
	if after := f.s.Calls(); after.Total != before.Total || after.ByStatus[400] != before.ByStatus[400] {
		t.Errorf("an admin request counted as an Exact call: before %+v, after %+v", before, after)
	}
}
