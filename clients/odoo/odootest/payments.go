package odootest

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

func (s *Server) defineAccountPayment() {
	pay := s.newModel("account.payment", "Payments", "date desc, name desc",
		fChar("name").ro(), (&fieldDef{Name: "amount", Type: "monetary"}),
		paymentStates(s.opts.Version),
		fSel("payment_type", "outbound|Send", "inbound|Receive").req().def("inbound"),
		fSel("partner_type", "customer|Customer", "supplier|Vendor").req().def("customer"),
		fM2O("partner_id", "res.partner").label("Customer/Vendor"), fDate("date").req(),
		fM2O("journal_id", "account.journal").req(), fM2O("currency_id", "res.currency"),
		(&fieldDef{Name: "company_id", Type: "many2one", Relation: "res.company", Default: defaultCompany}),
		fChar("ref").label("Memo").versions(0, 17), fChar("memo").versions(18, 0),
		fM2O("move_id", "account.move").ro().label("Journal Entry"),
		fM2M("reconciled_invoice_ids", "account.move").ro().label("Reconciled Invoices"),
		fM2M("reconciled_bill_ids", "account.move").ro().label("Reconciled Bills"),
		fBool("is_reconciled").ro(), fBool("is_matched").ro(),
		fM2M("invoice_ids", "account.move").versions(18, 0).label("Invoices"),
	)
	pay.methods["action_draft"] = methodSpec{Record: true, Fn: paymentDraft}
	pay.methods["action_cancel"] = methodSpec{Record: true, Fn: paymentCancel}
	pay.methods["action_post"] = methodSpec{Record: true, Fn: paymentPost}
	pay.beforeCreate = func(s *Server, e *env, vals map[string]any) error {
		if !s.inRecompute {
			return userError("Create payments with account.payment.register (create + action_create_payments) in this simulator.")
		}
		return nil
	}
	pay.displayName = func(s *Server, e *env, r *record) string {
		if n := asString(r.Vals["name"]); n != "" {
			return n
		}
		return "Draft Payment"
	}

	reg := s.newModel("account.payment.register", "Pay", "id",
		(&fieldDef{Name: "amount", Type: "monetary"}), fDate("payment_date").req(),
		fM2O("journal_id", "account.journal").req(), fChar("communication").label("Memo"),
		fM2O("currency_id", "res.currency"), fM2O("partner_id", "res.partner").ro(), fM2O("company_id", "res.company").ro(),
		fM2M("line_ids", "account.move.line").ro().label("Journal items"),
		fBool("group_payment").def(true), fM2O("partner_bank_id", "res.partner.bank"),
		fSel("payment_type", "outbound|Send", "inbound|Receive").ro(), fSel("partner_type", "customer|Customer", "supplier|Vendor").ro(),
		fMoney("payment_difference"), fSel("payment_difference_handling", "open|Keep open", "reconcile|Mark as fully paid").def("open"),
		fM2O("writeoff_account_id", "account.account").label("Difference Account"), fChar("writeoff_label").def("Write-Off").label("Journal Item Label"),
		fMoney("source_amount").label("Amount to Pay (company currency)"), fMoney("source_amount_currency").label("Amount to Pay (foreign currency)"),
	)
	reg.Transient = true
	reg.beforeCreate = registerBeforeCreate
	reg.methods["action_create_payments"] = methodSpec{Record: true, Fn: actionCreatePayments}

	send := s.newModel("account.move.send", "Account Move Send", "id",
		fM2M("move_ids", "account.move").ro(), fBool("checkbox_send_mail").def(true).label("Email"),
		fBool("checkbox_download").def(true).label("Download"), fM2O("company_id", "res.company").ro(),
		// account_edi_ubl_cii (installed in the recorded 17 database): off unless the company sends UBL by default.
		fBool("checkbox_ubl_cii_xml").def(false).label("Generate UBL/CII"),
		fChar("mail_subject").label("Subject"), fText("mail_body").label("Contents"),
	)
	send.Transient = true
	send.MinVersion = 17
	send.beforeCreate = func(s *Server, e *env, vals map[string]any) error {
		if s.opts.Version >= 18 {
			// An AbstractModel from 18 on (the wizard is account.move.send.wizard): real 19 answers this.
			return accessError("Contact your administrator to request access if necessary.")
		}
		ids, err := s.activeMoves(e, "print and send")
		if err != nil {
			return err
		}
		for _, id := range ids {
			mv := s.models["account.move"].recs[id]
			if mv.Vals["state"] != "posted" {
				return userError("You can't Print & Send invoices that are not posted.")
			}
			if !isInvoice(asString(mv.Vals["move_type"])) {
				return userError("You can only send invoices.")
			}
		}
		vals["move_ids"] = []any{[]any{int64(6), int64(0), idList(ids)}}
		vals["company_id"] = s.models["account.move"].recs[ids[0]].Vals["company_id"]
		return nil
	}
	send.methods["action_send_and_print"] = methodSpec{Record: true, Params: []string{"force_synchronous", "allow_fallback_pdf"}, Fn: actionSendAndPrint}

	// 18+: one wizard per move; sending_methods lists what it does ("manual" is the download, "email" mails).
	wiz := s.newModel("account.move.send.wizard", "Account Move Send Wizard", "id",
		fM2O("move_id", "account.move").req(), fM2O("company_id", "res.company").ro(),
		(&fieldDef{Name: "sending_methods", Type: "json", String: "Sending Methods"}),
		(&fieldDef{Name: "sending_method_checkboxes", Type: "json", String: "Sending Method Checkboxes"}),
		(&fieldDef{Name: "extra_edis", Type: "json", String: "Extra Edis"}),
		(&fieldDef{Name: "alerts", Type: "json", String: "Alerts", Readonly: true}),
	)
	wiz.Transient = true
	wiz.MinVersion = 18
	wiz.beforeCreate = func(s *Server, e *env, vals map[string]any) error {
		mid := asInt(vals["move_id"])
		if mid == 0 {
			ids, err := s.activeMoves(e, "send")
			if err != nil {
				return err
			}
			mid = ids[0]
			vals["move_id"] = mid
		}
		mv := s.models["account.move"].recs[mid]
		if mv == nil {
			return missingError("account.move", []int64{mid}, e.uid)
		}
		if mv.Vals["state"] != "posted" {
			return userError("You can't Print & Send invoices that are not posted.")
		}
		if !isInvoice(asString(mv.Vals["move_type"])) {
			return userError("You can only send invoices.")
		}
		methods, ok := vals["sending_methods"].([]any)
		if !ok {
			// The default is the partner's preferred method, else e-mail.
			pref := "email"
			partners := s.models["res.partner"]
			if p := partners.recs[asInt(mv.Vals["partner_id"])]; p != nil {
				ce := *e
				ce.company = asInt(mv.Vals["company_id"])
				if m := asString(s.rawByName(&ce, partners, p, "invoice_sending_method")); m != "" {
					pref = m
				}
			}
			methods = []any{pref}
		}
		boxes := map[string]any{}
		for _, m := range methods {
			boxes[asString(m)] = map[string]any{"checked": true}
		}
		vals["sending_methods"] = methods
		if len(methods) == 0 {
			vals["sending_methods"] = false // a Json field stores an empty list as null
		}
		vals["sending_method_checkboxes"] = boxes
		vals["company_id"] = mv.Vals["company_id"]
		return nil
	}
	wiz.methods["action_send_and_print"] = methodSpec{Record: true, Params: []string{"allow_fallback_pdf"}, Fn: actionSendAndPrintWizard}

	old := s.newModel("account.invoice.send", "Account Invoice Send", "id",
		fM2M("invoice_ids", "account.move").ro(), fBool("is_email").def(true), fBool("is_print").def(false),
		fChar("subject"), fText("body"),
	)
	old.Transient = true
	old.beforeCreate = func(s *Server, e *env, vals map[string]any) error {
		if s.opts.Version > 16 {
			return nil
		}
		ids, err := s.activeMoves(e, "send")
		if err != nil {
			return err
		}
		vals["invoice_ids"] = []any{[]any{int64(6), int64(0), idList(ids)}}
		return nil
	}
	old.methods["send_and_print_action"] = methodSpec{Record: true, Fn: actionSendAndPrint16}
	if s.opts.Version > 16 {
		delete(s.models, "account.invoice.send")
	}
}

