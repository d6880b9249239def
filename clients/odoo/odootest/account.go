package odootest

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

var moveTypes = []string{"entry|Journal Entry", "out_invoice|Customer Invoice", "out_refund|Customer Credit Note", "in_invoice|Vendor Bill", "in_refund|Vendor Credit Note", "out_receipt|Sales Receipt", "in_receipt|Purchase Receipt"}

var accountTypes = []string{"asset_receivable|Receivable", "asset_cash|Bank and Cash", "asset_current|Current Assets", "asset_non_current|Non-current Assets", "asset_prepayments|Prepayments", "asset_fixed|Fixed Assets", "liability_payable|Payable", "liability_credit_card|Credit Card", "liability_current|Current Liabilities", "liability_non_current|Non-current Liabilities", "equity|Equity", "equity_unaffected|Current Year Earnings", "income|Income", "income_other|Other Income", "expense|Expenses", "expense_depreciation|Depreciation", "expense_direct_cost|Cost of Revenue", "off_balance|Off-Balance Sheet"}

// fields of a posted move that cannot change any more
var postedLocked = map[string]bool{
	"invoice_line_ids": true, "line_ids": true, "partner_id": true, "currency_id": true, "invoice_date": true, "date": true,
	"journal_id": true, "move_type": true, "invoice_payment_term_id": true, "company_id": true, "invoice_date_due": true,
}

var moveInternal = map[string]bool{
	"name": true, "state": true, "amount_untaxed": true, "amount_tax": true, "amount_total": true, "amount_residual": true,
	"payment_state": true, "amount_untaxed_signed": true, "amount_total_signed": true, "amount_residual_signed": true,
	"invoice_pdf_report_id": true,
}

func isInvoice(t string) bool {
	return t == "out_invoice" || t == "out_refund" || t == "in_invoice" || t == "in_refund" || t == "out_receipt" || t == "in_receipt"
}

func isSale(t string) bool { return strings.HasPrefix(t, "out_") }

// direction is the sign of product line balances: -1 credits income (customer invoices).
func direction(t string) int64 {
	switch t {
	case "out_invoice", "out_receipt", "in_refund":
		return -1
	}
	return 1
}

