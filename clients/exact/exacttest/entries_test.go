package exacttest

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

type entryFixture struct {
	s        *Server
	c        *client
	customer string
	supplier string
	gl8000   string
	gl8010   string
	gl7000   string
	gl1100   string
}

func newEntryFixture(t *testing.T) *entryFixture {
	t.Helper()
	s := NewServer(t, func(o *Options) { o.MinutelyLimit = 10000 })
	c := newClient(t, s)
	f := &entryFixture{s: s, c: c,
		gl8000: seedID(t, s, "financial/GLAccounts", "8000"), gl8010: seedID(t, s, "financial/GLAccounts", "8010"),
		gl7000: seedID(t, s, "financial/GLAccounts", "7000"), gl1100: seedID(t, s, "financial/GLAccounts", "1100")}
	f.customer = c.create("crm/Accounts", map[string]any{"Name": "ACME", "Status": "C", "PaymentConditionSales": "14"})["ID"].(string)
	f.supplier = c.create("crm/Accounts", map[string]any{"Name": "Leverancier", "IsSupplier": true})["ID"].(string)
	return f
}

func (f *entryFixture) sale(extra map[string]any, lines ...map[string]any) map[string]any {
	body := map[string]any{"Journal": "70", "Customer": f.customer, "EntryDate": "2026-01-17", "YourRef": "INV/2026/0001"}
	for k, v := range extra {
		body[k] = v
	}
	if lines == nil {
		lines = []map[string]any{{"GLAccount": f.gl8000, "AmountFC": "100.00", "VATCode": "2  "}}
	}
	body["SalesEntryLines"] = lines
	return body
}

func TestSalesEntryCreate(t *testing.T) {
	f := newEntryFixture(t)
	e := f.c.create("salesentry/SalesEntries", f.sale(nil,
		map[string]any{"GLAccount": f.gl8000, "AmountFC": "100.00", "VATCode": "2"},
		map[string]any{"GLAccount": f.gl8010, "AmountFC": 50.5}))
	checks := []struct {
		field string
		want  any
	}{
		{"EntryNumber", float64(26700001)},
		{"InvoiceNumber", float64(26700001)},
		{"Status", float64(20)},
		{"Type", float64(20)},
		{"AmountFC", 125.55 + 45.5 - 45.5 + 0.0 + 100 - 100}, // 100 + 21 + 50.5 + 4.55 = 176.05 (checked below)
		{"ReportingYear", float64(2026)},
		{"ReportingPeriod", float64(1)},
		{"PaymentCondition", "14"},
		{"DueDate", "/Date(" + fmt.Sprint(time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC).UnixMilli()) + ")/"},
		{"EntryDate", "/Date(" + fmt.Sprint(time.Date(2026, 1, 17, 0, 0, 0, 0, time.UTC).UnixMilli()) + ")/"},
		{"Journal", "70"},
		{"CustomerName", "ACME"},
	}
	checks[4].want = 176.05
	for _, ch := range checks {
		if got := e[ch.field]; got != ch.want {
			t.Errorf("%s: got %v, want %v", ch.field, got, ch.want)
		}
	}
	if got, want := e["VATAmountFC"], 25.55; got != want {
		t.Errorf("VATAmountFC: got %v, want %v", got, want)
	}
	e2 := f.c.create("salesentry/SalesEntries", f.sale(map[string]any{"PaymentCondition": "30"}))
	if got, want := e2["EntryNumber"], float64(26700002); got != want {
		t.Errorf("second EntryNumber: got %v, want %v", got, want)
	}
	if got, want := e2["DueDate"], "/Date("+fmt.Sprint(time.Date(2026, 2, 16, 0, 0, 0, 0, time.UTC).UnixMilli())+")/"; got != want {
		t.Errorf("DueDate with 30 days: got %v, want %v", got, want)
	}
	// Lines: the default VAT code comes from the GL account (8010 → 9%).
	r := f.c.get(q("salesentry/SalesEntryLines", "$filter", "EntryID eq guid'"+e["EntryID"].(string)+"'", "$select", "LineNumber,VATCode,VATAmountFC,AmountFC", "$orderby", "LineNumber"))
	lines, _ := r.results(t)
	if len(lines) != 2 || lines[1]["VATCode"] != "1  " || lines[1]["VATAmountFC"] != 4.55 {
		t.Errorf("lines: %v", lines)
	}
	// $expand on the header.
	r = f.c.get(q("salesentry/SalesEntries(guid'"+e["EntryID"].(string)+"')", "$select", "EntryID", "$expand", "SalesEntryLines"))
	exp := r.json(t)["d"].(map[string]any)["SalesEntryLines"].(map[string]any)["results"].([]any)
	if len(exp) != 2 {
		t.Errorf("expanded lines: got %d", len(exp))
	}
}

