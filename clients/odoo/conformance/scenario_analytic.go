package conformance

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/exactsync/exactsync/clients/odoo"
)

// StepAnalytic reads the analytic accounts, posts an invoice whose lines are distributed over them (a split within
// one plan, and one share over two plans, a comma-joined key) and reads it back. It uses the accounts the database
// has (Odoo's demo data has plans Projects, Departments and Internal): creating analytic plans and accounts needs
// the Analytic Accounting group, which the connector's user need not have, while writing a line's distribution
// does not.
const StepAnalytic = "post an invoice with an analytic distribution"

func (r *run) analytic(ctx context.Context) error {
	_, err := r.c.Create(ctx, "account.analytic.plan", map[string]any{"name": "Conformance plan " + r.suffix})
	r.wantFault("create an analytic plan without the Analytic Accounting group", err)
	listed, err := r.c.AnalyticAccounts(ctx)
	if err != nil {
		return err
	}
	byRoot := map[int64][]int64{}
	var roots []int64
	for _, a := range listed {
		if !a.Active || a.RootPlan.ID == 0 {
			continue
		}
		if _, ok := byRoot[a.RootPlan.ID]; !ok {
			roots = append(roots, a.RootPlan.ID)
		}
		byRoot[a.RootPlan.ID] = append(byRoot[a.RootPlan.ID], a.ID)
	}
	slices.Sort(roots)
	var accounts []int64
	for _, root := range roots {
		if ids := byRoot[root]; len(accounts) == 0 && len(ids) >= 2 {
			accounts = append(accounts, ids[0], ids[1])
		}
	}
	for _, root := range roots {
		if len(accounts) == 2 && !slices.Contains(byRoot[root], accounts[0]) {
			accounts = append(accounts, byRoot[root][0])
		}
	}
	if len(accounts) != 3 {
		return fmt.Errorf("want active analytic accounts in two plans, two in one of them (Odoo's demo data), got %d accounts", len(listed))
	}

	key := func(ids ...int64) string {
		s := ""
		for i, id := range ids {
			if i > 0 {
				s += ","
			}
			s += strconv.FormatInt(id, 10)
		}
		return s
	}
	one := decimal.NewFromInt(1)
	split := r.taxLine("Analytic split "+r.suffix, one, decimal.NewFromInt(100), r.income, r.saleTax)
	split[2].(map[string]any)["analytic_distribution"] = map[string]any{key(accounts[0]): 60.0, key(accounts[1]): 40.0}
	joint := r.taxLine("Analytic joint "+r.suffix, one, decimal.NewFromInt(50), r.income, r.saleTax)
	joint[2].(map[string]any)["analytic_distribution"] = map[string]any{key(accounts[0], accounts[2]): 100.0}
	m, err := r.postMove(ctx, map[string]any{
		"move_type": odoo.MoveOutInvoice, "partner_id": r.partner, "journal_id": r.saleJournal,
		"invoice_date": r.today.Format(odoo.DateLayout), "invoice_line_ids": []any{split, joint},
	})
	if err != nil {
		return err
	}
	want := map[string]map[string]float64{
		"Analytic split " + r.suffix: {key(accounts[0]): 60, key(accounts[1]): 40},
		"Analytic joint " + r.suffix: {key(accounts[0], accounts[2]): 100},
	}
	for _, l := range m.InvoiceLines {
		w, ok := want[l.Name]
		if !ok {
			continue
		}
		delete(want, l.Name)
		if len(l.AnalyticDistribution) != len(w) {
			r.surprise("line %q: analytic distribution %v, want %v", l.Name, l.AnalyticDistribution, w)
			continue
		}
		for k, pct := range w {
			if got, ok := l.AnalyticDistribution[k].(float64); !ok || got != pct {
				r.surprise("line %q: analytic distribution %v (%T), want %v as floats", l.Name, l.AnalyticDistribution, l.AnalyticDistribution[k], w)
			}
		}
	}
	for name := range want {
		r.surprise("line %q not read back", name)
	}
	return nil
}
