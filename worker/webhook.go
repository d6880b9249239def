package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"go.uber.org/zap"
	"golang.org/x/time/rate"

	"github.com/exactsync/exactsync/activities"
	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/store"
	"github.com/exactsync/exactsync/workflows"
)

// A webhook notification is only a hint that an Odoo record changed. Odoo logs every webhook URL, secret
// included, at INFO level, so whoever reads Odoo's logs can post notifications: the receiver trusts nothing in
// the body beyond _model and _id, re-reads the record from Odoo before it starts a sync, limits the rate per
// connection, and coalesces notifications per record. Polling stays the safety net for whatever it drops.

// webhookConfig tunes the receiver. The zero value of a field takes its default.
type webhookConfig struct {
	Rate     float64          // notifications per second a connection earns back (default 5)
	Burst    int              // notifications a connection may send at once (default 50)
	Workers  int              // background readers and starters (default 4)
	Queue    int              // notifications waiting for a worker, over all connections (default 1024)
	LogEvery time.Duration    // a connection's refused notifications are logged once per LogEvery (default 1 min)
	Timeout  time.Duration    // bound on one notification's Odoo read and sync start (default 30 s)
	Now      func() time.Time // the clock of the rate limit (default time.Now)
}

func (c webhookConfig) withDefaults() webhookConfig {
	if c.Rate <= 0 {
		c.Rate = 5
	}
	if c.Burst <= 0 {
		c.Burst = 50
	}
	if c.Workers <= 0 {
		c.Workers = 4
	}
	if c.Queue <= 0 {
		c.Queue = 1024
	}
	if c.LogEvery <= 0 {
		c.LogEvery = time.Minute
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// odooNotification is the part of an Odoo 17+ "Send Webhook Notification" body the receiver reads: the model and
// id of the changed record. The fields the rule sends along are ignored.
type odooNotification struct {
	Model string `json:"_model"`
	ID    int64  `json:"_id"`
}

// maxNotificationBytes bounds a notification body; Odoo's are a few hundred bytes.
const maxNotificationBytes = 64 << 10

// webhookReceiver receives Odoo's notifications at /webhooks/odoo/{secret}. Odoo sends no custom headers, so the
// unguessable secret in the URL names and authenticates the connection. It answers within Odoo's one second
// (Odoo never retries) and leaves the Odoo read and the sync start to a bounded pool of background workers.
type webhookReceiver struct {
	cfg    webhookConfig
	logger *zap.Logger
	// lookup finds the connection of a secret (store.ErrNotFound when none has it).
	lookup func(ctx context.Context, secret string) (store.Connection, error)
	// resolve reads the record from Odoo and returns the partner to sync (its commercial partner); false when the
	// record no longer exists.
	resolve func(ctx context.Context, conn store.Connection, partnerID int64) (int64, bool, error)
	// start signals-with-start the partner's sync.
	start func(ctx context.Context, conn store.Connection, partnerID int64) error
	// startMove, when set, signals-with-start an invoice's sync (account.move notifications); the sync reads the
	// move itself and skips what is not an invoice of a mapped journal.
	startMove func(ctx context.Context, conn store.Connection, moveID int64) error

	once    sync.Once
	jobs    chan webhookJob
	mu      sync.Mutex
	limits  map[int64]*connectionLimit
	pending map[recordKey]*pendingRecord
}

type recordKey struct {
	connectionID int64
	model        string
	partnerID    int64 // the record's id (a partner's, or a move's)
}

type webhookJob struct {
	conn      store.Connection
	model     string
	partnerID int64 // the record's id (a partner's, or a move's)
}

// pendingRecord is a notified record that is queued (started false) or being read and started (started true);
// again says a notification came while it was being handled, so it is handled once more.
type pendingRecord struct {
	started, again bool
}

// connectionLimit is a connection's token bucket (golang.org/x/time/rate, read at the receiver's clock) and the
// refusals not logged yet.
type connectionLimit struct {
	bucket   *rate.Limiter
	refused  int
	loggedAt time.Time
}

// webhookHandler is the worker's receiver: connections from the store, records read through the connection's
// Odoo client, syncs started on Temporal. Its workers run from its first request until the HTTP server that
// serves it shuts down.
func webhookHandler(d *dependencies) http.Handler {
	return d.webhookReceiver(webhookConfig{})
}

// webhookReceiver builds the receiver over the worker's store, Odoo clients and Temporal client.
func (d *dependencies) webhookReceiver(cfg webhookConfig) *webhookReceiver {
	rc := newWebhookReceiver(cfg, d.logger, d.store.ConnectionByWebhookSecret, commercialPartner(d.clients, d.store),
		func(ctx context.Context, conn store.Connection, partnerID int64) error {
			return workflows.StartContactSync(ctx, d.temporal, conn, partnerID)
		})
	rc.startMove = func(ctx context.Context, conn store.Connection, moveID int64) error {
		own, err := ownWriteNotified(ctx, d.clients, d.store, conn, activities.ModelMove, moveID)
		if err != nil || own {
			return err
		}
		return workflows.StartInvoiceSync(ctx, d.temporal, conn, moveID)
	}
	return rc
}

// ownWriteNotified tells whether a notified record's last write is the connector's own write-back (its x_ fields):
// Odoo's rule fires on it like on any write, and it must not start another sync.
func ownWriteNotified(ctx context.Context, cl *activities.Clients, st activities.SyncStore, conn store.Connection, model string, id int64) (bool, error) {
	oc, err := cl.Odoo(ctx, conn)
	if err != nil {
		return false, err
	}
	recs, err := oc.Read(ctx, model, []int64{id}, []string{"write_date"})
	if errors.Is(err, odoo.ErrNotFound) || err == nil && len(recs) == 0 {
		return false, nil // the sync finds out what happened to it
	}
	if err != nil {
		return false, err
	}
	d := odoo.NewDecoder(recs[0])
	at := d.Datetime("write_date")
	if d.Err() != nil {
		return false, d.Err()
	}
	return activities.OwnWrite(ctx, st, conn.ID, model, id, at)
}

func newWebhookReceiver(cfg webhookConfig, logger *zap.Logger,
	lookup func(ctx context.Context, secret string) (store.Connection, error),
	resolve func(ctx context.Context, conn store.Connection, partnerID int64) (int64, bool, error),
	start func(ctx context.Context, conn store.Connection, partnerID int64) error,
) *webhookReceiver {
	cfg = cfg.withDefaults()
	return &webhookReceiver{cfg: cfg, logger: logger, lookup: lookup, resolve: resolve, start: start,
		jobs: make(chan webhookJob, cfg.Queue), limits: map[int64]*connectionLimit{}, pending: map[recordKey]*pendingRecord{}}
}

// commercialPartner reads a partner's commercial partner from Odoo (one read): a notified contact person is
// synced as part of its company, as the change detection does.
func commercialPartner(cl *activities.Clients, st activities.SyncStore) func(ctx context.Context, conn store.Connection, partnerID int64) (int64, bool, error) {
	return func(ctx context.Context, conn store.Connection, partnerID int64) (int64, bool, error) {
		oc, err := cl.Odoo(ctx, conn)
		if err != nil {
			return 0, false, err
		}
		recs, err := oc.Read(ctx, activities.ModelPartner, []int64{partnerID}, []string{"commercial_partner_id", "write_date"})
		if errors.Is(err, odoo.ErrNotFound) {
			return 0, false, nil // Odoo's MissingError: deleted, or never there
		}
		if err != nil {
			return 0, false, err
		}
		if len(recs) == 0 {
			return 0, false, nil
		}
		d := odoo.NewDecoder(recs[0])
		id := d.Many2One("commercial_partner_id").ID
		at := d.Datetime("write_date")
		if err := d.Err(); err != nil {
			return 0, false, err
		}
		// The connector's own write-back of the Exact ID fires Odoo's rule too: nothing to sync.
		if own, err := activities.OwnWrite(ctx, st, conn.ID, activities.ModelPartner, partnerID, at); err != nil || own {
			return 0, false, err
		}
		if id == 0 {
			id = partnerID
		}
		return id, true, nil
	}
}

// Start starts the background workers, once; they stop when ctx is done. Notifications still queued then are
// dropped: polling picks their changes up.
func (rc *webhookReceiver) Start(ctx context.Context) {
	rc.once.Do(func() { rc.spawn(ctx) })
}

func (rc *webhookReceiver) spawn(ctx context.Context) {
	for range rc.cfg.Workers {
		go rc.work(ctx)
	}
}

// startWithServer starts the workers, unless started already, for the lifetime of the http.Server serving r:
// they stop when it shuts down.
func (rc *webhookReceiver) startWithServer(r *http.Request) {
	srv, ok := r.Context().Value(http.ServerContextKey).(*http.Server)
	if !ok {
		return
	}
	rc.once.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		srv.RegisterOnShutdown(cancel)
		rc.spawn(ctx)
	})
}