func (s *Server) defineAccounting() {
	acc := s.newModel("account.account", "Account", "code, company_id",
		fChar("code").req(), fChar("name").req(), fSel("account_type", accountTypes...).req(),
		(&fieldDef{Name: "company_id", Type: "many2one", Relation: "res.company", Required: true, Default: defaultCompany}),
		fBool("reconcile"), fBool("deprecated").def(false), fM2O("currency_id", "res.currency").label("Account Currency"),
	)
	acc.displayName = func(s *Server, e *env, r *record) string {
		return asString(r.Vals["code"]) + " " + asString(r.Vals["name"])
	}
	s.newModel("account.tax", "Tax", "sequence,id",
		fChar("name").req(), fFloat("amount").req(), fSel("amount_type", "group|Group of Taxes", "fixed|Fixed", "percent|Percentage of Price", "division|Percentage of Price Tax Included").def("percent").req(),
		fSel("type_tax_use", "sale|Sales", "purchase|Purchases", "none|None").def("sale").req(), fBool("price_include").def(false),
		(&fieldDef{Name: "company_id", Type: "many2one", Relation: "res.company", Required: true, Default: defaultCompany}),
		fM2O("country_id", "res.country"), fBool("active"), fInt("sequence").def(int64(1)), fChar("description").label("Label on Invoices"),
		fM2O("account_id", "account.account").label("Tax Account"),
	)
	jr := s.newModel("account.journal", "Journal", "sequence, type, code",
		fChar("name").req().label("Journal Name"), fChar("code").req().label("Short Code"),
		fSel("type", "sale|Sales", "purchase|Purchase", "cash|Cash", "bank|Bank", "general|Miscellaneous").req(),
		(&fieldDef{Name: "company_id", Type: "many2one", Relation: "res.company", Required: true, Default: defaultCompany}),
		fM2O("currency_id", "res.currency"), fM2O("default_account_id", "account.account"), fBool("active"), fInt("sequence").def(int64(10)),
	)
	jr.displayName = func(s *Server, e *env, r *record) string {
		name := asString(r.Vals["name"])
		if c := asInt(r.Vals["currency_id"]); c != 0 {
			if comp := s.models["res.company"].recs[asInt(r.Vals["company_id"])]; comp != nil && asInt(comp.Vals["currency_id"]) != c {
				name += " (" + s.displayName(e, s.models["res.currency"], c) + ")"
			}
		}
		return name
	}
	jr.beforeCreate = func(s *Server, e *env, vals map[string]any) error {
		code, _ := vals["code"].(string)
		for _, r := range s.models["account.journal"].recs {
			if r.Vals["code"] == code && asInt(r.Vals["company_id"]) == asInt(vals["company_id"]) {
				return validationError("Journal codes must be unique per company.")
			}
		}
		return nil
	}

	s.newModel("account.payment.term", "Payment Terms", "sequence, id",
		fChar("name").req().label("Payment Terms"), fO2M("line_ids", "account.payment.term.line", "payment_id").label("Terms"),
		fBool("active"), fM2O("company_id", "res.company"), fText("note").label("Description on the Invoice"), fInt("sequence").def(int64(10)),
	)
	if s.opts.Version <= 16 {
		s.newModel("account.payment.term.line", "Payment Terms Line", "id",
			fSel("value", "balance|Balance", "percent|Percent", "fixed|Fixed").req().def("balance"),
			fFloat("value_amount").label("Value"),
			fInt("days").label("Number of Days"), fInt("months"), fBool("end_month"), fInt("days_after"),
			fM2O("payment_id", "account.payment.term").req(),
		)
	} else {
		s.newModel("account.payment.term.line", "Payment Terms Line", "id",
			fSel("value", "percent|Percent", "fixed|Fixed").req().def("percent"),
			fFloat("value_amount").label("Value"),
			fInt("nb_days").label("Days"),
			fSel("delay_type", "days_after|Days after invoice date", "days_after_end_of_month|Days after end of month", "days_after_end_of_next_month|Days after end of next month", "days_end_of_month_on_the|Days end of month on the").req().def("days_after"),
			fInt("days_next_month"),
			fM2O("payment_id", "account.payment.term").req(),
		)
	}

	moveFields := []*fieldDef{
		fChar("name").label("Number"), fChar("ref").label("Reference"),
		fSel("move_type", moveTypes...).req().def("entry").label("Type"),
		fSel("state", "draft|Draft", "posted|Posted", "cancel|Cancelled").req().def("draft").label("Status"),
		fM2O("partner_id", "res.partner"),
		(&fieldDef{Name: "commercial_partner_id", Type: "many2one", Relation: "res.partner", String: "Commercial Entity"}).compute(func(s *Server, e *env, r *record) any {
			if p := s.models["res.partner"].recs[asInt(r.Vals["partner_id"])]; p != nil {
				return commercialPartner(s, p)
			}
			return int64(0)
		}),
		fDate("invoice_date").label("Invoice/Bill Date"), fDate("invoice_date_due").label("Due Date"), fDate("date").req(),
		fChar("payment_reference"), fM2O("currency_id", "res.currency").req(),
		fM2O("company_id", "res.company").req(), fM2O("journal_id", "account.journal").req(),
		fM2O("invoice_payment_term_id", "account.payment.term").label("Payment Terms"),
		fMoney("amount_untaxed"), fMoney("amount_tax"), fMoney("amount_total"), fMoney("amount_residual").label("Amount Due"),
		fMoney("amount_untaxed_signed"), fMoney("amount_total_signed"), fMoney("amount_residual_signed"),
		fSel("payment_state", "not_paid|Not Paid", "in_payment|In Payment", "paid|Paid", "partial|Partially Paid", "reversed|Reversed", "invoicing_legacy|Invoicing App Legacy").def("not_paid").ro(),
		(&fieldDef{Name: "invoice_line_ids", Type: "one2many", Relation: "account.move.line", Inverse: "move_id", String: "Invoice lines", Filter: func(v map[string]any) bool {
			t := asString(v["display_type"])
			return t == "product" || t == "line_section" || t == "line_note"
		}}),
		fO2M("line_ids", "account.move.line", "move_id").label("Journal Items"),
		fM2O("reversed_entry_id", "account.move").label("Reversal of"),
		fM2O("invoice_pdf_report_id", "ir.attachment").versions(17, 0).ro().label("PDF Attachment"),
		fM2O("message_main_attachment_id", "ir.attachment").label("Main Attachment"),
		fBool("is_move_sent").def(false), fText("narration").label("Terms and Conditions"),
		fM2O("partner_bank_id", "res.partner.bank").label("Recipient Bank"),
		fM2O("fiscal_position_id", "account.fiscal.position"),
		fM2O("invoice_cash_rounding_id", "account.cash.rounding").label("Cash Rounding Method"),
		fBool("posted_before").ro(),
		(&fieldDef{Name: "invoice_origin", Type: "char", String: "Origin"}),
	}
	move := s.newModel("account.move", "Journal Entry", "date desc, name desc, id desc", moveFields...)
	s.newModel("account.fiscal.position", "Fiscal Position", "sequence", fChar("name").req(), fM2O("company_id", "res.company"), fInt("sequence"))
	move.displayName = moveDisplayName
	move.beforeCreate = moveBeforeCreate
	move.afterCreate = func(s *Server, e *env, r *record) error { return s.recomputeMove(e, r) }
	move.beforeWrite = moveBeforeWrite
	move.afterWrite = func(s *Server, e *env, r *record, vals map[string]any) error {
		if r.Vals["state"] == "draft" {
			return s.recomputeMove(e, r)
		}
		if !s.inRecompute {
			// Real 17: a write on a posted move, even of x_ fields alone, syncs its dynamic lines and bumps every
			// line's write_date (their values stay).
			for _, l := range s.moveLines(r.ID) {
				s.touch(e, s.models["account.move.line"], l)
			}
		}
		return nil
	}
	// real Odoo 17 answers unlink of a posted move (its lines) with this
	move.beforeUnlink = func(s *Server, e *env, r *record) error {
		if r.Vals["state"] == "posted" {
			return userError(postedUnlinkError)
		}
		return nil
	}
	move.afterUnlink = func(s *Server, e *env, r *record) error {
		lines := s.models["account.move.line"]
		for _, l := range s.moveLines(r.ID) {
			lines.remove(l.ID)
		}
		return nil
	}
	move.methods["action_post"] = methodSpec{Record: true, Fn: actionPost}
	move.methods["button_draft"] = methodSpec{Record: true, Fn: buttonDraft}
	move.methods["button_cancel"] = methodSpec{Record: true, Fn: buttonCancel}
	move.methods["copy"] = methodSpec{Record: true, Params: []string{"default"}, Fn: copyMove}

	line := s.newModel("account.move.line", "Journal Item", "date desc, move_name desc, id",
		fM2O("move_id", "account.move").req().label("Journal Entry"),
		(&fieldDef{Name: "move_name", Type: "char"}).compute(func(s *Server, e *env, r *record) any {
			if m := s.models["account.move"].recs[asInt(r.Vals["move_id"])]; m != nil {
				return m.Vals["name"]
			}
			return ""
		}),
		(&fieldDef{Name: "date", Type: "date"}).compute(func(s *Server, e *env, r *record) any {
			if m := s.models["account.move"].recs[asInt(r.Vals["move_id"])]; m != nil {
				return m.Vals["date"]
			}
			return ""
		}),
		(&fieldDef{Name: "parent_state", Type: "selection", Selection: [][2]string{{"draft", "Draft"}, {"posted", "Posted"}, {"cancel", "Cancelled"}}}).compute(func(s *Server, e *env, r *record) any {
			if m := s.models["account.move"].recs[asInt(r.Vals["move_id"])]; m != nil {
				return m.Vals["state"]
			}
			return ""
		}),
		(&fieldDef{Name: "company_id", Type: "many2one", Relation: "res.company"}).compute(func(s *Server, e *env, r *record) any {
			if m := s.models["account.move"].recs[asInt(r.Vals["move_id"])]; m != nil {
				return m.Vals["company_id"]
			}
			return int64(0)
		}),
		(&fieldDef{Name: "partner_id", Type: "many2one", Relation: "res.partner"}).compute(func(s *Server, e *env, r *record) any {
			if m := s.models["account.move"].recs[asInt(r.Vals["move_id"])]; m != nil {
				if p := s.models["res.partner"].recs[asInt(m.Vals["partner_id"])]; p != nil {
					return commercialPartner(s, p)
				}
			}
			return int64(0)
		}),
		(&fieldDef{Name: "currency_id", Type: "many2one", Relation: "res.currency"}).compute(func(s *Server, e *env, r *record) any {
			if m := s.models["account.move"].recs[asInt(r.Vals["move_id"])]; m != nil {
				return m.Vals["currency_id"]
			}
			return int64(0)
		}),
		fChar("name").label("Label"), fM2O("product_id", "product.product"), fFloat("quantity").def(1.0), fFloat("price_unit").label("Unit Price"),
		fFloat("discount").label("Discount (%)"), fM2M("tax_ids", "account.tax").label("Taxes"),
		fMoney("price_subtotal").label("Subtotal"), fMoney("price_total").label("Total"),
		fM2O("account_id", "account.account"),
		fSel("display_type", "product|Product", "cogs|Cost of Goods Sold", "tax|Tax", "discount|Discount", "rounding|Rounding", "payment_term|Payment Term", "line_section|Section", "line_note|Note", "epd|Early Payment Discount").def("product").req(),
		fM2O("tax_line_id", "account.tax").ro().label("Originator Tax"),
		fM2O("tax_repartition_line_id", "account.tax.repartition.line").ro().label("Originator Tax Distribution Line"),
		fMoney("debit"), fMoney("credit"), fMoney("balance"), fMoney("amount_currency"), fMoney("amount_residual").label("Residual Amount"),
		fDate("date_maturity").label("Due Date"), fBool("reconciled").ro(), fChar("matching_number").ro(),
		(&fieldDef{Name: "analytic_distribution", Type: "json", String: "Analytic Distribution"}),
		fInt("sequence").def(int64(10)),
	)
	line.displayName = func(s *Server, e *env, r *record) string {
		mv := s.displayName(e, s.models["account.move"], asInt(r.Vals["move_id"]))
		if n := asString(r.Vals["name"]); n != "" {
			return mv + " - " + n
		}
		return mv
	}
	line.beforeCreate = lineBeforeCreate
	line.afterCreate = func(s *Server, e *env, r *record) error { return s.recomputeMoveOf(e, r) }
	line.beforeWrite = func(s *Server, e *env, r *record, vals map[string]any) error {
		if s.inRecompute {
			return nil
		}
		mv := s.models["account.move"].recs[asInt(r.Vals["move_id"])]
		if mv != nil && mv.Vals["state"] == "posted" {
			if _, ok := vals["tax_ids"]; ok {
				return userError("You cannot modify the taxes related to a posted journal item, you should reset the journal entry to draft to do so.")
			}
			for k := range vals {
				if k != "name" && !strings.HasPrefix(k, "x_") && k != "analytic_distribution" {
					return userError("You cannot modify a posted entry. Reset %s to draft to change its lines.", s.displayName(e, s.models["account.move"], mv.ID))
				}
			}
		}
		return nil
	}
	line.afterWrite = func(s *Server, e *env, r *record, vals map[string]any) error { return s.recomputeMoveOf(e, r) }
	line.beforeUnlink = func(s *Server, e *env, r *record) error {
		if s.inRecompute {
			return nil
		}
		mv := s.models["account.move"].recs[asInt(r.Vals["move_id"])]
		if mv != nil && mv.Vals["state"] == "posted" {
			return userError(postedUnlinkError)
		}
		return nil
	}
	line.afterUnlink = func(s *Server, e *env, r *record) error { return s.recomputeMoveOf(e, r) }
	s.newModel("product.product", "Product", "default_code, name, id", fChar("name").req(), fChar("default_code").label("Internal Reference"), fFloat("list_price").def(1.0), fBool("active"), fM2O("company_id", "res.company"))

	s.defineTaxRepartition()
	s.defineCashRounding()
	s.defineAccountPayment()
	s.defineReconciliation()
}