func (s *Server) activeMoves(e *env, what string) ([]int64, error) {
	am, _ := e.ctx["active_model"].(string)
	ids := toIDs(e.ctx["active_ids"])
	if am != "account.move" || len(ids) == 0 {
		if am == "account.move.line" && len(ids) > 0 {
			var moves []int64
			for _, lid := range ids {
				l := s.models["account.move.line"].recs[lid]
				if l == nil {
					return nil, missingError("account.move.line", []int64{lid}, e.uid)
				}
				if mid := asInt(l.Vals["move_id"]); !containsID(moves, mid) {
					moves = append(moves, mid)
				}
			}
			return moves, nil
		}
		return nil, userError("The %s wizard can only be opened from journal entries: pass context {'active_model': 'account.move', 'active_ids': [...]}.", what)
	}
	if _, err := s.browse(e, s.models["account.move"], ids); err != nil {
		return nil, err
	}
	return ids, nil
}

func registerBeforeCreate(s *Server, e *env, vals map[string]any) error {
	ids, err := s.activeMoves(e, "register payment")
	if err != nil {
		return err
	}
	moves := s.models["account.move"]
	total := decimal.Zero
	var first *record
	var lineIDs []any
	for _, id := range ids {
		mv := moves.recs[id]
		if mv.Vals["state"] != "posted" {
			return userError("You can only register payment for posted journal entries.")
		}
		if !isInvoice(asString(mv.Vals["move_type"])) {
			return userError("You can only register payments for invoices, credit notes and bills.")
		}
		if first != nil && (asString(mv.Vals["move_type"])[:3] != asString(first.Vals["move_type"])[:3] || asInt(mv.Vals["currency_id"]) != asInt(first.Vals["currency_id"])) {
			return userError("You can't register payments for journal items being either all inbound, either all outbound, in the same currency.")
		}
		if first == nil {
			first = mv
		}
		total = total.Add(dec(asFloat(mv.Vals["amount_residual"])))
		for _, l := range s.moveLines(id) {
			if l.Vals["display_type"] == "payment_term" && l.Vals["reconciled"] != true {
				lineIDs = append(lineIDs, l.ID)
			}
		}
	}
	if !total.IsPositive() {
		return userError("You can't register a payment because there is nothing left to pay on the selected journal items.")
	}
	prec := s.currencyPrec(asInt(first.Vals["currency_id"]))
	if _, ok := vals["amount"]; !ok {
		vals["amount"] = money(total, prec)
	}
	vals["source_amount_currency"] = money(total, prec)
	vals["payment_difference"] = money(total.Sub(dec(asFloat(vals["amount"]))), prec)
	if _, ok := vals["payment_date"]; !ok {
		vals["payment_date"] = s.today()
	}
	if asInt(vals["journal_id"]) == 0 {
		j := s.journalFor(e, asInt(first.Vals["company_id"]), "bank")
		if j == 0 {
			return userError("No bank journal found in company %s.", s.displayName(e, s.models["res.company"], asInt(first.Vals["company_id"])))
		}
		vals["journal_id"] = j
	} else {
		j := s.models["account.journal"].recs[asInt(vals["journal_id"])]
		if j == nil {
			return missingError("account.journal", []int64{asInt(vals["journal_id"])}, e.uid)
		}
		if t := asString(j.Vals["type"]); t != "bank" && t != "cash" {
			return userError("The journal %s is not a bank or cash journal: payments can only be registered in bank or cash journals.", s.displayName(e, s.models["account.journal"], j.ID))
		}
		if asInt(j.Vals["company_id"]) != asInt(first.Vals["company_id"]) {
			return userError("Incompatible companies on records: the journal %s belongs to another company than the invoice.", s.displayName(e, s.models["account.journal"], j.ID))
		}
	}
	if _, ok := vals["communication"]; !ok {
		comm := asString(first.Vals["payment_reference"])
		if comm == "" {
			comm = asString(first.Vals["ref"])
		}
		if comm == "" {
			comm = asString(first.Vals["name"])
		}
		vals["communication"] = comm
	}
	if asInt(vals["currency_id"]) == 0 {
		vals["currency_id"] = first.Vals["currency_id"]
	}
	vals["partner_id"] = commercialPartner(s, s.models["res.partner"].recs[asInt(first.Vals["partner_id"])])
	vals["company_id"] = first.Vals["company_id"]
	vals["line_ids"] = []any{[]any{int64(6), int64(0), lineIDs}}
	mt := asString(first.Vals["move_type"])
	if mt == "out_invoice" || mt == "in_refund" || mt == "out_receipt" {
		vals["payment_type"] = "inbound"
	} else {
		vals["payment_type"] = "outbound"
	}
	if isSale(mt) {
		vals["partner_type"] = "customer"
	} else {
		vals["partner_type"] = "supplier"
	}
	return nil
}

