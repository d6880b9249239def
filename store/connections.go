package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// Connection is one Odoo database + company paired with one Exact site + division.
// OdooAPIKey and ExactClientSecret are held decrypted in memory and encrypted in the database;
// String never prints them.
type Connection struct {
	ID                int64
	Name              string
	OdooURL           string
	OdooDatabase      string
	OdooLogin         string
	OdooAPIKey        string
	OdooCompanyID     int64
	OdooTransport     string // auto, xmlrpc or json2
	OdooVersion       string
	ExactSite         string
	ExactBaseURL      string
	ExactClientID     string
	ExactClientSecret string
	ExactRedirectURL  string
	ExactDivision     int
	WebhookSecret     string
	Paused            bool
	PausedReason      string
	// ArchiveAction says what a sync does in Exact when a linked Odoo partner is archived: ArchiveBlock (the
	// default) or ArchiveIgnore.
	ArchiveAction string
	// InvoicesFrom is the first invoice date the invoice sync sends; zero: the connection syncs no invoices.
	InvoicesFrom time.Time
}

// Archive actions of a connection (Connection.ArchiveAction).
const (
	ArchiveBlock  = "block"  // block the partner's Exact account, unblock it when the partner is restored
	ArchiveIgnore = "ignore" // leave the Exact account active
)

// ValidArchiveAction tells whether a is an archive action a connection can have.
func ValidArchiveAction(a string) bool { return a == ArchiveBlock || a == ArchiveIgnore }

// String describes the connection without its secrets.
func (c Connection) String() string {
	return fmt.Sprintf("connection %q (odoo %s db %s company %d, exact %s division %d)",
		c.Name, c.OdooURL, c.OdooDatabase, c.OdooCompanyID, c.ExactBaseURL, c.ExactDivision)
}

const connectionColumns = `id, name, odoo_url, odoo_database, odoo_login, odoo_secret, odoo_company_id, odoo_transport,
	odoo_version, exact_site, exact_base_url, exact_client_id, exact_client_secret, exact_redirect_url, exact_division,
	webhook_secret, paused, paused_reason, archive_action, invoices_from`

func (s *Store) scanConnection(row pgx.Row) (Connection, error) {
	var c Connection
	var odooSecret, exactSecret []byte
	var from pgtype.Date
	err := row.Scan(&c.ID, &c.Name, &c.OdooURL, &c.OdooDatabase, &c.OdooLogin, &odooSecret, &c.OdooCompanyID,
		&c.OdooTransport, &c.OdooVersion, &c.ExactSite, &c.ExactBaseURL, &c.ExactClientID, &exactSecret,
		&c.ExactRedirectURL, &c.ExactDivision, &c.WebhookSecret, &c.Paused, &c.PausedReason, &c.ArchiveAction, &from)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("store: read connection: %w", err)
	}
	key, err := s.sealer.Open(odooSecret)
	if err != nil {
		return c, err
	}
	secret, err := s.sealer.Open(exactSecret)
	if err != nil {
		return c, err
	}
	c.OdooAPIKey, c.ExactClientSecret = string(key), string(secret)
	if from.Valid {
		c.InvoicesFrom = from.Time
	}
	return c, nil
}

// Connection returns the connection with the given name.
func (s *Store) Connection(ctx context.Context, name string) (Connection, error) {
	return s.scanConnection(s.pool.QueryRow(ctx, `SELECT `+connectionColumns+` FROM connections WHERE name = $1`, name))
}

// ConnectionByID returns the connection with the given id.
func (s *Store) ConnectionByID(ctx context.Context, id int64) (Connection, error) {
	return s.scanConnection(s.pool.QueryRow(ctx, `SELECT `+connectionColumns+` FROM connections WHERE id = $1`, id))
}

