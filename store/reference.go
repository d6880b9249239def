package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Kinds of cached Exact reference data.
const (
	RefJournal          = "journal"
	RefGLAccount        = "gl_account"
	RefVATCode          = "vat_code"
	RefPaymentCondition = "payment_condition"
	RefCurrency         = "currency"
	RefPeriod           = "period"
	RefCostCenter       = "cost_center"
	RefCostUnit         = "cost_unit"
	RefDocumentType     = "document_type"
)

// ReplaceReference stores the whole reference data of one kind (code → the record as JSON), replacing what was
// cached, and notes when.
func (s *Store) ReplaceReference(ctx context.Context, connectionID int64, kind string, rows map[string]json.RawMessage) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM exact_reference WHERE connection_id = $1 AND kind = $2`, connectionID, kind); err != nil {
			return fmt.Errorf("store: replace %s reference: %w", kind, err)
		}
		for code, data := range rows {
			if _, err := tx.Exec(ctx, `INSERT INTO exact_reference (connection_id, kind, code, data) VALUES ($1, $2, $3, $4)`,
				connectionID, kind, code, data); err != nil {
				return fmt.Errorf("store: replace %s reference %q: %w", kind, code, err)
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO exact_reference_refreshed (connection_id, kind) VALUES ($1, $2)
			ON CONFLICT (connection_id, kind) DO UPDATE SET refreshed_at = now()`, connectionID, kind)
		if err != nil {
			return fmt.Errorf("store: replace %s reference: %w", kind, err)
		}
		return nil
	})
}

// Reference returns the cached reference data of one kind and when it was refreshed; ErrNotFound when it never was.
func (s *Store) Reference(ctx context.Context, connectionID int64, kind string) (map[string]json.RawMessage, time.Time, error) {
	var at time.Time
	err := s.pool.QueryRow(ctx, `SELECT refreshed_at FROM exact_reference_refreshed WHERE connection_id = $1 AND kind = $2`,
		connectionID, kind).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, at, ErrNotFound
	}
	if err != nil {
		return nil, at, fmt.Errorf("store: read %s reference: %w", kind, err)
	}
	rows, err := s.pool.Query(ctx, `SELECT code, data FROM exact_reference WHERE connection_id = $1 AND kind = $2`, connectionID, kind)
	if err != nil {
		return nil, at, fmt.Errorf("store: read %s reference: %w", kind, err)
	}
	defer rows.Close()
	out := map[string]json.RawMessage{}
	for rows.Next() {
		var code string
		var data json.RawMessage
		if err := rows.Scan(&code, &data); err != nil {
			return nil, at, fmt.Errorf("store: read %s reference: %w", kind, err)
		}
		out[code] = data
	}
	return out, at, rows.Err()
}