// paymentStates is account.payment.state: 17's follows its entry (draft, posted, cancel); 18 has its own.
func paymentStates(version int) *fieldDef {
	if version >= 18 {
		return fSel("state", "draft|Draft", "in_process|In Process", "paid|Paid", "canceled|Canceled", "rejected|Rejected").def("draft").ro()
	}
	return fSel("state", "draft|Draft", "posted|Posted", "cancel|Cancelled").def("draft").ro()
}

// actionCreatePayments is account.payment.register.action_create_payments: one payment per wizard, its entry
// posted (on the first open date when the payment date is locked), its counterpart reconciled with the open lines
// of the invoices. An amount above what is due is allowed: with payment_difference_handling "open" (the default)
// the rest stays open on the payment; with "reconcile" the difference goes to writeoff_account_id and the invoices
// are paid in full.
func actionCreatePayments(s *Server, e *env, m *model, ids []int64, _ map[string]any) (any, error) {
	rs, err := s.browse(e, m, ids)
	if err != nil {
		return nil, err
	}
	var payIDs []int64
	for _, w := range rs {
		payID, err := s.createPayment(e, w)
		if err != nil {
			return nil, err
		}
		payIDs = append(payIDs, payID)
	}
	action := map[string]any{
		"name": "Payments", "type": "ir.actions.act_window", "res_model": "account.payment",
		"context": map[string]any{"create": false},
	}
	if len(payIDs) == 1 {
		action["view_mode"] = "form"
		action["res_id"] = payIDs[0]
	} else {
		action["view_mode"] = "tree,form"
		action["domain"] = []any{[]any{"id", "in", idList(payIDs)}}
	}
	if v, ok := e.ctx["dont_redirect_to_payments"]; ok && v == true {
		return true, nil
	}
	return action, nil
}

