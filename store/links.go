package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Link ties an Odoo record to the Exact entity it was synced to. PayloadHash is the hash of the last
// mapped payload sent, so an unchanged record costs no Exact call; Payload is that payload, so an update
// sends only the fields that changed.
type Link struct {
	ConnectionID int64
	OdooModel    string
	OdooID       int64
	// Role names the Exact object among those of one Odoo record ("" for a partner's account; "entry",
	// "document", "attachment" for an invoice's).
	Role string
	// Pending: the connector is creating the object (or an attempt that created it lost Exact's answer); Intent
	// holds the object's natural key, to look it up in Exact before creating it again. ExactID is empty.
	Pending     bool
	Intent      json.RawMessage
	ExactEntity string
	ExactID     string
	ExactCode   string
	PayloadHash string
	Payload     json.RawMessage
}

// Link returns the link of an Odoo record (role ""), or ErrNotFound.
func (s *Store) Link(ctx context.Context, connectionID int64, odooModel string, odooID int64) (Link, error) {
	return s.LinkRole(ctx, connectionID, odooModel, odooID, "")
}

const linkColumns = `connection_id, odoo_model, odoo_id, role, pending, intent, exact_entity, exact_id, exact_code, payload_hash, payload`

func scanLink(row pgx.Row) (Link, error) {
	var l Link
	err := row.Scan(&l.ConnectionID, &l.OdooModel, &l.OdooID, &l.Role, &l.Pending, &l.Intent, &l.ExactEntity, &l.ExactID, &l.ExactCode, &l.PayloadHash, &l.Payload)
	if errors.Is(err, pgx.ErrNoRows) {
		return l, ErrNotFound
	}
	if err != nil {
		return l, fmt.Errorf("store: read link: %w", err)
	}
	return l, nil
}

// LinkRole returns the link of one role of an Odoo record (pending or not), or ErrNotFound.
func (s *Store) LinkRole(ctx context.Context, connectionID int64, odooModel string, odooID int64, role string) (Link, error) {
	l, err := scanLink(s.pool.QueryRow(ctx, `SELECT `+linkColumns+` FROM links
		WHERE connection_id = $1 AND odoo_model = $2 AND odoo_id = $3 AND role = $4`, connectionID, odooModel, odooID, role))
	if errors.Is(err, ErrNotFound) {
		l = Link{ConnectionID: connectionID, OdooModel: odooModel, OdooID: odooID, Role: role}
	}
	return l, err
}

// LinksOf returns every link of an Odoo record, by role.
func (s *Store) LinksOf(ctx context.Context, connectionID int64, odooModel string, odooID int64) (map[string]Link, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+linkColumns+` FROM links WHERE connection_id = $1 AND odoo_model = $2 AND odoo_id = $3`,
		connectionID, odooModel, odooID)
	if err != nil {
		return nil, fmt.Errorf("store: read links: %w", err)
	}
	defer rows.Close()
	out := map[string]Link{}
	for rows.Next() {
		l, err := scanLink(rows)
		if err != nil {
			return nil, err
		}
		out[l.Role] = l
	}
	return out, rows.Err()
}

// LinkByExact returns the link to an Exact object, or ErrNotFound.
func (s *Store) LinkByExact(ctx context.Context, connectionID int64, exactEntity, exactID string) (Link, error) {
	return scanLink(s.pool.QueryRow(ctx, `SELECT `+linkColumns+` FROM links
		WHERE connection_id = $1 AND exact_entity = $2 AND exact_id = $3 AND exact_id <> ''`, connectionID, exactEntity, exactID))
}

// SaveLink inserts or replaces the link of one role of an Odoo record: a done link (ExactID set, Pending false),
// or a pending one that records the intent to create the object.
func (s *Store) SaveLink(ctx context.Context, l Link) error {
	payload, intent := l.Payload, l.Intent
	if len(payload) == 0 {
		payload = nil
	}
	if len(intent) == 0 {
		intent = nil
	}
	if l.Pending != (l.ExactID == "") {
		return fmt.Errorf("store: link %s/%d %q: a pending link has no Exact id, a done one has one", l.OdooModel, l.OdooID, l.Role)
	}
	_, err := s.pool.Exec(ctx, `
		INSERT INTO links (connection_id, odoo_model, odoo_id, role, pending, intent, exact_entity, exact_id, exact_code, payload_hash, payload)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (connection_id, odoo_model, odoo_id, role) DO UPDATE SET pending = EXCLUDED.pending, intent = EXCLUDED.intent,
			exact_entity = EXCLUDED.exact_entity, exact_id = EXCLUDED.exact_id, exact_code = EXCLUDED.exact_code,
			payload_hash = EXCLUDED.payload_hash, payload = EXCLUDED.payload, updated_at = now()`,
		l.ConnectionID, l.OdooModel, l.OdooID, l.Role, l.Pending, intent, l.ExactEntity, l.ExactID, l.ExactCode, l.PayloadHash, payload)
	if err != nil {
		return fmt.Errorf("store: save link %s/%d %q: %w", l.OdooModel, l.OdooID, l.Role, err)
	}
	return nil
}

