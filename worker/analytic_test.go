package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/exactsync/exactsync/store"
	"github.com/exactsync/exactsync/workflows"
)

// An invoice whose lines are distributed over analytic accounts reaches Exact with cost centres and cost units:
// a 60/40 split becomes two Exact lines whose amounts add up to the Odoo line, a share over two plans carries a
// cost centre and a cost unit, an unmapped analytic account goes without one and says so; the entry's total is
// Odoo's. A connection without analytic mappings reads no cost centres from Exact.
func TestAnalyticDistributionReachesExactAsCostCentres(t *testing.T) {
	s := newStack(t)
	s.mapInvoices()
	ctx := context.Background()
	seeded := s.odoo.Seeded()
	an := seeded.Analytic
	key := func(ids ...int64) string {
		parts := make([]string, len(ids))
		for i, id := range ids {
			parts[i] = decimal.NewFromInt(id).String()
		}
		return strings.Join(parts, ",")
	}
	line := func(name string, price float64, dist map[string]any) []any {
		vals := map[string]any{"name": name, "quantity": 1, "price_unit": price, "tax_ids": []any{[]any{6, 0, []any{seeded.Taxes["sale 21%"]}}}}
		if dist != nil {
			vals["analytic_distribution"] = dist
		}
		return []any{0, 0, vals}
	}
	post := func(lines ...[]any) int64 {
		t.Helper()
		cmds := make([]any, len(lines))
		for i, l := range lines {
			cmds[i] = l
		}
		id, err := s.odoo.Create("account.move", map[string]any{"move_type": "out_invoice", "partner_id": seeded.Partners["Bakkerij De Gouden Korst"],
			"invoice_date": time.Now().Format(time.DateOnly), "invoice_line_ids": cmds})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.odoo.Call("account.move", "action_post", []any{[]any{id}}, nil); err != nil {
			t.Fatal(err)
		}
		if err := workflows.StartInvoiceSync(ctx, s.ts.Client, s.conn, id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	costCentreReads := func() int {
		n := 0
		for k, v := range s.exact.Calls().ByEndpoint {
			if strings.Contains(k, "hrm/Cost") {
				n += v
			}
		}
		return n
	}

	// Before any analytic mapping: the distribution is not looked at, and Exact's cost centres are not read.
	plain := post(line("Zonder kostenplaats", 100, map[string]any{key(an["Verkoop"]): 100.0}))
	if r, err := s.waitInvoice(plain); err != nil || r.State != workflows.StateSynced {
		t.Fatalf("invoice without analytic mappings: %+v, %v", r, err)
	}
	if n := costCentreReads(); n != 0 {
		t.Errorf("a connection without analytic mappings read cost centres or units %d times", n)
	}

	for id, code := range map[int64]string{an["Verkoop"]: "100", an["Inkoop"]: "200", an["Project Noord"]: "unit:PRJ1"} {
		if err := s.st.SaveMapping(ctx, s.conn.ID, store.Mapping{Kind: store.MapAnalytic, OdooID: id, ExactCode: code}); err != nil {
			t.Fatal(err)
		}
	}
	id := post(
		line("Gesplitst", 99.99, map[string]any{key(an["Verkoop"]): 60.0, key(an["Inkoop"]): 40.0}),
		line("Project", 50, map[string]any{key(an["Verkoop"], an["Project Noord"]): 100.0}),
		line("Algemeen", 10, map[string]any{key(an["Algemeen"]): 100.0}),
	)
	r, err := s.waitInvoice(id)
	if err != nil || r.State != workflows.StateSynced {
		t.Fatalf("invoice with analytic distribution: %+v, %v", r, err)
	}
	if n := costCentreReads(); n == 0 {
		t.Errorf("cost centres were never read once analytic accounts were mapped")
	}
	noted := false
	for _, n := range r.Notes {
		noted = noted || strings.Contains(n, "analytic account") && strings.Contains(n, "--kind analytic")
	}
	if !noted {
		t.Errorf("notes %q do not say that Algemeen is not mapped", r.Notes)
	}

	type got struct{ centre, unit, amount string }
	var lines []got
	for _, l := range s.exact.Entities(s.div, "salesentry/SalesEntryLines") {
		if l["EntryID"] != r.EntryID {
			continue
		}
		cc, _ := l["CostCenter"].(string)
		cu, _ := l["CostUnit"].(string)
		lines = append(lines, got{cc, cu, decimalOf(t, l["AmountFC"]).StringFixed(2)})
	}
	want := map[got]bool{{"100", "", "59.99"}: true, {"200", "", "40.00"}: true, {"100", "PRJ1", "50.00"}: true, {"", "", "10.00"}: true}
	if len(lines) != len(want) {
		t.Fatalf("Exact lines %+v, want %v", lines, want)
	}
	for _, l := range lines {
		if !want[l] {
			t.Errorf("Exact line %+v is not one of %v", l, want)
		}
	}
	b, err := s.odooClient().Moves(ctx, []int64{id})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range s.exact.Entities(s.div, "salesentry/SalesEntries") {
		if e["EntryID"] == r.EntryID {
			if got := decimalOf(t, e["AmountFC"]); !got.Equal(b.Moves[0].AmountTotal) {
				t.Errorf("Exact total %s, Odoo %s", got, b.Moves[0].AmountTotal)
			}
		}
	}
}