func (s *Server) createPayment(e *env, w *record) (int64, error) {
	aml := s.models["account.move.line"]
	var open []*record
	var moveIDs []int64
	for _, lid := range toIDs(w.Vals["line_ids"]) {
		l := aml.recs[lid]
		if l == nil || l.Vals["reconciled"] == true {
			continue
		}
		open = append(open, l)
		if mid := asInt(l.Vals["move_id"]); !containsID(moveIDs, mid) {
			moveIDs = append(moveIDs, mid)
		}
	}
	if len(open) == 0 {
		return 0, userError("You can't register a payment because there is nothing left to pay on the selected journal items.")
	}
	for _, mid := range moveIDs {
		if s.models["account.move"].recs[mid].Vals["state"] != "posted" {
			return 0, userError("You can only register payment for posted journal entries.")
		}
	}
	cur := asInt(w.Vals["currency_id"])
	prec := s.currencyPrec(cur)
	amount := dec(asFloat(w.Vals["amount"])).Round(prec)
	if amount.IsNegative() {
		// account.payment's check_amount_not_negative (a zero amount makes a zero payment, as on real 17)
		return 0, validationError("The operation cannot be completed: The payment amount cannot be negative.")
	}
	due := decimal.Zero
	for _, l := range open {
		due = due.Add(dec(asFloat(l.Vals["amount_residual_currency"])).Abs())
	}
	inbound := w.Vals["payment_type"] == "inbound"
	journal := s.models["account.journal"].recs[asInt(w.Vals["journal_id"])]
	companyID := asInt(w.Vals["company_id"])
	partnerAcc := asInt(open[0].Vals["account_id"])
	writeoff := decimal.Zero
	if w.Vals["payment_difference_handling"] == "reconcile" && !due.Equal(amount) {
		if asInt(w.Vals["writeoff_account_id"]) == 0 {
			return 0, validationError("The operation cannot be completed: Create/update: a mandatory field is not set.\nDelete: another model requires the record being deleted. If possible, archive it instead.\n\nModel: Journal Item (account.move.line)\nField: Account (account_id)")
		}
		writeoff = due.Sub(amount)
	}
	s.inRecompute = true
	defer func() { s.inRecompute = false }()
	// the payment and its entry
	pays := s.models["account.payment"]
	vals := map[string]any{
		"amount": money(amount, prec), "payment_type": w.Vals["payment_type"], "partner_type": w.Vals["partner_type"],
		"partner_id": w.Vals["partner_id"], "date": w.Vals["payment_date"], "journal_id": journal.ID, "currency_id": cur, "company_id": companyID,
	}
	if s.opts.Version >= 18 {
		vals["memo"] = w.Vals["communication"]
		vals["invoice_ids"] = []any{[]any{int64(6), int64(0), idList(moveIDs)}}
	} else {
		vals["ref"] = w.Vals["communication"]
	}
	payID, err := s.create(e, pays, vals)
	if err != nil {
		return 0, err
	}
	pay := pays.recs[payID]
	moves := s.models["account.move"]
	moveID, err := s.create(e, moves, map[string]any{
		"move_type": "entry", "journal_id": journal.ID, "date": w.Vals["payment_date"], "ref": w.Vals["communication"], "partner_id": w.Vals["partner_id"],
		"currency_id": cur, "company_id": companyID, s.movePaymentField(): payID,
	})
	if err != nil {
		return 0, err
	}
	pm := moves.recs[moveID]
	date := s.accountingDate(pm, asString(w.Vals["payment_date"]), false)
	pm.Vals["date"] = date
	if s.opts.Version < 18 {
		pay.Vals["date"] = date // 17: the payment's date is its entry's (account.payment _inherits account.move)
	}
	name := s.nextNumber(journal, "P"+asString(journal.Vals["code"]), date, false)
	if s.opts.Version <= 16 {
		name = s.nextNumber(journal, asString(journal.Vals["code"]), date, false)
	}
	pm.Vals["name"], pay.Vals["name"] = name, name
	pm.Vals["state"], pm.Vals["posted_before"] = "posted", true
	pays.setVal(pay, "move_id", moveID)
	rate := s.rateAt(cur, companyID, date)
	compPrec := s.currencyPrec(asInt(s.models["res.company"].recs[companyID].Vals["currency_id"]))
	sign := decimal.NewFromInt(1) // liquidity: debit when money comes in
	if !inbound {
		sign = sign.Neg()
	}
	type lineSpec struct {
		account int64
		cur     decimal.Decimal
		name    string
	}
	specs := []lineSpec{
		{s.paymentLiquidityAccount(pay), amount.Mul(sign), asString(w.Vals["communication"])},
		{partnerAcc, amount.Add(writeoff).Mul(sign).Neg(), asString(w.Vals["communication"])},
	}
	if !writeoff.IsZero() {
		specs = append(specs, lineSpec{asInt(w.Vals["writeoff_account_id"]), writeoff.Mul(sign), asString(w.Vals["writeoff_label"])})
	}
	balSum := decimal.Zero
	for i, sp := range specs {
		bal := sp.cur.Div(rate).Round(compPrec)
		if i == len(specs)-1 {
			bal = balSum.Neg() // the last line balances the entry
		}
		balSum = balSum.Add(bal)
		b := money(bal, compPrec)
		debit, credit := b, float64(0)
		if bal.IsNegative() {
			debit, credit = 0, money(bal.Neg(), compPrec)
		}
		if _, err := s.create(e, aml, map[string]any{
			"move_id": moveID, "name": sp.name, "account_id": sp.account, "debit": debit, "credit": credit, "balance": b,
			"amount_currency": money(sp.cur, prec), "display_type": "product", "quantity": float64(1), "date_maturity": date,
		}); err != nil {
			return 0, err
		}
	}
	pm.Vals["amount_total"], pm.Vals["amount_untaxed"], pm.Vals["amount_total_signed"] = money(amount, prec), money(amount, prec), money(amount, prec)
	if s.opts.Version >= 18 {
		pay.Vals["state"] = "in_process"
	} else {
		pay.Vals["state"] = "posted"
	}
	s.refreshReconciliation(e, s.moveLines(moveID))
	// reconcile the payment's counterpart with the invoices' open lines
	toReconcile := append([]*record(nil), open...)
	for _, l := range s.moveLines(moveID) {
		if asInt(l.Vals["account_id"]) == partnerAcc && l.Vals["reconciled"] != true {
			toReconcile = append(toReconcile, l)
		}
	}
	if err := s.reconcile(e, toReconcile); err != nil {
		return 0, err
	}
	s.refreshPayment(e, payID)
	return payID, nil
}

