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
		fSel("state", "draft|Draft", "posted|Posted", "cancel|Cancelled").def("draft").ro(),
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
	)
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

func actionCreatePayments(s *Server, e *env, m *model, ids []int64, _ map[string]any) (any, error) {
	rs, err := s.browse(e, m, ids)
	if err != nil {
		return nil, err
	}
	var payIDs []int64
	for _, w := range rs {
		var moveIDs []int64
		for _, lid := range toIDs(w.Vals["line_ids"]) {
			if l := s.models["account.move.line"].recs[lid]; l != nil && !containsID(moveIDs, asInt(l.Vals["move_id"])) {
				moveIDs = append(moveIDs, asInt(l.Vals["move_id"]))
			}
		}
		if len(moveIDs) == 0 {
			return nil, userError("You can't register a payment because there is nothing left to pay on the selected journal items.")
		}
		cur := asInt(w.Vals["currency_id"])
		prec := s.currencyPrec(cur)
		amount := dec(asFloat(w.Vals["amount"])).Round(prec)
		if !amount.IsPositive() {
			return nil, userError("The payment amount must be strictly positive.")
		}
		residual := decimal.Zero
		for _, mid := range moveIDs {
			mv := s.models["account.move"].recs[mid]
			if mv.Vals["state"] != "posted" {
				return nil, userError("You can only register payment for posted journal entries.")
			}
			residual = residual.Add(dec(asFloat(mv.Vals["amount_residual"])))
		}
		if amount.GreaterThan(residual) {
			return nil, userError("The payment amount (%s) cannot exceed the amount due (%s).", amount.StringFixed(prec), residual.StringFixed(prec))
		}
		journal := s.models["account.journal"].recs[asInt(w.Vals["journal_id"])]
		date := asString(w.Vals["payment_date"])
		name := s.nextNumber(journal, "P"+asString(journal.Vals["code"]), date, false)
		if s.opts.Version <= 16 {
			name = s.nextNumber(journal, asString(journal.Vals["code"]), date, false)
		}
		s.matchSeq++
		// distribute over the moves, oldest first
		remaining := amount
		var invIDs, billIDs []int64
		for _, mid := range moveIDs {
			mv := s.models["account.move"].recs[mid]
			res := dec(asFloat(mv.Vals["amount_residual"]))
			part := decimal.Min(res, remaining)
			remaining = remaining.Sub(part)
			if part.IsZero() {
				continue
			}
			mv.Vals["__paid"] = money(dec(asFloat(mv.Vals["__paid"])).Add(part), prec)
			mv.Vals["__match"] = s.matchSeq
			s.updateResidual(mv)
			s.touch(e, s.models["account.move"], mv)
			if isSale(asString(mv.Vals["move_type"])) {
				invIDs = append(invIDs, mid)
			} else {
				billIDs = append(billIDs, mid)
			}
		}
		// the payment's journal entry
		s.inRecompute = true
		amt := money(amount, prec)
		inbound := w.Vals["payment_type"] == "inbound"
		bankAcc := asInt(journal.Vals["default_account_id"])
		partnerAcc := int64(0)
		for _, mid := range moveIDs {
			for _, l := range s.moveLines(mid) {
				if l.Vals["display_type"] == "payment_term" {
					partnerAcc = asInt(l.Vals["account_id"])
				}
			}
		}
		debitAcc, creditAcc := bankAcc, partnerAcc
		if !inbound {
			debitAcc, creditAcc = partnerAcc, bankAcc
		}
		moveID, err := s.create(e, s.models["account.move"], map[string]any{
			"move_type": "entry", "journal_id": journal.ID, "date": date, "ref": w.Vals["communication"], "partner_id": w.Vals["partner_id"],
			"currency_id": cur, "name": name, "state": "posted",
		})
		if err == nil {
			pm := s.models["account.move"].recs[moveID]
			pm.Vals["posted_before"] = true
			for _, ln := range []struct {
				acc           int64
				debit, credit float64
			}{{debitAcc, amt, 0}, {creditAcc, 0, amt}} {
				if _, err = s.create(e, s.models["account.move.line"], map[string]any{
					"move_id": moveID, "name": w.Vals["communication"], "account_id": ln.acc, "debit": ln.debit, "credit": ln.credit,
					"balance": ln.debit - ln.credit, "amount_currency": ln.debit - ln.credit, "display_type": "product", "quantity": float64(1),
				}); err != nil {
					break
				}
			}
			pm.Vals["amount_total"], pm.Vals["amount_untaxed"], pm.Vals["amount_total_signed"] = amt, amt, amt
		}
		var payID int64
		if err == nil {
			vals := map[string]any{
				"name": name, "amount": amt, "state": "posted", "payment_type": w.Vals["payment_type"], "partner_type": w.Vals["partner_type"],
				"partner_id": w.Vals["partner_id"], "date": date, "journal_id": journal.ID, "currency_id": cur, "company_id": w.Vals["company_id"],
				"move_id": moveID, "reconciled_invoice_ids": idList(invIDs), "reconciled_bill_ids": idList(billIDs), "is_reconciled": true, "is_matched": false,
			}
			if s.opts.Version >= 18 {
				vals["memo"] = w.Vals["communication"]
			} else {
				vals["ref"] = w.Vals["communication"]
			}
			payID, err = s.create(e, s.models["account.payment"], vals)
		}
		s.inRecompute = false
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
