package odootest

import (
	"sort"

	"github.com/shopspring/decimal"
)

// Taxes as Odoo 17 computes them on invoice lines (account.tax.compute_all, account.move.line._compute_all_tax):
// percent, division and fixed taxes, price-included or not, with their repartition lines (a reverse-charge tax
// has a +100 % and a -100 % tax line, which cancel), rounded per line or globally as the company says. Group
// taxes and taxes that affect the base of later ones (include_base_amount) are not simulated.

func (s *Server) defineTaxRepartition() {
	rep := s.newModel("account.tax.repartition.line", "Tax Repartition Line", "document_type, repartition_type, sequence, id",
		fFloat("factor_percent").def(100.0).label("%"),
		(&fieldDef{Name: "factor", Type: "float", String: "Factor Ratio"}).compute(func(s *Server, e *env, r *record) any {
			return asFloat(r.Vals["factor_percent"]) / 100
		}),
		fSel("repartition_type", "base|Base", "tax|of tax").req().def("tax").label("Based On"),
		fSel("document_type", "invoice|Invoice", "refund|Refund").req().label("Related to"),
		fM2O("account_id", "account.account"),
		fM2O("tax_id", "account.tax"),
		fInt("sequence").def(int64(1)),
		fBool("use_in_tax_closing").def(true),
	)
	rep.beforeCreate = func(s *Server, e *env, vals map[string]any) error {
		if asString(vals["repartition_type"]) == "base" {
			delete(vals, "account_id")
		}
		return nil
	}
	tax := s.models["account.tax"]
	isDoc := func(doc string) func(v map[string]any) bool {
		return func(v map[string]any) bool { return asString(v["document_type"]) == doc }
	}
	tax.addField(&fieldDef{Name: "invoice_repartition_line_ids", Type: "one2many", Relation: "account.tax.repartition.line", Inverse: "tax_id",
		String: "Distribution for Invoices", Filter: isDoc("invoice")})
	tax.addField(&fieldDef{Name: "refund_repartition_line_ids", Type: "one2many", Relation: "account.tax.repartition.line", Inverse: "tax_id",
		String: "Distribution for Refund Invoices", Filter: isDoc("refund")})
	tax.addField(fO2M("repartition_line_ids", "account.tax.repartition.line", "tax_id").label("Distribution"))
	tax.afterCreate = func(s *Server, e *env, r *record) error {
		// _compute_invoice_repartition_line_ids / _compute_refund_…: a base line and a 100 % tax line when none are
		// given (on the simulator's tax account_id).
		for _, doc := range []string{"invoice", "refund"} {
			if len(s.repartition(r, doc, "")) > 0 {
				continue
			}
			for _, typ := range []string{"base", "tax"} {
				vals := map[string]any{"tax_id": r.ID, "document_type": doc, "repartition_type": typ}
				if typ == "tax" {
					vals["account_id"] = r.Vals["account_id"]
				}
				if _, err := s.create(e, s.models["account.tax.repartition.line"], vals); err != nil {
					return err
				}
			}
		}
		return s.checkRepartition(r)
	}
	tax.afterWrite = func(s *Server, e *env, r *record, vals map[string]any) error { return s.checkRepartition(r) }
}

