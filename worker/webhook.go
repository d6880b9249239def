package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/exactsync/exactsync/store"
	"github.com/exactsync/exactsync/workflows"
)

// odooNotification is the body an Odoo 17+ "Send Webhook Notification" automation rule posts: the record's model
// and id plus the fields the rule selected, read with load=None (a many2one is a bare id).
type odooNotification struct {
	Model             string `json:"_model"`
	ID                int64  `json:"_id"`
	CommercialPartner any    `json:"commercial_partner_id"`
}

// webhookHandler receives Odoo's notifications at /webhooks/odoo/{secret}. Odoo sends no custom headers, so the
// unguessable secret in the URL authenticates the connection. It answers at once (Odoo waits one second and
// never retries) and signals-with-start the partner's sync, so Odoo's bursts of notifications for one edit
// coalesce into one run.
func webhookHandler(d *dependencies) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 900*time.Millisecond)
		defer cancel()
		conn, err := d.store.ConnectionByWebhookSecret(ctx, r.PathValue("secret"))
		if errors.Is(err, store.ErrNotFound) {
			http.Error(w, "unknown webhook", http.StatusNotFound)
			return
		}
		if err != nil {
			d.logger.Error("webhook: read connection", zap.Error(err))
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		var n odooNotification
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&n); err != nil || n.ID <= 0 {
			http.Error(w, "body must be an Odoo webhook notification with _model and _id", http.StatusBadRequest)
			return
		}
		if n.Model != "res.partner" {
			http.Error(w, "model "+n.Model+" is not synced through this webhook", http.StatusUnprocessableEntity)
			return
		}
		id := n.ID
		if cp, ok := n.CommercialPartner.(float64); ok && cp > 0 {
			id = int64(cp)
		}
		if err := workflows.StartContactSync(ctx, d.temporal, conn, id); err != nil {
			d.logger.Error("webhook: start sync", zap.String("odoo_model", n.Model), zap.Int64("odoo_id", id), zap.Error(err))
			http.Error(w, "could not queue the sync; polling will pick it up", http.StatusServiceUnavailable)
			return
		}
		d.logger.Debug("webhook: queued", zap.String("odoo_model", n.Model), zap.Int64("odoo_id", id), zap.Int("division", conn.ExactDivision))
		w.WriteHeader(http.StatusAccepted)
	})
}
