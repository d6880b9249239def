package odootest

import (
	"fmt"
	"strings"
	"testing"
)

// A custom field can be company dependent from Odoo 18 on: one value per company of allowed_company_ids, as
// property_payment_term_id. Odoo 17 has no ir.model.fields.company_dependent; a real 17 answers
// Fault 1 "ValueError: Invalid field 'company_dependent' on model 'ir.model.fields'".
func TestCompanyDependentCustomField(t *testing.T) {
	for _, version := range []int{17, 18, 19} {
		t.Run(fmt.Sprint("Odoo ", version), func(t *testing.T) {
			s := NewServer(t, func(o *Options) { o.Version = version })
			r := newRPC(t, s)
			companies := s.CompanyIDs()
			if len(companies) < 2 {
				t.Fatalf("companies = %v, want two seeded", companies)
			}
			partner := s.Seeded().Partners["Acme Corp"]
			modelID := r.searchRead("ir.model", []any{[]any{"model", "=", "res.partner"}}, []any{"model"}, nil)[0]["id"].(int64)
			vals := map[string]any{"name": "x_exact_account_id", "model_id": modelID, "ttype": "char", "field_description": "Exact account ID", "company_dependent": true}
			_, err := r.call("ir.model.fields", "create", []any{vals}, nil)
			if version < 18 {
				f := faultOf(t, err)
				if f.Code != 1 || !strings.Contains(f.String, "ValueError: Invalid field 'company_dependent' on model 'ir.model.fields'") {
					t.Errorf("fault = %d %q, want Odoo 17's invalid field", f.Code, f.String)
				}
				return
			}
			if err != nil {
				t.Fatalf("create a company-dependent field: %v", err)
			}
			in := func(company int64) map[string]any {
				return map[string]any{"context": map[string]any{"allowed_company_ids": []any{company}}}
			}
			for i, c := range companies[:2] {
				r.must("res.partner", "write", []any{[]any{partner}, map[string]any{"x_exact_account_id": []string{"guid-a", "guid-b"}[i]}}, in(c))
			}
			for i, c := range companies[:2] {
				kw := in(c)
				kw["fields"] = []any{"x_exact_account_id"}
				got := r.must("res.partner", "read", []any{[]any{partner}}, kw).([]any)[0].(map[string]any)["x_exact_account_id"]
				if want := []string{"guid-a", "guid-b"}[i]; got != want {
					t.Errorf("company %d reads %v, want %q", c, got, want)
				}
			}
			row := r.searchRead("ir.model.fields", []any{[]any{"model", "=", "res.partner"}, []any{"name", "=", "x_exact_account_id"}},
				[]any{"company_dependent"}, nil)
			if len(row) != 1 || row[0]["company_dependent"] != true {
				t.Errorf("ir.model.fields row = %v, want company_dependent true", row)
			}
			base := r.searchRead("ir.model.fields", []any{[]any{"model", "=", "res.partner"}, []any{"name", "=", "property_payment_term_id"}},
				[]any{"company_dependent"}, nil)
			if len(base) != 1 || base[0]["company_dependent"] != true {
				t.Errorf("property_payment_term_id's row = %v, want company_dependent true", base)
			}
			fg := r.must("res.partner", "fields_get", []any{[]any{"x_exact_account_id"}}, map[string]any{"attributes": []any{"company_dependent"}}).(map[string]any)
			if cd, _ := fg["x_exact_account_id"].(map[string]any); cd["company_dependent"] != true {
				t.Errorf("fields_get = %v, want company_dependent", fg)
			}
		})
	}
}
