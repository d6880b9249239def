package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Refusal is the payload Exact last refused for an Odoo record, and why.
type Refusal struct {
	PayloadHash string
	Message     string
	RefusedAt   time.Time
}

// SaveRefusal records that Exact refused the payload with this hash for the record.
func (s *Store) SaveRefusal(ctx context.Context, connectionID int64, odooModel string, odooID int64, payloadHash, message string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO exact_refusals (connection_id, odoo_model, odoo_id, payload_hash, message)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (connection_id, odoo_model, odoo_id) DO UPDATE SET payload_hash = EXCLUDED.payload_hash,
			message = EXCLUDED.message, refused_at = now()`,
		connectionID, odooModel, odooID, payloadHash, CleanText(message))
	if err != nil {
		return fmt.Errorf("store: save refusal %s/%d: %w", odooModel, odooID, err)
	}
	return nil
}

// Refusal returns the record's last refusal, or ErrNotFound.
func (s *Store) Refusal(ctx context.Context, connectionID int64, odooModel string, odooID int64) (Refusal, error) {
	var r Refusal
	err := s.pool.QueryRow(ctx, `SELECT payload_hash, message, refused_at FROM exact_refusals
		WHERE connection_id = $1 AND odoo_model = $2 AND odoo_id = $3`, connectionID, odooModel, odooID).
		Scan(&r.PayloadHash, &r.Message, &r.RefusedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("store: read refusal: %w", err)
	}
	return r, nil
}

// ClearRefusal forgets the record's refusal (Exact took its data).
func (s *Store) ClearRefusal(ctx context.Context, connectionID int64, odooModel string, odooID int64) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM exact_refusals WHERE connection_id = $1 AND odoo_model = $2 AND odoo_id = $3`,
		connectionID, odooModel, odooID)
	if err != nil {
		return fmt.Errorf("store: clear refusal: %w", err)
	}
	return nil
}
