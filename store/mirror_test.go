package store_test

import (
	"context"
	"errors"
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
	refreshed, err := s.RefreshMirror(ctx, id, time.Minute, func(since int64) ([]store.MirrorAccount, error) {
		if since != 1 {
			t.Errorf("since = %d, want 1 on the first refresh", since)
		}
		return rows, nil
	})
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
