package conformance

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/exactsync/exactsync/clients/odoo"
)

// taxSetup is what the tax steps create: three taxes of the run (archived at clean up) and a rate of a
// foreign currency for today (deleted at clean up).
type taxSetup struct {
	sixPct, reverseCharge, included int64
	foreign                         odoo.Currency
	companyPlaces                   int32
	rate                            decimal.Decimal
	rateIDs                         []int64
}

var (
	six        = decimal.NewFromInt(6)
	twentyOne  = decimal.NewFromInt(21)
	hundred    = decimal.NewFromInt(100)
	fiveCents  = decimal.RequireFromString("0.05")
	thirtyish  = decimal.RequireFromString("33.33")
	rcBase     = decimal.NewFromInt(100)
	inclPrice  = decimal.NewFromInt(10)
	eurPerUSD  = decimal.RequireFromString("0.9213")
	usdPerEUR  = decimal.RequireFromString("1.0856")
	foreignFor = map[string]string{"EUR": "USD"} // the company's currency → the foreign one; anything else → EUR
)

// repartition renders invoice or refund distribution lines: one base line, then one tax line per
// (factor percent, account).
func repartition(doc string, taxLines ...[2]int64) []any {
	out := []any{[]any{0, 0, map[string]any{"document_type": doc, "repartition_type": "base"}}}
	for _, l := range taxLines {
		out = append(out, []any{0, 0, map[string]any{"document_type": doc, "repartition_type": "tax", "factor_percent": l[0], "account_id": l[1]}})
	}
	return out
}

// taxSetup creates a 6% sale tax, a 21% reverse-charge purchase tax (+100% on a current asset, -100% on a current
// liability: tax lines that cancel) and a 21% price-included purchase tax; and gives a foreign currency a rate for
// today (any rate of today left by an earlier run is deleted first).
func (r *run) taxSetup(ctx context.Context) error {
	type spec struct {
		id       *int64
		name     string
		use      string
		included bool
		lines    [][2]int64
	}
	for _, t := range []spec{
		{&r.tx.sixPct, "Conformance 6% " + r.suffix, "sale", false, [][2]int64{{100, r.taxPayable}}},
		{&r.tx.reverseCharge, "Conformance 21% RC " + r.suffix, "purchase", false, [][2]int64{{100, r.taxReceivable}, {-100, r.taxPayable}}},
		{&r.tx.included, "Conformance 21% incl " + r.suffix, "purchase", true, [][2]int64{{100, r.taxReceivable}}},
	} {
		amount := twentyOne
		if t.use == "sale" {
			amount = six
		}
		id, err := r.c.Create(ctx, "account.tax", map[string]any{
			"name": t.name, "amount": amount.InexactFloat64(), "amount_type": "percent", "type_tax_use": t.use,
			"price_include": t.included, "company_id": r.company.ID,
			"invoice_repartition_line_ids": repartition("invoice", t.lines...),
			"refund_repartition_line_ids":  repartition("refund", t.lines...),
		})
		if err != nil {
			return fmt.Errorf("create tax %s: %w", t.name, err)
		}
		*t.id = id
	}
	// The distribution must be checked: no tax line, or unequal invoice and refund lines, are refused.
	_, err := r.c.Create(ctx, "account.tax", map[string]any{
		"name": "Conformance broken " + r.suffix, "amount": 5.0, "amount_type": "percent", "type_tax_use": "sale", "company_id": r.company.ID,
		"invoice_repartition_line_ids": repartition("invoice", [2]int64{100, r.taxPayable}),
		"refund_repartition_line_ids":  repartition("refund", [2]int64{50, r.taxPayable}),
	})
	r.wantFault("a tax whose invoice and refund distributions differ", err)

	curs, err := r.c.Currencies(ctx)
	if err != nil {
		return err
	}
	want, rate := "EUR", eurPerUSD
	if f, ok := foreignFor[r.company.Currency.Name]; ok {
		want, rate = f, usdPerEUR
	}
	for _, cur := range curs {
		if cur.ID == r.company.Currency.ID {
			r.tx.companyPlaces = cur.DecimalPlaces
		}
		if cur.Name == want {
			r.tx.foreign = cur
		}
	}
	if r.tx.foreign.ID == 0 {
		return fmt.Errorf("no currency %s", want)
	}
	if err := r.c.WriteFields(ctx, "res.currency", r.tx.foreign.ID, map[string]any{"active": true}); err != nil {
		return err
	}
	today := r.today.Format(odoo.DateLayout)
	old, err := r.c.Search(ctx, "res.currency.rate", odoo.Domain{[]any{"currency_id", "=", r.tx.foreign.ID},
		[]any{"company_id", "=", r.company.ID}, []any{"name", "=", today}}, odoo.SearchReadOptions{})
	if err != nil {
		return err
	}
	if _, err := r.c.Execute(ctx, "res.currency.rate", "unlink", []any{old}, nil); err != nil {
		return err
	}
	id, err := r.c.Create(ctx, "res.currency.rate", map[string]any{"name": today, "rate": rate.InexactFloat64(),
		"currency_id": r.tx.foreign.ID, "company_id": r.company.ID})
	if err != nil {
		return err
	}
	r.tx.rateIDs = append(r.tx.rateIDs, id)
	r.tx.rate = rate
	return nil
}