// Connections lists every connection, ordered by id.
func (s *Store) Connections(ctx context.Context) ([]Connection, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+connectionColumns+` FROM connections ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: list connections: %w", err)
	}
	defer rows.Close()
	var out []Connection
	for rows.Next() {
		c, err := s.scanConnection(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SaveOdoo creates the named connection or updates its Odoo side, and returns its id. An empty ArchiveAction
// keeps the connection's (ArchiveBlock for a new one).
func (s *Store) SaveOdoo(ctx context.Context, c Connection) (int64, error) {
	if strings.TrimSpace(c.Name) == "" {
		return 0, errors.New("store: a connection needs a name")
	}
	if c.ArchiveAction != "" && !ValidArchiveAction(c.ArchiveAction) {
		return 0, fmt.Errorf("store: archive action %q is not %s or %s", c.ArchiveAction, ArchiveBlock, ArchiveIgnore)
	}
	if c.OdooTransport == "" {
		c.OdooTransport = "auto"
	}
	var id int64
	err := s.pool.QueryRow(ctx, `
		INSERT INTO connections (name, odoo_url, odoo_database, odoo_login, odoo_secret, odoo_company_id, odoo_transport, odoo_version,
			webhook_secret, archive_action)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, COALESCE(NULLIF($10, ''), 'block'))
		ON CONFLICT (name) DO UPDATE SET odoo_url = EXCLUDED.odoo_url, odoo_database = EXCLUDED.odoo_database,
			odoo_login = EXCLUDED.odoo_login, odoo_secret = EXCLUDED.odoo_secret, odoo_company_id = EXCLUDED.odoo_company_id,
			odoo_transport = EXCLUDED.odoo_transport, odoo_version = EXCLUDED.odoo_version,
			webhook_secret = CASE WHEN connections.webhook_secret = '' THEN EXCLUDED.webhook_secret ELSE connections.webhook_secret END,
			archive_action = CASE WHEN $10 = '' THEN connections.archive_action ELSE EXCLUDED.archive_action END,
			updated_at = now()
		RETURNING id`,
		c.Name, c.OdooURL, c.OdooDatabase, c.OdooLogin, s.sealer.Seal([]byte(c.OdooAPIKey)), c.OdooCompanyID,
		c.OdooTransport, c.OdooVersion, c.WebhookSecret, c.ArchiveAction).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: save odoo connection: %w", err)
	}
	return id, nil
}

// SaveExact creates the named connection or updates its Exact side, and returns its id.
func (s *Store) SaveExact(ctx context.Context, c Connection) (int64, error) {
	if strings.TrimSpace(c.Name) == "" {
		return 0, errors.New("store: a connection needs a name")
	}
	var id int64
	err := s.pool.QueryRow(ctx, `
		INSERT INTO connections (name, exact_site, exact_base_url, exact_client_id, exact_client_secret, exact_redirect_url, exact_division)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (name) DO UPDATE SET exact_site = EXCLUDED.exact_site, exact_base_url = EXCLUDED.exact_base_url,
			exact_client_id = EXCLUDED.exact_client_id, exact_client_secret = EXCLUDED.exact_client_secret,
			exact_redirect_url = EXCLUDED.exact_redirect_url, exact_division = EXCLUDED.exact_division,
			paused = false, paused_reason = '', updated_at = now()
		RETURNING id`,
		c.Name, c.ExactSite, c.ExactBaseURL, c.ExactClientID, s.sealer.Seal([]byte(c.ExactClientSecret)),
		c.ExactRedirectURL, c.ExactDivision).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: save exact connection: %w", err)
	}
	return id, nil
}

// SetDivision stores the Exact division (administration) the connection syncs with.
func (s *Store) SetDivision(ctx context.Context, id int64, division int) error {
	tag, err := s.pool.Exec(ctx, `UPDATE connections SET exact_division = $2, updated_at = now() WHERE id = $1`, id, division)
	if err != nil {
		return fmt.Errorf("store: set division: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}

// SetInvoicesFrom starts the connection's invoice sync at a date (zero: stops it).
func (s *Store) SetInvoicesFrom(ctx context.Context, id int64, from time.Time) error {
	var v pgtype.Date
	if !from.IsZero() {
		v = pgtype.Date{Time: from, Valid: true}
	}
	tag, err := s.pool.Exec(ctx, `UPDATE connections SET invoices_from = $2, updated_at = now() WHERE id = $1`, id, v)
	if err != nil {
		return fmt.Errorf("store: set invoices from: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}

// SetArchiveAction sets what a sync does in Exact when a linked Odoo partner is archived.
func (s *Store) SetArchiveAction(ctx context.Context, id int64, action string) error {
	if !ValidArchiveAction(action) {
		return fmt.Errorf("store: archive action %q is not %s or %s", action, ArchiveBlock, ArchiveIgnore)
	}
	tag, err := s.pool.Exec(ctx, `UPDATE connections SET archive_action = $2, updated_at = now() WHERE id = $1`, id, action)
	if err != nil {
		return fmt.Errorf("store: set archive action: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}

// SetPaused pauses (with a reason) or resumes a connection.
func (s *Store) SetPaused(ctx context.Context, id int64, paused bool, reason string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE connections SET paused = $2, paused_reason = $3, updated_at = now() WHERE id = $1`, id, paused, reason)
	if err != nil {
		return fmt.Errorf("store: pause connection: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}

// ConnectionByWebhookSecret returns the connection whose webhook URL carries secret.
func (s *Store) ConnectionByWebhookSecret(ctx context.Context, secret string) (Connection, error) {
	if secret == "" {
		return Connection{}, ErrNotFound
	}
	return s.scanConnection(s.pool.QueryRow(ctx, `SELECT `+connectionColumns+` FROM connections WHERE webhook_secret = $1`, secret))
}

// MinWebhookSecretLen is the shortest webhook secret ReplaceWebhookSecret accepts (`starter connect odoo` and
// `starter odoo install-webhooks --rotate-secret` make 48 hex digits).
const MinWebhookSecretLen = 32

// ReplaceWebhookSecret gives a connection a new webhook secret. The old one stops authenticating at once:
// ConnectionByWebhookSecret no longer finds it.
func (s *Store) ReplaceWebhookSecret(ctx context.Context, id int64, secret string) error {
	if len(secret) < MinWebhookSecretLen || strings.TrimSpace(secret) != secret {
		return fmt.Errorf("store: a webhook secret needs at least %d characters and no spaces", MinWebhookSecretLen)
	}
	tag, err := s.pool.Exec(ctx, `UPDATE connections SET webhook_secret = $2, updated_at = now() WHERE id = $1`, id, secret)
	if err != nil {
		return fmt.Errorf("store: replace webhook secret: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}