func TestCreditNoteAndClientEntryID(t *testing.T) {
	f := newEntryFixture(t)
	f.s.SetEntryIDPolicy(EntryIDHonour)
	id := "3f0956d9-c601-4ffb-9d62-f35966e5692d"
	e := f.c.create("salesentry/SalesEntries", f.sale(map[string]any{"EntryID": id},
		map[string]any{"GLAccount": f.gl8000, "AmountFC": -40, "VATCode": "2  "}))
	if e["EntryID"] != id || e["Type"] != float64(21) || e["AmountFC"] != -48.4 || e["TypeDescription"] != "Sales credit note" {
		t.Errorf("credit note: EntryID %v Type %v AmountFC %v", e["EntryID"], e["Type"], e["AmountFC"])
	}
	r := f.c.do("POST", "salesentry/SalesEntries", f.sale(map[string]any{"EntryID": strings.ToUpper(id)}))
	if r.status != 500 || r.errMsg(t) != "Gegeven bestaat reeds." {
		t.Errorf("duplicate EntryID: got %d %s", r.status, r.body)
	}
}

func TestEntryValidation(t *testing.T) {
	f := newEntryFixture(t)
	f.s.ClosePeriod(f.s.DefaultDivision(), 2026, 2, true)
	f.c.create("salesentry/SalesEntries", f.sale(map[string]any{"EntryNumber": 26700500}))
	line := func(kv ...any) map[string]any {
		m := map[string]any{"GLAccount": f.gl8000, "AmountFC": 10}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name       string
		path       string
		body       map[string]any
		wantStatus int
		wantMsg    string
	}{
		{"unknown GL account", "salesentry/SalesEntries", f.sale(nil, line("GLAccount", "00000000-0000-0000-0000-000000000001")), 500, "Ongeldige referentie: Grootboekrekening"},
		{"GL account of the wrong type", "salesentry/SalesEntries", f.sale(nil, line("GLAccount", f.gl1100)), 500, "Ongeldig grootboekrekeningtype"},
		{"unknown VAT code", "salesentry/SalesEntries", f.sale(nil, line("VATCode", "ZZ")), 500, "Ongeldige referentie: Btw-code"},
		{"purchase VAT code on a sale", "salesentry/SalesEntries", f.sale(nil, line("VATCode", "4")), 500, "Ongeldige btw-code"},
		{"unknown journal", "salesentry/SalesEntries", f.sale(map[string]any{"Journal": "71"}), 500, "Ongeldige referentie: Dagboek"},
		{"purchase journal on a sale", "salesentry/SalesEntries", f.sale(map[string]any{"Journal": "60"}), 500, "Ongeldig dagboektype"},
		{"year without periods", "salesentry/SalesEntries", f.sale(map[string]any{"EntryDate": "2024-08-12"}), 500, "The financial year cannot be changed."},
		{"closed period", "salesentry/SalesEntries", f.sale(map[string]any{"EntryDate": "2026-02-10"}), 500, "The financial year cannot be changed."},
		{"entry number in use", "salesentry/SalesEntries", f.sale(map[string]any{"EntryNumber": 26700500}), 500, "In gebruik: Boekstuknummer."},
		{"unknown payment condition", "salesentry/SalesEntries", f.sale(map[string]any{"PaymentCondition": "99"}), 500, "Ongeldige referentie: Betalingsconditie"},
		{"missing journal", "salesentry/SalesEntries", f.sale(map[string]any{"Journal": nil}), 500, "Verplicht: Dagboek"},
		{"missing customer", "salesentry/SalesEntries", f.sale(map[string]any{"Customer": nil}), 500, "Verplicht: Klant"},
		{"non-guid customer", "salesentry/SalesEntries", f.sale(map[string]any{"Customer": "ACME"}), 500, "Error in converting value for property 'Customer' to type 'Guid'"},
		{"unknown customer", "salesentry/SalesEntries", f.sale(map[string]any{"Customer": "00000000-0000-0000-0000-000000000001"}), 500, "Ongeldige referentie: Klant"},
		{"no lines", "salesentry/SalesEntries", map[string]any{"Journal": "70", "Customer": f.customer}, 500, "Verplicht: SalesEntryLines"},
		{"line without amount", "salesentry/SalesEntries", f.sale(nil, map[string]any{"GLAccount": f.gl8000}), 500, "Verplicht: Bedrag"},
		{"line without GL", "salesentry/SalesEntries", f.sale(nil, map[string]any{"AmountFC": 1}), 500, "Verplicht: Grootboekrekening"},
		{"unknown line property", "salesentry/SalesEntries", f.sale(nil, line("Price", 1)), 400, "The property name 'Price'"},
		{"sales VAT on a purchase", "purchaseentry/PurchaseEntries", map[string]any{"Journal": "60", "Supplier": f.supplier,
			"PurchaseEntryLines": []any{map[string]any{"GLAccount": f.gl7000, "AmountFC": 1, "VATCode": "2"}}}, 500, "Ongeldige btw-code"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := f.c.do("POST", tc.path, tc.body)
			if r.status != tc.wantStatus {
				t.Fatalf("status: got %d (%s), want %d", r.status, r.body, tc.wantStatus)
			}
			if got := r.errMsg(t); !strings.Contains(got, tc.wantMsg) {
				t.Errorf("message: got %q, want it to contain %q", got, tc.wantMsg)
			}
		})
	}
	if n := len(f.s.Entities(f.s.DefaultDivision(), "salesentry/SalesEntries")); n != 1 {
		t.Errorf("entries stored: got %d, want 1", n)
	}
}