// taxLine is an invoice line of the tax steps.
func (r *run) taxLine(name string, qty, price decimal.Decimal, account int64, taxes ...int64) []any {
	return []any{0, 0, map[string]any{
		"name": name, "quantity": qty.InexactFloat64(), "price_unit": price.InexactFloat64(), "account_id": account,
		"tax_ids": []any{[]any{6, 0, taxes}},
	}}
}

// postMove creates a move, posts it and reads it back.
func (r *run) postMove(ctx context.Context, vals map[string]any) (odoo.Move, error) {
	id, err := r.c.Create(ctx, "account.move", vals)
	if err != nil {
		return odoo.Move{}, err
	}
	if err := r.c.PostMoves(ctx, []int64{id}); err != nil {
		return odoo.Move{}, err
	}
	b, err := r.c.Moves(ctx, []int64{id})
	if err != nil {
		return odoo.Move{}, err
	}
	return b.Moves[0], nil
}

// taxSums sums the tax lines of a move per tax, in the move's currency, signed as the document shows them
// (positive on invoices and bills alike).
func taxSums(m odoo.Move) map[int64]decimal.Decimal {
	sign := decimal.NewFromInt(1)
	if m.MoveType == odoo.MoveOutInvoice || m.MoveType == odoo.MoveInRefund {
		sign = sign.Neg()
	}
	out := map[int64]decimal.Decimal{}
	for _, l := range m.Lines {
		if l.DisplayType == odoo.LineTax {
			out[l.TaxLine.ID] = out[l.TaxLine.ID].Add(l.AmountCurrency.Mul(sign))
		}
	}
	return out
}

// expectedTax is a percent tax over line bases as Odoo rounds it: per line then summed (round_per_line), or
// summed then rounded (round_globally); half up.
func expectedTax(rate decimal.Decimal, method string, places int32, bases ...decimal.Decimal) decimal.Decimal {
	sum := decimal.Zero
	for _, b := range bases {
		t := b.Mul(rate).Div(hundred)
		if method == odoo.RoundPerLine {
			t = t.Round(places)
		}
		sum = sum.Add(t)
	}
	return sum.Round(places)
}

// twoTaxInvoice posts an invoice whose first line has the sale tax and the 6% tax, and two lines of 0.05 with the
// sale tax alone: their tax rounds to zero per line, not globally. One tax line per tax, rounded per the company's
// method.
func (r *run) twoTaxInvoice(ctx context.Context) error {
	return r.checkTwoTaxInvoice(ctx, r.company.TaxRoundingMethod)
}

func (r *run) checkTwoTaxInvoice(ctx context.Context, method string) error {
	three := decimal.NewFromInt(3)
	one := decimal.NewFromInt(1)
	m, err := r.postMove(ctx, map[string]any{
		"move_type": odoo.MoveOutInvoice, "partner_id": r.partner, "journal_id": r.saleJournal,
		"invoice_date": r.today.Format(odoo.DateLayout), "invoice_payment_term_id": r.paymentTerm,
		"invoice_line_ids": []any{
			r.taxLine("Two taxes "+r.suffix, three, thirtyish, r.income, r.saleTax, r.tx.sixPct),
			r.taxLine("Five cents", one, fiveCents, r.income, r.saleTax),
			r.taxLine("Five cents again", one, fiveCents, r.income, r.saleTax),
		},
	})
	if err != nil {
		return err
	}
	places := m.CurrencyPlaces
	base := three.Mul(thirtyish)
	want := map[int64]decimal.Decimal{
		r.saleTax:   expectedTax(r.saleRate, method, places, base, fiveCents, fiveCents),
		r.tx.sixPct: expectedTax(six, method, places, base),
	}
	got := taxSums(m)
	for id, w := range want {
		if !got[id].Equal(w) {
			r.surprise("invoice with two taxes rounded %s: tax %d is %s, want %s (all: %v)", method, id, got[id], w, got)
		}
	}
	untaxed := base.Add(fiveCents).Add(fiveCents)
	tax := want[r.saleTax].Add(want[r.tx.sixPct])
	if !m.AmountUntaxed.Equal(untaxed) || !m.AmountTax.Equal(tax) || !m.AmountTotal.Equal(untaxed.Add(tax)) {
		r.surprise("invoice with two taxes rounded %s: untaxed %s tax %s total %s, want %s %s %s", method,
			m.AmountUntaxed, m.AmountTax, m.AmountTotal, untaxed, tax, untaxed.Add(tax))
	}
	r.checkBalanced("invoice with two taxes", m)
	return nil
}