// copiedMoveFields are the account.move fields copy carries over (Odoo's copy=True fields the simulator has).
var copiedMoveFields = []string{"move_type", "partner_id", "journal_id", "currency_id", "company_id", "invoice_payment_term_id",
	"narration", "fiscal_position_id", "partner_bank_id", "invoice_origin"}

// copyMove duplicates moves as drafts ("/", today) with their product, section and note lines; custom fields
// follow unless created with copied false. It returns the new id (Odoo's copy returns the record).
func copyMove(s *Server, e *env, m *model, ids []int64, p map[string]any) (any, error) {
	rs, err := s.browse(e, m, ids)
	if err != nil {
		return nil, err
	}
	if len(rs) != 1 {
		return nil, valueError("Expected singleton: %s%s", m.Name, pyRepr(idList(ids)))
	}
	src := rs[0]
	vals := map[string]any{}
	for _, k := range copiedMoveFields {
		if v, ok := src.Vals[k]; ok {
			vals[k] = v
		}
	}
	for _, name := range m.fieldOrder {
		if f := m.field(name, s.opts.Version); f != nil && f.Manual && !f.NoCopy && !f.x2many() {
			if v, ok := src.Vals[name]; ok {
				vals[name] = v
			}
		}
	}
	var lines []any
	for _, l := range s.moveLines(src.ID) {
		switch asString(l.Vals["display_type"]) {
		case "product", "line_section", "line_note":
			lv := map[string]any{}
			for _, k := range []string{"name", "display_type", "product_id", "quantity", "price_unit", "discount", "account_id", "sequence"} {
				if v, ok := l.Vals[k]; ok {
					lv[k] = v
				}
			}
			if !isInvoice(asString(src.Vals["move_type"])) {
				for _, k := range []string{"debit", "credit", "amount_currency"} {
					lv[k] = l.Vals[k]
				}
			}
			if t := toIDs(l.Vals["tax_ids"]); len(t) > 0 {
				lv["tax_ids"] = []any{[]any{int64(6), int64(0), idList(t)}}
			}
			lines = append(lines, []any{int64(0), int64(0), lv})
		}
	}
	if isInvoice(asString(src.Vals["move_type"])) {
		vals["invoice_line_ids"] = lines
	} else {
		vals["line_ids"] = lines
	}
	if d, ok := p["default"].(map[string]any); ok {
		for k, v := range d {
			vals[k] = v
		}
	}
	vals["date"] = s.today()
	return s.create(e, m, vals)
}

