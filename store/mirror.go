package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// MirrorAccount is the slim copy of an Exact account used for matching. Code is kept trimmed; VATNumber
// normalised (see NormalizeVAT).
type MirrorAccount struct {
	ID                string
	Code              string
	Name              string
	VATNumber         string
	ChamberOfCommerce string
	Timestamp         int64
}

// NormalizeVAT upper-cases a VAT number and drops spaces, dots and dashes, so "nl 1234.56.789.B01" matches.
func NormalizeVAT(v string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '.', '-', '\t':
			return -1
		}
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, v)
}

// CleanText makes text that comes from Odoo or Exact safe to store in PostgreSQL and to send on: invalid UTF-8
// becomes U+FFFD, line breaks and tabs become a space, NUL and every other control character is dropped, and the
// result is trimmed. PostgreSQL refuses a NUL in text ("invalid byte sequence") and in jsonb ("unsupported
// Unicode escape sequence"); Odoo's JSON-2 API and Exact's OData both carry one as \u0000.
func CleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == '\u0085' || r == '\u2028' || r == '\u2029':
			return ' '
		case unicode.IsControl(r) || r == '\uFEFF':
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// Clean returns the account as the mirror keeps it: every text cleaned (CleanText), the VAT number normalised.
// Every row that goes into the mirror passes here, whatever Exact sent.
func (a MirrorAccount) Clean() MirrorAccount {
	a.ID = CleanText(a.ID)
	a.Code = CleanText(a.Code)
	a.Name = CleanText(a.Name)
	a.VATNumber = NormalizeVAT(CleanText(a.VATNumber))
	a.ChamberOfCommerce = CleanText(a.ChamberOfCommerce)
	return a
}

const mirrorCursor = "exact.crm.accounts.timestamp"

// SaveMirrorAccount records one account in the mirror (after creating or linking it).
func (s *Store) SaveMirrorAccount(ctx context.Context, connectionID int64, a MirrorAccount) error {
	return saveMirror(ctx, s.pool, connectionID, a)
}

// execer is a pool or a transaction.
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

func saveMirror(ctx context.Context, db execer, connectionID int64, a MirrorAccount) error {
	a = a.Clean()
	_, err := db.Exec(ctx, `
		INSERT INTO exact_accounts (connection_id, id, code, name, vat_number, chamber_of_commerce, sync_timestamp)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (connection_id, id) DO UPDATE SET code = EXCLUDED.code, name = EXCLUDED.name,
			vat_number = EXCLUDED.vat_number, chamber_of_commerce = EXCLUDED.chamber_of_commerce,
			sync_timestamp = GREATEST(exact_accounts.sync_timestamp, EXCLUDED.sync_timestamp)`,
		connectionID, a.ID, a.Code, a.Name, a.VATNumber, a.ChamberOfCommerce, a.Timestamp)
	if err != nil {
		return fmt.Errorf("store: save mirrored account: %w", err)
	}
	return nil
}

// RefreshMirror brings the account mirror up to date unless it was refreshed less than maxAge ago.
// Concurrent callers queue on the cursor row, and the ones after the first find it fresh: one Exact call
// serves them all. fetch gets the stored Timestamp cursor (1 the first time) and returns the changed accounts.
func (s *Store) RefreshMirror(ctx context.Context, connectionID int64, maxAge time.Duration,
	fetch func(since int64) ([]MirrorAccount, error)) (refreshed bool, err error) {
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO cursors (connection_id, name, value, updated_at) VALUES ($1, $2, '1', '-infinity')
			ON CONFLICT DO NOTHING`, connectionID, mirrorCursor); err != nil {
			return err
		}
		var value string
		var fresh bool
		if err := tx.QueryRow(ctx, `SELECT value, updated_at > now() - make_interval(secs => $3) FROM cursors
			WHERE connection_id = $1 AND name = $2 FOR UPDATE`, connectionID, mirrorCursor, maxAge.Seconds()).Scan(&value, &fresh); err != nil {
			return err
		}
		if fresh {
			return nil
		}
		since, err := strconv.ParseInt(value, 10, 64)
		if err != nil || since < 1 {
			since = 1
		}
		rows, err := fetch(since)
		if err != nil {
			return err
		}
		next := since
		for _, a := range rows {
			if err := saveMirror(ctx, tx, connectionID, a); err != nil {
				return err
			}
			next = max(next, a.Timestamp)
		}
		if _, err := tx.Exec(ctx, `UPDATE cursors SET value = $3, updated_at = now() WHERE connection_id = $1 AND name = $2`,
			connectionID, mirrorCursor, strconv.FormatInt(next, 10)); err != nil {
			return err
		}
		refreshed = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: refresh account mirror: %w", err)
	}
	return refreshed, nil
}

// MatchAccount finds a mirrored Exact account by VAT number, then Chamber of Commerce number, then code
// (each only when given), in that order. Codes compare as Exact compares them: trimmed and case-insensitive.
// It returns ErrNotFound when none matches.
func (s *Store) MatchAccount(ctx context.Context, connectionID int64, vat, coc, code string) (MirrorAccount, string, error) {
	tries := []struct{ by, where, value string }{
		{"vat", "vat_number = $2", NormalizeVAT(CleanText(vat))},
		{"chamber_of_commerce", "chamber_of_commerce = $2", CleanText(coc)},
		{"code", "lower(code) = lower($2)", CleanText(code)},
	}
	for _, t := range tries {
		if t.value == "" {
			continue
		}
		var a MirrorAccount
		err := s.pool.QueryRow(ctx, `SELECT id, code, name, vat_number, chamber_of_commerce, sync_timestamp FROM exact_accounts
			WHERE connection_id = $1 AND `+t.where+` ORDER BY sync_timestamp LIMIT 1`, connectionID, t.value).
			Scan(&a.ID, &a.Code, &a.Name, &a.VATNumber, &a.ChamberOfCommerce, &a.Timestamp)
		if errors.Is(err, pgx.ErrNoRows) {
			continue
		}
		if err != nil {
			return a, "", fmt.Errorf("store: match account: %w", err)
		}
		return a, t.by, nil
	}
	return MirrorAccount{}, "", ErrNotFound
}
