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

const (
	mirrorCursor  = "exact.crm.accounts.timestamp"
	deletedCursor = "exact.deleted.accounts.timestamp"
)

// DeletedAccount is an account Exact reports deleted (sync/Deleted, EntityType 2): EntityKey and Timestamp.
type DeletedAccount struct {
	ID        string
	Timestamp int64
}

// MirrorFeed reads Exact's changes for RefreshMirror. Each function gets its own stored Timestamp cursor (1 the
// first time) and returns what changed after it. Deleted also returns its next cursor: the highest Timestamp it
// read, deletions of other entities included. Deleted may be nil.
type MirrorFeed struct {
	Accounts func(since int64) ([]MirrorAccount, error)
	Deleted  func(since int64) (gone []DeletedAccount, next int64, err error)
}

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

// RefreshMirror brings the account mirror up to date unless it was refreshed less than maxAge ago: the accounts
// changed since the accounts cursor, then the deletions since the deletions cursor (so an account changed and
// then deleted in between ends deleted). Concurrent callers queue on the cursor row, and the ones after the
// first find it fresh: one round of Exact calls serves them all.
func (s *Store) RefreshMirror(ctx context.Context, connectionID int64, maxAge time.Duration, feed MirrorFeed) (refreshed bool, err error) {
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, name := range []string{mirrorCursor, deletedCursor} {
			if _, err := tx.Exec(ctx, `INSERT INTO cursors (connection_id, name, value, updated_at) VALUES ($1, $2, '1', '-infinity')
				ON CONFLICT DO NOTHING`, connectionID, name); err != nil {
				return err
			}
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
		rows, err := feed.Accounts(parseCursor(value))
		if err != nil {
			return err
		}
		next := parseCursor(value)
		for _, a := range rows {
			if err := saveMirror(ctx, tx, connectionID, a); err != nil {
				return err
			}
			next = max(next, a.Timestamp)
		}
		if err := setCursor(ctx, tx, connectionID, mirrorCursor, next); err != nil {
			return err
		}
		if feed.Deleted != nil {
			if err := tx.QueryRow(ctx, `SELECT value FROM cursors WHERE connection_id = $1 AND name = $2 FOR UPDATE`,
				connectionID, deletedCursor).Scan(&value); err != nil {
				return err
			}
			gone, next, err := feed.Deleted(parseCursor(value))
			if err != nil {
				return err
			}
			next = max(next, parseCursor(value))
			for _, d := range gone {
				if err := markDeleted(ctx, tx, connectionID, d); err != nil {
					return err
				}
				next = max(next, d.Timestamp)
			}
			if err := setCursor(ctx, tx, connectionID, deletedCursor, next); err != nil {
				return err
			}
		}
		refreshed = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: refresh account mirror: %w", err)
	}
	return refreshed, nil
}

// parseCursor reads a stored Timestamp cursor; Exact's sync APIs start at 1.
func parseCursor(value string) int64 {
	since, err := strconv.ParseInt(value, 10, 64)
	if err != nil || since < 1 {
		return 1
	}
	return since
}

func setCursor(ctx context.Context, db execer, connectionID int64, name string, value int64) error {
	_, err := db.Exec(ctx, `UPDATE cursors SET value = $3, updated_at = now() WHERE connection_id = $1 AND name = $2`,
		connectionID, name, strconv.FormatInt(value, 10))
	return err
}

// markDeleted keeps a deleted account as a tombstone (an account created and deleted between two refreshes too):
// an Exact ID is a GUID, never given again, so a tombstone stays one.
func markDeleted(ctx context.Context, db execer, connectionID int64, d DeletedAccount) error {
	id := CleanText(d.ID)
	if id == "" {
		return nil
	}
	_, err := db.Exec(ctx, `
		INSERT INTO exact_accounts (connection_id, id, sync_timestamp, deleted) VALUES ($1, $2, $3, true)
		ON CONFLICT (connection_id, id) DO UPDATE SET deleted = true,
			sync_timestamp = GREATEST(exact_accounts.sync_timestamp, EXCLUDED.sync_timestamp)`,
		connectionID, id, d.Timestamp)
	if err != nil {
		return fmt.Errorf("store: mark mirrored account deleted: %w", err)
	}
	return nil
}

// MarkMirrorDeleted records in the mirror that Exact no longer has the account (it answered 404), before
// sync/Deleted reports it.
func (s *Store) MarkMirrorDeleted(ctx context.Context, connectionID int64, id string) error {
	return markDeleted(ctx, s.pool, connectionID, DeletedAccount{ID: id})
}

// MirrorDeleted tells whether the mirror knows the account as deleted in Exact (as of its last refresh). An
// account the mirror does not know is not reported deleted.
func (s *Store) MirrorDeleted(ctx context.Context, connectionID int64, id string) (bool, error) {
	var deleted bool
	err := s.pool.QueryRow(ctx, `SELECT deleted FROM exact_accounts WHERE connection_id = $1 AND id = $2`, connectionID, CleanText(id)).Scan(&deleted)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: read mirrored account: %w", err)
	}
	return deleted, nil
}

// MatchAccount finds a mirrored Exact account by VAT number, then Chamber of Commerce number, then code
// (each only when given), in that order, never one Exact has deleted. Codes compare as Exact compares them: trimmed and case-insensitive.
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
			WHERE connection_id = $1 AND NOT deleted AND `+t.where+` ORDER BY sync_timestamp LIMIT 1`, connectionID, t.value).
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
