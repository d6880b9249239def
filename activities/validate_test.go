package activities

import (
	"context"
	"errors"
	"strings"
	"testing"

	"go.temporal.io/sdk/testsuite"
	"go.uber.org/zap"

	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/exact/exacttest"
	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/clients/odoo/odootest"
	"github.com/exactsync/exactsync/internal/pgtest"
	"github.com/exactsync/exactsync/store"
)

func TestCheckVAT(t *testing.T) {
	tests := []struct {
		raw, country, want string
		ok                 bool
	}{
		{"nl 8536.92.706.B01", "NL", "NL853692706B01", true},
		{"853692706B01", "NL", "NL853692706B01", true},  // the partner's country prefixed
		{"NL853692706", "NL", "", false},                // no B01
		{"NL85369270B01", "NL", "", false},              // 8 digits
		{"BE 0403.170.701", "BE", "BE0403170701", true}, // check digits 01 = 97 - 4031707 mod 97
		{"BE0403170702", "BE", "", false},
		{"BE2403170701", "BE", "", false}, // starts with 2
		{"DE123456789", "DE", "DE123456789", true},
		{"DE12345678", "DE", "", false},
		{"FR40303265045", "FR", "FR40303265045", true},
		{"CHE-123.456.789 MWST", "CH", "CHE123456789MWST", true},
		{"US12-3456789", "US", "US123456789", true}, // a prefix without a known format is not checked
		{"123456789", "US", "", false},              // no country prefix, none to add
		{"NL853692706B01<script>", "NL", "", false},
		{"", "NL", "", true},
	}
	for _, tt := range tests {
		got, is := checkVAT(tt.raw, tt.country)
		if tt.ok && (is != nil || got != tt.want) {
			t.Errorf("checkVAT(%q, %s) = %q, %v; want %q accepted", tt.raw, tt.country, got, is, tt.want)
		}
		if !tt.ok && (is == nil || !strings.Contains(is.en, tt.raw) || is.nl == "") {
			t.Errorf("checkVAT(%q, %s) = %q, %v; want refused naming the value", tt.raw, tt.country, got, is)
		}
	}
}

func TestValidIBAN(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"NL91ABNA0417164300", true},
		{"NL91ABNA0417164301", false},
		{"BE68539007547034", true},
		{"DE89370400440532013000", true},
		{"DE89370400440532013001", false},
		{"NL91ABNA04171643-0", false},
		{"NL91", false},
	}
	for _, tt := range tests {
		if got := validIBAN(tt.in); got != tt.want {
			t.Errorf("validIBAN(%q) = %t, want %t", tt.in, got, tt.want)
		}
	}
	if looksLikeIBAN("123456789") || !looksLikeIBAN("NL91ABNA0417164301") {
		t.Error("looksLikeIBAN tells a domestic number from an IBAN wrongly")
	}
}

func TestCheckEmailWebsiteChamber(t *testing.T) {
	emails := []struct {
		in, want string
		ok       bool
	}{
		{"info@unal.example", "info@unal.example", true},
		{"Bakkerij Ünal <info@unal.example>", "info@unal.example", true},
		{"info@unal", "", false},
		{"info(at)unal.example", "", false},
		{"a@x.example; b@y.example", "", false},
		{strings.Repeat("a", 95) + "@x.example", "", false},
	}
	for _, tt := range emails {
		got, is := checkEmail(tt.in)
		if tt.ok != (is == nil) || tt.ok && got != tt.want {
			t.Errorf("checkEmail(%q) = %q, %v; want %q ok=%t", tt.in, got, is, tt.want, tt.ok)
		}
	}
	sites := []struct {
		in string
		ok bool
	}{
		{"https://unal.example", true},
		{"http://unal.example/winkel?x=1", true},
		{"www.unal.example", true},
		{"unal.example:8080/shop", true},
		{"javascript:alert(1)", false},
		{"JavaScript://unal.example/%0Aalert(1)", false},
		{"data:text/html,<b>x</b>", false},
		{"ftp://unal.example", false},
		{"mailto:info@unal.example", false},
		{"localhost", false},
		{"https://unal.example/" + strings.Repeat("p", 100), false},
	}
	for _, tt := range sites {
		if is := checkWebsite(tt.in); tt.ok != (is == nil) {
			t.Errorf("checkWebsite(%q) = %v, want ok=%t", tt.in, is, tt.ok)
		}
	}
	chambers := []struct {
		in, country, want string
		ok                bool
	}{
		{"30123456", "NL", "30123456", true},
		{"3012 3456", "NL", "30123456", true},
		{"3012345", "NL", "", false},
		{"301234560000", "NL", "", false}, // a branch number is not the KvK number
		{"KvK 30123456", "NL", "", false},
		{"HRB 12345 B", "DE", "HRB 12345 B", true},
		{strings.Repeat("9", 21), "DE", "", false},
	}
	for _, tt := range chambers {
		got, is := checkChamber(tt.in, tt.country)
		if tt.ok != (is == nil) || tt.ok && got != tt.want {
			t.Errorf("checkChamber(%q, %s) = %q, %v; want %q ok=%t", tt.in, tt.country, got, is, tt.want, tt.ok)
		}
	}
}