func moveDisplayName(s *Server, e *env, r *record) string {
	name := ""
	if r.Vals["state"] == "draft" {
		name = map[string]string{
			"out_invoice": "Draft Invoice", "out_refund": "Draft Credit Note", "in_invoice": "Draft Bill",
			"in_refund": "Draft Vendor Credit Note", "out_receipt": "Draft Sales Receipt", "in_receipt": "Draft Purchase Receipt", "entry": "Draft Entry",
		}[asString(r.Vals["move_type"])] + " "
	}
	n := asString(r.Vals["name"])
	if n == "" || n == "/" {
		name += fmt.Sprintf("(* %d)", r.ID)
	} else {
		name += n
	}
	if ref := asString(r.Vals["ref"]); ref != "" {
		if len([]rune(ref)) > 50 {
			ref = string([]rune(ref)[:46]) + " [...]"
		}
		name += " (" + ref + ")"
	}
	return name
}

func (s *Server) journalFor(e *env, company int64, typ string) int64 {
	var best int64
	for _, id := range s.models["account.journal"].sortedIDs(s, e, "") {
		r := s.models["account.journal"].recs[id]
		if asInt(r.Vals["company_id"]) == company && r.Vals["type"] == typ && r.Vals["active"] != false {
			return id
		}
	}
	return best
}

func moveBeforeCreate(s *Server, e *env, vals map[string]any) error {
	mt, _ := vals["move_type"].(string)
	if mt == "" {
		mt = "entry"
		vals["move_type"] = mt
	}
	if _, ok := vals["state"]; ok && vals["state"] != "draft" && !s.inRecompute {
		return userError("You cannot create a journal entry in state %s: create it as a draft and post it with action_post.", pyRepr(vals["state"]))
	}
	if n, ok := vals["name"]; ok && n != "/" && n != false && !s.inRecompute {
		return userError("The number of a journal entry is assigned when it is posted.")
	}
	company := asInt(vals["company_id"])
	if jid := asInt(vals["journal_id"]); jid != 0 {
		j := s.models["account.journal"].recs[jid]
		if j == nil {
			return missingError("account.journal", []int64{jid}, e.uid)
		}
		if company == 0 {
			company = asInt(j.Vals["company_id"])
		}
		jt := asString(j.Vals["type"])
		if (isSale(mt) && jt != "sale") || (strings.HasPrefix(mt, "in_") && jt != "purchase") {
			return userError("The chosen journal has a type that is not compatible with your invoice type. Sales operations should go to 'sale' journals, and purchase operations should go to 'purchase' ones.")
		}
	}
	if company == 0 {
		company = e.company
	}
	vals["company_id"] = company
	if asInt(vals["journal_id"]) == 0 {
		typ := "general"
		switch {
		case isSale(mt):
			typ = "sale"
		case strings.HasPrefix(mt, "in_"):
			typ = "purchase"
		}
		jid := s.journalFor(e, company, typ)
		if jid == 0 {
			return userError("No journal could be found in company %s for any of those types: %s", s.displayName(e, s.models["res.company"], company), typ)
		}
		vals["journal_id"] = jid
	}
	if asInt(vals["currency_id"]) == 0 {
		j := s.models["account.journal"].recs[asInt(vals["journal_id"])]
		cur := asInt(j.Vals["currency_id"])
		if cur == 0 {
			cur = asInt(s.models["res.company"].recs[company].Vals["currency_id"])
		}
		vals["currency_id"] = cur
	}
	if _, ok := vals["name"]; !ok {
		vals["name"] = "/"
	}
	if d, _ := vals["date"].(string); d == "" {
		if inv, _ := vals["invoice_date"].(string); inv != "" {
			vals["date"] = inv
		} else {
			vals["date"] = s.today()
		}
	}
	if !isInvoice(mt) {
		for _, k := range []string{"invoice_line_ids"} {
			if _, ok := vals[k]; ok {
				return userError("Invoice lines can only be set on invoices; use line_ids for journal entries.")
			}
		}
	}
	// Odoo fills payment terms from the partner when none are given.
	if _, ok := vals["invoice_payment_term_id"]; !ok && isInvoice(mt) {
		if p := s.models["res.partner"].recs[asInt(vals["partner_id"])]; p != nil {
			cp := s.models["res.partner"].recs[commercialPartner(s, p)]
			ce := *e
			ce.company = company
			fname := "property_payment_term_id"
			if strings.HasPrefix(mt, "in_") {
				fname = "property_supplier_payment_term_id"
			}
			if t := asInt(s.rawByName(&ce, s.models["res.partner"], cp, fname)); t != 0 {
				vals["invoice_payment_term_id"] = t
			}
		}
	}
	return nil
}

func moveBeforeWrite(s *Server, e *env, r *record, vals map[string]any) error {
	if s.inRecompute {
		return nil
	}
	for k := range vals {
		if moveInternal[k] {
			return userError("You cannot change the field %s of a journal entry directly; use action_post, button_draft or button_cancel.", k)
		}
	}
	if r.Vals["state"] == "posted" || r.Vals["state"] == "cancel" {
		var locked []string
		for k := range vals {
			if postedLocked[k] {
				locked = append(locked, k)
			}
		}
		if len(locked) > 0 {
			sort.Strings(locked)
			return userError("You cannot modify the following fields of %s: %s. Reset the entry to draft first.", moveDisplayName(s, e, r), strings.Join(locked, ", "))
		}
	}
	if j, ok := vals["journal_id"]; ok && r.Vals["posted_before"] == true && asInt(j) != asInt(r.Vals["journal_id"]) {
		return userError("You cannot edit the journal of an account move if it has been posted once.")
	}
	return nil
}

