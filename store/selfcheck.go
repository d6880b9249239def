package store

import (
	"context"
	"fmt"
	"time"
)

// SelfCheck records that worker reached the database under nonce and returns the stored row's time and the
// schema version (the highest migration goose recorded), read back from the database.
func (s *Store) SelfCheck(ctx context.Context, nonce, worker string) (time.Time, int, error) {
	var at time.Time
	var version int
	err := s.pool.QueryRow(ctx, `
		WITH ins AS (
			INSERT INTO selfchecks (nonce, worker) VALUES ($1, $2)
			ON CONFLICT (nonce) DO UPDATE SET worker = EXCLUDED.worker
			RETURNING checked_at)
		SELECT (SELECT checked_at FROM ins), (SELECT coalesce(max(version_id), 0) FROM goose_db_version WHERE is_applied)`, nonce, worker).Scan(&at, &version)
	if err != nil {
		return at, 0, fmt.Errorf("store: self-check: %w", err)
	}
	return at, version, nil
}
