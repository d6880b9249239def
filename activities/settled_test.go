package activities

import (
	"context"
	"testing"
	"time"

	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/clients/odoo/odootest"
)

// A read made while its write_date's second is still open by Odoo's clock is not final: an edit later in that
// second keeps the whole-second write_date. settledRead reads once more after the second is over, so the state it
// calls settled is the last one of that write_date; and an edit made between the two reads is what it returns.
func TestSettledReadWaitsForTheSecondToBeOver(t *testing.T) {
	ctx := context.Background()
	srv := odootest.NewServer(t)
	oc, err := odoo.Dial(ctx, odoo.Config{URL: srv.URL(), Database: srv.Database(), Login: srv.Login(), APIKey: srv.APIKey(), CompanyID: srv.CompanyID()})
	if err != nil {
		t.Fatal(err)
	}
	id, err := srv.Create("res.partner", map[string]any{"name": "Zelfde Seconde BV", "is_company": true, "phone": "+31 1"})
	if err != nil {
		t.Fatal(err)
	}
	reads := 0
	read := func(ctx context.Context) ([]odoo.Partner, time.Time, error) {
		ps, err := oc.Partners(ctx, []int64{id})
		if err != nil {
			return nil, time.Time{}, err
		}
		if reads++; reads == 1 {
			// A second edit right after the first read: within the same second, as a webhook's run meets it.
			if err := srv.Write("res.partner", []int64{id}, map[string]any{"phone": "+31 2"}); err != nil {
				t.Fatal(err)
			}
		}
		return ps, ps[0].WriteDate, nil
	}
	ps, settled, err := settledRead(ctx, read)
	if err != nil {
		t.Fatal(err)
	}
	if reads != 2 || !settled {
		t.Fatalf("reads = %d, settled = %v; want 2 reads, settled", reads, settled)
	}
	if ps[0].Phone != "+31 2" {
		t.Errorf("phone = %q, want the edit made after the first read", ps[0].Phone)
	}

	// Read again now the second is long over: one read, settled.
	reads = 2
	if _, settled, err := settledRead(ctx, read); err != nil || !settled || reads != 3 {
		t.Errorf("a read of a settled record: reads = %d, settled = %v, err = %v; want one read, settled", reads-2, settled, err)
	}
}