func (rc *webhookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.startWithServer(r)
	ctx, cancel := context.WithTimeout(r.Context(), 900*time.Millisecond)
	defer cancel()
	conn, err := rc.lookup(ctx, r.PathValue("secret"))
	if errors.Is(err, store.ErrNotFound) {
		http.Error(w, "unknown webhook", http.StatusNotFound)
		return
	}
	if err != nil {
		rc.logger.Error("webhook: read connection", zap.Error(err))
		http.Error(w, "unavailable; polling picks the change up", http.StatusServiceUnavailable)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxNotificationBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		http.Error(w, "notification too large", http.StatusRequestEntityTooLarge)
		return
	}
	var n odooNotification
	if err != nil || json.Unmarshal(body, &n) != nil || n.Model == "" || n.ID <= 0 {
		http.Error(w, "body must be an Odoo webhook notification with _model and _id", http.StatusBadRequest)
		return
	}
	if n.Model != activities.ModelPartner && (n.Model != activities.ModelMove || rc.startMove == nil) {
		http.Error(w, "model "+n.Model+" is not synced through this webhook", http.StatusUnprocessableEntity)
		return
	}
	accepted, logRefusals := rc.enqueue(conn, n.Model, n.ID)
	if logRefusals > 0 {
		rc.logger.Warn("webhook: notifications over the connection's rate limit were refused; polling picks their changes up",
			zap.Int("division", conn.ExactDivision), zap.Int64("odoo_company", conn.OdooCompanyID), zap.Int("refused", logRefusals))
	}
	if !accepted {
		http.Error(w, "too many notifications; polling picks the change up", http.StatusTooManyRequests)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// enqueue accepts a notification of a record: it joins one queued or being handled (a notification during the
// handling earns one more round), or takes a token of the connection's bucket and a place in the queue.
// logRefusals > 0 asks the caller to log that many refusals: the first of a window, then once per LogEvery.
func (rc *webhookReceiver) enqueue(conn store.Connection, model string, partnerID int64) (accepted bool, logRefusals int) {
	now := rc.cfg.Now()
	key := recordKey{conn.ID, model, partnerID}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	p, isPending := rc.pending[key]
	if isPending && (!p.started || p.again) {
		return true, 0
	}
	lim := rc.limits[conn.ID]
	if lim == nil {
		lim = &connectionLimit{bucket: rate.NewLimiter(rate.Limit(rc.cfg.Rate), rc.cfg.Burst)}
		rc.limits[conn.ID] = lim
	}
	if lim.bucket.AllowN(now, 1) {
		if isPending {
			p.again = true
			return true, 0
		}
		select {
		case rc.jobs <- webhookJob{conn: conn, model: model, partnerID: partnerID}:
			rc.pending[key] = &pendingRecord{}
			return true, 0
		default: // the queue is full: refused like a notification over the limit
		}
	}
	lim.refused++
	if lim.loggedAt.IsZero() || now.Sub(lim.loggedAt) >= rc.cfg.LogEvery {
		n := lim.refused
		lim.refused, lim.loggedAt = 0, now
		return false, n
	}
	return false, 0
}

func (rc *webhookReceiver) work(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-rc.jobs:
			rc.handle(ctx, j)
		}
	}
}