func TestEntryUpdate(t *testing.T) {
	f := newEntryFixture(t)
	e := f.c.create("salesentry/SalesEntries", f.sale(nil))
	key := "salesentry/SalesEntries(guid'" + e["EntryID"].(string) + "')"
	r := f.c.do("PUT", key, map[string]any{"SalesEntryLines": []any{map[string]any{"GLAccount": f.gl8000, "AmountFC": 5}}})
	if r.status != 400 || !strings.HasPrefix(r.errMsg(t), "Error processing request stream. Binding to new entities") {
		t.Errorf("PUT adding a line: got %d %s", r.status, r.body)
	}
	lines, _ := f.c.get(q("salesentry/SalesEntryLines", "$filter", "EntryID eq guid'"+e["EntryID"].(string)+"'")).results(t)
	r = f.c.do("PUT", key, map[string]any{"Description": "changed", "SalesEntryLines": []any{map[string]any{"ID": lines[0]["ID"], "AmountFC": 200}}})
	if r.status != 204 {
		t.Fatalf("PUT modifying a line: got %d %s", r.status, r.body)
	}
	got := f.c.get(key + "?$select=AmountFC,Description").json(t)["d"].(map[string]any)
	if got["AmountFC"] != 242.0 || got["Description"] != "changed" {
		t.Errorf("after PUT: %v", got)
	}
	if r := f.c.do("PUT", key, map[string]any{"EntryDate": "2027-01-05"}); r.status != 500 || r.errMsg(t) != msgFinYear {
		t.Errorf("changing the year: got %d %s", r.status, r.body)
	}
	// Adding a line the supported way: POST to SalesEntryLines with EntryID.
	f.c.create("salesentry/SalesEntryLines", map[string]any{"EntryID": e["EntryID"], "GLAccount": f.gl8010, "AmountFC": 100})
	got = f.c.get(key + "?$select=AmountFC").json(t)["d"].(map[string]any)
	if got["AmountFC"] != 351.0 {
		t.Errorf("after adding a line: AmountFC %v, want 351", got["AmountFC"])
	}
	rec := f.c.get(q("cashflow/Receivables", "$filter", "TransactionEntryID eq guid'"+e["EntryID"].(string)+"'", "$select", "AmountDC"))
	rows, _ := rec.results(t)
	if len(rows) != 1 || rows[0]["AmountDC"] != 351.0 {
		t.Errorf("receivable follows the entry: %v", rows)
	}
	if r := f.c.do("DELETE", key, nil); r.status != 204 {
		t.Errorf("DELETE: got %d %s", r.status, r.body)
	}
	if n := len(f.s.Entities(f.s.DefaultDivision(), "cashflow/Receivables")); n != 0 {
		t.Errorf("receivables after delete: %d", n)
	}
}

