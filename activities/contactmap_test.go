package activities

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/clients/odoo/odootest"
)

func TestMapPartner(t *testing.T) {
	full := odoo.Partner{ID: 7, Name: " Bakkerij Ünal BV ", Street: "Dorpsstraat 1", Street2: "Unit 3", Zip: "3511 AB", City: "Utrecht",
		CountryCode: "nl", VAT: "nl 8536.92.706.B01", CompanyRegistry: "30123456", Email: "info@unal.example", Phone: "",
		Mobile: "+31 6 1234 5678", Website: "https://unal.example", Lang: "nl_NL", Ref: "D1001", CustomerRank: 3, SupplierRank: 1,
		PaymentTerm: odoo.Many2One{ID: 3, Name: "30 Days"}, SupplierPaymentTerm: odoo.Many2One{ID: 2, Name: "14 Days"},
		BankAccounts: []odoo.BankAccount{
			{ID: 11, AccNumber: "NL91 ABNA 0417 1643 00", SanitizedAccNumber: "NL91ABNA0417164300", BIC: "abnanl2a", Holder: "Ünal"},
			{ID: 12, AccNumber: "nl91abna0417164300"}, // the same IBAN again
			{ID: 13}, // no number
		}}
	terms := PaymentConditions{3: "30", 2: "14"}
	tests := []struct {
		name      string
		in        odoo.Partner
		terms     PaymentConditions
		want      AccountFields
		code      string
		banks     int
		wantError string
	}{
		{name: "everything", in: full, terms: terms, code: "D1001", banks: 1, want: AccountFields{
			"Name": "Bakkerij Ünal BV", "AddressLine1": "Dorpsstraat 1", "AddressLine2": "Unit 3", "Postcode": "3511 AB",
			"City": "Utrecht", "Country": "NL", "VATNumber": "NL853692706B01", "ChamberOfCommerce": "30123456",
			"Email": "info@unal.example", "Phone": "+31 6 1234 5678", "Website": "https://unal.example", "Language": "NL",
			"Status": "C", "IsSupplier": true, "PaymentConditionSales": "30", "PaymentConditionPurchase": "14"}},
		{name: "false everywhere: only the name", in: odoo.Partner{ID: 8, Name: "Leeg", SupplierRank: 1}, code: "ODOO8",
			want: AccountFields{"Name": "Leeg", "IsSupplier": true}},
		{name: "no name", in: odoo.Partner{ID: 9}, wantError: "has no name"},
		{name: "unmapped payment term", in: odoo.Partner{ID: 10, Name: "X", CustomerRank: 1, PaymentTerm: odoo.Many2One{ID: 99, Name: "45 Days"}},
			terms: terms, wantError: `"45 Days"`},
		{name: "a reference too long for a code", in: odoo.Partner{ID: 11, Name: "Y", Ref: strings.Repeat("R", 19), Lang: "ja_JP"}, code: "ODOO11",
			want: AccountFields{"Name": "Y"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MapPartner(tt.in, tt.terms)
			if tt.wantError != "" {
				var p *Problem
				if !errors.As(err, &p) || !strings.Contains(p.Error(), tt.wantError) || p.NL == "" || p.FixNL == "" {
					t.Fatalf("err = %v, want a Problem mentioning %q in both languages", err, tt.wantError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got.Account) != fmt.Sprint(tt.want) {
				t.Errorf("Account =\n %v\nwant\n %v", got.Account, tt.want)
			}
			if got.CreateCode != tt.code {
				t.Errorf("CreateCode = %q, want %q", got.CreateCode, tt.code)
			}
			if len(got.Banks) != tt.banks {
				t.Errorf("Banks = %+v, want %d", got.Banks, tt.banks)
			}
			if got.AccountHash == "" {
				t.Error("no hash")
			}
		})
	}
	a, _ := MapPartner(full, terms)
	b, _ := MapPartner(full, terms)
	if a.AccountHash != b.AccountHash {
		t.Error("the hash of the same partner differs between runs")
	}
	if a.Banks[0].IBAN != "NL91ABNA0417164300" || a.Banks[0].BIC != "ABNANL2A" {
		t.Errorf("bank = %+v", a.Banks[0])
	}
}

func TestChangedFields(t *testing.T) {
	last := AccountFields{"Name": "A", "City": "Utrecht", "Email": "a@x", "Status": "C", "IsSupplier": true}
	next := AccountFields{"Name": "A", "City": "Zwolle", "Phone": "1"}
	got := ChangedFields(last, next)
	want := AccountFields{"City": "Zwolle", "Phone": "1", "Email": ""}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("ChangedFields = %v, want %v (roles are never lowered, emptied fields are cleared)", got, want)
	}
	if n := len(ChangedFields(next, next)); n != 0 {
		t.Errorf("ChangedFields of equal payloads has %d fields, want 0", n)
	}
}

func TestClassify(t *testing.T) {
	reset := time.Now().Add(42 * time.Second)
	tests := []struct {
		name      string
		err       error
		wantType  string
		retryable bool
	}{
		{"validation 500", &exact.Error{StatusCode: http.StatusInternalServerError, Message: "Ongeldige referentie: Betalingsconditie"}, ErrTypeData, false},
		{"forbidden", &exact.Error{StatusCode: http.StatusForbidden, Reason: "NoDivisionAccess"}, ErrTypeAuth, false},
		{"rate limit", &exact.RateLimitError{Window: "minutely", Reset: reset}, ErrTypeRateLimited, true},
		{"dead token", fmt.Errorf("refresh: %w", exact.ErrReconsentNeeded), ErrTypeReconsent, false},
		{"invalid grant", fmt.Errorf("exact: GET x: 401, token refresh failed: %w", &exact.TokenError{Grant: "refresh_token", StatusCode: 400,
			Code: "invalid_grant", Description: "Token is not allowed, because of invalid or empty chainId"}), ErrTypeReconsent, false},
		{"invalid client", fmt.Errorf("exact: GET x: 401, token refresh failed: %w", &exact.TokenError{Grant: "refresh_token", StatusCode: 401,
			Code: "invalid_client", Description: "Invalid client credentials."}), ErrTypeReconsent, false},
		{"token answer not understood", &exact.TokenError{Grant: "refresh_token", StatusCode: 400, Code: "invalid_scope",
			Failures: 1, RetryAt: reset}, ErrTypeTokenEndpoint, true},
		{"token answers not understood, gave up", &exact.TokenError{Grant: "refresh_token", StatusCode: 403, Description: "blocked",
			Failures: exact.MaxUnrecognisedTokenAnswers, RetryAt: reset}, ErrTypeTokenEndpoint, false},
		{"exact 503", &exact.Error{StatusCode: http.StatusServiceUnavailable}, ErrTypeTransient, true},
		{"problem", &Problem{EN: "x", NL: "y"}, ErrTypeData, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Classify(tt.err)
			var app *temporal.ApplicationError
			if !errors.As(got, &app) {
				t.Fatalf("Classify(%v) = %v, want an ApplicationError", tt.err, got)
			}
			if app.Type() != tt.wantType || app.NonRetryable() == tt.retryable {
				t.Errorf("type %q non-retryable %t, want %q retryable %t", app.Type(), app.NonRetryable(), tt.wantType, tt.retryable)
			}
			if (tt.wantType == ErrTypeRateLimited || tt.wantType == ErrTypeTokenEndpoint && tt.retryable) && app.NextRetryDelay() < 40*time.Second {
				t.Errorf("NextRetryDelay = %s, want the reset instant (≥ 40 s)", app.NextRetryDelay())
			}
			for _, want := range map[string][]string{
				"invalid client":                        {"client ID or secret is refused", "fix EXACT_CLIENT_ID/EXACT_CLIENT_SECRET and `starter connect exact`", "Oplossing"},
				"token answers not understood, gave up": {"*exact.TokenError", "Oplossing"},
				"token answer not understood":           {"*exact.TokenError"},
			}[tt.name] {
				if !strings.Contains(app.Error(), want) {
					t.Errorf("message %q lacks %q", app.Error(), want)
				}
			}
			if tt.wantType == ErrTypeData && !strings.Contains(app.Error(), "Oplossing") {
				t.Errorf("data error %q has no Dutch hint", app.Error())
			}
		})
	}
	if Classify(nil) != nil {
		t.Error("Classify(nil) != nil")
	}
}

