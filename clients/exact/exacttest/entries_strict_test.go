package exacttest

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// setField changes a stored record (what an accountant does in Exact's web UI where the API cannot).
func (f *entryFixture) setField(t *testing.T, set, code, field string, v any) {
	t.Helper()
	f.s.mu.Lock()
	defer f.s.mu.Unlock()
	rec := f.s.divs[f.s.DefaultDivision()].findCode(set, code)
	if rec == nil {
		t.Fatalf("no %s %q", set, code)
	}
	rec[field] = v
}

func (f *entryFixture) purchaseBody(extra map[string]any, lines ...map[string]any) map[string]any {
	body := map[string]any{"Journal": "60", "Supplier": f.supplier, "EntryDate": "2026-01-20", "YourRef": "SUP-1"}
	for k, v := range extra {
		body[k] = v
	}
	if lines == nil {
		lines = []map[string]any{{"GLAccount": f.gl7000, "AmountFC": "100.00", "VATCode": "4  "}}
	}
	body["PurchaseEntryLines"] = lines
	return body
}

// wantRefused checks a 500 (or status) with a message containing want.
func wantRefused(t *testing.T, r apiResult, status int, want string) {
	t.Helper()
	if r.status != status || !strings.Contains(r.errMsg(t), want) {
		t.Errorf("got %d %s, want %d containing %q", r.status, r.body, status, want)
	}
}

func TestEntryReferencesMustBeUsable(t *testing.T) {
	f := newEntryFixture(t)
	prospect := f.c.create("crm/Accounts", map[string]any{"Name": "Prospect", "Status": "P"})["ID"].(string)
	f.setField(t, "financial/GLAccounts", "8010", "IsBlocked", true)
	f.setField(t, "vat/VATCodes", "1", "IsBlocked", true)
	tests := []struct {
		name string
		path string
		body map[string]any
		want string
	}{
		{"customer is a G/L account's ID", "salesentry/SalesEntries", f.sale(map[string]any{"Customer": f.gl8000}), "Ongeldige referentie: Klant"},
		{"customer is not a customer", "salesentry/SalesEntries", f.sale(map[string]any{"Customer": prospect}), "is geen klant"},
		{"supplier is not a supplier", "purchaseentry/PurchaseEntries", f.purchaseBody(map[string]any{"Supplier": f.customer}), "is geen leverancier"},
		{"blocked G/L account", "salesentry/SalesEntries", f.sale(nil, map[string]any{"GLAccount": f.gl8010, "AmountFC": 1, "VATCode": "2"}), "Grootboekrekening 8010 is geblokkeerd."},
		{"blocked VAT code", "salesentry/SalesEntries", f.sale(nil, map[string]any{"GLAccount": f.gl8000, "AmountFC": 1, "VATCode": "1"}), "Btw-code 1 is geblokkeerd."},
		{"bank journal", "salesentry/SalesEntries", f.sale(map[string]any{"Journal": "20"}), "Ongeldig dagboektype"},
		{"empty lines", "salesentry/SalesEntries", map[string]any{"Journal": "70", "Customer": f.customer, "SalesEntryLines": []any{}}, "Verplicht: SalesEntryLines"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantRefused(t, f.c.do("POST", tc.path, tc.body), 500, tc.want)
		})
	}
	if n := len(f.s.Entities(f.s.DefaultDivision(), "salesentry/SalesEntries")); n != 0 {
		t.Errorf("entries stored: got %d, want 0", n)
	}
}

func TestAutoRelationRoles(t *testing.T) {
	f := newEntryFixture(t)
	f.s.mu.Lock()
	f.s.opts.AutoRelationRoles = true
	f.s.mu.Unlock()
	prospect := f.c.create("crm/Accounts", map[string]any{"Name": "Prospect", "Status": "P"})["ID"].(string)
	f.c.create("salesentry/SalesEntries", f.sale(map[string]any{"Customer": prospect}))
	f.c.create("purchaseentry/PurchaseEntries", f.purchaseBody(map[string]any{"Supplier": prospect}))
	acc := f.c.get("crm/Accounts(guid'" + prospect + "')?$select=Status,IsSales,IsSupplier").json(t)["d"].(map[string]any)
	if acc["Status"] != "C" || acc["IsSales"] != true || acc["IsSupplier"] != true {
		t.Errorf("account after a sales and a purchase entry: %v, want a customer and a supplier", acc)
	}
}

