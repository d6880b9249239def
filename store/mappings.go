package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Mapping kinds.
const (
	MapJournal     = "journal"      // Odoo account.journal -> Exact journal code
	MapTax         = "tax"          // Odoo account.tax -> Exact VAT code
	MapAccount     = "account"      // Odoo account.account -> Exact GL account code
	MapPaymentTerm = "payment_term" // Odoo account.payment.term -> Exact payment condition code
	MapAnalytic    = "analytic"     // Odoo account.analytic.account -> Exact cost centre (or "unit:<code>", a cost unit)
	MapBankJournal = "bank_journal" // Odoo bank/cash account.journal -> Exact bank or cash journal code
)

// Mapping maps one Odoo record of a kind to an Exact code.
type Mapping struct {
	Kind      string
	OdooID    int64
	OdooName  string
	ExactCode string
}

// SaveMapping inserts or replaces a mapping.
func (s *Store) SaveMapping(ctx context.Context, connectionID int64, m Mapping) error {
	_, err := s.pool.Exec(ctx, `
		INSERT INTO mappings (connection_id, kind, odoo_id, odoo_name, exact_code) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (connection_id, kind, odoo_id) DO UPDATE SET odoo_name = EXCLUDED.odoo_name,
			exact_code = EXCLUDED.exact_code, updated_at = now()`,
		connectionID, m.Kind, m.OdooID, m.OdooName, m.ExactCode)
	if err != nil {
		return fmt.Errorf("store: save %s mapping %d: %w", m.Kind, m.OdooID, err)
	}
	return nil
}

// Mapping returns the Exact code mapped to an Odoo record, or ErrNotFound.
func (s *Store) Mapping(ctx context.Context, connectionID int64, kind string, odooID int64) (Mapping, error) {
	m := Mapping{Kind: kind, OdooID: odooID}
	err := s.pool.QueryRow(ctx, `SELECT odoo_name, exact_code FROM mappings WHERE connection_id = $1 AND kind = $2 AND odoo_id = $3`,
		connectionID, kind, odooID).Scan(&m.OdooName, &m.ExactCode)
	if errors.Is(err, pgx.ErrNoRows) {
		return m, ErrNotFound
	}
	if err != nil {
		return m, fmt.Errorf("store: read mapping: %w", err)
	}
	return m, nil
}

// Mappings lists the mappings of a kind ("" for all), ordered by kind and Odoo id.
func (s *Store) Mappings(ctx context.Context, connectionID int64, kind string) ([]Mapping, error) {
	rows, err := s.pool.Query(ctx, `SELECT kind, odoo_id, odoo_name, exact_code FROM mappings
		WHERE connection_id = $1 AND ($2 = '' OR kind = $2) ORDER BY kind, odoo_id`, connectionID, kind)
	if err != nil {
		return nil, fmt.Errorf("store: list mappings: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Mapping, error) {
		var m Mapping
		err := r.Scan(&m.Kind, &m.OdooID, &m.OdooName, &m.ExactCode)
		return m, err
	})
}
