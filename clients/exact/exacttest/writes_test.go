package exacttest

import (
	"encoding/base64"
	"net"
	"net/http"
	"strings"
	"testing"
)

func TestPostAccountWithoutPrefer(t *testing.T) {
	s := NewServer(t)
	c := newClient(t, s)
	r := c.do("POST", "crm/Accounts", map[string]any{"Name": "Test Customer", "Status": "C", "City": "Paris", "Country": "FR"})
	if r.status != 201 {
		t.Fatalf("got %d %s, want 201", r.status, r.body)
	}
	d := r.json(t)["d"].(map[string]any)
	if id, _ := d["ID"].(string); len(id) != 36 {
		t.Errorf("ID: got %v", d["ID"])
	}
	for _, k := range []string{"Name", "City", "Code", "Country", "Status", "Created"} {
		if d[k] != nil {
			t.Errorf("%s: got %v, want null without Prefer", k, d[k])
		}
	}
	if got, want := d["CostPaid"], float64(0); got != want {
		t.Errorf("CostPaid: got %v, want %v (value type)", got, want)
	}
	if _, ok := d["BankAccounts"].(map[string]any)["__deferred"]; !ok {
		t.Errorf("BankAccounts: got %v, want __deferred", d["BankAccounts"])
	}
	stored := c.get("crm/Accounts(guid'" + d["ID"].(string) + "')").json(t)["d"].(map[string]any)
	if got, want := stored["Code"], "                 1"; got != want {
		t.Errorf("auto Code: got %q, want %q", got, want)
	}
	if got, want := stored["Country"], "FR "; got != want {
		t.Errorf("Country: got %q, want %q", got, want)
	}
	if got, want := stored["CountryName"], "France"; got != want {
		t.Errorf("CountryName: got %q, want %q", got, want)
	}
	if got := stored["Created"].(string); !strings.HasPrefix(got, "/Date(") {
		t.Errorf("Created: got %q, want /Date(ms)/", got)
	}
}

func TestAccountPutDelete(t *testing.T) {
	s := NewServer(t)
	c := newClient(t, s)
	id := c.create("crm/Accounts", map[string]any{"Name": "Foobar", "Code": "25"})["ID"].(string)
	key := "crm/Accounts(guid'" + id + "')"
	r := c.do("PUT", key, map[string]any{"Name": "Foobar Updated", "PaymentConditionSales": "14"})
	if r.status != 204 || len(r.body) != 0 {
		t.Fatalf("PUT: got %d %q, want 204 empty", r.status, r.body)
	}
	got := c.get(key).json(t)["d"].(map[string]any)
	if got["Name"] != "Foobar Updated" || got["PaymentConditionSales"] != "14" || got["PaymentConditionSalesDescription"] != "14 dagen" {
		t.Errorf("after PUT: %v %v %v", got["Name"], got["PaymentConditionSales"], got["PaymentConditionSalesDescription"])
	}
	if got["Code"] != "                25" {
		t.Errorf("Code: got %q", got["Code"])
	}
	bank := c.create("crm/BankAccounts", map[string]any{"Account": id, "BankAccount": "NL91 ABNA 0417 1643 00", "BICCode": "ABNANL2A", "Main": true})
	if bank["BankAccount"] != "NL91ABNA0417164300" || bank["AccountName"] != "Foobar Updated" {
		t.Errorf("bank account: %v %v", bank["BankAccount"], bank["AccountName"])
	}
	rows, _ := c.get(key + "/BankAccounts").results(t)
	if len(rows) != 1 {
		t.Errorf("navigation BankAccounts: got %d rows", len(rows))
	}
	r = c.do("DELETE", key, nil)
	if r.status != 204 || len(r.body) != 0 {
		t.Fatalf("DELETE: got %d %q, want 204 empty", r.status, r.body)
	}
	if r := c.get(key); r.status != 404 || r.errMsg(t) == "" {
		t.Errorf("GET deleted: got %d %s, want 404 with envelope", r.status, r.body)
	}
	if n := len(s.Entities(s.DefaultDivision(), "crm/BankAccounts")); n != 0 {
		t.Errorf("bank accounts left: %d", n)
	}
	del, _ := c.get(q("sync/Deleted", "$filter", "Timestamp gt 1L")).results(t)
	types := map[float64]bool{}
	for _, d := range del {
		types[d["EntityType"].(float64)] = true
	}
	if !types[2] || !types[48] {
		t.Errorf("sync/Deleted entity types: got %v, want 2 and 48", types)
	}
}