func TestEntryPeriodRules(t *testing.T) {
	f := newEntryFixture(t)
	e := f.c.create("salesentry/SalesEntries", f.sale(nil)) // 2026-01-17: 2026/1
	key := "salesentry/SalesEntries(guid'" + e["EntryID"].(string) + "')"
	tests := []struct {
		name   string
		method string
		path   string
		body   map[string]any
	}{
		{"POST with the reporting year of another year", "POST", "salesentry/SalesEntries", f.sale(map[string]any{"ReportingYear": 2025})},
		{"POST with another reporting period", "POST", "salesentry/SalesEntries", f.sale(map[string]any{"ReportingPeriod": 2})},
		{"PUT re-sending a null reporting year", "PUT", key, map[string]any{"ReportingYear": nil, "Description": "x"}},
		{"PUT moving the date to the next year", "PUT", key, map[string]any{"EntryDate": "2027-01-05"}},
		{"POST in a year without periods", "POST", "salesentry/SalesEntries", f.sale(map[string]any{"EntryDate": "2031-01-05"})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantRefused(t, f.c.do(tc.method, tc.path, tc.body), 500, msgFinYear)
		})
	}
	if r := f.c.do("PUT", key, map[string]any{"ReportingYear": 2026, "ReportingPeriod": 1, "Description": "same period"}); r.status != 204 {
		t.Errorf("PUT with the entry's own period: got %d %s, want 204", r.status, r.body)
	}
}

// lockedCases are the changes an entry that is no longer open must refuse.
func lockedCases(f *entryFixture, entryID, lineID string) []struct {
	name, method, path string
	body               map[string]any
} {
	key := "salesentry/SalesEntries(guid'" + entryID + "')"
	line := "salesentry/SalesEntryLines(guid'" + lineID + "')"
	return []struct {
		name, method, path string
		body               map[string]any
	}{
		{"PUT header", "PUT", key, map[string]any{"Description": "changed"}},
		{"POST line", "POST", "salesentry/SalesEntryLines", map[string]any{"EntryID": entryID, "GLAccount": f.gl8000, "AmountFC": 1}},
		{"PUT line", "PUT", line, map[string]any{"AmountFC": 5}},
		{"DELETE line", "DELETE", line, nil},
		{"DELETE entry", "DELETE", key, nil},
	}
}

func TestEntriesNoLongerOpenRefuseChanges(t *testing.T) {
	for _, tc := range []struct {
		name string
		lock func(f *entryFixture, entryID string) error
		want string
	}{
		{"processed", func(f *entryFixture, id string) error { return f.s.ProcessEntry(f.s.DefaultDivision(), id) }, msgProcessed},
		{"period closed", func(f *entryFixture, _ string) error { return f.s.ClosePeriod(f.s.DefaultDivision(), 2026, 1, true) }, msgFinYear},
		{"term matched in part", func(f *entryFixture, id string) error {
			_, err := f.s.ProcessBankStatement(f.s.DefaultDivision(), day(2026, 2, 1), []Match{{EntryID: id, AmountFC: dec("10")}})
			return err
		}, msgMatched},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newEntryFixture(t)
			e := f.c.create("salesentry/SalesEntries", f.sale(nil,
				map[string]any{"GLAccount": f.gl8000, "AmountFC": 100, "VATCode": "2"},
				map[string]any{"GLAccount": f.gl8000, "AmountFC": 50, "VATCode": "2"}))
			id := e["EntryID"].(string)
			lines, _ := f.c.get(q("salesentry/SalesEntryLines", "$filter", "EntryID eq guid'"+id+"'", "$select", "ID")).results(t)
			if err := tc.lock(f, id); err != nil {
				t.Fatal(err)
			}
			for _, c := range lockedCases(f, id, lines[0]["ID"].(string)) {
				var body any
				if c.body != nil {
					body = c.body
				}
				r := f.c.do(c.method, c.path, body)
				if r.status != 500 || r.errMsg(t) != tc.want {
					t.Errorf("%s: got %d %s, want 500 %q", c.name, r.status, r.body, tc.want)
				}
			}
			got := f.c.get("salesentry/SalesEntries(guid'" + id + "')?$select=AmountFC,Description").json(t)["d"].(map[string]any)
			if got["AmountFC"] != 181.5 || got["Description"] != nil {
				t.Errorf("entry after refused changes: %v, want unchanged (181.5, no description)", got)
			}
		})
	}
}