// paymentDraft is account.payment.action_draft: its entry back to draft (un-reconciled up to 18). It returns None.
func paymentDraft(s *Server, e *env, m *model, ids []int64, _ map[string]any) (any, error) {
	rs, err := s.browse(e, m, ids)
	if err != nil {
		return nil, err
	}
	for _, p := range rs {
		if s.opts.Version >= 18 {
			p.Vals["state"] = "draft"
		}
		if mv := s.models["account.move"].recs[asInt(p.Vals["move_id"])]; mv != nil && mv.Vals["state"] != "draft" {
			if _, err := buttonDraft(s, e, s.models["account.move"], []int64{mv.ID}, nil); err != nil {
				return nil, err
			}
		}
		s.refreshPayment(e, p.ID)
	}
	return nil, nil
}

// paymentCancel is account.payment.action_cancel: its entry cancelled (17: the entry's state is the payment's; 18:
// "canceled", a draft entry deleted). It returns None.
func paymentCancel(s *Server, e *env, m *model, ids []int64, _ map[string]any) (any, error) {
	rs, err := s.browse(e, m, ids)
	if err != nil {
		return nil, err
	}
	for _, p := range rs {
		mv := s.models["account.move"].recs[asInt(p.Vals["move_id"])]
		if mv == nil {
			continue
		}
		if s.opts.Version >= 18 {
			p.Vals["state"] = "canceled"
		}
		if _, err := buttonCancel(s, e, s.models["account.move"], []int64{mv.ID}, nil); err != nil {
			return nil, err
		}
		s.refreshPayment(e, p.ID)
		if s.opts.Version >= 18 {
			p.Vals["state"] = "canceled"
		}
	}
	return nil, nil
}

