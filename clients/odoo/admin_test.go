package odoo_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/clients/odoo/odootest"
)

// A company-dependent custom field holds one value per company where Odoo can make one (18 and later); on 17
// (real 17: "Invalid field 'company_dependent' on model 'ir.model.fields'") the option falls back to a field
// all companies share, and says so.
func TestEnsureCustomFieldCompanyDependent(t *testing.T) {
	for _, tc := range []struct {
		version    int
		perCompany bool
	}{{17, false}, {18, true}, {19, true}} {
		t.Run(fmt.Sprint("Odoo ", tc.version), func(t *testing.T) {
			srv := odootest.NewServer(t, func(o *odootest.Options) { o.Version = tc.version })
			companies := srv.CompanyIDs()
			a, b := dial(t, srv, odoo.TransportXMLRPC, companies[0]), dial(t, srv, odoo.TransportXMLRPC, companies[1])
			id, err := a.EnsureCustomField(ctx, "res.partner", "x_exact_account_id", "char", "Exact account ID", odoo.CompanyDependent())
			if err != nil || id == 0 {
				t.Fatalf("EnsureCustomField: %d, %v", id, err)
			}
			if again, err := b.EnsureCustomField(ctx, "res.partner", "x_exact_account_id", "char", "Exact account ID", odoo.CompanyDependent()); err != nil || again != id {
				t.Errorf("again from the other company: %d, %v; want field %d", again, err, id)
			}
			cd, err := a.CustomFieldCompanyDependent(ctx, "res.partner", "x_exact_account_id")
			if err != nil || cd != tc.perCompany {
				t.Errorf("CustomFieldCompanyDependent = %v, %v; want %v", cd, err, tc.perCompany)
			}
			partner := srv.Seeded().Partners["Acme Corp"]
			for i, c := range []*odoo.Client{a, b} {
				if err := c.WriteFields(ctx, "res.partner", partner, map[string]any{"x_exact_account_id": fmt.Sprint("guid-", i)}); err != nil {
					t.Fatal(err)
				}
			}
			for i, c := range []*odoo.Client{a, b} {
				recs, err := c.Read(ctx, "res.partner", []int64{partner}, []string{"x_exact_account_id"})
				if err != nil {
					t.Fatal(err)
				}
				want := "guid-1" // shared: the last write wins for both companies
				if tc.perCompany {
					want = fmt.Sprint("guid-", i)
				}
				if got := odoo.NewDecoder(recs[0]).String("x_exact_account_id"); got != want {
					t.Errorf("company %d reads %q, want %q", companies[i], got, want)
				}
			}
			if _, err := a.CustomFieldCompanyDependent(ctx, "res.partner", "x_missing"); !errors.Is(err, odoo.ErrNotFound) {
				t.Errorf("a missing field: %v, want ErrNotFound", err)
			}
		})
	}
}