func TestEntryNumberInUseOnPut(t *testing.T) {
	f := newEntryFixture(t)
	f.c.create("salesentry/SalesEntries", f.sale(nil)) // 26700001
	e := f.c.create("salesentry/SalesEntries", f.sale(nil))
	r := f.c.do("PUT", "salesentry/SalesEntries(guid'"+e["EntryID"].(string)+"')", map[string]any{"EntryNumber": 26700001})
	wantRefused(t, r, 500, "In gebruik: Boekstuknummer.")
	// Another journal may use the same number.
	p := f.c.create("purchaseentry/PurchaseEntries", f.purchaseBody(map[string]any{"EntryNumber": 26700001}))
	if p["EntryNumber"] != float64(26700001) {
		t.Errorf("purchase EntryNumber: got %v", p["EntryNumber"])
	}
}

func TestClientEntryIDIgnoredByDefault(t *testing.T) {
	f := newEntryFixture(t)
	id := "3f0956d9-c601-4ffb-9d62-f35966e5692d"
	a := f.c.create("salesentry/SalesEntries", f.sale(map[string]any{"EntryID": id}))
	b := f.c.create("salesentry/SalesEntries", f.sale(map[string]any{"EntryID": id}))
	if a["EntryID"] == id || b["EntryID"] == id || a["EntryID"] == b["EntryID"] {
		t.Errorf("EntryIDs: sent %s twice, got %v and %v; want two new ones", id, a["EntryID"], b["EntryID"])
	}
	if r := f.c.get("salesentry/SalesEntries(guid'" + id + "')?$select=EntryID"); r.status != 404 {
		t.Errorf("GET by the sent EntryID: got %d, want 404", r.status)
	}
}