func TestMapPartnerRefusesHostileData(t *testing.T) {
	ok := odoo.Partner{ID: 20, Name: "Veilig BV", IsCompany: true, CountryCode: "NL", CustomerRank: 1}
	with := func(f func(p *odoo.Partner)) odoo.Partner {
		p := ok
		f(&p)
		return p
	}
	tests := []struct {
		name     string
		in       odoo.Partner
		code     string
		mentions []string // in the English text, besides the partner
	}{
		{"VAT in no valid format", with(func(p *odoo.Partner) { p.VAT = "NL12345" }), "partner.invalid_vat", []string{"NL12345"}},
		{"Belgian VAT with bad check digits", with(func(p *odoo.Partner) { p.CountryCode, p.VAT = "BE", "BE0403170702" }), "partner.invalid_vat", []string{"BE0403170702"}},
		{"e-mail that is not", with(func(p *odoo.Partner) { p.Email = "info at veilig" }), "partner.invalid_email", []string{"info at veilig"}},
		{"javascript: website", with(func(p *odoo.Partner) { p.Website = "javascript:alert(document.cookie)" }), "partner.invalid_website", []string{"javascript:alert"}},
		{"KvK not 8 digits for a Dutch partner", with(func(p *odoo.Partner) { p.CompanyRegistry = "123" }), "partner.invalid_kvk", []string{`"123"`}},
		{"absurd registry number elsewhere", with(func(p *odoo.Partner) { p.CountryCode, p.CompanyRegistry = "DE", strings.Repeat("7", 40) }), "partner.invalid_kvk", []string{"7777"}},
		{"over-long name, cut in the message", with(func(p *odoo.Partner) { p.Name = strings.Repeat("Lang", 20) + " BV" }), "partner.too_long", []string{"83 characters", "Exact holds 50", "…"}},
		{"over-long street", with(func(p *odoo.Partner) { p.Street = strings.Repeat("s", 101) }), "partner.too_long", []string{"street", "holds 100"}},
		{"over-long city", with(func(p *odoo.Partner) { p.City = strings.Repeat("c", 51) }), "partner.too_long", []string{"city"}},
		{"over-long postcode", with(func(p *odoo.Partner) { p.Zip = strings.Repeat("1", 21) }), "partner.too_long", []string{"postcode"}},
		{"over-long phone", with(func(p *odoo.Partner) { p.Phone = strings.Repeat("0", 31) }), "partner.too_long", []string{"phone"}},
		{"IBAN whose checksum fails", with(func(p *odoo.Partner) {
			p.BankAccounts = []odoo.BankAccount{{ID: 5, AccNumber: "NL91 ABNA 0417 1643 01"}}
		}), "partner.bank.invalid_iban", []string{"NL91ABNA0417164301", "bank account 5"}},
		{"company without a country", with(func(p *odoo.Partner) { p.CountryCode = "" }), "partner.no_country", []string{"no country"}},
		{"two problems in one message", with(func(p *odoo.Partner) { p.Email, p.Website = "x", "file:///etc/passwd" }), "partner.invalid_fields", []string{`"x"`, "file:///etc/passwd"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := MapPartner(tt.in, nil)
			var p *Problem
			if !errors.As(err, &p) {
				t.Fatalf("err = %v, want a Problem", err)
			}
			if p.Code != tt.code {
				t.Errorf("code = %q, want %q (%s)", p.Code, tt.code, p.EN)
			}
			for _, want := range append(tt.mentions, "partner 20") {
				if !strings.Contains(p.EN, want) {
					t.Errorf("English %q lacks %q", p.EN, want)
				}
			}
			if !strings.Contains(p.NL, "Odoo-relatie 20") || p.FixEN == "" || p.FixNL == "" {
				t.Errorf("problem %+v lacks the Dutch text or a fix", p)
			}
			if err := Classify(err); ErrorType(err) != ErrTypeData {
				t.Errorf("classified as %q, want a non-retryable %s", ErrorType(err), ErrTypeData)
			}
		})
	}
}

