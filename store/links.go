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
	ExactEntity  string
	ExactID      string
	ExactCode    string
	PayloadHash  string
	Payload      json.RawMessage
}

// Link returns the link of an Odoo record, or ErrNotFound.
func (s *Store) Link(ctx context.Context, connectionID int64, odooModel string, odooID int64) (Link, error) {
	l := Link{ConnectionID: connectionID, OdooModel: odooModel, OdooID: odooID}
	err := s.pool.QueryRow(ctx, `SELECT exact_entity, exact_id, exact_code, payload_hash, payload FROM links
		WHERE connection_id = $1 AND odoo_model = $2 AND odoo_id = $3`, connectionID, odooModel, odooID).
		Scan(&l.ExactEntity, &l.ExactID, &l.ExactCode, &l.PayloadHash, &l.Payload)
	if errors.Is(err, pgx.ErrNoRows) {
		return l, ErrNotFound
	}
	if err != nil {
		return l, fmt.Errorf("store: read link: %w", err)
	}
	return l, nil
}

// LinkByExact returns the link to an Exact entity, or ErrNotFound.
func (s *Store) LinkByExact(ctx context.Context, connectionID int64, exactEntity, exactID string) (Link, error) {
	l := Link{ConnectionID: connectionID, ExactEntity: exactEntity, ExactID: exactID}
	err := s.pool.QueryRow(ctx, `SELECT odoo_model, odoo_id, exact_code, payload_hash, payload FROM links
		WHERE connection_id = $1 AND exact_entity = $2 AND exact_id = $3`, connectionID, exactEntity, exactID).
		Scan(&l.OdooModel, &l.OdooID, &l.ExactCode, &l.PayloadHash, &l.Payload)
	if errors.Is(err, pgx.ErrNoRows) {
		return l, ErrNotFound
	}
	if err != nil {
		return l, fmt.Errorf("store: read link: %w", err)
	}
	return l, nil
}

// SaveLink inserts or updates the link of an Odoo record.
func (s *Store) SaveLink(ctx context.Context, l Link) error {
	payload := l.Payload
	if len(payload) == 0 {
		payload = nil
	}
	_, err := s.pool.Exec(ctx, `
		INSERT INTO links (connection_id, odoo_model, odoo_id, exact_entity, exact_id, exact_code, payload_hash, payload)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (connection_id, odoo_model, odoo_id) DO UPDATE SET exact_entity = EXCLUDED.exact_entity,
			exact_id = EXCLUDED.exact_id, exact_code = EXCLUDED.exact_code, payload_hash = EXCLUDED.payload_hash,
			payload = EXCLUDED.payload, updated_at = now()`,
		l.ConnectionID, l.OdooModel, l.OdooID, l.ExactEntity, l.ExactID, l.ExactCode, l.PayloadHash, payload)
	if err != nil {
		return fmt.Errorf("store: save link %s/%d: %w", l.OdooModel, l.OdooID, err)
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

// CountLinks counts the links of one Odoo model in a connection.
func (s *Store) CountLinks(ctx context.Context, connectionID int64, odooModel string) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM links WHERE connection_id = $1 AND odoo_model = $2`, connectionID, odooModel).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count links: %w", err)
	}
	return n, nil
}

// Forget deletes what a connection has synced (links, the account mirror, cursors), keeping the connection,
// its tokens and mappings. The next sync matches every record again (VAT number, Chamber of Commerce number,
// code) instead of trusting links to records that may no longer exist, e.g. after a division was restored.
func (s *Store) Forget(ctx context.Context, connectionID int64) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, table := range []string{"links", "exact_accounts", "cursors"} {
			if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE connection_id = $1`, connectionID); err != nil {
				return fmt.Errorf("store: forget %s: %w", table, err)
			}
		}
		return nil
	})
}