func TestForeignCurrencyEntries(t *testing.T) {
	f := newEntryFixture(t)
	line := map[string]any{"GLAccount": f.gl8000, "AmountFC": "100.00", "VATCode": "2"}
	usd := f.c.create("salesentry/SalesEntries", f.sale(map[string]any{"Currency": "USD"}, line))
	for k, want := range map[string]any{"Currency": "USD", "Rate": 0.92, "AmountFC": 121.0, "AmountDC": 111.32, "VATAmountFC": 21.0, "VATAmountDC": 19.32} {
		if got := usd[k]; got != want {
			t.Errorf("USD entry at the division's rate: %s = %v, want %v", k, got, want)
		}
	}
	gbp := f.c.create("salesentry/SalesEntries", f.sale(map[string]any{"Currency": "gbp", "Rate": "1.1234"},
		map[string]any{"GLAccount": f.gl8000, "AmountFC": "33.33", "VATCode": "2"}, map[string]any{"GLAccount": f.gl8000, "AmountFC": "66.67", "VATCode": "2"}))
	// Per line: 33.33 × 1.1234 = 37.44, 66.67 × 1.1234 = 74.90; VAT 7.00 → 7.86, 14.00 → 15.73.
	for k, want := range map[string]any{"Currency": "GBP", "Rate": 1.1234, "AmountFC": 121.0, "AmountDC": 135.93} {
		if got := gbp[k]; got != want {
			t.Errorf("GBP entry at the rate sent: %s = %v, want %v", k, got, want)
		}
	}
	terms, _ := f.c.get(q("cashflow/Receivables", "$filter", "TransactionEntryID eq guid'"+usd["EntryID"].(string)+"'", "$select", "AmountFC,AmountDC,Currency,RateFC")).results(t)
	if len(terms) != 1 || terms[0]["AmountFC"] != 121.0 || terms[0]["AmountDC"] != 111.32 || terms[0]["Currency"] != "USD" || terms[0]["RateFC"] != 0.92 {
		t.Errorf("receivable of the USD entry: %v", terms)
	}
	f.setField(t, "financial/Journals", "60", "AllowVariableCurrency", false)
	f.s.mu.Lock()
	for _, r := range f.s.divs[f.s.DefaultDivision()].tables["financial/ExchangeRates"] {
		if r.str("SourceCurrency") == "USD" {
			r["StartDate"] = day(2026, 6, 1)
		}
	}
	f.s.mu.Unlock()
	tests := []struct {
		name string
		path string
		body map[string]any
		want string
	}{
		{"currency the division has not", "salesentry/SalesEntries", f.sale(map[string]any{"Currency": "CHF"}), "Ongeldige referentie: Valuta"},
		{"a rate for euros", "salesentry/SalesEntries", f.sale(map[string]any{"Currency": "EUR", "Rate": 1.1}), "Ongeldige waarde: Koers"},
		{"a zero rate", "salesentry/SalesEntries", f.sale(map[string]any{"Currency": "USD", "Rate": 0}), "Ongeldige waarde: Koers"},
		{"a foreign line in euros only", "salesentry/SalesEntries", f.sale(map[string]any{"Currency": "USD", "Rate": 0.9}, map[string]any{"GLAccount": f.gl8000, "AmountDC": 10}), "Verplicht: Bedrag in valuta"},
		{"a date before the currency's first rate", "salesentry/SalesEntries", f.sale(map[string]any{"Currency": "USD"}), "Geen wisselkoers voor USD op 17-01-2026."},
		{"a journal in one currency", "purchaseentry/PurchaseEntries", f.purchaseBody(map[string]any{"Currency": "USD"}), "Valuta USD is niet toegestaan in dagboek 60."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantRefused(t, f.c.do("POST", tc.path, tc.body), 500, tc.want)
		})
	}
	// Changing the currency of an open entry re-prices it at that currency's rate.
	key := "salesentry/SalesEntries(guid'" + usd["EntryID"].(string) + "')"
	if r := f.c.do("PUT", key, map[string]any{"Currency": "GBP"}); r.status != 204 {
		t.Fatalf("PUT Currency: %d %s", r.status, r.body)
	}
	got := f.c.get(key + "?$select=Rate,AmountDC").json(t)["d"].(map[string]any)
	if got["Rate"] != 1.17 || got["AmountDC"] != 141.57 {
		t.Errorf("after PUT Currency GBP: %v, want Rate 1.17, AmountDC 141.57", got)
	}
}

func TestVATPerLine(t *testing.T) {
	f := newEntryFixture(t)
	e := f.c.create("salesentry/SalesEntries", f.sale(nil,
		map[string]any{"GLAccount": f.gl8000, "AmountFC": "10.05", "VATCode": "2"},                       // 2.1105 → 2.11
		map[string]any{"GLAccount": f.gl8000, "AmountFC": "10.05", "VATCode": "2"},                       // per line, not on the sum
		map[string]any{"GLAccount": f.gl8000, "AmountFC": "100", "VATCode": "2", "VATAmountFC": "20.99"}, // given: kept
		map[string]any{"GLAccount": f.gl8000, "AmountFC": "50", "VATCode": "6"}))                         // EU 0 %
	if e["VATAmountFC"] != 25.21 || e["AmountFC"] != 195.31 {
		t.Errorf("VAT %v total %v, want 25.21 and 195.31 (VAT rounded per line, the given amount kept)", e["VATAmountFC"], e["AmountFC"])
	}
	lines, _ := f.c.get(q("salesentry/SalesEntryLines", "$filter", "EntryID eq guid'"+e["EntryID"].(string)+"'", "$select", "LineNumber,VATCode,VATAmountFC,VATPercentage", "$orderby", "LineNumber")).results(t)
	if len(lines) != 4 || lines[3]["VATCode"] != "6  " || lines[3]["VATAmountFC"] != 0.0 || lines[2]["VATAmountFC"] != 20.99 {
		t.Errorf("lines: %v", lines)
	}
	// A default VAT code from the G/L account: 8100 has the 0 % EU code.
	gl8100 := seedID(t, f.s, "financial/GLAccounts", "8100")
	e2 := f.c.create("salesentry/SalesEntries", f.sale(nil, map[string]any{"GLAccount": gl8100, "AmountFC": 80}))
	if e2["AmountFC"] != 80.0 || e2["VATAmountFC"] != 0.0 {
		t.Errorf("EU sale: %v %v", e2["AmountFC"], e2["VATAmountFC"])
	}
}

