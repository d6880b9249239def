package conformance

import "testing"

func TestConfigFromEnv(t *testing.T) {
	full := map[string]string{"ODOO_URL": "http://127.0.0.1:8069", "ODOO_DB": "odoo17", "ODOO_USER": "admin", "ODOO_API_KEY": "k"}
	with := func(k, v string) func(string) string {
		return func(name string) string {
			if name == k {
				return v
			}
			return full[name]
		}
	}
	cfg, err := ConfigFromEnv(with("", ""))
	if err != nil || cfg.URL != full["ODOO_URL"] || cfg.Database != "odoo17" || cfg.CompanyID != 1 {
		t.Errorf("full settings: %+v, %v", cfg, err)
	}
	if cfg, err := ConfigFromEnv(with("ODOO_COMPANY_ID", "3")); err != nil || cfg.CompanyID != 3 {
		t.Errorf("company 3: %+v, %v", cfg, err)
	}
	for _, bad := range []struct{ k, v string }{{"ODOO_URL", ""}, {"ODOO_API_KEY", ""}, {"ODOO_COMPANY_ID", "three"}, {"ODOO_COMPANY_ID", "-1"}} {
		if _, err := ConfigFromEnv(with(bad.k, bad.v)); err == nil {
			t.Errorf("%s=%q: accepted", bad.k, bad.v)
		}
	}
}