func TestPurchaseEntry(t *testing.T) {
	f := newEntryFixture(t)
	e := f.c.create("purchaseentry/PurchaseEntries", map[string]any{"Journal": "60", "Supplier": f.supplier, "EntryDate": "2026-05-30",
		"Description": "Inkoop", "PurchaseEntryLines": []any{map[string]any{"GLAccount": f.gl7000, "AmountDC": 100, "VATCode": "5"}}})
	checks := map[string]any{"EntryNumber": float64(26600001), "Type": float64(30), "AmountFC": 109.0, "PaymentCondition": "30",
		"DueDate": "/Date(" + fmt.Sprint(time.Date(2026, 6, 29, 0, 0, 0, 0, time.UTC).UnixMilli()) + ")/", "ReportingPeriod": float64(5)}
	for k, want := range checks {
		if got := e[k]; got != want {
			t.Errorf("%s: got %v, want %v", k, got, want)
		}
	}
	if e["Document"] == nil || e["DocumentSubject"] != "Inkoop" {
		t.Errorf("automatic purchase document: Document %v DocumentSubject %v", e["Document"], e["DocumentSubject"])
	}
	pays, _ := f.c.get(q("cashflow/Payments", "$select", "AmountDC,Status")).results(t)
	if len(pays) != 1 || pays[0]["AmountDC"] != 109.0 {
		t.Errorf("payments: %v", pays)
	}
	open, _ := f.c.get("read/financial/PayablesList").results(t)
	if len(open) != 1 || open[0]["Amount"] != 109.0 {
		t.Errorf("PayablesList: %v", open)
	}
}

func TestCashFlowPayments(t *testing.T) {
	f := newEntryFixture(t)
	div := f.s.DefaultDivision()
	e := f.c.create("salesentry/SalesEntries", f.sale(nil)) // 121.00
	id := e["EntryID"].(string)
	filter := "TransactionEntryID eq guid'" + id + "'"
	syncRows := func() ([]map[string]any, string) {
		r := f.c.get(q("sync/Cashflow/PaymentTerms", "$filter", "Timestamp gt 1L", "$select", "ID,EntryID,Status,AmountDC,IsFullyPaid,LineType,Timestamp,TransactionEntryID"))
		if r.status != 200 {
			t.Fatalf("sync: %d %s", r.status, r.body)
		}
		return r.results(t)
	}
	rows, _ := syncRows()
	if len(rows) != 1 || rows[0]["LineType"] != float64(20) || rows[0]["Status"] != float64(20) {
		t.Fatalf("initial term: %v", rows)
	}
	ts0 := rows[0]["Timestamp"].(float64)

	if err := f.s.RecordPayment(div, id, decimal.RequireFromString("21.00"), time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	recv, _ := f.c.get(q("cashflow/Receivables", "$filter", filter, "$select", "EntryID,Status,AmountDC,IsFullyPaid,EndDate")).results(t)
	var matched, open []map[string]any
	for _, r := range recv {
		if r["Status"] == float64(50) {
			matched = append(matched, r)
		} else {
			open = append(open, r)
		}
	}
	if len(matched) != 1 || len(open) != 1 || matched[0]["AmountDC"] != 21.0 || open[0]["AmountDC"] != 100.0 ||
		matched[0]["IsFullyPaid"] != true || open[0]["IsFullyPaid"] != false || matched[0]["EndDate"] == nil {
		t.Fatalf("after partial payment: %v", recv)
	}
	if matched[0]["EntryID"] == open[0]["EntryID"] {
		t.Error("remainder should have a new EntryID")
	}
	list, _ := f.c.get("read/financial/ReceivablesList").results(t)
	if len(list) != 1 || list[0]["Amount"] != 100.0 {
		t.Errorf("ReceivablesList after partial: %v", list)
	}
	rows, _ = syncRows()
	for _, r := range rows {
		if r["Timestamp"].(float64) <= ts0 {
			t.Errorf("term %v not re-versioned", r)
		}
	}
	r := f.c.do("PUT", "salesentry/SalesEntries(guid'"+id+"')", map[string]any{"Description": "x"})
	if r.status != 500 {
		t.Errorf("editing a matched entry: got %d, want 500", r.status)
	}
	if err := f.s.RecordPayment(div, id, decimal.RequireFromString("100.01"), time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)); err == nil {
		t.Error("overpayment accepted")
	}
	if err := f.s.RecordPayment(div, id, decimal.RequireFromString("100"), time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	list, _ = f.c.get("read/financial/ReceivablesList").results(t)
	if len(list) != 0 {
		t.Errorf("ReceivablesList after full payment: %v", list)
	}
	rows, _ = syncRows()
	for _, r := range rows {
		if r["Status"] != float64(50) || r["IsFullyPaid"] != true {
			t.Errorf("term not matched: %v", r)
		}
	}
	// Only newer rows come back with a higher timestamp, on the sync API.
	maxTS := 0.0
	for _, r := range rows {
		maxTS = max(maxTS, r["Timestamp"].(float64))
	}
	newer, _ := f.c.get(q("sync/Cashflow/PaymentTerms", "$filter", fmt.Sprintf("Timestamp gt %.0fL", maxTS), "$select", "ID")).results(t)
	if len(newer) != 0 {
		t.Errorf("rows newer than the max timestamp: %v", newer)
	}
	if err := f.s.RecordPayment(div, id, decimal.NewFromInt(1), time.Date(2026, 2, 4, 0, 0, 0, 0, time.UTC)); !errors.Is(err, ErrNoOpenTerms) {
		t.Errorf("paying a paid entry: got %v, want ErrNoOpenTerms", err)
	}
}

func TestDueDate(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name      string
		entry     time.Time
		days, eom int64
		want      time.Time
	}{
		{"cash", day(2026, 1, 17), 0, 0, day(2026, 1, 17)},
		{"30 days", day(2024, 5, 30), 30, 0, day(2024, 6, 29)},
		{"Exact's doc example", day(2026, 1, 17), 15, 2, day(2026, 4, 15)},
		{"end of next month", day(2026, 1, 31), 0, 1, day(2026, 2, 28)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pc := record{"PaymentDays": tc.days, "PaymentEndOfMonths": tc.eom}
			if got := dueDate(tc.entry, pc); !got.Equal(tc.want) {
				t.Errorf("got %s, want %s", got.Format(time.DateOnly), tc.want.Format(time.DateOnly))
			}
		})
	}
}