func TestReverseChargeVAT(t *testing.T) {
	f := newEntryFixture(t)
	e := f.c.create("purchaseentry/PurchaseEntries", f.purchaseBody(nil,
		map[string]any{"GLAccount": f.gl7000, "AmountFC": "100.00", "VATCode": "7"},
		map[string]any{"GLAccount": f.gl7000, "AmountFC": "10.00", "VATCode": "4"}))
	if e["AmountFC"] != 112.1 || e["VATAmountFC"] != 2.1 || e["AmountDC"] != 112.1 {
		t.Errorf("header: AmountFC %v VATAmountFC %v AmountDC %v, want 112.1 (the charged 21.00 left out), 2.1, 112.1", e["AmountFC"], e["VATAmountFC"], e["AmountDC"])
	}
	lines, _ := f.c.get(q("purchaseentry/PurchaseEntryLines", "$filter", "EntryID eq guid'"+e["EntryID"].(string)+"'", "$select", "LineNumber,VATAmountFC,VATCode", "$orderby", "LineNumber")).results(t)
	if len(lines) != 2 || lines[0]["VATAmountFC"] != 21.0 || lines[0]["VATCode"] != "7  " {
		t.Errorf("reverse-charge line: %v, want its VAT 21 computed for the VAT return", lines)
	}
	pays, _ := f.c.get(q("cashflow/Payments", "$select", "AmountFC")).results(t)
	if len(pays) != 1 || pays[0]["AmountFC"] != 112.1 {
		t.Errorf("payable: %v, want 112.1", pays)
	}
	codes, _ := f.c.get(q("vat/VATCodes", "$filter", "Charged eq true", "$select", "Code,VATTransactionType,Percentage")).results(t)
	if len(codes) != 1 || codes[0]["Code"] != "7  " || codes[0]["VATTransactionType"] != "P" || codes[0]["Percentage"] != 0.21 {
		t.Errorf("charged VAT codes: %v", codes)
	}
	// A reverse-charge code is a purchase code.
	wantRefused(t, f.c.do("POST", "salesentry/SalesEntries", f.sale(nil, map[string]any{"GLAccount": f.gl8000, "AmountFC": 1, "VATCode": "7"})), 500, "Ongeldige btw-code")
}

func TestPurchaseCreditNoteType(t *testing.T) {
	f := newEntryFixture(t)
	e := f.c.create("purchaseentry/PurchaseEntries", f.purchaseBody(nil, map[string]any{"GLAccount": f.gl7000, "AmountFC": -20, "VATCode": "4"}))
	if e["Type"] != float64(31) || e["TypeDescription"] != "Purchase credit note" || e["AmountFC"] != -24.2 {
		t.Errorf("purchase credit: Type %v %v AmountFC %v", e["Type"], e["TypeDescription"], e["AmountFC"])
	}
	// A line that turns the total negative turns the entry into a credit note.
	s := f.c.create("salesentry/SalesEntries", f.sale(nil))
	f.c.create("salesentry/SalesEntryLines", map[string]any{"EntryID": s["EntryID"], "GLAccount": f.gl8000, "AmountFC": -200, "VATCode": "2"})
	got := f.c.get("salesentry/SalesEntries(guid'" + s["EntryID"].(string) + "')?$select=Type,AmountFC").json(t)["d"].(map[string]any)
	if got["Type"] != float64(21) || got["AmountFC"] != -121.0 {
		t.Errorf("after a negative line: %v", got)
	}
}