func lineBeforeCreate(s *Server, e *env, vals map[string]any) error {
	mv := s.models["account.move"].recs[asInt(vals["move_id"])]
	if mv == nil {
		return validationError("The operation cannot be completed: Create/update: a mandatory field is not set.\nDelete: another model requires the record being deleted. If possible, archive it instead.\n\nModel: Journal Item (account.move.line)\nField: Journal Entry (move_id)")
	}
	if s.inRecompute {
		return nil
	}
	if mv.Vals["state"] != "draft" {
		return userError("You cannot modify a posted entry. Reset %s to draft to change its lines.", moveDisplayName(s, e, mv))
	}
	dt := asString(vals["display_type"])
	if dt == "" {
		dt = "product"
		vals["display_type"] = dt
	}
	switch dt {
	case "line_section", "line_note":
		if n, _ := vals["name"].(string); n == "" {
			return validationError("The operation cannot be completed: section and note lines require a label (name).")
		}
		if asFloat(vals["price_unit"]) != 0 || asInt(vals["account_id"]) != 0 || len(taxIDsFromCommands(vals["tax_ids"])) > 0 {
			return userError("You cannot set an amount, an account or taxes on a section or note line.")
		}
		vals["quantity"] = float64(0)
	case "product":
		if asInt(vals["account_id"]) == 0 && isInvoice(asString(mv.Vals["move_type"])) {
			j := s.models["account.journal"].recs[asInt(mv.Vals["journal_id"])]
			if j != nil {
				vals["account_id"] = j.Vals["default_account_id"]
			}
		}
	case "tax", "payment_term":
		if isInvoice(asString(mv.Vals["move_type"])) {
			return userError("Tax and payment term lines are computed by Odoo; create product lines only.")
		}
	}
	if tids, ok := vals["tax_ids"]; ok {
		for _, t := range taxIDsFromCommands(tids) {
			tax := s.models["account.tax"].recs[t]
			if tax == nil {
				return missingError("account.tax", []int64{t}, e.uid)
			}
			if asInt(tax.Vals["company_id"]) != asInt(mv.Vals["company_id"]) {
				return userError("Incompatible companies on records:\n- '%s' belongs to company '%s' and 'Taxes' (tax_ids: '%s') belongs to another company.",
					moveDisplayName(s, e, mv), s.displayName(e, s.models["res.company"], asInt(mv.Vals["company_id"])), asString(tax.Vals["name"]))
			}
		}
	}
	return nil
}

func taxIDsFromCommands(v any) []int64 {
	list, ok := v.([]any)
	if !ok {
		return nil
	}
	var out []int64
	for _, x := range list {
		switch c := x.(type) {
		case int64:
			out = append(out, c)
		case []any:
			if len(c) >= 3 && asInt(c[0]) == 6 {
				out = append(out, toIDs(c[2])...)
			} else if len(c) >= 2 && asInt(c[0]) == 4 {
				out = append(out, asInt(c[1]))
			}
		}
	}
	return out
}

func (s *Server) recomputeMoveOf(e *env, l *record) error {
	if s.inRecompute {
		return nil
	}
	moves := s.models["account.move"]
	mv := moves.recs[asInt(l.Vals["move_id"])]
	if mv == nil || mv.Vals["state"] != "draft" || moves.deferred(mv.ID) {
		return nil
	}
	s.touch(e, moves, mv)
	return s.recomputeMove(e, mv)
}

func (s *Server) currencyPrec(cur int64) int32 {
	if c := s.models["res.currency"].recs[cur]; c != nil {
		return int32(decimalPlaces(asFloat(c.Vals["rounding"])))
	}
	return 2
}

func dec(f float64) decimal.Decimal { return decimal.NewFromFloat(f) }

func money(d decimal.Decimal, prec int32) float64 {
	f, _ := d.Round(prec).Float64()
	return f
}