// Odoo's faults come from the simulator, as the client builds them from the wire.
func TestClassifyOdooFaults(t *testing.T) {
	srv := odootest.NewServer(t)
	ctx := context.Background()
	_, err := odoo.Dial(ctx, odoo.Config{URL: srv.URL(), Database: srv.Database(), Login: srv.Login(), APIKey: "wrong"})
	var app *temporal.ApplicationError
	if got := Classify(err); !errors.As(got, &app) || app.Type() != ErrTypeAuth || !app.NonRetryable() {
		t.Errorf("wrong key: Classify = %v, want a non-retryable AuthError", got)
	}
	oc, err := odoo.Dial(ctx, odoo.Config{URL: srv.URL(), Database: srv.Database(), Login: srv.Login(), APIKey: srv.APIKey()})
	if err != nil {
		t.Fatal(err)
	}
	err = oc.WriteFields(ctx, "res.partner", 999999, map[string]any{"name": "x"})
	if got := Classify(err); !errors.As(got, &app) || app.Type() != ErrTypeData || !app.NonRetryable() {
		t.Errorf("missing record: Classify = %v, want a non-retryable DataError", got)
	}
	// A fault no user data can cause (the call's own shape) names the connector, not the record, as the cause.
	_, err = oc.Execute(ctx, "res.partner", "write", []any{[]int64{1}}, map[string]any{"valuez": map[string]any{"name": "x"}})
	if got := Classify(err); !errors.As(got, &app) || app.Type() != ErrTypeConnector || !app.NonRetryable() ||
		!strings.Contains(app.Error(), "bug in exactsync") || strings.Contains(app.Error(), "correct the record") ||
		!strings.Contains(app.Error(), "fout in exactsync") {
		t.Errorf("malformed call: Classify = %v, want a non-retryable ConnectorError naming exactsync as the cause", got)
	}
	srv.SetFaults(odootest.Faults{Down: true})
	_, err = oc.Partners(ctx, []int64{1})
	if got := Classify(err); !errors.As(got, &app) || app.NonRetryable() {
		t.Errorf("server down: Classify = %v, want a retryable error", got)
	}
}
