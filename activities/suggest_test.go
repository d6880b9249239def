package activities

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/store"
)

func TestSuggestInvoiceMappings(t *testing.T) {
	d := decimal.RequireFromString
	journals := []odoo.Journal{{ID: 1, Code: "INV", Type: "sale"}, {ID: 2, Code: "BILL", Type: "purchase"}, {ID: 3, Code: "BNK1", Type: "bank"}, {ID: 4, Code: "CSH1", Type: "cash"}, {ID: 5, Code: "MISC", Type: "general"}}
	taxes := []odoo.Tax{
		{ID: 10, Name: "21%", Amount: d("21"), AmountType: "percent", TypeTaxUse: "sale"},
		{ID: 11, Name: "21%", Amount: d("21"), AmountType: "percent", TypeTaxUse: "purchase"},
		{ID: 12, Name: "0%", Amount: d("0"), AmountType: "percent", TypeTaxUse: "sale"},
		{ID: 13, Name: "13%", Amount: d("13"), AmountType: "percent", TypeTaxUse: "sale"},
		{ID: 14, Name: "eco", Amount: d("2"), AmountType: "fixed", TypeTaxUse: "sale"},
	}
	accounts := []odoo.Account{{ID: 20, Code: "8000", Name: "Omzet", AccountType: "income"}, {ID: 21, Code: "4100", Name: "Kosten", AccountType: "expense"},
		{ID: 22, Code: "8010", AccountType: "income", Deprecated: true}, {ID: 23, Code: "130000", Name: "Debiteuren", AccountType: "asset_receivable"}}
	exJ := []exact.Journal{{Code: "70", Type: 20}, {Code: "60", Type: 22}, {Code: "20", Type: 12}}
	exV := []exact.VATCode{
		{Code: "2  ", Percentage: d("0.21"), VATTransactionType: "S"},
		{Code: "4  ", Percentage: d("0.21"), VATTransactionType: "P"},
		{Code: "7  ", Percentage: d("0.21"), VATTransactionType: "P", Charged: true},
		{Code: "0  ", Percentage: d("0"), VATTransactionType: "B"},
		{Code: "6  ", Percentage: d("0"), VATTransactionType: "S"},
	}
	exG := []exact.GLAccount{{Code: "8000"}, {Code: "1100"}}
	got := map[int64]Suggestion{}
	for _, s := range SuggestInvoiceMappings(journals, taxes, accounts, exJ, exV, exG) {
		got[s.OdooID] = s
	}
	tests := []struct {
		id       int64
		code     string
		whyHas   string
		excluded bool
	}{
		{id: 1, code: "70"}, {id: 2, code: "60"}, {id: 3, code: "20"}, {id: 4, whyHas: "no Exact journals of type 10"}, {id: 5, excluded: true},
		{id: 10, code: "2"}, {id: 11, code: "4"}, // the reverse-charge 7 is no equivalent of a normal 21 %
		{id: 12, whyHas: "2 Exact VAT codes"}, {id: 13, whyHas: "no Exact VAT codes of 13"}, {id: 14, whyHas: "not a percentage tax"},
		{id: 20, code: "8000"}, {id: 21, whyHas: "no Exact GL account has code 4100"}, {id: 22, excluded: true}, {id: 23, excluded: true},
	}
	for _, tt := range tests {
		s, ok := got[tt.id]
		if ok == tt.excluded {
			t.Errorf("record %d: suggested %v, want %v", tt.id, ok, !tt.excluded)
			continue
		}
		if tt.excluded {
			continue
		}
		if s.Code != tt.code {
			t.Errorf("record %d: code %q, want %q (%s)", tt.id, s.Code, tt.code, s.Why)
		}
		if tt.whyHas != "" && !strings.Contains(s.Why, tt.whyHas) {
			t.Errorf("record %d: why %q, want it to say %q", tt.id, s.Why, tt.whyHas)
		}
	}
}

// An analytic account is suggested only where its reference is exactly the code of one active Exact cost centre
// or of one cost unit; a code that is both is left to a person; the rest is not listed (analytic is optional).
func TestSuggestAnalyticMappings(t *testing.T) {
	plan := odoo.Many2One{ID: 1, Name: "Departments"}
	accounts := []odoo.AnalyticAccount{
		{ID: 1, Name: "Verkoop", Code: "100", RootPlan: plan, Active: true},
		{ID: 2, Name: "Project Noord", Code: " PRJ1 ", RootPlan: plan, Active: true},
		{ID: 3, Name: "Beide", Code: "X1", RootPlan: plan, Active: true},
		{ID: 4, Name: "Vervallen", Code: "900", RootPlan: plan, Active: true},
		{ID: 5, Name: "Zonder code", RootPlan: plan, Active: true},
		{ID: 6, Name: "Gearchiveerd", Code: "200", RootPlan: plan, Active: false},
		{ID: 7, Name: "Onbekend", Code: "777", RootPlan: plan, Active: true},
	}
	centres := []exact.CostCenter{{Code: "100", Active: true}, {Code: "200", Active: true}, {Code: "900", Active: false}, {Code: "X1", Active: true}}
	units := []exact.CostUnit{{Code: "PRJ1"}, {Code: "X1"}}
	got := map[int64]Suggestion{}
	for _, s := range SuggestAnalyticMappings(accounts, centres, units) {
		if s.Kind != store.MapAnalytic {
			t.Errorf("suggestion of kind %s", s.Kind)
		}
		got[s.OdooID] = s
	}
	if len(got) != 3 {
		t.Errorf("suggestions for %d accounts, want 3: %+v", len(got), got)
	}
	if s := got[1]; s.Code != "100" || s.OdooName != "[100] Verkoop (Departments)" {
		t.Errorf("Verkoop: %+v, want cost centre 100", s)
	}
	if s := got[2]; s.Code != "unit:PRJ1" {
		t.Errorf("Project Noord: %+v, want cost unit PRJ1", s)
	}
	if s := got[3]; s.Code != "" || !strings.Contains(s.Why, "pick one") {
		t.Errorf("a code that is a cost centre and a cost unit: %+v, want left to a person", s)
	}
}
