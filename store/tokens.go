package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// LoadToken returns the decrypted token bytes stored for a connection, or nil when none is stored.
func (s *Store) LoadToken(ctx context.Context, connectionID int64) ([]byte, error) {
	var sealed []byte
	err := s.pool.QueryRow(ctx, `SELECT token FROM exact_tokens WHERE connection_id = $1`, connectionID).Scan(&sealed)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: load token: %w", err)
	}
	return s.sealer.Open(sealed)
}

// UpdateToken holds the connection's token row locked (SELECT … FOR UPDATE) while fn runs, so that only one
// process at a time may refresh a rotating refresh token. fn receives the currently stored bytes (nil when none)
// and returns the bytes to store, or nil to leave them unchanged. The new value is committed before UpdateToken
// returns, so a caller uses a new token only after it was persisted.
func (s *Store) UpdateToken(ctx context.Context, connectionID int64, fn func(current []byte) ([]byte, error)) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO exact_tokens (connection_id) VALUES ($1) ON CONFLICT DO NOTHING`, connectionID); err != nil {
			return fmt.Errorf("store: token row: %w", err)
		}
		var sealed []byte
		if err := tx.QueryRow(ctx, `SELECT token FROM exact_tokens WHERE connection_id = $1 FOR UPDATE`, connectionID).Scan(&sealed); err != nil {
			return fmt.Errorf("store: lock token: %w", err)
		}
		current, err := s.sealer.Open(sealed)
		if err != nil {
			return err
		}
		next, err := fn(current)
		if err != nil {
			return err
		}
		if next == nil {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE exact_tokens SET token = $2, updated_at = now() WHERE connection_id = $1`,
			connectionID, s.sealer.Seal(next)); err != nil {
			return fmt.Errorf("store: save token: %w", err)
		}
		return nil
	})
}

// DeleteToken forgets a connection's token, e.g. after the user revoked consent.
func (s *Store) DeleteToken(ctx context.Context, connectionID int64) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM exact_tokens WHERE connection_id = $1`, connectionID)
	if err != nil {
		return fmt.Errorf("store: delete token: %w", err)
	}
	return nil
}
