//go:build conformance

package conformance

import (
	"context"
	"os"
	"testing"
)

// TestConformanceScenarioOnRealOdoo runs every client operation against the real Odoo named by ODOO_URL,
// ODOO_DB, ODOO_USER and ODOO_API_KEY (make conformance): each must succeed where it should, and each expected
// fault must come. It changes that Odoo (see Run).
func TestConformanceScenarioOnRealOdoo(t *testing.T) {
	cfg, err := ConfigFromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
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