// paymentPost is account.payment.action_post: a draft payment's entry posted again (not reconciled again).
func paymentPost(s *Server, e *env, m *model, ids []int64, _ map[string]any) (any, error) {
	rs, err := s.browse(e, m, ids)
	if err != nil {
		return nil, err
	}
	for _, p := range rs {
		mv := s.models["account.move"].recs[asInt(p.Vals["move_id"])]
		if mv == nil || mv.Vals["state"] != "draft" {
			return nil, userError("Only a draft payment can be posted.")
		}
		if err := s.postMove(e, mv); err != nil {
			return nil, err
		}
		if s.opts.Version >= 18 {
			p.Vals["state"] = "in_process"
		}
		s.syncPaymentState(e, mv)
		s.refreshPayment(e, p.ID)
	}
	return false, nil
}

// pdfFor renders and stores the invoice PDF as an ir.attachment; returns its id.
func (s *Server) pdfFor(e *env, mv *record, resField string) (int64, error) {
	pdf := s.renderInvoicePDF(e, mv)
	s.pdfRenders++
	name := strings.ReplaceAll(asString(mv.Vals["name"]), "/", "_") + ".pdf"
	vals := map[string]any{
		"name": name, "datas": base64.StdEncoding.EncodeToString(pdf), "mimetype": "application/pdf",
		"res_model": "account.move", "res_id": mv.ID, "company_id": mv.Vals["company_id"],
	}
	if resField != "" {
		vals["res_field"] = resField
	}
	return s.create(e, s.models["ir.attachment"], vals)
}