func TestAccountInUseCannotBeDeleted(t *testing.T) {
	f := newEntryFixture(t)
	f.c.create("salesentry/SalesEntries", f.sale(nil))
	r := f.c.do("DELETE", "crm/Accounts(guid'"+f.customer+"')", nil)
	if r.status != 500 || !strings.HasPrefix(r.errMsg(t), "Can't delete: Account 1 - Used in:") {
		t.Errorf("got %d %s, want 500 Can't delete", r.status, r.body)
	}
}

// A blocked relation (Account.Blocked, as a sync sets it for a partner archived in Odoo) gets no new entry and
// no change to an existing one; unblocked, it does again.
func TestEntriesOfABlockedAccountAreRefused(t *testing.T) {
	f := newEntryFixture(t)
	e := f.c.create("salesentry/SalesEntries", f.sale(nil))
	key := "salesentry/SalesEntries(guid'" + e["EntryID"].(string) + "')"
	account := "crm/Accounts(guid'" + f.customer + "')"
	if r := f.c.do("PUT", account, map[string]any{"Blocked": true}); r.status != 204 {
		t.Fatalf("block: %d %s", r.status, r.body)
	}
	for _, tc := range []struct {
		name, method, path string
		body               any
	}{
		{"new entry", "POST", "salesentry/SalesEntries", f.sale(nil)},
		{"change to an entry", "PUT", key, map[string]any{"Description": "changed"}},
	} {
		r := f.c.do(tc.method, tc.path, tc.body)
		if r.status != 500 || !strings.Contains(string(r.body), "geblokkeerd") {
			t.Errorf("%s of a blocked account: %d %s, want Exact's validation error (500) naming the block", tc.name, r.status, r.body)
		}
	}
	if r := f.c.do("PUT", account, map[string]any{"Blocked": false}); r.status != 204 {
		t.Fatalf("unblock: %d %s", r.status, r.body)
	}
	f.c.create("salesentry/SalesEntries", f.sale(nil))
}

// A VAT code an accountant added (AddVATCode) is used by entries like a seeded one; a duplicate is refused.
func TestAddVATCode(t *testing.T) {
	f := newEntryFixture(t)
	div := f.s.DefaultDivision()
	if err := f.s.AddVATCode(div, "15", "Sales 15%", decimal.RequireFromString("0.15"), "S", false); err != nil {
		t.Fatal(err)
	}
	if err := f.s.AddVATCode(div, "15", "again", decimal.RequireFromString("0.15"), "S", false); err == nil {
		t.Error("a second VAT code 15 was accepted")
	}
	e := f.c.create("salesentry/SalesEntries", f.sale(nil, map[string]any{"GLAccount": f.gl8000, "AmountFC": "200.00", "VATCode": "15"}))
	if got := fmt.Sprint(e["AmountFC"]); got != "230" {
		t.Errorf("entry total with 15 %% VAT = %s, want 230", got)
	}
}
