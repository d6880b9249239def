package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
)

// Term is a mirrored Exact payment term: its JSON as Exact sent it, and whether sync/Deleted listed it.
type Term struct {
	ID        string
	AccountID string
	EntryID   string // TransactionEntryID: the entry it belongs to
	Timestamp int64
	Deleted   bool
	Data      json.RawMessage
}

// SaveTerms stores terms read from sync/Cashflow/PaymentTerms; a row older than the mirrored one is ignored.
func (s *Store) SaveTerms(ctx context.Context, connectionID int64, terms []Term) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, t := range terms {
			if _, err := tx.Exec(ctx, `
				INSERT INTO exact_terms (connection_id, term_id, account_id, entry_id, ts, deleted, data) VALUES ($1, $2, $3, $4, $5, false, $6)
				ON CONFLICT (connection_id, term_id) DO UPDATE SET account_id = EXCLUDED.account_id, entry_id = EXCLUDED.entry_id,
					ts = EXCLUDED.ts, data = EXCLUDED.data, deleted = false
				WHERE exact_terms.ts <= EXCLUDED.ts AND NOT exact_terms.deleted`,
				connectionID, t.ID, t.AccountID, t.EntryID, t.Timestamp, t.Data); err != nil {
				return fmt.Errorf("store: save term %s: %w", t.ID, err)
			}
		}
		return nil
	})
}

// DeleteTerms marks terms deleted (sync/Deleted); it returns the mirrored ones, so the caller knows their entries.
func (s *Store) DeleteTerms(ctx context.Context, connectionID int64, ids []string) ([]Term, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `
		INSERT INTO exact_terms (connection_id, term_id, deleted) SELECT $1, unnest($2::text[]), true
		ON CONFLICT (connection_id, term_id) DO UPDATE SET deleted = true
		RETURNING term_id, account_id, entry_id, ts, deleted, data`, connectionID, ids)
	if err != nil {
		return nil, fmt.Errorf("store: delete terms: %w", err)
	}
	return scanTerms(rows)
}

// TermsOfAccounts returns the mirrored terms (deleted ones too) of the given Exact accounts.
func (s *Store) TermsOfAccounts(ctx context.Context, connectionID int64, accountIDs []string) ([]Term, error) {
	rows, err := s.pool.Query(ctx, `SELECT term_id, account_id, entry_id, ts, deleted, data FROM exact_terms
		WHERE connection_id = $1 AND account_id = ANY($2) ORDER BY term_id`, connectionID, accountIDs)
	if err != nil {
		return nil, fmt.Errorf("store: read terms: %w", err)
	}
	return scanTerms(rows)
}

func scanTerms(rows pgx.Rows) ([]Term, error) {
	defer rows.Close()
	var out []Term
	for rows.Next() {
		var t Term
		if err := rows.Scan(&t.ID, &t.AccountID, &t.EntryID, &t.Timestamp, &t.Deleted, &t.Data); err != nil {
			return nil, fmt.Errorf("store: read terms: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Kinds and states of what the connector did in Odoo for Exact's payments (OdooPayment).
const (
	PaymentKindPayment   = "payment"
	PaymentKindReconcile = "reconcile"
	PaymentPending       = "pending"
	PaymentDone          = "done"
	PaymentCancelled     = "cancelled"
)

// OdooPayment is a payment the connector registered in Odoo for an Exact term, or a credit note it reconciled.
type OdooPayment struct {
	Kind      string
	Key       string
	MoveID    int64
	PaymentID int64
	Amount    decimal.Decimal
	Memo      string
	State     string
}

// SaveOdooPayment inserts or replaces the record of one payment or reconciliation.
func (s *Store) SaveOdooPayment(ctx context.Context, connectionID int64, p OdooPayment) error {
	_, err := s.pool.Exec(ctx, `
		INSERT INTO odoo_payments (connection_id, kind, key, move_id, payment_id, amount, memo, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (connection_id, kind, key, move_id) DO UPDATE SET payment_id = EXCLUDED.payment_id, amount = EXCLUDED.amount,
			memo = EXCLUDED.memo, state = EXCLUDED.state, updated_at = now()`,
		connectionID, p.Kind, p.Key, p.MoveID, p.PaymentID, p.Amount, p.Memo, p.State)
	if err != nil {
		return fmt.Errorf("store: save odoo payment %s %s: %w", p.Kind, p.Key, err)
	}
	return nil
}

// OdooPayments lists what the connector did in Odoo for the payments of one invoice or bill.
func (s *Store) OdooPayments(ctx context.Context, connectionID, moveID int64) ([]OdooPayment, error) {
	rows, err := s.pool.Query(ctx, `SELECT kind, key, move_id, payment_id, amount, memo, state FROM odoo_payments
		WHERE connection_id = $1 AND move_id = $2 ORDER BY kind, key`, connectionID, moveID)
	if err != nil {
		return nil, fmt.Errorf("store: read odoo payments: %w", err)
	}
	defer rows.Close()
	var out []OdooPayment
	for rows.Next() {
		var p OdooPayment
		if err := rows.Scan(&p.Kind, &p.Key, &p.MoveID, &p.PaymentID, &p.Amount, &p.Memo, &p.State); err != nil {
			return nil, fmt.Errorf("store: read odoo payments: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// OdooPaymentOf returns the record of one payment or reconciliation, or ErrNotFound.
func (s *Store) OdooPaymentOf(ctx context.Context, connectionID int64, kind, key string, moveID int64) (OdooPayment, error) {
	p := OdooPayment{Kind: kind, Key: key, MoveID: moveID}
	err := s.pool.QueryRow(ctx, `SELECT payment_id, amount, memo, state FROM odoo_payments
		WHERE connection_id = $1 AND kind = $2 AND key = $3 AND move_id = $4`, connectionID, kind, key, moveID).
		Scan(&p.PaymentID, &p.Amount, &p.Memo, &p.State)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("store: read odoo payment: %w", err)
	}
	return p, nil
}