// globalRounding switches the company to the other rounding method, posts the same invoice, and switches back.
func (r *run) globalRounding(ctx context.Context) error {
	other := odoo.RoundGlobally
	if r.company.TaxRoundingMethod == odoo.RoundGlobally {
		other = odoo.RoundPerLine
	}
	if err := r.c.WriteFields(ctx, "res.company", r.company.ID, map[string]any{"tax_calculation_rounding_method": other}); err != nil {
		return err
	}
	cos, err := r.c.Companies(ctx)
	if err != nil {
		return err
	}
	for _, co := range cos {
		if co.ID == r.company.ID && co.TaxRoundingMethod != other {
			r.surprise("company %d after the switch: rounding %s, want %s", co.ID, co.TaxRoundingMethod, other)
		}
	}
	checkErr := r.checkTwoTaxInvoice(ctx, other)
	if err := r.c.WriteFields(ctx, "res.company", r.company.ID, map[string]any{"tax_calculation_rounding_method": r.company.TaxRoundingMethod}); err != nil {
		return errors.Join(checkErr, err)
	}
	return checkErr
}

// checkBalanced: debits equal credits in the company's currency, and the amounts in the move's currency add up.
func (r *run) checkBalanced(what string, m odoo.Move) {
	bal, cur := decimal.Zero, decimal.Zero
	for _, l := range m.Lines {
		bal = bal.Add(l.Balance)
		cur = cur.Add(l.AmountCurrency)
	}
	if !bal.IsZero() || !cur.IsZero() {
		r.surprise("%s: lines sum to balance %s, amount_currency %s; want both zero", what, bal, cur)
	}
}

// taxBill posts a bill with a reverse-charge line (two tax lines of +21 and -21 on different accounts, no tax to
// pay) and two price-included lines of 10.00 (8.26 + 1.74 each).
func (r *run) taxBill(ctx context.Context) error {
	one := decimal.NewFromInt(1)
	m, err := r.postMove(ctx, map[string]any{
		"move_type": odoo.MoveInInvoice, "partner_id": r.partner, "journal_id": r.purchaseJournal,
		"invoice_date": r.today.Format(odoo.DateLayout), "ref": "TAX-" + r.suffix,
		"invoice_line_ids": []any{
			r.taxLine("Reverse charge "+r.suffix, one, rcBase, r.expense, r.tx.reverseCharge),
			r.taxLine("Price included", one, inclPrice, r.expense, r.tx.included),
			r.taxLine("Price included again", one, inclPrice, r.expense, r.tx.included),
		},
	})
	if err != nil {
		return err
	}
	places := m.CurrencyPlaces
	var rc []string
	for _, l := range m.Lines {
		if l.DisplayType == odoo.LineTax && l.TaxLine.ID == r.tx.reverseCharge {
			rc = append(rc, fmt.Sprintf("%s@%d", l.AmountCurrency, l.Account.ID))
		}
	}
	rcTax := rcBase.Mul(twentyOne).Div(hundred).Round(places)
	wantRC := []string{fmt.Sprintf("%s@%d", rcTax, r.taxReceivable), fmt.Sprintf("%s@%d", rcTax.Neg(), r.taxPayable)}
	slices.Sort(rc)
	slices.Sort(wantRC)
	if strings.Join(rc, " ") != strings.Join(wantRC, " ") {
		r.surprise("reverse-charge tax lines: %v, want %v", rc, wantRC)
	}
	excl := inclPrice.Mul(hundred).Div(hundred.Add(twentyOne)).Round(places)
	inclTax := inclPrice.Sub(excl).Mul(decimal.NewFromInt(2))
	if got := taxSums(m)[r.tx.included]; !got.Equal(inclTax) {
		r.surprise("price-included tax: %s, want %s", got, inclTax)
	}
	for _, l := range m.InvoiceLines {
		if l.TaxIDs[0] == r.tx.included && (!l.PriceSubtotal.Equal(excl) || !l.PriceTotal.Equal(inclPrice)) {
			r.surprise("price-included line: subtotal %s total %s, want %s %s", l.PriceSubtotal, l.PriceTotal, excl, inclPrice)
		}
		if l.TaxIDs[0] == r.tx.reverseCharge && (!l.PriceSubtotal.Equal(rcBase) || !l.PriceTotal.Equal(rcBase)) {
			r.surprise("reverse-charge line: subtotal %s total %s, want %s %s", l.PriceSubtotal, l.PriceTotal, rcBase, rcBase)
		}
	}
	untaxed := rcBase.Add(excl.Mul(decimal.NewFromInt(2)))
	if !m.AmountUntaxed.Equal(untaxed) || !m.AmountTax.Equal(inclTax) || !m.AmountTotal.Equal(untaxed.Add(inclTax)) {
		r.surprise("bill with reverse charge: untaxed %s tax %s total %s, want %s %s %s", m.AmountUntaxed, m.AmountTax, m.AmountTotal,
			untaxed, inclTax, untaxed.Add(inclTax))
	}
	r.checkBalanced("bill with reverse charge", m)
	return nil
}

