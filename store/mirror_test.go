package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/exactsync/exactsync/store"
)

func TestCleanText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  Bakkerij Ünal BV ", "Bakkerij Ünal BV"},
		{"Nul\x00Byte BV", "NulByte BV"},
		{"Kerk\nstraat\t1\r", "Kerk straat 1"},
		{"\x1b[31mrood\x7f\u0085x\u0090", "[31mrood x"},
		{"\uFEFFBOM", "BOM"},
		{"bad \xff utf-8", "bad \uFFFD utf-8"},
		{"\x00\x01\x02", ""},
		{"Café 😀", "Café 😀"},
	}
	for _, tt := range tests {
		if got := store.CleanText(tt.in); got != tt.want {
			t.Errorf("CleanText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A NUL in an account Exact sends must not make the mirror refresh fail: PostgreSQL refuses it in text, and the
// refresh of the whole division would retry for a day.
func TestRefreshMirrorStoresHostileAccounts(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	id, err := s.SaveOdoo(ctx, store.Connection{Name: "c"})
	if err != nil {
		t.Fatal(err)
	}
	rows := []store.MirrorAccount{
		{ID: "a1", Code: "            K\x00100", Name: "Ander\x00 Bedrijf\n", VATNumber: "nl 8536\x00.92.706.b01", ChamberOfCommerce: " 3012\x003456 ", Timestamp: 5},
		{ID: "a2", Code: "      ABC", Name: "Gewoon BV", Timestamp: 7},
	}
	refreshed, err := s.RefreshMirror(ctx, id, time.Minute, store.MirrorFeed{Accounts: func(since int64) ([]store.MirrorAccount, error) {
		if since != 1 {
			t.Errorf("since = %d, want 1 on the first refresh", since)
		}
		return rows, nil
	}})
	if err != nil || !refreshed {
		t.Fatalf("RefreshMirror = %t, %v; want refreshed without error", refreshed, err)
	}

	tests := []struct {
		name, vat, coc, code string
		wantID, wantBy       string
	}{
		{"vat, cleaned and normalised", "NL853692706B01", "", "", "a1", "vat"},
		{"chamber of commerce, cleaned", "", "30123456", "", "a1", "chamber_of_commerce"},
		{"code, cleaned", "", "", "K100", "a1", "code"},
		{"code, case-insensitive and trimmed as Exact compares", "", "", " abc ", "a2", "code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, by, err := s.MatchAccount(ctx, id, tt.vat, tt.coc, tt.code)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != tt.wantID || by != tt.wantBy {
				t.Errorf("MatchAccount = %s by %s, want %s by %s", got.ID, by, tt.wantID, tt.wantBy)
			}
		})
	}
	got, _, err := s.MatchAccount(ctx, id, "", "", "k100")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Ander Bedrijf" || got.Code != "K100" {
		t.Errorf("mirrored %+v, want name and code without control characters", got)
	}
	if _, _, err := s.MatchAccount(ctx, id, "", "", "K1000"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("MatchAccount of an unknown code: %v, want ErrNotFound", err)
	}
	if err := s.SaveMirrorAccount(ctx, id, store.MirrorAccount{ID: "a3\x00", Code: "Z\x00", Name: "\x00"}); err != nil {
		t.Errorf("SaveMirrorAccount with NULs: %v", err)
	}
}

