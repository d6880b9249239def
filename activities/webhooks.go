package activities

import (
	"strings"

	"github.com/exactsync/exactsync/clients/odoo"
)

// PartnerWebhookRule is the Odoo automation rule that notifies the worker at publicURL of changes to the
// connection's customers and suppliers. The rule is found again by its name, so installing it twice updates it.
func PartnerWebhookRule(connection, publicURL, secret string) odoo.WebhookRule {
	return odoo.WebhookRule{
		Name:   "exactsync: partner changed (" + connection + ")",
		Model:  ModelPartner,
		URL:    strings.TrimRight(publicURL, "/") + "/webhooks/odoo/" + secret,
		Fields: []string{"commercial_partner_id", "customer_rank", "supplier_rank"},
		Domain: odoo.Domain{"|", []any{"customer_rank", ">", 0}, []any{"supplier_rank", ">", 0}},
	}
}