// foreignBill posts a bill in the foreign currency at today's rate: amounts in the bill's currency
// (amount_currency) as on a bill in the company's, each product line's balance its amount divided by the rate, the
// tax line's balance its amount at the rate of the lines it comes from, and the payment term what balances.
func (r *run) foreignBill(ctx context.Context) error {
	three := decimal.NewFromInt(3)
	one := decimal.NewFromInt(1)
	m, err := r.postMove(ctx, map[string]any{
		"move_type": odoo.MoveInInvoice, "partner_id": r.partner, "journal_id": r.purchaseJournal,
		"invoice_date": r.today.Format(odoo.DateLayout), "ref": "FX-" + r.suffix, "currency_id": r.tx.foreign.ID,
		"invoice_line_ids": []any{
			r.taxLine("Foreign "+r.suffix, three, thirtyish, r.expense, r.purchaseTax),
			r.taxLine("Five cents", one, fiveCents, r.expense, r.purchaseTax),
		},
	})
	if err != nil {
		return err
	}
	if m.Currency.ID != r.tx.foreign.ID {
		r.surprise("foreign bill: currency %+v, want %s", m.Currency, r.tx.foreign.Name)
	}
	places, cp := m.CurrencyPlaces, r.tx.companyPlaces
	taxInCompany := decimal.Zero
	for _, l := range m.Lines {
		switch l.DisplayType {
		case odoo.LineProduct:
			if want := l.AmountCurrency.Div(r.tx.rate).Round(cp); !l.Balance.Equal(want) {
				r.surprise("foreign bill line %q: balance %s, want %s / %s = %s", l.Name, l.Balance, l.AmountCurrency, r.tx.rate, want)
			}
			// Odoo computes the tax line's balance from each line's tax at that line's own rate (amount / balance).
			if !l.Balance.IsZero() {
				lineTax := l.AmountCurrency.Mul(r.purchaseRate).Div(hundred)
				if r.company.TaxRoundingMethod == odoo.RoundPerLine {
					lineTax = lineTax.Round(places)
				}
				taxInCompany = taxInCompany.Add(lineTax.Mul(l.Balance).Div(l.AmountCurrency))
			}
		}
	}
	bases := []decimal.Decimal{three.Mul(thirtyish), fiveCents}
	wantTax := expectedTax(r.purchaseRate, r.company.TaxRoundingMethod, places, bases...)
	if got := taxSums(m)[r.purchaseTax]; !got.Equal(wantTax) {
		r.surprise("foreign bill tax: %s, want %s", got, wantTax)
	}
	for _, l := range m.Lines {
		if l.DisplayType == odoo.LineTax && !l.Balance.Equal(taxInCompany.Round(cp)) {
			r.surprise("foreign bill tax line: balance %s, want %s", l.Balance, taxInCompany.Round(cp))
		}
	}
	if total := bases[0].Add(bases[1]).Add(wantTax); !m.AmountTotal.Equal(total) {
		r.surprise("foreign bill: total %s, want %s", m.AmountTotal, total)
	}
	r.checkBalanced("foreign bill", m)
	return nil
}

