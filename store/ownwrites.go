package store

import (
	"context"
	"fmt"
	"time"
)

// The connector's write-backs are keyed by Odoo database (URL without a trailing slash, and database name), so
// every connection on that database knows them: write_date is not company dependent, and a write by one
// connection shows in the change feeds of all.

// odooDatabaseOf selects the Odoo database key of connection $1.
const odooDatabaseOf = `SELECT rtrim(odoo_url, '/') AS odoo_url, odoo_database FROM connections WHERE id = $1`

// SaveOwnWrite records the write_date Odoo reports for a record right after a connection wrote to it, and the
// write_date it had just before. If that was the connector's previous write, the record's basis (the last change
// not made by the connector) is kept; otherwise before becomes the basis.
func (s *Store) SaveOwnWrite(ctx context.Context, connectionID int64, odooModel string, odooID int64, writeDate, before time.Time) error {
	tag, err := s.pool.Exec(ctx, `INSERT INTO odoo_write_backs (odoo_url, odoo_database, odoo_model, odoo_id, write_date, basis)
		SELECT c.odoo_url, c.odoo_database, $2, $3, $4, $5 FROM (`+odooDatabaseOf+`) c
		ON CONFLICT (odoo_url, odoo_database, odoo_model, odoo_id) DO UPDATE SET
			basis = CASE WHEN odoo_write_backs.write_date = $5 THEN odoo_write_backs.basis ELSE EXCLUDED.basis END,
			write_date = EXCLUDED.write_date`,
		connectionID, odooModel, odooID, writeDate.UTC(), before.UTC())
	if err != nil {
		return fmt.Errorf("store: save own write %s/%d: %w", odooModel, odooID, err)
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("store: save own write %s/%d: connection %d: %w", odooModel, odooID, connectionID, ErrNotFound)
	}
	return nil
}

// SaveSeen records the write_date of a record as the connection's sync read it (it only moves forward). settled
// says the read came after Odoo's clock had left that write_date's second, so the state read is that
// write_date's final one (SettledSeen).
func (s *Store) SaveSeen(ctx context.Context, connectionID int64, odooModel string, odooID int64, writeDate time.Time, settled bool) error {
	var final *time.Time
	if settled {
		w := writeDate.UTC()
		final = &w
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO odoo_seen (connection_id, odoo_model, odoo_id, write_date, settled) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (connection_id, odoo_model, odoo_id) DO UPDATE SET write_date = GREATEST(odoo_seen.write_date, EXCLUDED.write_date),
			settled = GREATEST(odoo_seen.settled, EXCLUDED.settled)`,
		connectionID, odooModel, odooID, writeDate.UTC(), final)
	if err != nil {
		return fmt.Errorf("store: save seen %s/%d: %w", odooModel, odooID, err)
	}
	return nil
}

// SettledSeen returns, for those of ids a sync of the connection read after their write_date's second was over,
// the latest such write_date: a change feed that finds a record at exactly that write_date has nothing new.
func (s *Store) SettledSeen(ctx context.Context, connectionID int64, odooModel string, ids []int64) (map[int64]time.Time, error) {
	out := map[int64]time.Time{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT odoo_id, settled FROM odoo_seen
		WHERE connection_id = $1 AND odoo_model = $2 AND odoo_id = ANY($3) AND settled IS NOT NULL`, connectionID, odooModel, ids)
	if err != nil {
		return nil, fmt.Errorf("store: read settled seen: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var at time.Time
		if err := rows.Scan(&id, &at); err != nil {
			return nil, fmt.Errorf("store: read settled seen: %w", err)
		}
		out[id] = at.UTC()
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read settled seen: %w", err)
	}
	return out, nil
}

// OwnWrite is the connector's last write-back to an Odoo record, by any connection on its Odoo database.
type OwnWrite struct {
	WriteDate time.Time // what Odoo gave the record right after the write
	Basis     time.Time // the last write_date before it not made by the connector; zero: not known (older rows)
	Seen      time.Time // the write_date the asking connection's sync last read; zero: never
}

// OwnWrites returns, for those of ids the connector wrote to (through any connection on the same Odoo
// database), its last write-back, with what the asking connection has seen of the record.
func (s *Store) OwnWrites(ctx context.Context, connectionID int64, odooModel string, ids []int64) (map[int64]OwnWrite, error) {
	out := map[int64]OwnWrite{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT w.odoo_id, w.write_date, w.basis, r.write_date
		FROM (`+odooDatabaseOf+`) c
		JOIN odoo_write_backs w ON w.odoo_url = c.odoo_url AND w.odoo_database = c.odoo_database
		LEFT JOIN odoo_seen r ON r.connection_id = $1 AND r.odoo_model = w.odoo_model AND r.odoo_id = w.odoo_id
		WHERE w.odoo_model = $2 AND w.odoo_id = ANY($3)`, connectionID, odooModel, ids)
	if err != nil {
		return nil, fmt.Errorf("store: read own writes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var w OwnWrite
		var basis, seen *time.Time
		if err := rows.Scan(&id, &w.WriteDate, &basis, &seen); err != nil {
			return nil, fmt.Errorf("store: read own writes: %w", err)
		}
		w.WriteDate = w.WriteDate.UTC()
		if basis != nil {
			w.Basis = basis.UTC()
		}
		if seen != nil {
			w.Seen = seen.UTC()
		}
		out[id] = w
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read own writes: %w", err)
	}
	return out, nil
}

// WriteBackOwner returns the connection that writes back into fields all companies of its Odoo database share
// (Odoo 17 cannot make a custom field company dependent): the oldest connection on that database.
func (s *Store) WriteBackOwner(ctx context.Context, connectionID int64) (int64, error) {
	var id *int64
	err := s.pool.QueryRow(ctx, `SELECT min(o.id) FROM (`+odooDatabaseOf+`) c
		JOIN connections o ON rtrim(o.odoo_url, '/') = c.odoo_url AND o.odoo_database = c.odoo_database`, connectionID).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: write-back owner of connection %d: %w", connectionID, err)
	}
	if id == nil {
		return 0, fmt.Errorf("store: write-back owner of connection %d: %w", connectionID, ErrNotFound)
	}
	return *id, nil
}
