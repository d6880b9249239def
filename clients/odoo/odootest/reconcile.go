package odootest

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
)

// Reconciliation as in Odoo 17: account.partial.reconcile records pair a debit and a credit journal item of one
// account; a journal item's residual is its amount less what its partials took; a group of items all at zero gets
// an account.full.reconcile; the matching number is the full reconcile's id, or P and the group's smallest partial
// id. An invoice's amount_residual is what its payment-term lines have left, its payment_state follows from what
// they are reconciled with (account.move._compute_payment_state): paid (with a payment; never in_payment without
// the Accounting app), reversed (by credit notes alone), partial, not_paid.

func (s *Server) defineReconciliation() {
	s.newModel("account.partial.reconcile", "Partial Reconcile", "id desc",
		fM2O("debit_move_id", "account.move.line").req(), fM2O("credit_move_id", "account.move.line").req(),
		fM2O("full_reconcile_id", "account.full.reconcile").label("Full Reconcile"),
		fM2O("exchange_move_id", "account.move"),
		fM2O("company_currency_id", "res.currency").label("Company Currency"),
		fM2O("debit_currency_id", "res.currency").label("Currency of the debit journal item"),
		fM2O("credit_currency_id", "res.currency").label("Currency of the credit journal item"),
		fMoney("amount"), fMoney("debit_amount_currency"), fMoney("credit_amount_currency"),
		fM2O("company_id", "res.company"), fDate("max_date").label("Max Date of Matched Lines"),
	)
	s.newModel("account.full.reconcile", "Full Reconcile", "id",
		fChar("name").label("Number"),
		fO2M("partial_reconcile_ids", "account.partial.reconcile", "full_reconcile_id").label("Reconciliation Parts"),
		fO2M("reconciled_line_ids", "account.move.line", "full_reconcile_id").label("Matched Journal Items"),
		fM2O("exchange_move_id", "account.move"),
	)
	line := s.models["account.move.line"]
	line.addField(fMoney("amount_residual_currency").label("Residual Amount in Currency"))
	line.addField(fM2O("full_reconcile_id", "account.full.reconcile").ro().label("Matching"))
	line.addField(fO2M("matched_debit_ids", "account.partial.reconcile", "credit_move_id").ro().label("Matched Debits"))
	line.addField(fO2M("matched_credit_ids", "account.partial.reconcile", "debit_move_id").ro().label("Matched Credits"))
	line.addField((&fieldDef{Name: "account_type", Type: "selection", String: "Internal Type", Selection: selection(accountTypes)}).compute(func(s *Server, e *env, r *record) any {
		if a := s.models["account.account"].recs[asInt(r.Vals["account_id"])]; a != nil {
			return a.Vals["account_type"]
		}
		return ""
	}))
	line.addField((&fieldDef{Name: "payment_id", Type: "many2one", Relation: "account.payment", String: "Originator Payment"}).compute(func(s *Server, e *env, r *record) any {
		if m := s.models["account.move"].recs[asInt(r.Vals["move_id"])]; m != nil {
			return asInt(m.Vals[s.movePaymentField()])
		}
		return int64(0)
	}))
	line.methods["reconcile"] = methodSpec{Record: true, Fn: func(s *Server, e *env, m *model, ids []int64, _ map[string]any) (any, error) {
		rs, err := s.browse(e, m, ids)
		if err != nil {
			return nil, err
		}
		return nil, s.reconcile(e, rs)
	}}
	line.methods["remove_move_reconcile"] = methodSpec{Record: true, Fn: func(s *Server, e *env, m *model, ids []int64, _ map[string]any) (any, error) {
		rs, err := s.browse(e, m, ids)
		if err != nil {
			return nil, err
		}
		s.unreconcileLines(e, rs)
		return nil, nil
	}}
	move := s.models["account.move"]
	move.addField(fM2O(s.movePaymentField(), "account.payment").ro().label("Payment"))
	move.addField((&fieldDef{Name: "matched_payment_ids", Type: "many2many", Relation: "account.payment", String: "Matched Payments",
		MinVersion: 18}).compute(func(s *Server, e *env, r *record) any { return idList(s.linkedPayments(r.ID)) }))
	move.methods["js_assign_outstanding_line"] = methodSpec{Record: true, Params: []string{"line_id"}, Fn: jsAssignOutstandingLine}
	move.methods["js_remove_outstanding_partial"] = methodSpec{Record: true, Params: []string{"partial_id"}, Fn: jsRemoveOutstandingPartial}
}

