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

// InvoiceWebhookRule is the Odoo automation rule that notifies the worker at publicURL of changes to the
// connection's invoices, bills and credit notes once they are posted or cancelled (a draft has nothing to send).
func InvoiceWebhookRule(connection, publicURL, secret string) odoo.WebhookRule {
	types := make([]any, len(InvoiceMoveTypes))
	for i, t := range InvoiceMoveTypes {
		types[i] = t
	}
	return odoo.WebhookRule{
		Name:   "exactsync: invoice changed (" + connection + ")",
		Model:  ModelMove,
		URL:    strings.TrimRight(publicURL, "/") + "/webhooks/odoo/" + secret,
		Fields: []string{"name", "state"},
		Domain: odoo.Domain{[]any{"move_type", "in", types}, []any{"state", "in", []any{odoo.StatePosted, odoo.StateCancel}}},
	}
}
