package exact_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"

	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/exact/exacttest"
	"github.com/shopspring/decimal"
)

func TestCostCentersAndUnits(t *testing.T) {
	e := newEnv(t, envConfig{sim: func(o *exacttest.Options) { o.MinutelyLimit = 10000 }})
	ctx := context.Background()

	t.Run("cost centres of the seeded division", func(t *testing.T) {
		ccs, err := exact.Collect(e.c.CostCenters.List(ctx, e.div, &exact.ListOptions{OrderBy: "Code"}))
		if err != nil {
			t.Fatal(err)
		}
		want := []struct {
			code, desc string
			active     bool
		}{{"100", "Verkoop", true}, {"200", "Inkoop", true}, {"300", "Algemeen", true}, {"900", "Vervallen", false}}
		if len(ccs) != len(want) {
			t.Fatalf("cost centres: got %d (%+v), want %d", len(ccs), ccs, len(want))
		}
		for i, w := range want {
			got := ccs[i]
			if got.Code != w.code || got.Description != w.desc || got.Active != w.active || got.ID == "" || got.Division != e.div || got.Modified.IsZero() {
				t.Errorf("cost centre %d: got %+v, want code %s %q active %v in division %d", i, got, w.code, w.desc, w.active, e.div)
			}
		}
		one, err := e.c.CostCenters.Get(ctx, e.div, ccs[3].ID)
		if err != nil || one.Code != "900" || one.Active {
			t.Errorf("Get 900: got %+v %v, want the inactive cost centre 900", one, err)
		}
		active, err := exact.Collect(e.c.CostCenters.List(ctx, e.div, &exact.ListOptions{Filter: exact.Eq("Active", exact.Bool(true))}))
		if err != nil || len(active) != 3 {
			t.Errorf("active cost centres: got %d %v, want 3", len(active), err)
		}
	})

	t.Run("cost units of the seeded division", func(t *testing.T) {
		cus, err := exact.Collect(e.c.CostUnits.List(ctx, e.div, &exact.ListOptions{OrderBy: "Code"}))
		if err != nil {
			t.Fatal(err)
		}
		if len(cus) != 2 || cus[0].Code != "PRJ1" || cus[0].Description != "Project Noord" || cus[1].Code != "PRJ2" || cus[1].Description != "Project Zuid" {
			t.Fatalf("cost units: got %+v, want PRJ1 Project Noord, PRJ2 Project Zuid", cus)
		}
		one, err := e.c.CostUnits.Get(ctx, e.div, cus[1].ID)
		if err != nil || one.Code != "PRJ2" || one.Division != e.div {
			t.Errorf("Get PRJ2: got %+v %v", one, err)
		}
	})

	t.Run("a cost centre added by the accountant is listed", func(t *testing.T) {
		if err := e.srv.AddCostCenter(e.div, "400", "Marketing", true); err != nil {
			t.Fatal(err)
		}
		ccs, err := exact.Collect(e.c.CostCenters.List(ctx, e.div, &exact.ListOptions{Filter: exact.Eq("Code", exact.String("400"))}))
		if err != nil || len(ccs) != 1 || ccs[0].Description != "Marketing" || !ccs[0].Active {
			t.Errorf("cost centre 400: got %+v %v", ccs, err)
		}
	})

	t.Run("the path is case-sensitive", func(t *testing.T) {
		tok, err := e.ts.Token(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"hrm/CostCenters", "hrm/CostUnits"} {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.srv.URL()+"/api/v1/"+strconv.Itoa(e.div)+"/"+path+"?$select=Code", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
			req.Header.Set("Accept", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			err = exact.CheckResponse(resp)
			resp.Body.Close()
			if !errors.Is(err, exact.ErrNotFound) {
				t.Errorf("GET %s: got %v, want a 404 (exact.ErrNotFound)", path, err)
			}
		}
	})

	t.Run("entry lines carry a cost centre and a cost unit", func(t *testing.T) {
		acc := e.customer(t, "Kostenplaatsklant")
		gl := e.glAccount(t, "8000")
		entry, err := e.c.SalesEntries.Create(ctx, e.div, &exact.SalesEntry{
			EntryHeader: exact.EntryHeader{Journal: "70", EntryDate: exact.NewDate(2026, 2, 15), YourRef: "INV/2026/0100"},
			Customer:    acc.ID,
			SalesEntryLines: exact.Lines[exact.EntryLine]{
				{GLAccount: gl.ID, AmountFC: decimal.RequireFromString("100.00"), VATCode: "2  ", Description: "Analytisch", CostCenter: "100", CostUnit: "PRJ1"},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		lines, err := exact.Collect(e.c.SalesEntries.Lines(ctx, e.div, entry.EntryID))
		if err != nil || len(lines) != 1 {
			t.Fatalf("lines: got %d %v, want 1", len(lines), err)
		}
		if got := lines[0]; got.CostCenter != "100" || got.CostUnit != "PRJ1" {
			t.Errorf("line: got CostCenter %q CostUnit %q, want 100 and PRJ1", got.CostCenter, got.CostUnit)
		}
		_, err = e.c.SalesEntries.CreateLine(ctx, e.div, &exact.EntryLine{EntryID: entry.EntryID, GLAccount: gl.ID,
			AmountFC: decimal.NewFromInt(5), VATCode: "2  ", CostCenter: "900"})
		wantClass(t, err, exact.ClassValidation)
		var ae *exact.Error
		if errors.As(err, &ae) && ae.Message != "Kostenplaats 900 is niet actief." {
			t.Errorf("inactive cost centre: got message %q, want %q", ae.Message, "Kostenplaats 900 is niet actief.")
		}
	})
}