func TestEntryDocumentLink(t *testing.T) {
	f := newEntryFixture(t)
	a := f.c.create("salesentry/SalesEntries", f.sale(nil))
	b := f.c.create("salesentry/SalesEntries", f.sale(nil))
	doc := f.c.create("documents/Documents", map[string]any{"Subject": "INV/2026/0001", "Type": 10, "Account": f.customer})
	keyA := "salesentry/SalesEntries(guid'" + a["EntryID"].(string) + "')"
	if r := f.c.do("PUT", keyA, map[string]any{"Document": doc["ID"]}); r.status != 204 {
		t.Fatalf("link: %d %s", r.status, r.body)
	}
	docKey := "documents/Documents(guid'" + doc["ID"].(string) + "')?$select=FinancialTransactionEntryID"
	if got := f.c.get(docKey).json(t)["d"].(map[string]any)["FinancialTransactionEntryID"]; got != a["EntryID"] {
		t.Errorf("document's FinancialTransactionEntryID after linking: %v, want %v", got, a["EntryID"])
	}
	got := f.c.get(keyA + "?$select=Document,DocumentNumber,DocumentSubject").json(t)["d"].(map[string]any)
	if got["Document"] != doc["ID"] || got["DocumentSubject"] != "INV/2026/0001" || got["DocumentNumber"] != doc["HID"] {
		t.Errorf("entry's document fields: %v", got)
	}
	r := f.c.do("PUT", "salesentry/SalesEntries(guid'"+b["EntryID"].(string)+"')", map[string]any{"Document": doc["ID"]})
	wantRefused(t, r, 500, "al gekoppeld aan een andere boeking")
	// Posting an entry with a document created first links it too.
	doc2 := f.c.create("documents/Documents", map[string]any{"Subject": "INV/2026/0002", "Type": 10})
	c := f.c.create("salesentry/SalesEntries", f.sale(map[string]any{"Document": doc2["ID"]}))
	if got := f.c.get("documents/Documents(guid'" + doc2["ID"].(string) + "')?$select=FinancialTransactionEntryID").json(t)["d"].(map[string]any)["FinancialTransactionEntryID"]; got != c["EntryID"] {
		t.Errorf("document posted with the entry: FinancialTransactionEntryID %v, want %v", got, c["EntryID"])
	}
	if r := f.c.do("DELETE", keyA, nil); r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if got := f.c.get(docKey).json(t)["d"].(map[string]any)["FinancialTransactionEntryID"]; got != nil {
		t.Errorf("document of a deleted entry still points at it: %v", got)
	}
}