// movePaymentField names the account.move field of the payment it is the entry of: payment_id up to 17,
// origin_payment_id from 18.
func (s *Server) movePaymentField() string {
	if s.opts.Version >= 18 {
		return "origin_payment_id"
	}
	return "payment_id"
}

func selection(opts []string) [][2]string {
	return fSel("x", opts...).Selection
}

// reconcilable reports whether a journal item's account keeps residual amounts.
func (s *Server) reconcilable(l *record) bool {
	a := s.models["account.account"].recs[asInt(l.Vals["account_id"])]
	if a == nil {
		return false
	}
	t := asString(a.Vals["account_type"])
	return a.Vals["reconcile"] == true || t == "asset_receivable" || t == "liability_payable" || t == "asset_cash" || t == "liability_credit_card"
}

// partialsOf returns the partials where the line is the debit side and those where it is the credit side.
func (s *Server) partialsOf(lineID int64) (asDebit, asCredit []*record) {
	parts := s.models["account.partial.reconcile"]
	ids, _ := parts.refIDs("debit_move_id", lineID)
	for _, id := range ids {
		asDebit = append(asDebit, parts.recs[id])
	}
	ids, _ = parts.refIDs("credit_move_id", lineID)
	for _, id := range ids {
		asCredit = append(asCredit, parts.recs[id])
	}
	return asDebit, asCredit
}

// residuals computes a line's amount_residual and amount_residual_currency from its partials.
func (s *Server) residuals(l *record) (decimal.Decimal, decimal.Decimal) {
	if !s.reconcilable(l) {
		return decimal.Zero, decimal.Zero
	}
	bal, cur := dec(asFloat(l.Vals["balance"])), dec(asFloat(l.Vals["amount_currency"]))
	asDebit, asCredit := s.partialsOf(l.ID)
	for _, p := range asDebit {
		bal = bal.Sub(dec(asFloat(p.Vals["amount"])))
		cur = cur.Sub(dec(asFloat(p.Vals["debit_amount_currency"])))
	}
	for _, p := range asCredit {
		bal = bal.Add(dec(asFloat(p.Vals["amount"])))
		cur = cur.Add(dec(asFloat(p.Vals["credit_amount_currency"])))
	}
	return bal, cur
}