// recomputeMove recomputes the lines and amounts of an invoice from its product lines, like Odoo 17's dynamic
// lines: price_subtotal/price_total per line (account.tax.compute_all), amount_currency = direction × subtotal and
// balance = amount_currency ÷ rate; one tax line per repartition line and account, whose amount is the sum of the
// lines' shares (rounded per line or globally, as the company says) and whose balance is that sum at each line's
// own rate (amount_currency ÷ balance); one payment_term line per installment, together what balances the move;
// and the move's amounts.
func (s *Server) recomputeMove(e *env, mv *record) error {
	if s.inRecompute {
		return nil
	}
	s.inRecompute = true
	defer func() { s.inRecompute = false }()
	mt := asString(mv.Vals["move_type"])
	lines := s.models["account.move.line"]
	mine := s.moveLines(mv.ID)
	cur := asInt(mv.Vals["currency_id"])
	prec := s.currencyPrec(cur)
	companyID := asInt(mv.Vals["company_id"])
	company := s.models["res.company"].recs[companyID]
	compCur := asInt(company.Vals["currency_id"])
	compPrec := s.currencyPrec(compCur)
	rateDate := asString(mv.Vals["invoice_date"])
	if rateDate == "" {
		rateDate = asString(mv.Vals["date"])
	}
	rate := s.rateAt(cur, companyID, rateDate)
	setAmounts := func(l *record, amountCurrency, balance decimal.Decimal) {
		l.Vals["amount_currency"] = money(amountCurrency, prec)
		b := balance.Round(compPrec)
		l.Vals["balance"] = money(b, compPrec)
		if b.IsPositive() {
			l.Vals["debit"], l.Vals["credit"] = money(b, compPrec), float64(0)
		} else {
			l.Vals["debit"], l.Vals["credit"] = float64(0), money(b.Neg(), compPrec)
		}
	}
	if !isInvoice(mt) {
		total := decimal.Zero
		for _, l := range mine {
			if bal := dec(asFloat(l.Vals["debit"])).Sub(dec(asFloat(l.Vals["credit"]))); !bal.IsZero() || l.Vals["balance"] == nil {
				l.Vals["balance"] = money(bal, compPrec)
				if asFloat(l.Vals["amount_currency"]) == 0 {
					l.Vals["amount_currency"] = money(bal, compPrec)
				}
			}
			total = total.Add(dec(asFloat(l.Vals["debit"])))
		}
		mv.Vals["amount_total"] = money(total, prec)
		mv.Vals["amount_untaxed"] = money(total, prec)
		mv.Vals["amount_tax"] = float64(0)
		mv.Vals["amount_residual"] = float64(0)
		mv.Vals["amount_total_signed"] = money(total, prec)
		mv.Vals["amount_untaxed_signed"] = money(total, prec)
		mv.Vals["amount_residual_signed"] = float64(0)
		s.refreshReconciliation(e, mine)
		return nil
	}
	dirSign := direction(mt)
	dir := decimal.NewFromInt(dirSign)
	globally := s.roundGlobally(companyID)
	refund := mt == "out_refund" || mt == "in_refund"
	type taxKey struct{ rep, account int64 }
	type taxSum struct {
		tax                     *record
		amountCurrency, balance decimal.Decimal
	}
	taxSums := map[taxKey]*taxSum{}
	var taxOrder []taxKey
	var taxLines, termLines, roundingLines []*record
	// amounts of the move: product lines, tax lines (signed as lines); company-currency balances likewise
	productCur, productBal := decimal.Zero, decimal.Zero
	for _, l := range mine {
		switch asString(l.Vals["display_type"]) {
		case "tax":
			taxLines = append(taxLines, l)
			continue
		case "payment_term":
			termLines = append(termLines, l)
			continue
		case "rounding":
			roundingLines = append(roundingLines, l)
			continue
		case "line_section", "line_note":
			for _, k := range []string{"price_subtotal", "price_total", "debit", "credit", "balance", "amount_currency", "price_unit"} {
				l.Vals[k] = float64(0)
			}
			continue
		}
		qty, price, disc := dec(asFloat(l.Vals["quantity"])), dec(asFloat(l.Vals["price_unit"])), dec(asFloat(l.Vals["discount"]))
		unit := price.Mul(decimal.NewFromInt(1).Sub(disc.Div(decimal.NewFromInt(100))))
		var taxes []*record
		for _, tid := range toIDs(l.Vals["tax_ids"]) {
			if t := s.models["account.tax"].recs[tid]; t != nil {
				taxes = append(taxes, t)
			}
		}
		// _compute_totals: the line's own amounts, unsigned.
		totals := s.computeAll(taxes, unit, qty, prec, globally, refund, 1)
		l.Vals["price_subtotal"] = money(totals.excluded, prec)
		l.Vals["price_total"] = money(totals.included, prec)
		amountCurrency := totals.excluded.Round(prec).Mul(dir)
		balance := amountCurrency.Div(rate).Round(compPrec)
		setAmounts(l, amountCurrency, balance)
		productCur, productBal = productCur.Add(amountCurrency), productBal.Add(balance)
		// _compute_all_tax: the taxes of the signed line, each share at the line's own rate.
		lineRate := decimal.NewFromInt(1)
		if !balance.IsZero() {
			lineRate = amountCurrency.Div(balance)
		}
		signed := s.computeAll(taxes, unit.Mul(dir), qty, prec, globally, refund, int(dirSign))
		for _, tv := range signed.taxes {
			if tv.amount.IsZero() {
				continue
			}
			k := taxKey{tv.rep, tv.account}
			if k.account == 0 {
				k.account = asInt(l.Vals["account_id"])
			}
			ts := taxSums[k]
			if ts == nil {
				ts = &taxSum{tax: tv.tax}
				taxSums[k] = ts
				taxOrder = append(taxOrder, k)
			}
			ts.amountCurrency = ts.amountCurrency.Add(tv.amount)
			ts.balance = ts.balance.Add(tv.amount.Div(lineRate))
		}
	}
	// tax lines: one per repartition line and account; update in place, create missing, remove stale
	taxCur, taxBal := decimal.Zero, decimal.Zero
	seen := map[int64]bool{}
	for _, k := range taxOrder {
		ts := taxSums[k]
		ac, bal := ts.amountCurrency.Round(prec), ts.balance.Round(compPrec)
		if ac.IsZero() && bal.IsZero() {
			continue
		}
		var tl *record
		for _, x := range taxLines {
			if !seen[x.ID] && asInt(x.Vals["tax_repartition_line_id"]) == k.rep && asInt(x.Vals["account_id"]) == k.account {
				tl = x
			}
		}
		if tl == nil {
			id, err := s.create(e, lines, map[string]any{"move_id": mv.ID, "display_type": "tax", "name": ts.tax.Vals["name"], "tax_line_id": ts.tax.ID,
				"tax_repartition_line_id": k.rep, "account_id": k.account, "quantity": float64(0)})
			if err != nil {
				return err
			}
			tl = lines.recs[id]
		}
		seen[tl.ID] = true
		tl.Vals["price_subtotal"] = float64(0)
		tl.Vals["price_total"] = float64(0)
		setAmounts(tl, ac, bal)
		taxCur, taxBal = taxCur.Add(ac), taxBal.Add(bal)
	}
	for _, x := range taxLines {
		if !seen[x.ID] {
			lines.remove(x.ID)
		}
	}
	// _recompute_cash_rounding_lines: the total rounded to the cash rounding, the difference on a rounding line
	var biggest *record
	for _, x := range taxLines {
		if seen[x.ID] && (biggest == nil || dec(asFloat(x.Vals["balance"])).Abs().GreaterThan(dec(asFloat(biggest.Vals["balance"])).Abs())) {
			biggest = x
		}
	}
	diffCur, diffBal, roundingVals := s.cashRounding(mv, biggest, productCur.Add(taxCur), prec, compPrec, rate)
	var keepRounding *record
	if roundingVals != nil {
		for _, x := range roundingLines {
			if keepRounding == nil && (asInt(x.Vals["tax_line_id"]) != 0) == (asInt(roundingVals["tax_line_id"]) != 0) {
				keepRounding = x
			}
		}
		if keepRounding == nil {
			roundingVals["move_id"], roundingVals["display_type"], roundingVals["quantity"] = mv.ID, "rounding", float64(0)
			id, err := s.create(e, lines, roundingVals)
			if err != nil {
				return err
			}
			keepRounding = lines.recs[id]
		}
		for k, v := range roundingVals {
			if k != "move_id" && k != "display_type" {
				lines.setVal(keepRounding, k, v)
			}
		}
		keepRounding.Vals["price_subtotal"], keepRounding.Vals["price_total"] = float64(0), float64(0)
		setAmounts(keepRounding, diffCur, diffBal)
		if asInt(roundingVals["tax_line_id"]) != 0 {
			taxCur, taxBal = taxCur.Add(diffCur), taxBal.Add(diffBal)
		} else {
			productCur, productBal = productCur.Add(diffCur), productBal.Add(diffBal)
		}
	}
	for _, x := range roundingLines {
		if x != keepRounding {
			lines.remove(x.ID)
		}
	}
	// the document's amounts are positive; lines carry the direction
	untaxed, totalTax := productCur.Mul(dir), taxCur.Mul(dir)
	total := untaxed.Add(totalTax)
	totalCompany := productBal.Add(taxBal).Mul(dir)
	// payment term lines
	invDate := asString(mv.Vals["invoice_date"])
	if invDate == "" {
		invDate = asString(mv.Vals["date"])
	}
	type inst struct {
		amount, company decimal.Decimal
		due             string
	}
	var insts []inst
	if term := s.models["account.payment.term"].recs[asInt(mv.Vals["invoice_payment_term_id"])]; term != nil {
		var tls []*record
		for _, id := range s.models["account.payment.term.line"].sortedIDs(s, e, "") {
			if tl := s.models["account.payment.term.line"].recs[id]; asInt(tl.Vals["payment_id"]) == term.ID {
				tls = append(tls, tl)
			}
		}
		remaining, remainingCompany := total, totalCompany
		for i, tl := range tls {
			var amt, comp decimal.Decimal
			switch asString(tl.Vals["value"]) {
			case "fixed":
				amt = dec(asFloat(tl.Vals["value_amount"])).Round(prec)
				comp = amt.Div(rate).Round(compPrec)
			case "balance":
				amt, comp = remaining, remainingCompany
			default:
				pct := dec(asFloat(tl.Vals["value_amount"])).Div(decimal.NewFromInt(100))
				amt = total.Mul(pct).Round(prec)
				comp = totalCompany.Mul(pct).Round(compPrec)
			}
			if i == len(tls)-1 && asString(tl.Vals["value"]) != "fixed" {
				amt, comp = remaining, remainingCompany
			}
			remaining, remainingCompany = remaining.Sub(amt), remainingCompany.Sub(comp)
			insts = append(insts, inst{amount: amt, company: comp, due: s.dueDate(invDate, tl)})
		}
	}
	if len(insts) == 0 {
		due := asString(mv.Vals["invoice_date_due"])
		if due == "" || due < invDate {
			due = invDate
		}
		insts = []inst{{amount: total, company: totalCompany, due: due}}
	}
	// receivable/payable account
	var termAccount int64
	if p := s.models["res.partner"].recs[asInt(mv.Vals["partner_id"])]; p != nil {
		ce := *e
		ce.company = companyID
		f := "property_account_receivable_id"
		if strings.HasPrefix(mt, "in_") {
			f = "property_account_payable_id"
		}
		termAccount = asInt(s.rawByName(&ce, s.models["res.partner"], s.models["res.partner"].recs[commercialPartner(s, p)], f))
	}
	if termAccount == 0 {
		want := "asset_receivable"
		if strings.HasPrefix(mt, "in_") {
			want = "liability_payable"
		}
		for _, id := range s.models["account.account"].sortedIDs(s, e, "") {
			a := s.models["account.account"].recs[id]
			if a.Vals["account_type"] == want && asInt(a.Vals["company_id"]) == companyID {
				termAccount = id
				break
			}
		}
	}
	maxDue := ""
	for i, in := range insts {
		var tl *record
		if i < len(termLines) {
			tl = termLines[i]
		} else {
			id, err := s.create(e, lines, map[string]any{"move_id": mv.ID, "display_type": "payment_term", "quantity": float64(0)})
			if err != nil {
				return err
			}
			tl = lines.recs[id]
		}
		tl.Vals["name"] = asString(mv.Vals["payment_reference"])
		tl.Vals["account_id"] = termAccount
		tl.Vals["date_maturity"] = in.due
		setAmounts(tl, in.amount.Mul(dir).Neg(), in.company.Mul(dir).Neg())
		tl.Vals["price_subtotal"] = float64(0)
		tl.Vals["price_total"] = float64(0)
		if in.due > maxDue {
			maxDue = in.due
		}
	}
	for i := len(insts); i < len(termLines); i++ {
		lines.remove(termLines[i].ID)
	}
	mv.Vals["invoice_date_due"] = maxDue
	mv.Vals["amount_untaxed"] = money(untaxed, prec)
	mv.Vals["amount_tax"] = money(totalTax, prec)
	mv.Vals["amount_total"] = money(total, prec)
	sign := dir.Neg()
	mv.Vals["amount_untaxed_signed"] = money(productBal.Mul(dir).Mul(sign), compPrec)
	mv.Vals["amount_total_signed"] = money(totalCompany.Mul(sign), compPrec)
	s.refreshReconciliation(e, s.moveLines(mv.ID))
	return nil
}