func TestMapPartnerCleansInsteadOfRefusing(t *testing.T) {
	in := odoo.Partner{ID: 21, Name: " Nul\x00Byte\tBV\n", IsCompany: true, CountryCode: " nl", Street: "Kerk\x00straat 1",
		City: "Utrecht\r\n", VAT: " nl 8536.92.706.b01 ", CompanyRegistry: "3012 3456", Email: "Nul Byte <info@nulbyte.example>",
		Website: " www.nulbyte.example ", Ref: "K\x00100", CustomerRank: 1,
		BankAccounts: []odoo.BankAccount{{ID: 6, AccNumber: "nl91 abna 0417 1643 00\x00", BIC: " abna nl2a", Holder: "Nul\x00Byte"}}}
	got, err := MapPartner(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := AccountFields{"Name": "NulByte BV", "AddressLine1": "Kerkstraat 1", "City": "Utrecht", "Country": "NL",
		"VATNumber": "NL853692706B01", "ChamberOfCommerce": "30123456", "Email": "info@nulbyte.example",
		"Website": "www.nulbyte.example", "Status": "C"}
	if len(got.Account) != len(want) {
		t.Errorf("Account = %v, want %v", got.Account, want)
	}
	for k, v := range want {
		if got.Account[k] != v {
			t.Errorf("%s = %q, want %q", k, got.Account[k], v)
		}
	}
	if got.CreateCode != "K100" || got.VAT != "NL853692706B01" || got.Chamber != "30123456" {
		t.Errorf("code %q, VAT %q, KvK %q; want K100, NL853692706B01, 30123456", got.CreateCode, got.VAT, got.Chamber)
	}
	if len(got.Banks) != 1 || got.Banks[0].IBAN != "NL91ABNA0417164300" || got.Banks[0].BIC != "ABNANL2A" || got.Banks[0].Holder != "NulByte" {
		t.Errorf("Banks = %+v, want the IBAN, BIC and holder cleaned", got.Banks)
	}
	if _, err := MapPartner(odoo.Partner{ID: 22, Name: "\x00\x01 "}, nil); err == nil || !strings.Contains(err.Error(), "has no name") {
		t.Errorf("a name of control characters only: %v, want the no-name problem", err)
	}
	// A domestic (non-IBAN) bank account number is not checked as an IBAN.
	if _, err := MapPartner(odoo.Partner{ID: 23, Name: "US Inc", BankAccounts: []odoo.BankAccount{{ID: 7, AccNumber: "123456789"}}}, nil); err != nil {
		t.Errorf("domestic account number: %v", err)
	}
}

// Odoo 19's JSON-2 API carries a NUL in a partner's name (XML-RPC cannot); the sync stores and sends the
// partner without it instead of retrying for a day on PostgreSQL's refusal.
func TestSyncOfAPartnerWithANulOverJSON2(t *testing.T) {
	ctx := context.Background()
	od := odootest.NewServer(t, func(o *odootest.Options) { o.Version = 19 })
	ex := exacttest.NewServer(t)
	st, err := store.Open(ctx, pgtest.URL(t), pgtest.Key())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	const redirect = "http://127.0.0.1:1/exact/callback"
	connID, err := st.SaveOdoo(ctx, store.Connection{Name: "nul", OdooURL: od.URL(), OdooDatabase: od.Database(), OdooLogin: od.Login(),
		OdooAPIKey: od.APIKey(), OdooCompanyID: od.CompanyID(), WebhookSecret: "hook-secret-0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveExact(ctx, store.Connection{Name: "nul", ExactSite: "nl", ExactBaseURL: ex.URL(), ExactClientID: ex.ClientID(),
		ExactClientSecret: ex.ClientSecret(), ExactRedirectURL: redirect, ExactDivision: ex.DefaultDivision()}); err != nil {
		t.Fatal(err)
	}
	cfg := &exact.Config{ClientID: ex.ClientID(), ClientSecret: ex.ClientSecret(), RedirectURL: redirect, BaseURL: ex.URL()}
	tok, err := cfg.Exchange(ctx, ex.Authorize(t, redirect))
	if err != nil {
		t.Fatal(err)
	}
	if err := exact.SaveToken(ctx, st, connID, tok); err != nil {
		t.Fatal(err)
	}
	pid, err := od.Create("res.partner", map[string]any{"name": "Nul\x00Byte BV", "is_company": true, "customer_rank": 1,
		"country_id": od.Seeded().Countries["NL"], "city": "Utrecht\x00"})
	if err != nil {
		t.Fatal(err)
	}

	c := &Contacts{Store: st, Clients: NewClients(st, zap.NewNop())}
	env := (&testsuite.WorkflowTestSuite{}).NewTestActivityEnvironment()
	env.RegisterActivity(c)
	v, err := env.ExecuteActivity(c.FetchPartner, ContactRef{ConnectionID: connID, PartnerID: pid})
	if err != nil {
		t.Fatal(err)
	}
	var fetched FetchedPartner
	if err := v.Get(&fetched); err != nil {
		t.Fatal(err)
	}
	if fetched.Partner.Name != "Nul\x00Byte BV" {
		t.Fatalf("fetched name %q, want the NUL as Odoo sent it", fetched.Partner.Name)
	}
	if v, err = env.ExecuteActivity(c.MapContact, MapInput{ConnectionID: connID, Partner: fetched.Partner}); err != nil {
		t.Fatal(err)
	}
	var mapped MappedContact
	if err := v.Get(&mapped); err != nil {
		t.Fatal(err)
	}
	if v, err = env.ExecuteActivity(c.UpsertAccount, UpsertInput{ConnectionID: connID, Mapped: mapped}); err != nil {
		t.Fatalf("UpsertAccount: %v", err)
	}
	var res UpsertResult
	if err := v.Get(&res); err != nil || res.Action != ActionCreated {
		t.Fatalf("UpsertAccount = %+v, %v; want created", res, err)
	}
	link, err := st.Link(ctx, connID, ModelPartner, pid)
	if err != nil || !strings.Contains(string(link.Payload), `"NulByte BV"`) {
		t.Errorf("link %s, %v; want the payload stored without the NUL", link.Payload, err)
	}
	for _, a := range ex.Entities(ex.DefaultDivision(), "crm/Accounts") {
		if a["ID"] == res.ExactID && (a["Name"] != "NulByte BV" || a["City"] != "Utrecht") {
			t.Errorf("Exact account %v, want name and city without the NUL", a)
		}
	}

	// A sync recorded by a worker that did not clean yet carries the NUL into UpsertAccount: it is cleaned there.
	old := mapped
	old.PartnerID, old.CreateCode = pid+1000, "OUDE\x00SYNC"
	old.Account = AccountFields{"Name": "Oude\x00Sync BV"}
	if _, err := env.ExecuteActivity(c.UpsertAccount, UpsertInput{ConnectionID: connID, Mapped: old}); err != nil {
		t.Errorf("UpsertAccount of a recorded NUL: %v", err)
	}
}