// reconcile is account.move.line.reconcile: Odoo's checks, then the debit and credit items paired in
// (due date, currency, amount) order, each pair getting a partial of what both have left.
func (s *Server) reconcile(e *env, rs []*record) error {
	if len(rs) == 0 {
		return nil
	}
	accounts := map[int64]bool{}
	companies := map[int64]bool{}
	for _, l := range rs {
		if l.Vals["reconciled"] == true {
			return userError("You are trying to reconcile some entries that are already reconciled.")
		}
		if mv := s.models["account.move"].recs[asInt(l.Vals["move_id"])]; mv == nil || mv.Vals["state"] != "posted" {
			return userError("You can only reconcile posted entries.")
		}
		accounts[asInt(l.Vals["account_id"])] = true
		companies[asInt(s.models["account.move"].recs[asInt(l.Vals["move_id"])].Vals["company_id"])] = true
	}
	accModel := s.models["account.account"]
	if len(accounts) > 1 {
		var names []string
		for id := range accounts {
			names = append(names, s.displayName(e, accModel, id))
		}
		sort.Strings(names)
		return userError("Entries are not from the same account: %s", joinComma(names))
	}
	if len(companies) > 1 {
		return userError("Entries don't belong to the same company.")
	}
	if !s.reconcilable(rs[0]) {
		return userError("Account %s does not allow reconciliation. First change the configuration of this account to allow it.", s.displayName(e, accModel, asInt(rs[0].Vals["account_id"])))
	}
	sorted := append([]*record(nil), rs...)
	dateOf := func(l *record) string { // account.move.line.date is the move's
		return asString(s.models["account.move"].recs[asInt(l.Vals["move_id"])].Vals["date"])
	}
	key := func(l *record) string {
		d := asString(l.Vals["date_maturity"])
		if d == "" {
			d = dateOf(l)
		}
		return d
	}
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		if key(a) != key(b) {
			return key(a) < key(b)
		}
		if ca, cb := asInt(a.Vals["currency_id"]), asInt(b.Vals["currency_id"]); ca != cb {
			return ca < cb
		}
		if x, y := asFloat(a.Vals["amount_currency"]), asFloat(b.Vals["amount_currency"]); x != y {
			return x < y
		}
		return asFloat(a.Vals["balance"]) < asFloat(b.Vals["balance"])
	})
	type open struct {
		l        *record
		bal, cur decimal.Decimal // what is left, positive
	}
	var debits, credits []*open
	for _, l := range sorted {
		bal, cur := s.residuals(l)
		switch {
		case asFloat(l.Vals["balance"]) > 0 || asFloat(l.Vals["amount_currency"]) > 0:
			debits = append(debits, &open{l, bal, cur})
		case asFloat(l.Vals["balance"]) < 0 || asFloat(l.Vals["amount_currency"]) < 0:
			credits = append(credits, &open{l, bal.Neg(), cur.Neg()})
		}
	}
	parts := s.models["account.partial.reconcile"]
	var touched []*record
	for len(debits) > 0 && len(credits) > 0 {
		d, c := debits[0], credits[0]
		amount := decimal.Min(d.bal, c.bal)
		sameCur := asInt(d.l.Vals["currency_id"]) == asInt(c.l.Vals["currency_id"])
		dCur, cCur := amount, amount
		if sameCur {
			dCur = decimal.Min(d.cur, c.cur)
			cCur = dCur
		} else {
			if !d.bal.IsZero() {
				dCur = d.cur.Mul(amount).Div(d.bal).Round(s.currencyPrec(asInt(d.l.Vals["currency_id"])))
			}
			if !c.bal.IsZero() {
				cCur = c.cur.Mul(amount).Div(c.bal).Round(s.currencyPrec(asInt(c.l.Vals["currency_id"])))
			}
		}
		if amount.IsPositive() || dCur.IsPositive() {
			maxDate := dateOf(d.l)
			if cd := dateOf(c.l); cd > maxDate {
				maxDate = cd
			}
			mv := s.models["account.move"].recs[asInt(d.l.Vals["move_id"])]
			company := s.models["res.company"].recs[asInt(mv.Vals["company_id"])]
			compPrec := s.currencyPrec(asInt(company.Vals["currency_id"]))
			if _, err := s.create(e, parts, map[string]any{
				"debit_move_id": d.l.ID, "credit_move_id": c.l.ID, "amount": money(amount, compPrec),
				"debit_amount_currency":  money(dCur, s.currencyPrec(asInt(d.l.Vals["currency_id"]))),
				"credit_amount_currency": money(cCur, s.currencyPrec(asInt(c.l.Vals["currency_id"]))),
				"max_date":               maxDate, "company_id": company.ID,
				"company_currency_id": company.Vals["currency_id"], "debit_currency_id": d.l.Vals["currency_id"], "credit_currency_id": c.l.Vals["currency_id"],
			}); err != nil {
				return err
			}
		}
		d.bal, d.cur = d.bal.Sub(amount), d.cur.Sub(dCur)
		c.bal, c.cur = c.bal.Sub(amount), c.cur.Sub(cCur)
		touched = append(touched, d.l, c.l)
		if !d.bal.IsPositive() || !d.cur.IsPositive() && sameCur {
			debits = debits[1:]
		}
		if !c.bal.IsPositive() || !c.cur.IsPositive() && sameCur {
			credits = credits[1:]
		}
	}
	s.refreshReconciliation(e, append(touched, rs...))
	return nil
}

