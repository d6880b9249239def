package exact_test

import (
	"context"
	"testing"

	"github.com/exactsync/exactsync/clients/exact"
)

func TestAccountsSyncSince(t *testing.T) {
	e := newEnv(t, envConfig{})
	ctx := context.Background()
	a := e.customer(t, "Mirror One")
	b, err := e.c.Accounts.Create(ctx, e.div, &exact.Account{Name: "Mirror Two", VATNumber: "NL123456789B01", ChamberOfCommerce: "12345678"})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := exact.Collect(e.c.Accounts.SyncSince(ctx, e.div, 1))
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]exact.AccountKey{}
	var maxTS int64
	for _, k := range keys {
		byID[k.ID] = k
		maxTS = max(maxTS, k.Timestamp)
	}
	if _, ok := byID[a.ID]; !ok {
		t.Errorf("SyncSince(1) lacks account %s", a.ID)
	}
	if got := byID[b.ID]; got.VATNumber != "NL123456789B01" || got.ChamberOfCommerce != "12345678" || got.Timestamp == 0 {
		t.Errorf("SyncSince(1)[b] = %+v, want VAT, KvK and a timestamp", got)
	}
	rest, err := exact.Collect(e.c.Accounts.SyncSince(ctx, e.div, maxTS))
	if err != nil {
		t.Fatal(err)
	}
	if len(rest) != 0 {
		t.Errorf("SyncSince(max) = %d rows, want 0", len(rest))
	}
	if err := e.c.Accounts.Update(ctx, e.div, a.ID, exact.Fields{"City": "Zwolle"}); err != nil {
		t.Fatal(err)
	}
	changed, err := exact.Collect(e.c.Accounts.SyncSince(ctx, e.div, maxTS))
	if err != nil {
		t.Fatal(err)
	}
	if len(changed) != 1 || changed[0].ID != a.ID {
		t.Errorf("after an update SyncSince(max) = %+v, want just %s", changed, a.ID)
	}
}

func TestRateLimitErrorWithoutResponse(t *testing.T) {
	e := &exact.RateLimitError{Window: "minutely"}
	if e.Error() == "" || e.Unwrap() != nil {
		t.Errorf("Error() = %q, Unwrap() = %v; want a message and no wrapped error", e.Error(), e.Unwrap())
	}
}
