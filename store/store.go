// Package store keeps exactsync's state in PostgreSQL through a pgx/v5 pool: connections (with encrypted
// secrets), Exact OAuth tokens, links between Odoo records and Exact entities, mappings and cursors.
//
// The schema is versioned SQL migrations (migrations/NNNN_name.sql, each with a `-- +goose Up` annotation)
// that Open applies with github.com/pressly/goose/v3, through pgx's database/sql driver. Each migration runs
// in its own transaction and is recorded in goose's table goose_db_version; the migrations run under a
// PostgreSQL session advisory lock, so several processes (worker, starter, tests) may start at once and each
// migration is applied once. A migration not yet recorded is applied even when a later one already is, as the
// runner before goose did.
//
// Databases made by that earlier runner recorded their versions in schema_migrations. The first Open with
// goose copies those versions into goose_db_version, under the same lock, so nothing is applied twice; the
// old table is left as it was, no longer written.
//
// The store knows nothing of Temporal.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("store: not found")

// migrationLock is the advisory lock key that serialises migrations across processes. The runner before goose
// took the same key, so an older binary starting beside a newer one waits for it too.
const migrationLock = 0x65786163 // "exac"

// versionTable is goose's record of applied migrations, one row per version (version 0 marks its creation).
const versionTable = goose.DefaultTablename

// legacyVersionTable is where the runner before goose recorded the versions it applied.
const legacyVersionTable = "schema_migrations"

// Store is the PostgreSQL-backed state of exactsync.
type Store struct {
	pool   *pgxpool.Pool
	sealer *Sealer
}

// Open connects to databaseURL, applies pending migrations and returns the store. key is the 32-byte
// secret-encryption key (see ParseKey).
func Open(ctx context.Context, databaseURL string, key []byte) (*Store, error) {
	sealer, err := NewSealer(key)
	if err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("store: parse database URL: %w", redactURLError(err))
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: connect to %s: %w", cfg.ConnConfig.Host, err)
	}
	if err := migrate(ctx, cfg.ConnConfig); err != nil {
		pool.Close()
		return nil, err
	}
	return &Store{pool: pool, sealer: sealer}, nil
}

// Close releases the pool.
func (s *Store) Close() { s.pool.Close() }

// Pool exposes the underlying pool for health checks.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// migrate applies the pending migrations over a database/sql handle of its own, closed when done, so a
// session lock can never stay behind on a connection of the store's pool.
func migrate(ctx context.Context, cc *pgx.ConnConfig) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	db := stdlib.OpenDB(*cc)
	defer db.Close()
	if err := adoptLegacyVersions(ctx, db); err != nil {
		return err
	}
	locker, err := newMigrationLocker()
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys,
		goose.WithSessionLocker(locker),
		goose.WithAllowOutofOrder(true),
		goose.WithDisableGlobalRegistry(true),
	)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

// newMigrationLocker returns goose's session advisory lock on migrationLock. Another process migrating holds
// it; this one asks again every second and gives up after 10 minutes. A locker counts its attempts across
// calls, so each use takes a new one.
func newMigrationLocker() (lock.SessionLocker, error) {
	l, err := lock.NewPostgresSessionLocker(lock.WithLockID(migrationLock), lock.WithLockTimeout(1, 600))
	if err != nil {
		return nil, fmt.Errorf("store: migration lock: %w", err)
	}
	return l, nil
}

// adoptLegacyVersions copies, once, the versions the runner before goose recorded in schema_migrations into
// a new goose_db_version, in one transaction under the migration lock. Without a schema_migrations table, or
// once goose_db_version exists, it does nothing and takes no lock.
func adoptLegacyVersions(ctx context.Context, db *sql.DB) (err error) {
	if adopt, err := mustAdopt(ctx, db); err != nil || !adopt {
		return err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: adopt schema_migrations: %w", err)
	}
	defer conn.Close()
	locker, err := newMigrationLocker()
	if err != nil {
		return err
	}
	if err := locker.SessionLock(ctx, conn); err != nil {
		return fmt.Errorf("store: adopt schema_migrations: %w", err)
	}
	defer func() {
		if uerr := locker.SessionUnlock(context.WithoutCancel(ctx), conn); uerr != nil && err == nil {
			err = fmt.Errorf("store: adopt schema_migrations: %w", uerr)
		}
	}()
	// Another process may have adopted them while this one waited for the lock.
	if adopt, err := mustAdopt(ctx, conn); err != nil || !adopt {
		return err
	}
	versions, err := database.NewStore(database.DialectPostgres, versionTable)
	if err != nil {
		return fmt.Errorf("store: adopt schema_migrations: %w", err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: adopt schema_migrations: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if err := versions.CreateVersionTable(ctx, tx); err != nil {
		return fmt.Errorf("store: adopt schema_migrations: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT version FROM `+legacyVersionTable+` ORDER BY version`)
	if err != nil {
		return fmt.Errorf("store: adopt schema_migrations: %w", err)
	}
	applied := []int64{0} // goose's own mark that the table was created
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return fmt.Errorf("store: adopt schema_migrations: %w", err)
		}
		applied = append(applied, v)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: adopt schema_migrations: %w", err)
	}
	for _, v := range applied {
		if err := versions.Insert(ctx, tx, database.InsertRequest{Version: v}); err != nil {
			return fmt.Errorf("store: adopt schema_migrations version %d: %w", v, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: adopt schema_migrations: %w", err)
	}
	return nil
}

// mustAdopt reports whether the database has the earlier runner's schema_migrations but no goose_db_version
// yet, both looked up in the current schema, where unqualified CREATE TABLE puts them.
func mustAdopt(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (bool, error) {
	var legacy, adopted bool
	err := q.QueryRowContext(ctx, `SELECT
		EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = $1),
		EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = $2)`,
		legacyVersionTable, versionTable).Scan(&legacy, &adopted)
	if err != nil {
		return false, fmt.Errorf("store: look for schema_migrations: %w", err)
	}
	return legacy && !adopted, nil
}

// redactURLError keeps a password in a malformed database URL out of error messages.
func redactURLError(err error) error {
	return errors.New(strings.SplitN(err.Error(), "://", 2)[0] + ": malformed database URL")
}