// The GET requests the invoice sync makes, under Exact's rules.
func TestEntryAndDocumentQueries(t *testing.T) {
	f := newEntryFixture(t)
	a := f.c.create("salesentry/SalesEntries", f.sale(map[string]any{"YourRef": "INV/2026/0001"}))
	f.c.create("salesentry/SalesEntries", f.sale(map[string]any{"YourRef": "INV/2026/0002"}))
	doc := f.c.create("documents/Documents", map[string]any{"Subject": "Factuur INV/2026/0001", "Type": 10, "Account": f.customer,
		"FinancialTransactionEntryID": a["EntryID"]})
	f.c.create("documents/Documents", map[string]any{"Subject": "Other", "Type": 55})
	f.c.create("documents/DocumentAttachments", map[string]any{"Document": doc["ID"], "FileName": "INV.pdf", "Attachment": "JVBERi0xLjQ="})
	tests := []struct {
		name   string
		path   string
		status int
		rows   int
	}{
		{"entries without $select", q("salesentry/SalesEntries", "$filter", "YourRef eq 'INV/2026/0001'"), 400, 0},
		{"entries with $top=1", q("salesentry/SalesEntries", "$filter", "YourRef eq 'INV/2026/0001'", "$top", "1"), 200, 1},
		{"journal and YourRef", q("salesentry/SalesEntries", "$filter", "Journal eq '70' and YourRef eq 'INV/2026/0001'", "$select", "EntryID"), 200, 1},
		{"another journal", q("salesentry/SalesEntries", "$filter", "Journal eq '60' and YourRef eq 'INV/2026/0001'", "$select", "EntryID"), 200, 0},
		{"EntryID", q("salesentry/SalesEntries", "$filter", "EntryID eq guid'"+a["EntryID"].(string)+"'", "$select", "EntryID,EntryNumber"), 200, 1},
		{"EntryID as a string", q("salesentry/SalesEntries", "$filter", "EntryID eq '"+a["EntryID"].(string)+"'", "$select", "EntryID"), 400, 0},
		{"purchase entries without $select", "purchaseentry/PurchaseEntries", 400, 0},
		{"documents by subject", q("documents/Documents", "$filter", "Subject eq 'Factuur INV/2026/0001'", "$select", "ID"), 200, 1},
		{"documents by account", q("documents/Documents", "$filter", "Account eq guid'"+f.customer+"'", "$select", "ID"), 200, 1},
		{"documents by entry", q("documents/Documents", "$filter", "FinancialTransactionEntryID eq guid'"+a["EntryID"].(string)+"'", "$select", "ID"), 200, 1},
		{"documents by type", q("documents/Documents", "$filter", "Type eq 10", "$select", "ID"), 200, 1},
		{"attachments by document", q("documents/DocumentAttachments", "$filter", "Document eq guid'"+doc["ID"].(string)+"'", "$select", "ID,FileSize,FileName"), 200, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := f.c.get(tc.path)
			if r.status != tc.status {
				t.Fatalf("got %d %s, want %d", r.status, r.body, tc.status)
			}
			if r.status != 200 {
				return
			}
			rows, _ := r.results(t)
			if len(rows) != tc.rows {
				t.Errorf("rows: got %d, want %d", len(rows), tc.rows)
			}
		})
	}
	atts, _ := f.c.get(q("documents/DocumentAttachments", "$filter", "Document eq guid'"+doc["ID"].(string)+"'", "$select", "FileSize")).results(t)
	if len(atts) != 1 || atts[0]["FileSize"] != 8.0 {
		t.Errorf("attachment FileSize: %v, want 8", atts)
	}
	types, _ := f.c.get(q("documents/DocumentTypes", "$select", "ID,Description")).results(t)
	want := map[float64]string{10: "Sales invoice", 20: "Purchase invoice", 55: "Miscellaneous", 183: "General Attachment"}
	for _, dt := range types {
		if d, ok := want[dt["ID"].(float64)]; ok && d == dt["Description"] {
			delete(want, dt["ID"].(float64))
		}
	}
	if len(want) != 0 {
		t.Errorf("document types missing: %v (got %v)", want, types)
	}
	currencies, _ := f.c.get(q("general/Currencies", "$select", "Code,Description")).results(t)
	if len(currencies) != 3 {
		t.Errorf("currencies: %v, want EUR, GBP, USD", currencies)
	}
}

func TestCountersPerEndpoint(t *testing.T) {
	f := newEntryFixture(t)
	div := f.s.DefaultDivision()
	f.s.ResetCalls()
	e := f.c.create("salesentry/SalesEntries", f.sale(nil))
	key := "salesentry/SalesEntries(guid'" + e["EntryID"].(string) + "')"
	f.c.get(key + "?$select=EntryID")
	f.c.do("PUT", key, map[string]any{"Description": "x"})
	f.c.create("documents/Documents", map[string]any{"Subject": "x", "Type": 10})
	c := f.s.Calls()
	for _, tc := range []struct {
		method, set string
		want        int
	}{
		{"POST", "salesentry/SalesEntries", 1}, {"GET", "salesentry/SalesEntries", 1}, {"PUT", "salesentry/SalesEntries", 1},
		{"POST", "documents/Documents", 1}, {"DELETE", "salesentry/SalesEntries", 0},
	} {
		if got := c.Endpoint(tc.method, div, tc.set); got != tc.want {
			t.Errorf("%s %s: got %d, want %d", tc.method, tc.set, got, tc.want)
		}
	}
	if got := c.Division(div); got != 4 {
		t.Errorf("calls to the division: got %d, want 4 (%v)", got, c.ByEndpoint)
	}
	// What the accountant does is not an Exact call.
	if _, err := f.s.ProcessBankStatement(div, day(2026, 2, 1), []Match{{EntryID: e["EntryID"].(string)}}); err != nil {
		t.Fatal(err)
	}
	if got := f.s.Calls().Total; got != 4 {
		t.Errorf("total after a bank statement: %d, want 4", got)
	}
}