func (s *Server) dueDate(invDate string, tl *record) string {
	d, err := time.Parse(dateLayout, invDate)
	if err != nil {
		return invDate
	}
	if s.opts.Version <= 16 {
		d = d.AddDate(0, int(asInt(tl.Vals["months"])), int(asInt(tl.Vals["days"])))
		if tl.Vals["end_month"] == true {
			d = time.Date(d.Year(), d.Month()+1, 0, 0, 0, 0, 0, time.UTC)
		}
		return d.Format(dateLayout)
	}
	n := int(asInt(tl.Vals["nb_days"]))
	switch asString(tl.Vals["delay_type"]) {
	case "days_after_end_of_month":
		d = time.Date(d.Year(), d.Month()+1, 0, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n)
	case "days_after_end_of_next_month":
		d = time.Date(d.Year(), d.Month()+2, 0, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n)
	case "days_end_of_month_on_the":
		d = time.Date(d.Year(), d.Month()+1, 0, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n)
	default:
		d = d.AddDate(0, 0, n)
	}
	return d.Format(dateLayout)
}

// ---------------------------------------------------------------------------------------------
// actions

func (s *Server) nextNumber(journal *record, prefix, date string, monthly bool) string {
	year := date[:4]
	key := fmt.Sprintf("%d/%s/%s", journal.ID, prefix, year)
	if monthly {
		key += "/" + date[5:7]
	}
	s.seqs[key]++
	if monthly {
		return fmt.Sprintf("%s/%s/%s/%04d", prefix, year, date[5:7], s.seqs[key])
	}
	return fmt.Sprintf("%s/%s/%05d", prefix, year, s.seqs[key])
}

func actionPost(s *Server, e *env, m *model, ids []int64, _ map[string]any) (any, error) {
	rs, err := s.browse(e, m, ids)
	if err != nil {
		return nil, err
	}
	for _, mv := range rs {
		if err := s.postMove(e, mv); err != nil {
			return nil, err
		}
	}
	return false, nil
}

