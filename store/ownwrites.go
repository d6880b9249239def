package store

import (
	"context"
	"fmt"
	"time"
)

// SaveOwnWrite records the write_date Odoo reports for a record right after the connector wrote to it.
func (s *Store) SaveOwnWrite(ctx context.Context, connectionID int64, odooModel string, odooID int64, writeDate time.Time) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO odoo_own_writes (connection_id, odoo_model, odoo_id, write_date)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (connection_id, odoo_model, odoo_id) DO UPDATE SET write_date = EXCLUDED.write_date`,
		connectionID, odooModel, odooID, writeDate.UTC())
	if err != nil {
		return fmt.Errorf("store: save own write %s/%d: %w", odooModel, odooID, err)
	}
	return nil
}

// OwnWrites returns, for those of ids the connector wrote to, the write_date recorded after its last write.
func (s *Store) OwnWrites(ctx context.Context, connectionID int64, odooModel string, ids []int64) (map[int64]time.Time, error) {
	out := map[int64]time.Time{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT odoo_id, write_date FROM odoo_own_writes
		WHERE connection_id = $1 AND odoo_model = $2 AND odoo_id = ANY($3)`, connectionID, odooModel, ids)
	if err != nil {
		return nil, fmt.Errorf("store: read own writes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var at time.Time
		if err := rows.Scan(&id, &at); err != nil {
			return nil, fmt.Errorf("store: read own writes: %w", err)
		}
		out[id] = at.UTC()
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read own writes: %w", err)
	}
	return out, nil
}
