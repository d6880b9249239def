package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/exactsync/exactsync/store"
)

// Two connections on two companies of one Odoo database share its partners: a write-back by one is known to the
// other (write_date is one for all companies), with the last change not made by the connector as its basis.
func TestOwnWritesAreSharedByTheOdooDatabase(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	conn := func(name, url, db string, company int64) int64 {
		t.Helper()
		id, err := s.SaveOdoo(ctx, store.Connection{Name: name, OdooURL: url, OdooDatabase: db, OdooLogin: "admin", OdooAPIKey: "k", OdooCompanyID: company})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	a := conn("be", "http://odoo:8069", "odoo17nl", 2)
	b := conn("nl", "http://odoo:8069/", "odoo17nl", 3)
	other := conn("elsewhere", "http://odoo:8069", "another", 1)
	sec := func(n int) time.Time { return time.Date(2026, 12, 2, 10, 0, n, 0, time.UTC) }

	if err := s.SaveSeen(ctx, b, "res.partner", 7, sec(1), false); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveOwnWrite(ctx, a, "res.partner", 7, sec(3), sec(1)); err != nil {
		t.Fatal(err)
	}
	// b writes its own values on top of a's write-back: the basis stays the user's change at second 1.
	if err := s.SaveOwnWrite(ctx, b, "res.partner", 7, sec(4), sec(3)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		conn int64
		want store.OwnWrite
	}{
		{"the connection that wrote first", a, store.OwnWrite{WriteDate: sec(4), Basis: sec(1)}},
		{"the one that wrote last", b, store.OwnWrite{WriteDate: sec(4), Basis: sec(1), Seen: sec(1)}},
	} {
		got, err := s.OwnWrites(ctx, tc.conn, "res.partner", []int64{7, 8})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[7] != tc.want {
			t.Errorf("%s: own writes = %+v, want {7: %+v}", tc.name, got, tc.want)
		}
	}
	if got, err := s.OwnWrites(ctx, other, "res.partner", []int64{7}); err != nil || len(got) != 0 {
		t.Errorf("another database's connection: %+v, %v; want none", got, err)
	}

	// A later edit by someone else becomes the new basis; seen only moves forward.
	if err := s.SaveOwnWrite(ctx, a, "res.partner", 7, sec(9), sec(6)); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSeen(ctx, b, "res.partner", 7, sec(6), false); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSeen(ctx, b, "res.partner", 7, sec(2), false); err != nil {
		t.Fatal(err)
	}
	got, err := s.OwnWrites(ctx, b, "res.partner", []int64{7})
	if want := (store.OwnWrite{WriteDate: sec(9), Basis: sec(6), Seen: sec(6)}); err != nil || got[7] != want {
		t.Errorf("after an edit: %+v, %v; want %+v", got[7], err, want)
	}

	for _, tc := range []struct {
		conn, want int64
	}{{a, a}, {b, a}, {other, other}} {
		if got, err := s.WriteBackOwner(ctx, tc.conn); err != nil || got != tc.want {
			t.Errorf("WriteBackOwner(%d) = %d, %v; want %d", tc.conn, got, err, tc.want)
		}
	}
	if _, err := s.WriteBackOwner(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("WriteBackOwner of no connection: %v, want ErrNotFound", err)
	}
	if err := s.SaveOwnWrite(ctx, 999999, "res.partner", 7, sec(9), sec(6)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SaveOwnWrite of no connection: %v, want ErrNotFound", err)
	}
}

// Only a read made after its write_date's second was over counts as settled; settled moves forward only, and an
// unsettled read of a later state leaves the last settled one in place.
func TestSettledSeen(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	a, err := s.SaveOdoo(ctx, store.Connection{Name: "a", OdooURL: "http://odoo:8069", OdooDatabase: "db", OdooLogin: "admin", OdooAPIKey: "k", OdooCompanyID: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.SaveOdoo(ctx, store.Connection{Name: "b", OdooURL: "http://odoo:8069", OdooDatabase: "db", OdooLogin: "admin", OdooAPIKey: "k", OdooCompanyID: 2})
	if err != nil {
		t.Fatal(err)
	}
	sec := func(n int) time.Time { return time.Date(2026, 12, 2, 10, 0, n, 0, time.UTC) }
	for _, step := range []struct {
		id      int64
		at      time.Time
		settled bool
	}{{1, sec(1), false}, {2, sec(2), true}, {2, sec(1), true}, {2, sec(5), false}, {3, sec(3), true}} {
		if err := s.SaveSeen(ctx, a, "account.move", step.id, step.at, step.settled); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.SettledSeen(ctx, a, "account.move", []int64{1, 2, 3, 4})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[int64]time.Time{2: sec(2), 3: sec(3)}; len(got) != len(want) || !got[2].Equal(want[2]) || !got[3].Equal(want[3]) {
		t.Errorf("settled = %v, want %v", got, want)
	}
	if got, err := s.SettledSeen(ctx, b, "account.move", []int64{2, 3}); err != nil || len(got) != 0 {
		t.Errorf("another connection's settled = %v, %v; want none", got, err)
	}
	if got, err := s.SettledSeen(ctx, a, "res.partner", []int64{2}); err != nil || len(got) != 0 {
		t.Errorf("another model's settled = %v, %v; want none", got, err)
	}
}
