package odootest

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestTaxLines holds the simulator's tax lines to Odoo 17's compute_all and _compute_all_tax, with amounts worked
// out by hand from Odoo's source: rounding per line or globally, two price-included taxes on one line, a fixed tax, a
// tax split 50/50 over two accounts (0.0105 → 0.01, each half rounds up to 0.01, the first line takes the -0.01 error
// and, being zero, is left out), a reverse charge whose tax lines cancel,
// a refund, and an invoice in a foreign currency (each line at the rate, each tax share at its line's own rate, the
// payment term what balances).
func TestTaxLines(t *testing.T) {
	type line struct {
		qty, price float64
		taxes      []string
	}
	type want struct {
		taxes                   map[string]string // "tax@account code" → amount_currency of its tax lines
		untaxed, tax, total     string
		balances                map[string]string // display_type → sum of balances (company currency)
		subtotals, priceTotals  []string
		roundGlobally, currency string
	}
	cases := []struct {
		name     string
		moveType string
		lines    []line
		opts     func(*want)
		want     want
	}{
		{name: "rounded per line", moveType: "out_invoice",
			lines: []line{{1, 0.05, []string{"sale 9%"}}, {1, 0.05, []string{"sale 9%"}}, {1, 0.05, []string{"sale 9%"}}, {1, 99.99, []string{"sale 9%"}}},
			want:  want{taxes: map[string]string{"9%@150100": "-9"}, untaxed: "100.14", tax: "9", total: "109.14"}},
		{name: "rounded globally", moveType: "out_invoice",
			lines: []line{{1, 0.05, []string{"sale 9%"}}, {1, 0.05, []string{"sale 9%"}}, {1, 0.05, []string{"sale 9%"}}, {1, 99.99, []string{"sale 9%"}}},
			want:  want{taxes: map[string]string{"9%@150100": "-9.01"}, untaxed: "100.14", tax: "9.01", total: "109.15", roundGlobally: "round_globally"}},
		{name: "two price-included taxes", moveType: "out_invoice",
			lines: []line{{1, 10, []string{"incl 21%", "incl 9%"}}},
			want: want{taxes: map[string]string{"incl 21%@150100": "-1.61", "incl 9%@150100": "-0.7"}, untaxed: "7.69", tax: "2.31", total: "10",
				subtotals: []string{"7.69"}, priceTotals: []string{"10"}}},
		{name: "fixed and percent", moveType: "out_invoice",
			lines: []line{{3, 10, []string{"fixed 0.50", "sale 21%"}}},
			want: want{taxes: map[string]string{"fixed 0.50@150100": "-1.5", "21%@150100": "-6.3"}, untaxed: "30", tax: "7.8", total: "37.8",
				subtotals: []string{"30"}, priceTotals: []string{"37.8"}}},
		{name: "split over two accounts", moveType: "out_invoice",
			lines: []line{{1, 0.05, []string{"split 21%"}}},
			want:  want{taxes: map[string]string{"split 21%@150100": "-0.01"}, untaxed: "0.05", tax: "0.01", total: "0.06"}},
		{name: "reverse charge", moveType: "in_invoice",
			lines: []line{{1, 100, []string{"reverse charge 21%"}}},
			want: want{taxes: map[string]string{"reverse charge 21%@150200": "21", "reverse charge 21%@150100": "-21"}, untaxed: "100", tax: "0", total: "100",
				subtotals: []string{"100"}, priceTotals: []string{"100"}}},
		{name: "refund", moveType: "out_refund",
			lines: []line{{2, 12.34, []string{"sale 21%"}}},
			want:  want{taxes: map[string]string{"21%@150100": "5.18"}, untaxed: "24.68", tax: "5.18", total: "29.86"}},
		{name: "foreign currency", moveType: "out_invoice",
			lines: []line{{3, 33.33, []string{"sale 21%"}}},
			want: want{currency: "USD", taxes: map[string]string{"21%@150100": "-21"}, untaxed: "99.99", tax: "21", total: "120.99",
				balances: map[string]string{"product": "-92.11", "tax": "-19.35", "payment_term": "111.46"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := NewServer(t)
			ids := s.Seeded()
			main := s.CompanyID()
			acc := func(code string) int64 { return ids.Accounts[code] }
			taxes := map[string]int64{}
			for k, v := range ids.Taxes {
				taxes[k] = v
			}
			mk := func(name string, vals map[string]any) {
				t.Helper()
				vals["name"] = name
				vals["company_id"] = main
				id, err := s.Create("account.tax", vals)
				if err != nil {
					t.Fatalf("create tax %s: %v", name, err)
				}
				taxes[name] = id
			}
			rep := func(doc string, shares ...[2]any) []any {
				out := []any{[]any{0, 0, map[string]any{"document_type": doc, "repartition_type": "base"}}}
				for _, sh := range shares {
					out = append(out, []any{0, 0, map[string]any{"document_type": doc, "repartition_type": "tax", "factor_percent": sh[0], "account_id": sh[1]}})
				}
				return out
			}
			mk("incl 21%", map[string]any{"amount": 21.0, "type_tax_use": "sale", "price_include": true, "account_id": acc("150100")})
			mk("incl 9%", map[string]any{"amount": 9.0, "type_tax_use": "sale", "price_include": true, "account_id": acc("150100")})
			mk("fixed 0.50", map[string]any{"amount": 0.5, "amount_type": "fixed", "type_tax_use": "sale", "account_id": acc("150100")})
			mk("split 21%", map[string]any{"amount": 21.0, "type_tax_use": "sale",
				"invoice_repartition_line_ids": rep("invoice", [2]any{50.0, acc("150200")}, [2]any{50.0, acc("150100")}),
				"refund_repartition_line_ids":  rep("refund", [2]any{50.0, acc("150200")}, [2]any{50.0, acc("150100")})})
			mk("reverse charge 21%", map[string]any{"amount": 21.0, "type_tax_use": "purchase",
				"invoice_repartition_line_ids": rep("invoice", [2]any{100.0, acc("150200")}, [2]any{-100.0, acc("150100")}),
				"refund_repartition_line_ids":  rep("refund", [2]any{100.0, acc("150200")}, [2]any{-100.0, acc("150100")})})
			if tc.want.roundGlobally != "" {
				if err := s.Write("res.company", []int64{main}, map[string]any{"tax_calculation_rounding_method": tc.want.roundGlobally}); err != nil {
					t.Fatal(err)
				}
			}
			partner := ids.Partners["Van der Berg Installatietechniek B.V."]
			if strings.HasPrefix(tc.moveType, "in_") {
				partner = ids.Partners["Groothandel Jansen B.V."]
			}
			var cmds []any
			for _, l := range tc.lines {
				var tids []any
				for _, name := range l.taxes {
					name = strings.TrimPrefix(strings.TrimPrefix(name, "sale "), "purchase ")
					id := taxes[name]
					if id == 0 {
						id = taxes["sale "+name]
					}
					if id == 0 {
						t.Fatalf("no tax %q", name)
					}
					tids = append(tids, id)
				}
				cmds = append(cmds, []any{0, 0, map[string]any{"name": "line", "quantity": l.qty, "price_unit": l.price, "tax_ids": []any{[]any{6, 0, tids}}}})
			}
			vals := map[string]any{"move_type": tc.moveType, "partner_id": partner, "invoice_date": time.Now().UTC().Format(dateLayout), "invoice_line_ids": cmds}
			if tc.want.currency != "" {
				vals["currency_id"] = ids.Currencies[tc.want.currency]
				vals["journal_id"] = ids.Journals["INVUS"]
			}
			id, err := s.Create("account.move", vals)
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if _, err := s.Call("account.move", "action_post", []any{[]any{id}}, nil); err != nil {
				t.Fatalf("post: %v", err)
			}
			mv, err := s.Read("account.move", id)
			if err != nil {
				t.Fatal(err)
			}
			for k, w := range map[string]string{"amount_untaxed": tc.want.untaxed, "amount_tax": tc.want.tax, "amount_total": tc.want.total} {
				if got := fmt.Sprint(mv[k]); got != w {
					t.Errorf("%s: got %s, want %s", k, got, w)
				}
			}
			rows, err := s.Call("account.move.line", "search_read", nil, map[string]any{"domain": []any{[]any{"move_id", "=", id}},
				"fields": []any{"display_type", "tax_line_id", "account_id", "amount_currency", "balance", "price_subtotal", "price_total"}, "order": "id"})
			if err != nil {
				t.Fatal(err)
			}
			gotTaxes := map[string]string{}
			balances := map[string]float64{}
			var subtotals, totals []string
			sum := 0.0
			for _, raw := range rows.([]any) {
				l := raw.(map[string]any)
				dt := l["display_type"].(string)
				balances[dt] += l["balance"].(float64)
				sum += l["balance"].(float64)
				switch dt {
				case "tax":
					tax := l["tax_line_id"].([]any)[1].(string)
					code := strings.Fields(l["account_id"].([]any)[1].(string))[0]
					gotTaxes[tax+"@"+code] = fmt.Sprint(l["amount_currency"])
				case "product":
					subtotals = append(subtotals, fmt.Sprint(l["price_subtotal"]))
					totals = append(totals, fmt.Sprint(l["price_total"]))
				}
			}
			if fmt.Sprint(sorted(gotTaxes)) != fmt.Sprint(sorted(tc.want.taxes)) {
				t.Errorf("tax lines: got %v, want %v", gotTaxes, tc.want.taxes)
			}
			if tc.want.subtotals != nil && (fmt.Sprint(subtotals) != fmt.Sprint(tc.want.subtotals) || fmt.Sprint(totals) != fmt.Sprint(tc.want.priceTotals)) {
				t.Errorf("product lines: subtotals %v totals %v, want %v %v", subtotals, totals, tc.want.subtotals, tc.want.priceTotals)
			}
			for dt, w := range tc.want.balances {
				if got := fmt.Sprintf("%.2f", balances[dt]); got != w {
					t.Errorf("balance of %s lines: got %s, want %s", dt, got, w)
				}
			}
			if sum > 0.005 || sum < -0.005 {
				t.Errorf("lines do not balance: %v", balances)
			}
		})
	}
}

func sorted(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// TestCashRounding: the invoice total rounded to 0.05 (Nearest, Up, Down), the difference on a rounding line of the
// loss or profit account (add_invoice_line) or of the biggest tax (biggest_tax), as real 17 does.
func TestCashRounding(t *testing.T) {
	cases := []struct {
		name, strategy, method string
		price                  float64
		taxed                  bool
		wantLine, wantAccount  string // the rounding line's amount_currency and account code
		wantUntaxed, wantTax   string
		wantTotal              string
	}{
		{"nearest, a debit on the loss account", "add_invoice_line", "HALF-UP", 23.91, false, "0.01", "7000", "23.9", "0", "23.9"},
		{"up, a credit on the profit account", "add_invoice_line", "UP", 23.91, false, "-0.04", "8000", "23.95", "0", "23.95"},
		{"down", "add_invoice_line", "DOWN", 23.94, false, "0.04", "7000", "23.9", "0", "23.9"},
		{"already rounded", "add_invoice_line", "HALF-UP", 23.95, false, "", "", "23.95", "0", "23.95"},
		{"on the biggest tax", "biggest_tax", "HALF-UP", 99.99, true, "-0.01", "150100", "99.99", "21.01", "121"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := NewServer(t)
			ids := s.Seeded()
			cr, err := s.Create("account.cash.rounding", map[string]any{"name": "0.05", "rounding": 0.05, "strategy": tc.strategy,
				"rounding_method": tc.method, "profit_account_id": ids.Accounts["8000"], "loss_account_id": ids.Accounts["7000"]})
			if err != nil {
				t.Fatal(err)
			}
			taxes := []any{}
			if tc.taxed {
				taxes = append(taxes, ids.Taxes["sale 21%"])
			}
			id, err := s.Create("account.move", map[string]any{"move_type": "out_invoice", "partner_id": ids.Partners["Sanne Bakker"],
				"invoice_cash_rounding_id": cr, "invoice_line_ids": []any{[]any{0, 0, map[string]any{"name": "x", "quantity": 1.0, "price_unit": tc.price,
					"account_id": ids.Accounts["8000"], "tax_ids": []any{[]any{6, 0, taxes}}}}}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Call("account.move", "action_post", []any{[]any{id}}, nil); err != nil {
				t.Fatal(err)
			}
			mv, err := s.Read("account.move", id)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(mv["amount_untaxed"], " ", mv["amount_tax"], " ", mv["amount_total"]); got != tc.wantUntaxed+" "+tc.wantTax+" "+tc.wantTotal {
				t.Errorf("untaxed, tax, total: got %s, want %s %s %s", got, tc.wantUntaxed, tc.wantTax, tc.wantTotal)
			}
			rows, err := s.Call("account.move.line", "search_read", nil, map[string]any{"domain": []any{[]any{"move_id", "=", id}, []any{"display_type", "=", "rounding"}},
				"fields": []any{"amount_currency", "account_id", "tax_line_id", "balance"}})
			if err != nil {
				t.Fatal(err)
			}
			got := rows.([]any)
			if tc.wantLine == "" {
				if len(got) != 0 {
					t.Errorf("rounding lines: got %v, want none", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("rounding lines: got %v, want one", got)
			}
			l := got[0].(map[string]any)
			code := strings.Fields(l["account_id"].([]any)[1].(string))[0]
			if fmt.Sprint(l["amount_currency"]) != tc.wantLine || code != tc.wantAccount || (l["tax_line_id"] != false) != tc.taxed {
				t.Errorf("rounding line: got %v, want %s on %s", l, tc.wantLine, tc.wantAccount)
			}
		})
	}
}
