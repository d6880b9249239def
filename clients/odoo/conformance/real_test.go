//go:build conformance

package conformance

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/exactsync/exactsync/clients/odoo"
)

// TestConformanceScenarioOnRealOdoo runs every client operation against the real Odoo named by ODOO_URL,
// ODOO_DB, ODOO_USER and ODOO_API_KEY (make conformance): each must succeed where it should, and each expected
// fault must come. It changes that Odoo (see Run).
func TestConformanceScenarioOnRealOdoo(t *testing.T) {
	cfg := odoo.Config{URL: os.Getenv("ODOO_URL"), Database: os.Getenv("ODOO_DB"), Login: os.Getenv("ODOO_USER"),
		APIKey: os.Getenv("ODOO_API_KEY"), Transport: os.Getenv("ODOO_TRANSPORT")}
	if cfg.URL == "" || cfg.Database == "" || cfg.Login == "" || cfg.APIKey == "" {
		t.Fatal("make conformance needs ODOO_URL, ODOO_DB, ODOO_USER and ODOO_API_KEY (see ../shared/real-odoo/README.md)")
	}
	if v := os.Getenv("ODOO_COMPANY_ID"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			t.Fatalf("ODOO_COMPANY_ID %q: %v", v, err)
		}
		cfg.CompanyID = n
	}
	rep, err := Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatalf("scenario: %v", err)
	}
	for _, s := range rep.Surprises {
		t.Errorf("real Odoo did not answer as the client expects: %s", s)
	}
	t.Logf("%d steps passed against %s (%s): %v", len(rep.Steps), cfg.URL, cfg.Database, rep.Steps)
}