// repartition returns a tax's repartition lines of one document type (invoice, refund), of one type (base, tax;
// "" for both), in (sequence, id) order.
func (s *Server) repartition(tax *record, doc, typ string) []*record {
	m := s.models["account.tax.repartition.line"]
	var out []*record
	for _, id := range m.sortedIDs(s, nil, "") {
		l := m.recs[id]
		if asInt(l.Vals["tax_id"]) == tax.ID && asString(l.Vals["document_type"]) == doc && (typ == "" || asString(l.Vals["repartition_type"]) == typ) {
			out = append(out, l)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		si, sj := asInt(out[i].Vals["sequence"]), asInt(out[j].Vals["sequence"])
		if si != sj {
			return si < sj
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// checkRepartition is account.tax._validate_repartition_lines (Odoo 17's messages).
func (s *Server) checkRepartition(tax *record) error {
	inv, ref := s.repartition(tax, "invoice", ""), s.repartition(tax, "refund", "")
	for _, lines := range [][]*record{inv, ref} {
		bases := 0
		for _, l := range lines {
			if asString(l.Vals["repartition_type"]) == "base" {
				bases++
			}
		}
		if bases != 1 {
			return validationError("Invoice and credit note distribution should each contain exactly one line for the base.")
		}
	}
	if len(inv) != len(ref) {
		return validationError("Invoice and credit note distribution should have the same number of lines.")
	}
	if len(s.repartition(tax, "invoice", "tax")) == 0 || len(s.repartition(tax, "refund", "tax")) == 0 {
		return validationError("Invoice and credit note repartition should have at least one tax repartition line.")
	}
	for i := range inv {
		if inv[i].Vals["repartition_type"] != ref[i].Vals["repartition_type"] || asFloat(inv[i].Vals["factor_percent"]) != asFloat(ref[i].Vals["factor_percent"]) {
			return validationError("Invoice and credit note distribution should match (same percentages, in the same order).")
		}
	}
	return nil
}

// taxValue is one repartition line's share of a tax on one base line.
type taxValue struct {
	tax     *record
	rep     int64 // account.tax.repartition.line id
	account int64 // the repartition line's account; 0: the base line's
	amount  decimal.Decimal
}

// taxResult is compute_all's answer.
type taxResult struct {
	excluded, included decimal.Decimal
	taxes              []taxValue
}

// computeAll is account.tax.compute_all for percent, division and fixed taxes: priceUnit and quantity of one line,
// amounts rounded at places digits, tax amounts at places (round per line) or places+5 (round globally);
// fixedSign is the sign fixed taxes take when the base is zero (the move's direction).
func (s *Server) computeAll(taxes []*record, priceUnit, qty decimal.Decimal, places int32, globally, refund bool, fixedSign int) taxResult {
	sort.SliceStable(taxes, func(i, j int) bool {
		si, sj := asInt(taxes[i].Vals["sequence"]), asInt(taxes[j].Vals["sequence"])
		if si != sj {
			return si < sj
		}
		return taxes[i].ID < taxes[j].ID
	})
	tplaces := places
	if globally {
		tplaces += 5
	}
	unit := decimal.New(1, -places) // currency.rounding
	hundred := decimal.NewFromInt(100)
	doc := "invoice"
	if refund {
		doc = "refund"
	}
	type taxInfo struct {
		lines     []*record
		sumFactor decimal.Decimal
		amount    decimal.Decimal
		kind      string
		included  bool
	}
	infos := make([]taxInfo, len(taxes))
	for i, t := range taxes {
		in := taxInfo{lines: s.repartition(t, doc, "tax"), amount: dec(asFloat(t.Vals["amount"])), kind: asString(t.Vals["amount_type"]),
			included: t.Vals["price_include"] == true}
		for _, l := range in.lines {
			in.sumFactor = in.sumFactor.Add(dec(asFloat(l.Vals["factor_percent"])).Div(hundred))
		}
		infos[i] = in
	}

	base := priceUnit.Mul(qty).Round(places)
	sign := decimal.NewFromInt(1)
	switch {
	case base.IsZero():
		if fixedSign < 0 {
			sign = sign.Neg()
		}
	case base.IsNegative():
		sign = sign.Neg()
		base = base.Neg()
	}
	// Reversed: the included amounts, to find the base without taxes; the total to reach for the last included tax.
	pct, div, fixed := decimal.Zero, decimal.Zero, decimal.Zero
	checkpoints := map[int]decimal.Decimal{}
	store := true
	for i := len(taxes) - 1; i >= 0; i-- {
		in := infos[i]
		if !in.included {
			continue
		}
		switch in.kind {
		case "percent":
			pct = pct.Add(in.amount.Mul(in.sumFactor))
		case "division":
			div = div.Add(in.amount.Mul(in.sumFactor))
		case "fixed":
			fixed = qty.Abs().Mul(in.amount).Mul(in.sumFactor)
		}
		if store && !in.amount.IsZero() {
			checkpoints[i] = base
			store = false
		}
	}
	excluded := base.Sub(fixed).Div(decimal.NewFromInt(1).Add(pct.Div(hundred))).Mul(hundred.Sub(div)).Div(hundred).Round(places)

	res := taxResult{}
	included := excluded
	cumulated := decimal.Zero
	for i, t := range taxes {
		in := infos[i]
		var amount decimal.Decimal
		if cp, ok := checkpoints[i]; ok && in.included && !in.sumFactor.IsZero() {
			amount = cp.Sub(excluded.Add(cumulated))
			cumulated = decimal.Zero
		} else {
			switch in.kind {
			case "percent":
				amount = excluded.Mul(in.amount).Div(hundred)
			case "division":
				if !in.amount.Equal(hundred) {
					amount = excluded.Div(decimal.NewFromInt(1).Sub(in.amount.Div(hundred))).Sub(excluded)
				}
			case "fixed":
				amount = qty.Abs().Mul(in.amount)
			}
		}
		amount = amount.Round(tplaces)
		factorized := amount.Mul(in.sumFactor).Round(tplaces)
		if _, ok := checkpoints[i]; in.included && !ok {
			cumulated = cumulated.Add(factorized)
		}
		// Each repartition line's share, the rounding error spread over the first lines.
		shares := make([]decimal.Decimal, len(in.lines))
		sum := decimal.Zero
		for j, l := range in.lines {
			shares[j] = amount.Mul(dec(asFloat(l.Vals["factor_percent"])).Div(hundred)).Round(tplaces)
			sum = sum.Add(shares[j])
		}
		errTotal := factorized.Sub(sum).Round(tplaces)
		steps := errTotal.Div(unit).Abs().IntPart()
		var each decimal.Decimal
		if steps > 0 {
			each = errTotal.Div(decimal.NewFromInt(steps)).Round(tplaces)
		}
		for j, l := range in.lines {
			share := shares[j]
			if steps > 0 {
				share = share.Add(each)
				steps--
			}
			res.taxes = append(res.taxes, taxValue{tax: t, rep: l.ID, account: asInt(l.Vals["account_id"]), amount: share.Mul(sign)})
		}
		included = included.Add(factorized)
	}
	res.excluded = excluded.Mul(sign)
	res.included = included.Round(places).Mul(sign)
	return res
}

// roundGlobally reports whether the company rounds taxes globally.
func (s *Server) roundGlobally(company int64) bool {
	c := s.models["res.company"].recs[company]
	return c != nil && asString(c.Vals["tax_calculation_rounding_method"]) == "round_globally"
}

// rateAt is the rate of cur against the company's currency on date (units of cur per unit of the company's
// currency): the latest res.currency.rate on or before the date, the company's own before a shared one; without
// any, the currency's stored rate (the seeded demo rates); 1 for the company's currency.
func (s *Server) rateAt(cur, company int64, date string) decimal.Decimal {
	if c := s.models["res.company"].recs[company]; c != nil && asInt(c.Vals["currency_id"]) == cur {
		return decimal.NewFromInt(1)
	}
	var best *record
	rates := s.models["res.currency.rate"]
	for _, id := range rates.sortedIDs(s, nil, "") {
		r := rates.recs[id]
		rc := asInt(r.Vals["company_id"])
		if asInt(r.Vals["currency_id"]) != cur || (rc != 0 && rc != company) || asString(r.Vals["name"]) > date {
			continue
		}
		if best == nil || asString(r.Vals["name"]) > asString(best.Vals["name"]) ||
			asString(r.Vals["name"]) == asString(best.Vals["name"]) && rc != 0 {
			best = r
		}
	}
	if best != nil && asFloat(best.Vals["rate"]) > 0 {
		return dec(asFloat(best.Vals["rate"]))
	}
	if c := s.models["res.currency"].recs[cur]; c != nil && asFloat(c.Vals["rate"]) > 0 {
		return dec(asFloat(c.Vals["rate"]))
	}
	return decimal.NewFromInt(1)
}

func (s *Server) defineCurrencyRates() {
	rates := s.newModel("res.currency.rate", "Currency Rate", "name desc",
		fDate("name").req().label("Date"), fFloat("rate").def(1.0).label("Technical Rate"),
		fM2O("currency_id", "res.currency").req(), (&fieldDef{Name: "company_id", Type: "many2one", Relation: "res.company", Default: defaultCompany}),
	)
	rates.beforeCreate = func(s *Server, e *env, vals map[string]any) error {
		if asString(vals["name"]) == "" {
			vals["name"] = s.today()
		}
		for _, r := range s.models["res.currency.rate"].recs {
			if r.Vals["name"] == vals["name"] && asInt(r.Vals["currency_id"]) == asInt(vals["currency_id"]) && asInt(r.Vals["company_id"]) == asInt(vals["company_id"]) {
				return validationError("The operation cannot be completed: Only one currency rate per day allowed!")
			}
		}
		if asFloat(vals["rate"]) <= 0 {
			return validationError("The currency rate must be strictly positive.")
		}
		return nil
	}
}

func (s *Server) defineCashRounding() {
	s.newModel("account.cash.rounding", "Account Cash Rounding", "id",
		fChar("name").req().label("Name"), fFloat("rounding").req().def(0.01).label("Rounding Precision"),
		fSel("strategy", "biggest_tax|Modify tax amount", "add_invoice_line|Add a rounding line").req().def("add_invoice_line").label("Rounding Strategy"),
		fM2O("profit_account_id", "account.account").label("Profit Account"), fM2O("loss_account_id", "account.account").label("Loss Account"),
		fSel("rounding_method", "UP|Up", "DOWN|Down", "HALF-UP|Nearest").req().def("HALF-UP"),
		fM2O("company_id", "res.company"),
	)
}

// cashRounding is _recompute_cash_rounding_lines for an invoice whose product and tax lines sum to total (signed,
// in its currency): the difference the invoice's cash rounding makes, in its currency and the company's, and the
// rounding line's values (nil: no rounding line). biggest_tax puts it on the tax line of the biggest balance (none:
// no rounding); add_invoice_line on the loss account when it is a debit and there is one, else the profit account.
func (s *Server) cashRounding(mv, biggest *record, total decimal.Decimal, places, compPlaces int32, rate decimal.Decimal) (decimal.Decimal, decimal.Decimal, map[string]any) {
	cr := s.models["account.cash.rounding"].recs[asInt(mv.Vals["invoice_cash_rounding_id"])]
	if cr == nil {
		return decimal.Zero, decimal.Zero, nil
	}
	step := dec(asFloat(cr.Vals["rounding"]))
	if !step.IsPositive() {
		return decimal.Zero, decimal.Zero, nil
	}
	amount := total.Round(places)
	n := amount.Abs().Div(step)
	switch asString(cr.Vals["rounding_method"]) {
	case "UP":
		n = n.Ceil()
	case "DOWN":
		n = n.Floor()
	default:
		n = n.Round(0)
	}
	rounded := n.Mul(step)
	if amount.IsNegative() {
		rounded = rounded.Neg()
	}
	diff := rounded.Sub(amount).Round(places)
	if diff.IsZero() {
		return decimal.Zero, decimal.Zero, nil
	}
	bal := diff.Div(rate).Round(compPlaces)
	vals := map[string]any{}
	if asString(cr.Vals["strategy"]) == "biggest_tax" {
		if biggest == nil {
			return decimal.Zero, decimal.Zero, nil
		}
		vals["name"] = asString(biggest.Vals["name"]) + " (rounding)"
		vals["account_id"] = biggest.Vals["account_id"]
		vals["tax_line_id"] = biggest.Vals["tax_line_id"]
		vals["tax_repartition_line_id"] = biggest.Vals["tax_repartition_line_id"]
	} else {
		vals["name"] = cr.Vals["name"]
		vals["account_id"] = cr.Vals["profit_account_id"]
		if bal.IsPositive() && asInt(cr.Vals["loss_account_id"]) != 0 {
			vals["account_id"] = cr.Vals["loss_account_id"]
		}
		vals["tax_line_id"] = int64(0)
		vals["tax_repartition_line_id"] = int64(0)
	}
	return diff, bal, vals
}
