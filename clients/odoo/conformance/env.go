package conformance

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/exactsync/exactsync/clients/odoo"
)

// ConfigFromEnv is the real Odoo `make conformance` runs against: ODOO_URL, ODOO_DB, ODOO_USER, ODOO_API_KEY, and
// optionally ODOO_COMPANY_ID (default 1) and ODOO_TRANSPORT.
func ConfigFromEnv(getenv func(string) string) (odoo.Config, error) {
	cfg := odoo.Config{URL: getenv("ODOO_URL"), Database: getenv("ODOO_DB"), Login: getenv("ODOO_USER"),
		APIKey: getenv("ODOO_API_KEY"), Transport: getenv("ODOO_TRANSPORT"), CompanyID: 1}
	if cfg.URL == "" || cfg.Database == "" || cfg.Login == "" || cfg.APIKey == "" {
		return cfg, errors.New("make conformance needs ODOO_URL, ODOO_DB, ODOO_USER and ODOO_API_KEY (see ../shared/real-odoo/README.md)")
	}
	if v := getenv("ODOO_COMPANY_ID"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return cfg, fmt.Errorf("ODOO_COMPANY_ID %q is not a company id", v)
		}
		cfg.CompanyID = n
	}
	return cfg, nil
}
