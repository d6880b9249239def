package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/exactsync/exactsync/internal/pgtest"
	"github.com/exactsync/exactsync/store"
)

func openStore(t *testing.T) (*store.Store, string) {
	t.Helper()
	url := pgtest.URL(t)
	s, err := store.Open(context.Background(), url, pgtest.Key())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(s.Close)
	return s, url
}

func TestOpenMigratesOnceAcrossProcesses(t *testing.T) {
	_, url := openStore(t)
	// A second "process" opening the same database finds the migrations applied.
	s2, err := store.Open(context.Background(), url, pgtest.Key())
	if err != nil {
		t.Fatalf("second Open: %v", err)
	}
	defer s2.Close()
	var n int
	if err := s2.Pool().QueryRow(context.Background(), `SELECT count(*) FROM goose_db_version WHERE version_id > 0`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n < 1 {
		t.Errorf("goose_db_version rows = %d, want at least 1", n)
	}
}

func TestConnectionSecretsEncryptedAtRest(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	id, err := s.SaveOdoo(ctx, store.Connection{Name: "demo", OdooURL: "http://odoo", OdooDatabase: "db", OdooLogin: "admin",
		OdooAPIKey: "odoo-api-key-secret", OdooCompanyID: 1})
	if err != nil {
		t.Fatal(err)
	}
	id2, err := s.SaveExact(ctx, store.Connection{Name: "demo", ExactSite: "nl", ExactBaseURL: "http://exact",
		ExactClientID: "cid", ExactClientSecret: "exact-client-secret", ExactDivision: 42})
	if err != nil {
		t.Fatal(err)
	}
	if id != id2 {
		t.Fatalf("SaveExact id = %d, want the connection SaveOdoo made (%d)", id2, id)
	}
	got, err := s.Connection(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	if got.OdooAPIKey != "odoo-api-key-secret" || got.ExactClientSecret != "exact-client-secret" || got.ExactDivision != 42 || got.OdooCompanyID != 1 {
		t.Errorf("Connection = %+v, want secrets decrypted and fields kept", got)
	}
	var raw1, raw2 []byte
	if err := s.Pool().QueryRow(ctx, `SELECT odoo_secret, exact_client_secret FROM connections WHERE id = $1`, id).Scan(&raw1, &raw2); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw1, []byte("odoo-api-key-secret")) || bytes.Contains(raw2, []byte("exact-client-secret")) {
		t.Error("a secret is stored in plain text")
	}
	if s := got.String(); bytes.Contains([]byte(s), []byte("secret")) {
		t.Errorf("Connection.String() = %q, leaks a secret", s)
	}
	other, err := store.Open(ctx, pgtestURLOf(t, s), []byte("another-key-of-exactly-32-bytes!"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Connection(ctx, "demo"); err == nil {
		t.Error("reading with the wrong key succeeded, want an error")
	}
	if _, err := s.Connection(ctx, "missing"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing connection: err = %v, want ErrNotFound", err)
	}
}

func pgtestURLOf(t *testing.T, s *store.Store) string {
	t.Helper()
	return s.Pool().Config().ConnString()
}

func TestUpdateTokenSerialisesWriters(t *testing.T) {
	s, url := openStore(t)
	ctx := context.Background()
	id, err := s.SaveOdoo(ctx, store.Connection{Name: "c"})
	if err != nil {
		t.Fatal(err)
	}
	s2, err := store.Open(ctx, url, pgtest.Key())
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	// 2 pools x 10 goroutines each increment a counter stored as the token: a lost update would show.
	var wg sync.WaitGroup
	for _, st := range []*store.Store{s, s2} {
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := st.UpdateToken(ctx, id, func(cur []byte) ([]byte, error) {
					var n int
					if cur != nil {
						fmt.Sscan(string(cur), &n)
					}
					return []byte(fmt.Sprint(n + 1)), nil
				})
				if err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
	got, err := s.LoadToken(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "20" {
		t.Errorf("token after 20 increments = %q, want 20", got)
	}
	// fn returning nil leaves the value; an error rolls back.
	if err := s.UpdateToken(ctx, id, func([]byte) ([]byte, error) { return nil, nil }); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	if err := s.UpdateToken(ctx, id, func([]byte) ([]byte, error) { return []byte("x"), boom }); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if got, _ := s.LoadToken(ctx, id); string(got) != "20" {
		t.Errorf("token = %q, want unchanged 20", got)
	}
}

func TestLinksMappingsCursors(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	id, err := s.SaveOdoo(ctx, store.Connection{Name: "c"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Link(ctx, id, "res.partner", 7); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Link before save: %v, want ErrNotFound", err)
	}
	l := store.Link{ConnectionID: id, OdooModel: "res.partner", OdooID: 7, ExactEntity: "crm/Accounts", ExactID: "abc", ExactCode: "7", PayloadHash: "h1", Payload: []byte(`{"Name": "A"}`)}
	if err := s.SaveLink(ctx, l); err != nil {
		t.Fatal(err)
	}
	l.PayloadHash = "h2"
	if err := s.SaveLink(ctx, l); err != nil {
		t.Fatal(err)
	}
	got, err := s.Link(ctx, id, "res.partner", 7)
	if err != nil {
		t.Fatal(err)
	}
	if got.ExactID != "abc" || got.PayloadHash != "h2" || string(got.Payload) != `{"Name": "A"}` {
		t.Errorf("Link = %+v", got)
	}
	back, err := s.LinkByExact(ctx, id, "crm/Accounts", "abc")
	if err != nil || back.OdooID != 7 {
		t.Errorf("LinkByExact = %+v, %v; want odoo id 7", back, err)
	}
	if n, _ := s.CountLinks(ctx, id, "res.partner"); n != 1 {
		t.Errorf("CountLinks = %d, want 1", n)
	}

	if err := s.SaveMapping(ctx, id, store.Mapping{Kind: store.MapPaymentTerm, OdooID: 3, OdooName: "30 Days", ExactCode: "30"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveMapping(ctx, id, store.Mapping{Kind: "nonsense", OdooID: 3, ExactCode: "30"}); err == nil {
		t.Error("a mapping of an unknown kind was accepted")
	}
	m, err := s.Mapping(ctx, id, store.MapPaymentTerm, 3)
	if err != nil || m.ExactCode != "30" {
		t.Errorf("Mapping = %+v, %v", m, err)
	}
	ms, err := s.Mappings(ctx, id, "")
	if err != nil || len(ms) != 1 {
		t.Errorf("Mappings = %v, %v; want 1", ms, err)
	}

	if v, err := s.Cursor(ctx, id, "partners"); err != nil || v != "" {
		t.Errorf("Cursor unset = %q, %v", v, err)
	}
	if err := s.SetCursor(ctx, id, "partners", "2026-01-01 00:00:00|5"); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Cursor(ctx, id, "partners"); v != "2026-01-01 00:00:00|5" {
		t.Errorf("Cursor = %q", v)
	}
}

func TestParseKey(t *testing.T) {
	tests := []struct {
		in   string
		ok   bool
		name string
	}{
		{store.NewKey(), true, "generated base64"},
		{"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", true, "hex"},
		{"", false, "empty"},
		{"c2hvcnQ=", false, "too short"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := store.ParseKey(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("ParseKey(%q) err = %v, want ok=%v", tt.in, err, tt.ok)
			}
			if tt.ok && len(k) != store.KeySize {
				t.Errorf("len = %d, want %d", len(k), store.KeySize)
			}
		})
	}
}