func joinComma(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}

// unreconcileLines is remove_move_reconcile: the partials of the lines go, and both sides are refreshed.
func (s *Server) unreconcileLines(e *env, rs []*record) {
	parts := s.models["account.partial.reconcile"]
	aml := s.models["account.move.line"]
	affected := append([]*record(nil), rs...)
	for _, l := range rs {
		asDebit, asCredit := s.partialsOf(l.ID)
		for _, p := range append(asDebit, asCredit...) {
			for _, k := range []string{"debit_move_id", "credit_move_id"} {
				if other := aml.recs[asInt(p.Vals[k])]; other != nil {
					affected = append(affected, other)
				}
			}
			parts.remove(p.ID)
		}
	}
	s.refreshReconciliation(e, affected)
}

// unreconcileMove un-reconciles every journal item of a move.
func (s *Server) unreconcileMove(e *env, mv *record) {
	s.unreconcileLines(e, s.moveLines(mv.ID))
}

// refreshReconciliation recomputes, for the reconciliation groups of the lines: residuals, reconciled flags,
// full reconciles and matching numbers; then the invoices and payments the lines belong to.
func (s *Server) refreshReconciliation(e *env, rs []*record) {
	aml := s.models["account.move.line"]
	parts := s.models["account.partial.reconcile"]
	fulls := s.models["account.full.reconcile"]
	done := map[int64]bool{}
	moves := map[int64]bool{}
	for _, start := range rs {
		if start == nil || done[start.ID] || aml.recs[start.ID] == nil {
			continue
		}
		// the group: lines connected through partials
		group := []*record{}
		partIDs := map[int64]bool{}
		queue := []*record{start}
		done[start.ID] = true
		for len(queue) > 0 {
			l := queue[0]
			queue = queue[1:]
			group = append(group, l)
			asDebit, asCredit := s.partialsOf(l.ID)
			for _, p := range append(asDebit, asCredit...) {
				partIDs[p.ID] = true
				for _, k := range []string{"debit_move_id", "credit_move_id"} {
					if o := aml.recs[asInt(p.Vals[k])]; o != nil && !done[o.ID] {
						done[o.ID] = true
						queue = append(queue, o)
					}
				}
			}
		}
		all := len(partIDs) > 0
		for _, l := range group {
			bal, cur := s.residuals(l)
			prec := s.currencyPrec(asInt(l.Vals["currency_id"]))
			l.Vals["amount_residual"] = money(bal, 2)
			l.Vals["amount_residual_currency"] = money(cur, prec)
			rec := s.reconcilable(l) && bal.Round(2).IsZero() && cur.Round(prec).IsZero()
			l.Vals["reconciled"] = rec
			all = all && rec
			moves[asInt(l.Vals["move_id"])] = true
		}
		// full reconcile
		var fullID int64
		for _, l := range group {
			if f := asInt(l.Vals["full_reconcile_id"]); f != 0 {
				if all && fullID == 0 {
					fullID = f
				} else if f != fullID {
					fulls.remove(f)
				}
			}
		}
		if all && fullID == 0 {
			id, err := s.create(e, fulls, map[string]any{})
			if err == nil {
				fullID = id
			}
		}
		if !all && fullID != 0 {
			fulls.remove(fullID)
			fullID = 0
		}
		minPart := int64(0)
		for id := range partIDs {
			if minPart == 0 || id < minPart {
				minPart = id
			}
			parts.setVal(parts.recs[id], "full_reconcile_id", fullID)
		}
		for _, l := range group {
			aml.setVal(l, "full_reconcile_id", fullID)
			switch {
			case fullID != 0:
				l.Vals["matching_number"] = strconv.FormatInt(fullID, 10)
			case minPart != 0:
				l.Vals["matching_number"] = fmt.Sprintf("P%d", minPart)
			default:
				l.Vals["matching_number"] = ""
			}
		}
	}
	ids := make([]int64, 0, len(moves))
	for id := range moves {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		mv := s.models["account.move"].recs[id]
		if mv == nil {
			continue
		}
		before := fmt.Sprint(mv.Vals["amount_residual"], mv.Vals["payment_state"])
		s.updateResidual(mv)
		if before != fmt.Sprint(mv.Vals["amount_residual"], mv.Vals["payment_state"]) {
			s.touch(e, s.models["account.move"], mv)
		}
		if pid := asInt(mv.Vals[s.movePaymentField()]); pid != 0 {
			s.refreshPayment(e, pid)
		}
		if s.opts.Version >= 18 && isInvoice(asString(mv.Vals["move_type"])) {
			// 18's payment state depends on invoice_ids.payment_state: a part payment turns paid with the invoice.
			for _, pid := range s.linkedPayments(mv.ID) {
				s.refreshPayment(e, pid)
			}
		}
	}
}