// cashRounding posts two invoices rounded to 0.05: 23.91 untaxed with a rounding line (add_invoice_line: +0.01 on the
// loss account, a debit; untaxed and total 23.90), and 3 × 33.33 with the sale tax whose total is rounded on the
// tax (biggest_tax: a rounding line of that tax, counted in amount_tax).
func (r *run) cashRounding(ctx context.Context) error {
	step := decimal.RequireFromString("0.05")
	ids := map[string]int64{}
	for _, strategy := range []string{"add_invoice_line", "biggest_tax"} {
		id, err := r.c.Create(ctx, "account.cash.rounding", map[string]any{"name": "Conformance " + strategy + " " + r.suffix,
			"rounding": step.InexactFloat64(), "strategy": strategy, "rounding_method": "HALF-UP",
			"profit_account_id": r.income, "loss_account_id": r.expense})
		if err != nil {
			return err
		}
		ids[strategy] = id
	}
	date := r.today.Format(odoo.DateLayout)
	one := decimal.NewFromInt(1)
	price := decimal.RequireFromString("23.91")
	m, err := r.postMove(ctx, map[string]any{
		"move_type": odoo.MoveOutInvoice, "partner_id": r.partner, "journal_id": r.saleJournal, "invoice_date": date,
		"invoice_cash_rounding_id": ids["add_invoice_line"],
		"invoice_line_ids":         []any{r.taxLine("Rounded "+r.suffix, one, price, r.income)},
	})
	if err != nil {
		return err
	}
	var rounding []odoo.MoveLine
	for _, l := range m.Lines {
		if l.DisplayType == odoo.LineRounding {
			rounding = append(rounding, l)
		}
	}
	want := decimal.RequireFromString("23.90")
	if m.CashRounding.ID != ids["add_invoice_line"] || len(rounding) != 1 || !rounding[0].AmountCurrency.Equal(decimal.RequireFromString("0.01")) ||
		rounding[0].Account.ID != r.expense || !rounding[0].TaxLine.IsZero() || !m.AmountUntaxed.Equal(want) || !m.AmountTotal.Equal(want) || !m.AmountTax.IsZero() {
		r.surprise("invoice of 23.91 rounded to 0.05 by a line: rounding %+v, untaxed %s tax %s total %s; want +0.01 on the loss account, 23.90",
			rounding, m.AmountUntaxed, m.AmountTax, m.AmountTotal)
	}
	r.checkBalanced("invoice with a rounding line", m)

	three := decimal.NewFromInt(3)
	m, err = r.postMove(ctx, map[string]any{
		"move_type": odoo.MoveOutInvoice, "partner_id": r.partner, "journal_id": r.saleJournal, "invoice_date": date,
		"invoice_cash_rounding_id": ids["biggest_tax"],
		"invoice_line_ids":         []any{r.taxLine("Rounded on the tax "+r.suffix, three, thirtyish, r.income, r.saleTax)},
	})
	if err != nil {
		return err
	}
	base := three.Mul(thirtyish)
	tax := base.Mul(r.saleRate).Div(hundred).Round(m.CurrencyPlaces)
	total := base.Add(tax)
	roundedTotal := total.Div(step).Round(0).Mul(step)
	diff := roundedTotal.Sub(total)
	rounding = rounding[:0]
	for _, l := range m.Lines {
		if l.DisplayType == odoo.LineRounding {
			rounding = append(rounding, l)
		}
	}
	switch {
	case diff.IsZero():
		if len(rounding) != 0 {
			r.surprise("invoice of %s, already rounded: rounding lines %+v", total, rounding)
		}
	case len(rounding) != 1 || rounding[0].TaxLine.ID != r.saleTax || !rounding[0].AmountCurrency.Equal(diff.Neg()) ||
		!m.AmountTax.Equal(tax.Add(diff)) || !m.AmountUntaxed.Equal(base) || !m.AmountTotal.Equal(roundedTotal):
		r.surprise("invoice of %s rounded to 0.05 on the tax: rounding %+v, untaxed %s tax %s total %s; want %s on tax %d, total %s",
			total, rounding, m.AmountUntaxed, m.AmountTax, m.AmountTotal, diff.Neg(), r.saleTax, roundedTotal)
	}
	r.checkBalanced("invoice rounded on the tax", m)
	return nil
}