// handle reads and starts a record's sync, again as long as notifications came in meanwhile.
func (rc *webhookReceiver) handle(ctx context.Context, j webhookJob) {
	key := recordKey{j.conn.ID, j.model, j.partnerID}
	for {
		rc.mu.Lock()
		p := rc.pending[key]
		p.started, p.again = true, false
		rc.mu.Unlock()

		rc.sync(ctx, j)

		rc.mu.Lock()
		if !p.again || ctx.Err() != nil {
			delete(rc.pending, key)
			rc.mu.Unlock()
			return
		}
		rc.mu.Unlock()
	}
}

// sync resolves the notified partner to the partner to sync, reading Odoo, and starts its sync. Failures are
// logged: polling picks the change up.
func (rc *webhookReceiver) sync(ctx context.Context, j webhookJob) {
	ctx, cancel := context.WithTimeout(ctx, rc.cfg.Timeout)
	defer cancel()
	log := rc.logger.With(zap.String("odoo_model", j.model), zap.Int64("odoo_id", j.partnerID),
		zap.Int("division", j.conn.ExactDivision), zap.Int64("odoo_company", j.conn.OdooCompanyID))
	if j.model == activities.ModelMove {
		if err := rc.startMove(ctx, j.conn, j.partnerID); err != nil {
			log.Warn("webhook: start the invoice sync; polling picks the change up", zap.Error(err))
			return
		}
		log.Debug("webhook: invoice sync queued")
		return
	}
	id, ok, err := rc.resolve(ctx, j.conn, j.partnerID)
	if err != nil {
		log.Warn("webhook: read the notified partner from Odoo; polling picks the change up", zap.Error(err))
		return
	}
	if !ok {
		log.Debug("webhook: nothing to sync: the notified partner does not exist in Odoo (any more), or its last write was the connector's own")
		return
	}
	if err := rc.start(ctx, j.conn, id); err != nil {
		log.Warn("webhook: start the sync; polling picks the change up", zap.Int64("commercial_partner_id", id), zap.Error(err))
		return
	}
	log.Debug("webhook: sync queued", zap.Int64("commercial_partner_id", id))
}