func TestWriteValidation(t *testing.T) {
	s := NewServer(t)
	c := newClient(t, s)
	acc := c.create("crm/Accounts", map[string]any{"Name": "Existing", "Code": "500"})["ID"].(string)
	doc := c.create("documents/Documents", map[string]any{"Subject": "d", "Type": 10})["ID"].(string)
	tests := []struct {
		name       string
		path       string
		body       any
		wantStatus int
		wantMsg    string
	}{
		{"account without name", "crm/Accounts", map[string]any{"City": "X"}, 500, "Verplicht: Naam"},
		{"unknown property", "crm/Accounts", map[string]any{"Name": "x", "Foo": 1}, 400, "The property name 'Foo' specified for type 'Exact.Web.Api.Models.Account' is not valid."},
		{"wrong type", "crm/Accounts", map[string]any{"Name": "x", "IsSupplier": "yes"}, 400, "to type 'Boolean'"},
		{"not json", "crm/Accounts", "{nope", 400, "Error processing request stream."},
		{"unknown payment condition", "crm/Accounts", map[string]any{"Name": "x", "PaymentConditionSales": "99"}, 500, "Ongeldige referentie: Betalingsconditie"},
		{"bad country", "crm/Accounts", map[string]any{"Name": "x", "Country": "XX"}, 500, "Ongeldige referentie: Land"},
		{"bad status", "crm/Accounts", map[string]any{"Name": "x", "Status": "Q"}, 500, "Status"},
		{"duplicate code", "crm/Accounts", map[string]any{"Name": "x", "Code": "500"}, 500, "Gegeven bestaat reeds."},
		{"unknown vat code", "crm/Accounts", map[string]any{"Name": "x", "SalesVATCode": "ZZ"}, 500, "Ongeldige referentie: Btw-code"},
		{"bank account without account", "crm/BankAccounts", map[string]any{"BankAccount": "NL91ABNA0417164300"}, 500, "Verplicht: Relatie"},
		{"bank account non-guid account", "crm/BankAccounts", map[string]any{"Account": "abc", "BankAccount": "x"}, 500, "Error in converting value for property 'Account' to type 'Guid'"},
		{"bank account unknown account", "crm/BankAccounts", map[string]any{"Account": "00000000-0000-0000-0000-000000000001", "BankAccount": "x"}, 500, "Ongeldige referentie: Relatie"},
		{"bank account without number", "crm/BankAccounts", map[string]any{"Account": acc}, 500, "Verplicht: Bankrekening"},
		{"bad iban", "crm/BankAccounts", map[string]any{"Account": acc, "BankAccount": "NL92ABNA0417164300"}, 500, "IBAN"},
		{"payment condition duplicate", "cashflow/PaymentConditions", map[string]any{"Code": "30", "Description": "x"}, 500, "Gegeven bestaat reeds."},
		{"document without subject", "documents/Documents", map[string]any{"Type": 10}, 500, "Verplicht: Onderwerp"},
		{"document unknown type", "documents/Documents", map[string]any{"Subject": "x", "Type": 999}, 500, "Ongeldige referentie: Soort"},
		{"attachment not base64", "documents/DocumentAttachments", map[string]any{"Document": doc, "FileName": "a.pdf", "Attachment": "not base64!"}, 400, "to type 'Byte[]'"},
		{"attachment unknown document", "documents/DocumentAttachments", map[string]any{"Document": "00000000-0000-0000-0000-000000000001", "FileName": "a.pdf", "Attachment": "dGVzdA=="}, 500, "Ongeldige referentie: Document"},
		{"GET-only endpoint", "vat/VATCodes", map[string]any{"Code": "1"}, 405, "does not support"},
		{"GL account duplicate code", "financial/GLAccounts", map[string]any{"Code": "8000", "Description": "x", "Type": 110}, 500, "Gegeven bestaat reeds."},
		{"GL account unknown type", "financial/GLAccounts", map[string]any{"Code": "8999", "Description": "x", "Type": 7}, 500, "Ongeldig grootboekrekeningtype"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := c.do("POST", tc.path, tc.body)
			if r.status != tc.wantStatus {
				t.Fatalf("status: got %d (%s), want %d", r.status, r.body, tc.wantStatus)
			}
			if got := r.errMsg(t); !strings.Contains(got, tc.wantMsg) {
				t.Errorf("message: got %q, want it to contain %q", got, tc.wantMsg)
			}
		})
	}
	if n := len(s.Entities(s.DefaultDivision(), "crm/Accounts")); n != 1 {
		t.Errorf("failed writes stored records: %d accounts", n)
	}
}