// DeleteLink drops the link of one role of an Odoo record, if there is one.
func (s *Store) DeleteLink(ctx context.Context, connectionID int64, odooModel string, odooID int64, role string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM links WHERE connection_id = $1 AND odoo_model = $2 AND odoo_id = $3 AND role = $4`,
		connectionID, odooModel, odooID, role); err != nil {
		return fmt.Errorf("store: delete link %s/%d %q: %w", odooModel, odooID, role, err)
	}
	return nil
}

// DeleteLinks drops the links of the given Odoo records (those that exist), e.g. to a record Exact deleted.
func (s *Store) DeleteLinks(ctx context.Context, connectionID int64, odooModel string, odooIDs []int64) error {
	if len(odooIDs) == 0 {
		return nil
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM links WHERE connection_id = $1 AND odoo_model = $2 AND odoo_id = ANY($3)`,
		connectionID, odooModel, odooIDs); err != nil {
		return fmt.Errorf("store: delete links of %s: %w", odooModel, err)
	}
	return nil
}

// CountLinks counts the Odoo records of one model a connection has linked (role "", done).
func (s *Store) CountLinks(ctx context.Context, connectionID int64, odooModel string) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM links WHERE connection_id = $1 AND odoo_model = $2 AND role = '' AND NOT pending`, connectionID, odooModel).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count links: %w", err)
	}
	return n, nil
}

// Forget deletes what a connection has synced (partner links, the account mirror, cursors, cached reference
// data), keeping the connection, its tokens and mappings. The next sync matches every partner again (VAT number,
// Chamber of Commerce number, code) instead of trusting links to records that may no longer exist, e.g. after a
// division was restored. The links of the objects an invoice made (entry, document, attachment) become pending
// with their natural key, so the next sync looks each up in Exact before it creates one: forgetting never
// posts an invoice twice.
func (s *Store) Forget(ctx context.Context, connectionID int64) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM links WHERE connection_id = $1 AND (role = '' OR intent IS NULL)`, connectionID); err != nil {
			return fmt.Errorf("store: forget links: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE links SET pending = true, exact_id = '', exact_code = '', payload_hash = '', payload = NULL,
			updated_at = now() WHERE connection_id = $1`, connectionID); err != nil {
			return fmt.Errorf("store: forget links: %w", err)
		}
		for _, table := range []string{"exact_accounts", "cursors", "exact_reference", "exact_reference_refreshed", "exact_terms"} {
			if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE connection_id = $1`, connectionID); err != nil {
				return fmt.Errorf("store: forget %s: %w", table, err)
			}
		}
		return nil
	})
}

// RetireLinks renames the roles of an Odoo record's links to role@suffix (entry → entry@26700001), so the objects
// they name stay known (a reversed entry and its reversal) while the record gets new ones under the plain roles.
func (s *Store) RetireLinks(ctx context.Context, connectionID int64, odooModel string, odooID int64, roles []string, suffix string) error {
	for _, role := range roles {
		if _, err := s.pool.Exec(ctx, `UPDATE links SET role = role || '@' || $5, updated_at = now()
			WHERE connection_id = $1 AND odoo_model = $2 AND odoo_id = $3 AND role = $4`, connectionID, odooModel, odooID, role, suffix); err != nil {
			return fmt.Errorf("store: retire link %s/%d %q: %w", odooModel, odooID, role, err)
		}
	}
	return nil
}

// CountLinksRole counts the Odoo records of one model with a done link of the given role (e.g. moves with an entry).
func (s *Store) CountLinksRole(ctx context.Context, connectionID int64, odooModel, role string) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM links WHERE connection_id = $1 AND odoo_model = $2 AND role = $3 AND NOT pending`,
		connectionID, odooModel, role).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count links: %w", err)
	}
	return n, nil
}