// linkedPayments are the payments registered for an invoice (18+: account.payment.invoice_ids, the invoice's
// matched_payment_ids), in id order.
func (s *Server) linkedPayments(moveID int64) []int64 {
	var out []int64
	for id, p := range s.models["account.payment"].recs {
		if containsID(toIDs(p.Vals["invoice_ids"]), moveID) {
			out = append(out, id)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// updateResidual sets an invoice's amount_residual from its payment-term lines and its payment_state as
// _compute_payment_state does; other moves have no residual.
func (s *Server) updateResidual(mv *record) {
	mt := asString(mv.Vals["move_type"])
	if !isInvoice(mt) {
		mv.Vals["amount_residual"], mv.Vals["amount_residual_signed"] = float64(0), float64(0)
		mv.Vals["payment_state"] = "not_paid"
		return
	}
	prec := s.currencyPrec(asInt(mv.Vals["currency_id"]))
	resCur, resBal := decimal.Zero, decimal.Zero
	var counterparts []counterpart
	for _, l := range s.moveLines(mv.ID) {
		if l.Vals["display_type"] != "payment_term" {
			continue
		}
		resCur = resCur.Add(dec(asFloat(l.Vals["amount_residual_currency"])))
		resBal = resBal.Add(dec(asFloat(l.Vals["amount_residual"])))
		if t := asString(s.models["account.account"].recs[asInt(l.Vals["account_id"])].Vals["account_type"]); t != "asset_receivable" && t != "liability_payable" {
			continue
		}
		asDebit, asCredit := s.partialsOf(l.ID)
		for _, p := range asDebit {
			counterparts = append(counterparts, s.counterpartOf(asInt(p.Vals["credit_move_id"]), mv.ID)...)
		}
		for _, p := range asCredit {
			counterparts = append(counterparts, s.counterpartOf(asInt(p.Vals["debit_move_id"]), mv.ID)...)
		}
	}
	residual := resCur.Mul(decimal.NewFromInt(-direction(mt)))
	mv.Vals["amount_residual"] = money(residual, prec)
	mv.Vals["amount_residual_signed"] = money(resBal, 2)
	state := "not_paid"
	qualifies := mv.Vals["state"] == "posted" || s.opts.Version >= 19 && mv.Vals["state"] == "draft" && !dec(asFloat(mv.Vals["amount_total"])).IsZero()
	if qualifies {
		switch {
		case residual.Round(prec).IsZero():
			state = "paid"
			withPayment, allMatched := false, true
			types := map[string]bool{}
			for _, c := range counterparts {
				withPayment = withPayment || c.hasPayment
				allMatched = allMatched && (!c.hasPayment || c.matched)
				types[c.moveType] = true
			}
			if withPayment && !allMatched && s.opts.AccountingApp {
				state = "in_payment" // _get_invoice_in_payment_state: "paid" without the Accounting app
			}
			if !withPayment && len(types) > 0 {
				only := func(want ...string) bool {
					if len(types) != len(want) {
						return false
					}
					for _, w := range want {
						if !types[w] {
							return false
						}
					}
					return true
				}
				switch {
				case (mt == "in_invoice" || mt == "in_receipt") && (only("in_refund") || only("in_refund", "entry")),
					(mt == "out_invoice" || mt == "out_receipt") && (only("out_refund") || only("out_refund", "entry")),
					(mt == "out_refund" || mt == "in_refund") && only("entry"):
					state = "reversed"
				}
			}
		case len(counterparts) > 0:
			state = "partial"
		}
	}
	mv.Vals["payment_state"] = state
}

// counterpartOf describes the move of a journal item matched with a line of move self (nothing when the item is in
// that same move).
// counterpart is what the payment state needs of a move reconciled with an invoice.
type counterpart struct {
	moveType   string
	hasPayment bool
	matched    bool // the payment's liquidity line is matched (is_matched)
}

func (s *Server) counterpartOf(lineID, self int64) []counterpart {
	l := s.models["account.move.line"].recs[lineID]
	if l == nil || asInt(l.Vals["move_id"]) == self {
		return nil
	}
	mv := s.models["account.move"].recs[asInt(l.Vals["move_id"])]
	pid := asInt(mv.Vals[s.movePaymentField()])
	return []counterpart{{moveType: asString(mv.Vals["move_type"]), hasPayment: pid != 0, matched: pid != 0 && s.paymentMatched(pid)}}
}

// refreshPayment recomputes what a payment says about its reconciliation: is_reconciled (its counterpart lines
// have nothing left), is_matched (its liquidity line is: never without bank statements, unless it is on the
// journal's own account), the invoices and bills it pays, and (18+) its state: paid once all its invoices are.
func (s *Server) refreshPayment(e *env, payID int64) {
	pays := s.models["account.payment"]
	p := pays.recs[payID]
	if p == nil {
		return
	}
	mv := s.models["account.move"].recs[asInt(p.Vals["move_id"])]
	if mv == nil {
		return
	}
	liquidity := s.paymentLiquidityAccount(p)
	reconciled := true
	var invoices, bills []int64
	for _, l := range s.moveLines(mv.ID) {
		bal, _ := s.residuals(l)
		if asInt(l.Vals["account_id"]) == liquidity {
			continue
		}
		if s.reconcilable(l) {
			reconciled = reconciled && bal.Round(2).IsZero()
		}
		asDebit, asCredit := s.partialsOf(l.ID)
		for _, part := range append(asDebit, asCredit...) {
			for _, k := range []string{"debit_move_id", "credit_move_id"} {
				o := s.models["account.move.line"].recs[asInt(part.Vals[k])]
				if o == nil || asInt(o.Vals["move_id"]) == mv.ID {
					continue
				}
				om := s.models["account.move"].recs[asInt(o.Vals["move_id"])]
				switch t := asString(om.Vals["move_type"]); {
				case isSale(t) && isInvoice(t) && !containsID(invoices, om.ID):
					invoices = append(invoices, om.ID)
				case isInvoice(t) && !isSale(t) && !containsID(bills, om.ID):
					bills = append(bills, om.ID)
				}
			}
		}
	}
	if s.opts.Version >= 18 {
		// 18's reconciled_invoice_ids/_bill_ids start from invoice_ids, reconciled or not (a cancelled payment keeps them).
		for _, id := range toIDs(p.Vals["invoice_ids"]) {
			if om := s.models["account.move"].recs[id]; om != nil {
				if t := asString(om.Vals["move_type"]); isSale(t) && !containsID(invoices, id) {
					invoices = append(invoices, id)
				} else if !isSale(t) && !containsID(bills, id) {
					bills = append(bills, id)
				}
			}
		}
	}
	matched := s.paymentMatched(payID)
	if dec(asFloat(p.Vals["amount"])).IsZero() {
		reconciled = true // _compute_reconciliation_status: a zero payment is both reconciled and matched
	}
	sort.Slice(invoices, func(i, j int) bool { return invoices[i] < invoices[j] })
	sort.Slice(bills, func(i, j int) bool { return bills[i] < bills[j] })
	p.Vals["is_reconciled"] = reconciled
	p.Vals["is_matched"] = matched
	p.Vals["reconciled_invoice_ids"] = invoices
	p.Vals["reconciled_bill_ids"] = bills
	if s.opts.Version >= 18 {
		if st := asString(p.Vals["state"]); st == "in_process" || st == "paid" {
			state := "in_process"
			if matched {
				state = "paid"
			}
			if linked := toIDs(p.Vals["invoice_ids"]); state == "in_process" && len(linked) > 0 {
				all := true
				for _, id := range linked {
					if inv := s.models["account.move"].recs[id]; inv == nil || inv.Vals["payment_state"] != "paid" {
						all = false
					}
				}
				if all {
					state = "paid"
				}
			}
			p.Vals["state"] = state
		}
	} else {
		p.Vals["state"] = mv.Vals["state"]
	}
	s.touch(e, pays, p)
}

// paymentMatched is account.payment.is_matched: its liquidity line has nothing left (matched with a bank statement
// line, which the simulator has not), or it is on the journal's own account.
func (s *Server) paymentMatched(payID int64) bool {
	p := s.models["account.payment"].recs[payID]
	if p == nil {
		return false
	}
	if dec(asFloat(p.Vals["amount"])).IsZero() {
		return true
	}
	liquidity := s.paymentLiquidityAccount(p)
	if j := s.models["account.journal"].recs[asInt(p.Vals["journal_id"])]; j != nil && asInt(j.Vals["default_account_id"]) == liquidity {
		return true
	}
	for _, l := range s.moveLines(asInt(p.Vals["move_id"])) {
		if asInt(l.Vals["account_id"]) == liquidity {
			if bal, _ := s.residuals(l); !bal.IsZero() {
				return false
			}
		}
	}
	return true
}

// paymentLiquidityAccount is the account of a payment's liquidity line: the company's outstanding receipts or
// payments account, else the journal's own.
func (s *Server) paymentLiquidityAccount(p *record) int64 {
	company := s.models["res.company"].recs[asInt(p.Vals["company_id"])]
	f := "account_journal_payment_debit_account_id"
	if p.Vals["payment_type"] == "outbound" {
		f = "account_journal_payment_credit_account_id"
	}
	if company != nil {
		if a := asInt(company.Vals[f]); a != 0 {
			return a
		}
	}
	if j := s.models["account.journal"].recs[asInt(p.Vals["journal_id"])]; j != nil {
		return asInt(j.Vals["default_account_id"])
	}
	return 0
}

// jsAssignOutstandingLine reconciles an outstanding journal item (a payment's, a credit note's) with the open lines
// of the invoice on the same account, as the payment widget does. It returns None.
func jsAssignOutstandingLine(s *Server, e *env, m *model, ids []int64, p map[string]any) (any, error) {
	rs, err := s.browse(e, m, ids)
	if err != nil {
		return nil, err
	}
	if len(rs) != 1 {
		return nil, valueError("Expected singleton: %s%s", m.Name, pyRepr(idList(ids)))
	}
	aml := s.models["account.move.line"]
	line := aml.recs[asInt(p["line_id"])]
	if line == nil {
		return nil, missingError("account.move.line", []int64{asInt(p["line_id"])}, e.uid)
	}
	lines := []*record{line}
	for _, l := range s.moveLines(rs[0].ID) {
		if asInt(l.Vals["account_id"]) == asInt(line.Vals["account_id"]) && l.Vals["reconciled"] != true && l.ID != line.ID {
			lines = append(lines, l)
		}
	}
	return nil, s.reconcile(e, lines)
}

// jsRemoveOutstandingPartial removes one partial from an invoice. It returns None.
func jsRemoveOutstandingPartial(s *Server, e *env, m *model, ids []int64, p map[string]any) (any, error) {
	part := s.models["account.partial.reconcile"].recs[asInt(p["partial_id"])]
	if part == nil {
		return nil, missingError("account.partial.reconcile", []int64{asInt(p["partial_id"])}, e.uid)
	}
	aml := s.models["account.move.line"]
	affected := []*record{aml.recs[asInt(part.Vals["debit_move_id"])], aml.recs[asInt(part.Vals["credit_move_id"])]}
	s.models["account.partial.reconcile"].remove(part.ID)
	s.refreshReconciliation(e, affected)
	return true, nil // partial.unlink()'s answer
}

// lockDate is the company's lock date for the admin (an adviser: the fiscal year lock date; the period lock date
// binds other users only), "" when there is none.
func (s *Server) lockDate(company int64) string {
	if c := s.models["res.company"].recs[company]; c != nil {
		return asString(c.Vals["fiscalyear_lock_date"])
	}
	return ""
}

// checkLockDate refuses to change a posted move of a locked period (_check_fiscalyear_lock_date).
func (s *Server) checkLockDate(mv *record) error {
	lock := s.lockDate(asInt(mv.Vals["company_id"]))
	if lock != "" && asString(mv.Vals["date"]) <= lock {
		return userError("You cannot add/modify entries prior to and inclusive of the lock date %s.", userDate(lock))
	}
	return nil
}

// userDate formats a date as Odoo shows it to an en_US user.
func userDate(d string) string {
	t, err := time.Parse(dateLayout, d)
	if err != nil {
		return d
	}
	return t.Format("01/02/2006")
}

// accountingDate is account.move._get_accounting_date: a move dated in a locked period is posted on the first
// open date instead: sale documents at the end of that month or year (not after today), others at the end of the
// locked date's month or year when today is later, else today or the date, by how the journal numbers reset.
func (s *Server) accountingDate(mv *record, date string, sale bool) string {
	lock := s.lockDate(asInt(mv.Vals["company_id"]))
	if lock == "" || date > lock {
		return date
	}
	l, _ := time.Parse(dateLayout, lock)
	d := l.AddDate(0, 0, 1)
	today, _ := time.Parse(dateLayout, s.today())
	endOfYear := time.Date(d.Year(), 12, 31, 0, 0, 0, 0, time.UTC)
	// The journal's numbering: monthly for miscellaneous entries; yearly otherwise, once the journal numbered
	// anything (without a last number, _get_accounting_date takes the monthly rule).
	monthly := true
	if j := s.models["account.journal"].recs[asInt(mv.Vals["journal_id"])]; j != nil && !(j.Vals["type"] == "general" && !isInvoice(asString(mv.Vals["move_type"]))) {
		ids, _ := s.models["account.move"].refIDs("journal_id", j.ID)
		if ids == nil {
			for id, other := range s.models["account.move"].recs {
				if asInt(other.Vals["journal_id"]) == j.ID {
					ids = append(ids, id)
				}
			}
		}
		for _, id := range ids {
			if n := asString(s.models["account.move"].recs[id].Vals["name"]); id != mv.ID && n != "" && n != "/" {
				monthly = false
				break
			}
		}
	}
	endOfMonth := time.Date(d.Year(), d.Month()+1, 0, 0, 0, 0, 0, time.UTC)
	if sale {
		end := endOfYear
		if monthly {
			end = endOfMonth
		}
		if today.Before(end) {
			end = today
		}
		return end.Format(dateLayout)
	}
	if monthly {
		if today.Year() > d.Year() || today.Year() == d.Year() && today.Month() > d.Month() {
			return endOfMonth.Format(dateLayout)
		}
	} else if today.Year() > d.Year() {
		return endOfYear.Format(dateLayout)
	}
	if today.After(d) {
		return today.Format(dateLayout)
	}
	return d.Format(dateLayout)
}
