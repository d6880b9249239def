package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Cursor returns the stored value of a named cursor, or "" when it was never set.
func (s *Store) Cursor(ctx context.Context, connectionID int64, name string) (string, error) {
	var v string
	err := s.pool.QueryRow(ctx, `SELECT value FROM cursors WHERE connection_id = $1 AND name = $2`, connectionID, name).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: read cursor %s: %w", name, err)
	}
	return v, nil
}

// SetCursor stores the value of a named cursor.
func (s *Store) SetCursor(ctx context.Context, connectionID int64, name, value string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO cursors (connection_id, name, value) VALUES ($1, $2, $3)
		ON CONFLICT (connection_id, name) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`, connectionID, name, value)
	if err != nil {
		return fmt.Errorf("store: save cursor %s: %w", name, err)
	}
	return nil
}