// sync/Deleted keeps the mirror current with deletions: a deleted account is never matched again and is reported
// deleted; the deletions cursor advances over other entities' deletions too; a fresh mirror asks Exact nothing.
func TestRefreshMirrorDeletions(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	id, err := s.SaveOdoo(ctx, store.Connection{Name: "c"})
	if err != nil {
		t.Fatal(err)
	}
	var accountsSince, deletedSince []int64
	feed := func(accounts []store.MirrorAccount, gone []store.DeletedAccount, next int64) store.MirrorFeed {
		return store.MirrorFeed{
			Accounts: func(since int64) ([]store.MirrorAccount, error) {
				accountsSince = append(accountsSince, since)
				return accounts, nil
			},
			Deleted: func(since int64) ([]store.DeletedAccount, int64, error) {
				deletedSince = append(deletedSince, since)
				return gone, next, nil
			},
		}
	}
	first := []store.MirrorAccount{{ID: "a1", Code: "1", VATNumber: "NL853692706B01", Timestamp: 10}, {ID: "a2", Code: "2", ChamberOfCommerce: "30123456", Timestamp: 11}}
	if _, err := s.RefreshMirror(ctx, id, 0, feed(first, nil, 12)); err != nil {
		t.Fatal(err)
	}
	// a1 deleted, and an account created and deleted between two refreshes (never seen alive).
	if _, err := s.RefreshMirror(ctx, id, 0, feed(nil, []store.DeletedAccount{{ID: "a1", Timestamp: 20}, {ID: "a9", Timestamp: 21}}, 25)); err != nil {
		t.Fatal(err)
	}
	if want := []int64{1, 11}; fmt.Sprint(accountsSince) != fmt.Sprint(want) {
		t.Errorf("accounts cursors = %v, want %v", accountsSince, want)
	}
	if want := []int64{1, 12}; fmt.Sprint(deletedSince) != fmt.Sprint(want) {
		t.Errorf("deletions cursors = %v, want %v (the highest Timestamp read, other entities' too)", deletedSince, want)
	}
	for _, tt := range []struct {
		id   string
		want bool
	}{{"a1", true}, {"a9", true}, {"a2", false}, {"unknown", false}} {
		if got, err := s.MirrorDeleted(ctx, id, tt.id); err != nil || got != tt.want {
			t.Errorf("MirrorDeleted(%s) = %t, %v; want %t", tt.id, got, err, tt.want)
		}
	}
	if a, by, err := s.MatchAccount(ctx, id, "NL853692706B01", "", "1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("MatchAccount of the deleted account's VAT and code = %s by %s, %v; want ErrNotFound", a.ID, by, err)
	}
	if a, _, err := s.MatchAccount(ctx, id, "", "30123456", ""); err != nil || a.ID != "a2" {
		t.Errorf("MatchAccount of a live account = %s, %v; want a2", a.ID, err)
	}
	// Saving a deleted account again (a stale answer) does not bring it back; a 404 marks one deleted at once.
	if err := s.SaveMirrorAccount(ctx, id, store.MirrorAccount{ID: "a1", Code: "1", VATNumber: "NL853692706B01"}); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkMirrorDeleted(ctx, id, "a2"); err != nil {
		t.Fatal(err)
	}
	for _, acc := range []string{"a1", "a2"} {
		if got, err := s.MirrorDeleted(ctx, id, acc); err != nil || !got {
			t.Errorf("MirrorDeleted(%s) = %t, %v; want true", acc, got, err)
		}
	}
	refreshed, err := s.RefreshMirror(ctx, id, time.Hour, feed(nil, nil, 0))
	if err != nil || refreshed || len(accountsSince) != 2 || len(deletedSince) != 2 {
		t.Errorf("refresh of a fresh mirror = %t, %v after %d/%d reads; want nothing read", refreshed, err, len(accountsSince), len(deletedSince))
	}
}

// A connection's archive action defaults to block, is kept when `starter connect odoo` saves the Odoo side again
// without one, and only takes block or ignore.
func TestArchiveAction(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	id, err := s.SaveOdoo(ctx, store.Connection{Name: "a"})
	if err != nil {
		t.Fatal(err)
	}
	read := func() string {
		t.Helper()
		c, err := s.ConnectionByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return c.ArchiveAction
	}
	if got := read(); got != store.ArchiveBlock {
		t.Errorf("new connection: %q, want %q", got, store.ArchiveBlock)
	}
	if _, err := s.SaveOdoo(ctx, store.Connection{Name: "a", ArchiveAction: store.ArchiveIgnore}); err != nil {
		t.Fatal(err)
	}
	if got := read(); got != store.ArchiveIgnore {
		t.Errorf("after SaveOdoo with ignore: %q", got)
	}
	if _, err := s.SaveOdoo(ctx, store.Connection{Name: "a"}); err != nil {
		t.Fatal(err)
	}
	if got := read(); got != store.ArchiveIgnore {
		t.Errorf("after SaveOdoo without an action: %q, want ignore kept", got)
	}
	if err := s.SetArchiveAction(ctx, id, store.ArchiveBlock); err != nil || read() != store.ArchiveBlock {
		t.Errorf("SetArchiveAction(block): %v, %q", err, read())
	}
	if err := s.SetArchiveAction(ctx, id, "delete"); err == nil {
		t.Error("SetArchiveAction(delete) accepted")
	}
	if _, err := s.SaveOdoo(ctx, store.Connection{Name: "b", ArchiveAction: "Block"}); err == nil {
		t.Error("SaveOdoo with archive action Block accepted")
	}
}