func (s *Server) postMove(e *env, mv *record) error {
	mt := asString(mv.Vals["move_type"])
	if mv.Vals["state"] == "posted" || mv.Vals["state"] == "cancel" {
		return userError("The entry %s (id %d) must be in draft.", asString(mv.Vals["name"]), mv.ID)
	}
	kind := map[string]string{"out_invoice": "Customer Invoice", "out_refund": "Customer Credit Note", "in_invoice": "Vendor Bill", "in_refund": "Vendor Credit Note", "out_receipt": "Sales Receipt", "in_receipt": "Purchase Receipt"}[mt]
	hasLine := false
	for _, l := range s.moveLines(mv.ID) {
		if l.Vals["display_type"] == "product" || !isInvoice(mt) {
			hasLine = true
		}
	}
	if isInvoice(mt) {
		if asInt(mv.Vals["partner_id"]) == 0 {
			who := "Customer"
			if strings.HasPrefix(mt, "in_") {
				who = "Vendor"
			}
			return userError("The field '%s' is required, please complete it to validate the %s.", who, kind)
		}
		if !hasLine {
			return userError("You need to add a line before posting.")
		}
		if asFloat(mv.Vals["amount_total"]) < 0 {
			return userError("You cannot validate an invoice with a negative total amount. You should create a credit note instead. Use the action menu to transform it into a credit note or refund.")
		}
		if strings.HasPrefix(mt, "in_") && asString(mv.Vals["invoice_date"]) == "" {
			return userError("The Bill/Refund date is required to validate this document.")
		}
	} else if !hasLine {
		return userError("You need to add a line before posting.")
	}
	s.inRecompute = true
	if asString(mv.Vals["invoice_date"]) == "" && isInvoice(mt) {
		mv.Vals["invoice_date"] = s.today()
		mv.Vals["date"] = s.today()
	}
	if isInvoice(mt) && asString(mv.Vals["invoice_date"]) != "" {
		mv.Vals["date"] = mv.Vals["invoice_date"]
	}
	// _post: a date in a locked period moves to the first open one.
	mv.Vals["date"] = s.accountingDate(mv, asString(mv.Vals["date"]), isSale(mt) && isInvoice(mt))
	s.inRecompute = false
	if err := s.recomputeMove(e, mv); err != nil {
		return err
	}
	journal := s.models["account.journal"].recs[asInt(mv.Vals["journal_id"])]
	if n := asString(mv.Vals["name"]); n == "" || n == "/" {
		prefix := asString(journal.Vals["code"])
		if mt == "out_refund" || mt == "in_refund" {
			prefix = "R" + prefix
		}
		mv.Vals["name"] = s.nextNumber(journal, prefix, asString(mv.Vals["date"]), !isInvoice(mt) && journal.Vals["type"] == "general")
	}
	mv.Vals["state"] = "posted"
	mv.Vals["posted_before"] = true
	if mt == "out_invoice" && asString(mv.Vals["payment_reference"]) == "" {
		mv.Vals["payment_reference"] = mv.Vals["name"]
	}
	if err := s.recomputeMove(e, mv); err != nil {
		return err
	}
	// _reconcile_reversed_moves: a reversal is reconciled with the posted move it reverses, per account and currency.
	if orig := s.models["account.move"].recs[asInt(mv.Vals["reversed_entry_id"])]; orig != nil && orig.Vals["state"] == "posted" {
		groups := map[[2]int64][]*record{}
		var keys [][2]int64
		for _, l := range append(s.moveLines(orig.ID), s.moveLines(mv.ID)...) {
			if l.Vals["reconciled"] == true || !s.reconcilable(l) {
				continue
			}
			k := [2]int64{asInt(l.Vals["account_id"]), asInt(l.Vals["currency_id"])}
			if _, ok := groups[k]; !ok {
				keys = append(keys, k)
			}
			groups[k] = append(groups[k], l)
		}
		for _, k := range keys {
			if err := s.reconcile(e, groups[k]); err != nil {
				return err
			}
		}
	}
	if p := s.models["res.partner"].recs[asInt(mv.Vals["partner_id"])]; p != nil && isInvoice(mt) {
		cp := s.models["res.partner"].recs[commercialPartner(s, p)]
		rank := "customer_rank"
		if strings.HasPrefix(mt, "in_") {
			rank = "supplier_rank"
		}
		cp.Vals[rank] = asInt(cp.Vals[rank]) + 1
		s.touch(e, s.models["res.partner"], cp)
	}
	s.touch(e, s.models["account.move"], mv)
	return nil
}

// buttonDraft resets posted or cancelled moves to draft, un-reconciling their payments; the name
// stays. It returns None, as Odoo's does (over XML-RPC: a marshal fault after the commit).
func buttonDraft(s *Server, e *env, m *model, ids []int64, _ map[string]any) (any, error) {
	rs, err := s.browse(e, m, ids)
	if err != nil {
		return nil, err
	}
	for _, mv := range rs {
		if st := mv.Vals["state"]; st != "posted" && st != "cancel" {
			return nil, userError("Only posted/cancelled journal entries can be reset to draft.")
		}
	}
	for _, mv := range rs {
		// 16 to 18 un-reconcile the payments; 19 keeps them (its button_draft no longer calls
		// remove_move_reconcile, only button_cancel does).
		if err := s.resetToDraft(e, m, mv, s.opts.Version < 19); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

func (s *Server) resetToDraft(e *env, m *model, mv *record, unreconcile bool) error {
	if mv.Vals["state"] == "posted" {
		if err := s.checkLockDate(mv); err != nil {
			return err
		}
	}
	mv.Vals["state"] = "draft"
	if unreconcile {
		s.unreconcileMove(e, mv)
	}
	if err := s.recomputeMove(e, mv); err != nil {
		return err
	}
	s.syncPaymentState(e, mv)
	s.touch(e, m, mv)
	return nil
}

// syncPaymentState follows the state of a payment's entry on the payment (17: state is the entry's).
func (s *Server) syncPaymentState(e *env, mv *record) {
	if pid := asInt(mv.Vals[s.movePaymentField()]); pid != 0 {
		if p := s.models["account.payment"].recs[pid]; p != nil && s.opts.Version < 18 {
			p.Vals["state"] = mv.Vals["state"]
			s.touch(e, s.models["account.payment"], p)
		}
	}
}

// buttonCancel cancels moves: posted ones are reset to draft first (so they keep their name and
// posted_before, and lose their payments); anything else but a draft is refused. It returns None.
func buttonCancel(s *Server, e *env, m *model, ids []int64, _ map[string]any) (any, error) {
	rs, err := s.browse(e, m, ids)
	if err != nil {
		return nil, err
	}
	for _, mv := range rs {
		if mv.Vals["state"] == "posted" {
			if err := s.resetToDraft(e, m, mv, true); err != nil {
				return nil, err
			}
		}
	}
	for _, mv := range rs {
		if mv.Vals["state"] != "draft" {
			return nil, userError("Only draft journal entries can be cancelled.")
		}
	}
	for _, mv := range rs {
		s.unreconcileMove(e, mv)
		mv.Vals["state"] = "cancel"
		s.updateResidual(mv)
		s.syncPaymentState(e, mv)
		s.touch(e, m, mv)
	}
	return nil, nil
}
