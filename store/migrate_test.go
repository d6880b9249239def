package store_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/exactsync/exactsync/internal/pgtest"
	"github.com/exactsync/exactsync/store"
)

// fileVersions lists the versions of the migration files, ascending.
func fileVersions(t *testing.T) []int64 {
	t.Helper()
	entries, err := os.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, e := range entries {
		num, _, _ := strings.Cut(e.Name(), "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			t.Fatalf("migration %q: %v", e.Name(), err)
		}
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// recordedVersions counts goose's rows per migration version (version 0 left out).
func recordedVersions(t *testing.T, conn *pgx.Conn) map[int64]int {
	t.Helper()
	rows, err := conn.Query(context.Background(),
		`SELECT version_id, count(*) FROM goose_db_version WHERE version_id > 0 AND is_applied GROUP BY version_id`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]int{}
	for rows.Next() {
		var v int64
		var n int
		if err := rows.Scan(&v, &n); err != nil {
			t.Fatal(err)
		}
		got[v] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

// checkEachVersionOnce fails unless every migration file is recorded exactly once.
func checkEachVersionOnce(t *testing.T, conn *pgx.Conn) {
	t.Helper()
	got := recordedVersions(t, conn)
	want := map[int64]int{}
	for _, v := range fileVersions(t) {
		want[v] = 1
	}
	if len(got) != len(want) {
		t.Errorf("recorded versions = %v, want each of %v once", got, fileVersions(t))
	}
	for v := range want {
		if got[v] != 1 {
			t.Errorf("version %d recorded %d times, want 1", v, got[v])
		}
	}
}

// openConcurrently opens n stores on url at once, as a worker, a starter and tests starting together would,
// and fails the test if any Open fails.
func openConcurrently(t *testing.T, url string, n int) {
	t.Helper()
	start := make(chan struct{})
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			s, err := store.Open(context.Background(), url, pgtest.Key())
			if err != nil {
				errs[i] = err
				return
			}
			s.Close()
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d: %v", i, err)
		}
	}
}

func TestMigrateConcurrentOpenOnFreshDatabase(t *testing.T) {
	url := pgtest.URL(t)
	openConcurrently(t, url, 5)
	conn := connect(t, url)
	checkEachVersionOnce(t, conn)
	var legacy bool
	if err := conn.QueryRow(context.Background(), `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&legacy); err != nil {
		t.Fatal(err)
	}
	if legacy {
		t.Error("a fresh database got a schema_migrations table, want goose_db_version alone")
	}
}

// legacyDatabase builds a database as the runner before goose left it after applying the named migration
// files: their schema, and schema_migrations listing them.
func legacyDatabase(t *testing.T, files ...string) string {
	t.Helper()
	url := pgtest.URL(t)
	conn := connect(t, url)
	ctx := context.Background()
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		body, err := os.ReadFile(filepath.Join("migrations", name))
		if err != nil {
			t.Fatal(err)
		}
		num, _, _ := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			t.Fatal(err)
		}
		err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, v, name)
			return err
		})
		if err != nil {
			t.Fatalf("legacy migration %s: %v", name, err)
		}
	}
	return url
}

func TestMigrateAdoptsLegacySchemaMigrations(t *testing.T) {
	ctx := context.Background()
	// A database the earlier runner made before 0003 existed, with data in it.
	url := legacyDatabase(t, "0001_init.sql", "0002_exact_accounts.sql")
	conn := connect(t, url)
	if _, err := conn.Exec(ctx, `INSERT INTO connections (name) VALUES ('kept')`); err != nil {
		t.Fatal(err)
	}

	// Several processes start at once on it; re-running 0001 or 0002 would fail (their tables exist).
	openConcurrently(t, url, 4)

	checkEachVersionOnce(t, conn)
	var ownWrites, kept bool
	var legacyRows int
	err := conn.QueryRow(ctx, `SELECT to_regclass('odoo_own_writes') IS NOT NULL,
		EXISTS (SELECT 1 FROM connections WHERE name = 'kept'), (SELECT count(*) FROM schema_migrations)`).
		Scan(&ownWrites, &kept, &legacyRows)
	if err != nil {
		t.Fatal(err)
	}
	if !ownWrites {
		t.Error("migration 0003 was not applied after adopting 0001 and 0002")
	}
	if !kept {
		t.Error("the connection stored before the upgrade is gone")
	}
	if legacyRows != 2 {
		t.Errorf("schema_migrations rows = %d, want the 2 the earlier runner wrote, untouched", legacyRows)
	}

	// Once adopted, a later Open adopts nothing again.
	s, err := store.Open(ctx, url, pgtest.Key())
	if err != nil {
		t.Fatalf("Open after adoption: %v", err)
	}
	defer s.Close()
	checkEachVersionOnce(t, conn)

	// The self-check reports the schema version from goose's table.
	_, version, err := s.SelfCheck(ctx, "migrate-test", "test-worker")
	if err != nil {
		t.Fatal(err)
	}
	if want := fileVersions(t)[len(fileVersions(t))-1]; int64(version) != want {
		t.Errorf("SelfCheck schema version = %d, want %d", version, want)
	}
}