func TestDocumentsAndAttachments(t *testing.T) {
	s := NewServer(t)
	c := newClient(t, s)
	acc := c.create("crm/Accounts", map[string]any{"Name": "Klant"})["ID"].(string)
	doc := c.create("documents/Documents", map[string]any{"Subject": "Invoice 1", "Type": 10, "Account": acc, "DocumentDate": "2026-06-25"})
	if doc["TypeDescription"] != "Sales invoice" || doc["DocumentDate"] != "/Date(1782345600000)/" {
		t.Errorf("document: %v %v", doc["TypeDescription"], doc["DocumentDate"])
	}
	pdf := []byte("%PDF-1.4 fake")
	att := c.create("documents/DocumentAttachments", map[string]any{"Document": doc["ID"], "FileName": "INV1.pdf",
		"Attachment": base64.StdEncoding.EncodeToString(pdf)})
	if att["Attachment"] != nil || att["FileSize"] != float64(len(pdf)) || !strings.Contains(att["Url"].(string), att["ID"].(string)) {
		t.Errorf("attachment: Attachment %v FileSize %v Url %v", att["Attachment"], att["FileSize"], att["Url"])
	}
	if got, ok := s.Attachment(s.DefaultDivision(), att["ID"].(string)); !ok || string(got) != string(pdf) {
		t.Errorf("stored bytes: got %q", got)
	}
	dl := c.get(att["Url"].(string) + "&Download=1")
	if dl.status != 200 || string(dl.body) != string(pdf) {
		t.Errorf("download: got %d %q", dl.status, dl.body)
	}
	anon := *c
	anon.token = ""
	if r := anon.get(att["Url"].(string) + "&Download=1"); r.status != 401 {
		t.Errorf("anonymous download: got %d, want 401", r.status)
	}
	types, _ := c.get("documents/DocumentTypes").results(t)
	if len(types) != 4 {
		t.Errorf("document types: got %d", len(types))
	}
}

func TestDropWriteResponsesCommits(t *testing.T) {
	s := NewServer(t)
	c := newClient(t, s)
	s.SetFaults(Faults{DropWriteResponses: 1, Seed: 7})
	req, _ := http.NewRequest("POST", s.URL()+"/api/v1/1234567/crm/Accounts", strings.NewReader(`{"Name":"Dropped"}`))
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	tr := &http.Transport{DisableKeepAlives: true, DialContext: (&net.Dialer{}).DialContext}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got a response %d, want a dropped connection", resp.StatusCode)
	}
	s.SetFaults(Faults{})
	rows, _ := c.get(q("crm/Accounts", "$filter", "Name eq 'Dropped'", "$select", "ID")).results(t)
	if len(rows) != 1 {
		t.Errorf("write not committed: got %d rows", len(rows))
	}
}

func TestFaults(t *testing.T) {
	s := NewServer(t)
	c := newClient(t, s)
	tests := []struct {
		name   string
		faults Faults
		want   int
	}{
		{"down", Faults{Down: true}, 503},
		{"always 5xx", Faults{Status5xx: 1}, 503},
		{"burst 429", Faults{Burst429: 1}, 429},
		{"none", Faults{}, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s.SetFaults(tc.faults)
			if got := c.get("financial/Journals").status; got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
	s.SetFaults(Faults{Burst429: 2})
	got := []int{c.get("financial/Journals").status, c.get("financial/Journals").status, c.get("financial/Journals").status}
	if got[0] != 429 || got[1] != 429 || got[2] != 200 {
		t.Errorf("burst of 2: got %v, want [429 429 200]", got)
	}
	s.SetFaults(Faults{Status5xx: 0.5, Seed: 3})
	first := make([]int, 20)
	for i := range first {
		first[i] = c.get("financial/Journals").status
	}
	s.SetFaults(Faults{Status5xx: 0.5, Seed: 3})
	for i := range first {
		if got := c.get("financial/Journals").status; got != first[i] {
			t.Fatalf("request %d: got %d, want %d (same seed, same sequence)", i, got, first[i])
		}
	}
}

func TestCallCounters(t *testing.T) {
	s := NewServer(t)
	c := newClient(t, s)
	s.ResetCalls()
	c.get("financial/Journals")
	c.get("financial/Journals")
	c.do("POST", "crm/Accounts", map[string]any{"Name": "x"})
	calls := s.Calls()
	if got := calls.ByEndpoint["GET 1234567 financial/Journals"]; got != 2 {
		t.Errorf("GET journals: got %d, want 2", got)
	}
	if got := calls.ByEndpoint["POST 1234567 crm/Accounts"]; got != 1 {
		t.Errorf("POST accounts: got %d, want 1", got)
	}
	if calls.Total != 3 {
		t.Errorf("total: got %d, want 3", calls.Total)
	}
}