func actionSendAndPrint(s *Server, e *env, m *model, ids []int64, p map[string]any) (any, error) {
	rs, err := s.browse(e, m, ids)
	if err != nil {
		return nil, err
	}
	download := false
	var moveIDs []int64
	for _, w := range rs {
		if w.Vals["checkbox_download"] == true {
			download = true
		}
		for _, mid := range toIDs(w.Vals["move_ids"]) {
			mv := s.models["account.move"].recs[mid]
			if mv == nil {
				return nil, missingError("account.move", []int64{mid}, e.uid)
			}
			if err := s.sendAndPrint(e, mv); err != nil {
				return nil, err
			}
			moveIDs = append(moveIDs, mid)
		}
	}
	if download {
		parts := make([]string, len(moveIDs))
		for i, id := range moveIDs {
			parts[i] = fmt.Sprint(id)
		}
		return map[string]any{"type": "ir.actions.act_url", "url": "/account/download_invoice_attachments/" + strings.Join(parts, ","), "close": true}, nil
	}
	return map[string]any{"type": "ir.actions.act_window_close"}, nil
}

// sendAndPrint is what both send wizards do to a move: render its PDF into invoice_pdf_report_id (once), make it
// the main attachment, and mark the move sent.
func (s *Server) sendAndPrint(e *env, mv *record) error {
	s.inRecompute = true
	defer func() { s.inRecompute = false }()
	if asInt(mv.Vals["invoice_pdf_report_id"]) == 0 {
		att, err := s.pdfFor(e, mv, "invoice_pdf_report_file")
		if err != nil {
			return err
		}
		mv.Vals["invoice_pdf_report_id"] = att
		mv.Vals["message_main_attachment_id"] = att
	}
	mv.Vals["is_move_sent"] = true
	s.inRecompute = false
	s.touch(e, s.models["account.move"], mv)
	return nil
}

// actionSendAndPrintWizard is 18+'s account.move.send.wizard.action_send_and_print: it renders the move's
// PDF into invoice_pdf_report_id (and marks the move sent); with "manual" among the methods it answers the
// download URL of the attachment, else it closes the window.
func actionSendAndPrintWizard(s *Server, e *env, m *model, ids []int64, _ map[string]any) (any, error) {
	rs, err := s.browse(e, m, ids)
	if err != nil {
		return nil, err
	}
	if len(rs) != 1 {
		return nil, valueError("Expected singleton: %s%s", m.Name, pyRepr(idList(ids)))
	}
	w := rs[0]
	mv := s.models["account.move"].recs[asInt(w.Vals["move_id"])]
	if mv == nil {
		return nil, missingError("account.move", []int64{asInt(w.Vals["move_id"])}, e.uid)
	}
	methods, _ := w.Vals["sending_methods"].([]any)
	if s.opts.Version == 18 && len(methods) == 1 {
		// 18's _update_preferred_settings: a single method becomes the partner's preferred one when it has none.
		partners := s.models["res.partner"]
		if p := partners.recs[asInt(mv.Vals["partner_id"])]; p != nil {
			ce := *e
			ce.company = asInt(mv.Vals["company_id"])
			if asString(s.rawByName(&ce, partners, p, "invoice_sending_method")) == "" {
				if err := s.write(&ce, partners, []int64{p.ID}, map[string]any{"invoice_sending_method": methods[0]}); err != nil {
					return nil, err
				}
			}
		}
	}
	if err := s.sendAndPrint(e, mv); err != nil {
		return nil, err
	}
	for _, meth := range methods {
		if meth == "manual" {
			return map[string]any{"type": "ir.actions.act_url", "close": true,
				"url": fmt.Sprintf("/account/download_invoice_attachments/%d", asInt(mv.Vals["invoice_pdf_report_id"]))}, nil
		}
	}
	return map[string]any{"type": "ir.actions.act_window_close"}, nil
}

func actionSendAndPrint16(s *Server, e *env, m *model, ids []int64, _ map[string]any) (any, error) {
	rs, err := s.browse(e, m, ids)
	if err != nil {
		return nil, err
	}
	for _, w := range rs {
		for _, mid := range toIDs(w.Vals["invoice_ids"]) {
			mv := s.models["account.move"].recs[mid]
			if mv.Vals["state"] != "posted" {
				return nil, userError("You can only send invoices that are posted.")
			}
			att, err := s.pdfFor(e, mv, "")
			if err != nil {
				return nil, err
			}
			mv.Vals["message_main_attachment_id"] = att
			mv.Vals["is_move_sent"] = true
			s.touch(e, s.models["account.move"], mv)
		}
	}
	return map[string]any{"type": "ir.actions.act_window_close"}, nil
}
