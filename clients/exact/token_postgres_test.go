package exact_test

import (
	"context"
	"testing"

	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/internal/pgtest"
	"github.com/exactsync/exactsync/store"
)

// *store.Store is the production TokenStore.
var _ exact.TokenStore = (*store.Store)(nil)

// TestTokenRotationPostgres is the rotation test: two worker
// processes (two store.Open pools on one database, each with its own
// client) × 20 goroutines over at least six token lifetimes: zero "Old
// refresh token used", zero failed calls, under both rotation readings.
// Needs DATABASE_URL.
func TestTokenRotationPostgres(t *testing.T) {
	forEachReading(t, func(t *testing.T, strict bool) {
		dbURL := pgtest.URL(t)
		ctx := context.Background()
		var stores [2]exact.TokenStore
		var first *store.Store
		for i := range stores {
			s, err := store.Open(ctx, dbURL, pgtest.Key())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(s.Close)
			stores[i] = s
			if first == nil {
				first = s
			}
		}
		id, err := first.SaveExact(ctx, store.Connection{Name: "rotation", ExactSite: "nl", ExactClientID: "exactsync-dev",
			ExactClientSecret: "exactsync-dev-secret", ExactRedirectURL: redirectURL, ExactDivision: 1234567})
		if err != nil {
			t.Fatal(err)
		}
		res := runRotation(t, strict, stores, id, 6)
		checkRotation(t, res, 6)

		// The chain is alive and stored: a third process finds a usable token.
		b, err := stores[1].LoadToken(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := exact.ParseToken(b); err != nil {
			t.Errorf("stored token: %v", err)
		}
	})
}
