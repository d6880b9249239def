package conformance

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/exactsync/exactsync/clients/odoo"
)

// WrongAPIKey is the key the scenario dials with to provoke Odoo's refusal.
const WrongAPIKey = "0000000000000000000000000000000000000000"

// ParallelCreates is how many identical custom fields the scenario creates at once.
const ParallelCreates = 3

// Options tune a run.
type Options struct {
	// Run is the run's unique suffix (lowercase letters and digits) in names of the records
	// it creates; default 8 random hex digits.
	Run string
	// Transport carries every request (wrap it in a Capture to record); default
	// http.DefaultTransport.
	Transport http.RoundTripper
	// Today is the invoice and payment date; default the current date.
	Today time.Time
}

// Report says what a run did and what it saw that real Odoo would not do.
type Report struct {
	Run string
	// ServerVersion and Transport are what the client saw at Dial.
	ServerVersion string
	Transport     string
	// Steps are the scenario's steps in order; Unordered are those whose calls run in
	// parallel, so their exchanges have no order.
	Steps     []string
	Unordered map[string]bool
	// Surprises are outcomes the scenario did not expect (an answer instead of a fault, a
	// state that did not follow): the recordings show them too.
	Surprises []string
}

// Steps of the scenario, in order. Recordings are files named after them.
const (
	StepDial             = "dial"
	StepDialWrongKey     = "dial with a wrong API key"
	StepCompanies        = "companies"
	StepCurrencies       = "currencies"
	StepJournals         = "journals"
	StepTaxes            = "taxes"
	StepAccounts         = "accounts"
	StepPaymentTerms     = "payment terms"
	StepModules          = "modules"
	StepBaseline         = "changes so far"
	StepCreatePartner    = "create a company partner with a bank account"
	StepORM              = "search, search_read, read, write"
	StepPartners         = "partners"
	StepPartnersChanged  = "partners changed since"
	StepMissing          = "read a missing record"
	StepPrivate          = "call a private method"
	StepCreateInvoice    = "create an invoice"
	StepPostInvoice      = "post the invoice"
	StepPostTwice        = "post the posted invoice again"
	StepMoves            = "moves"
	StepPostedMoves      = "posted moves and moves changed since"
	StepMoveFields       = "custom fields written back on the posted invoice"
	StepInvoicePDF       = "invoice PDF"
	StepTaxSetup         = "taxes and a foreign currency for the mapping"
	StepTwoTaxInvoice    = "post an invoice with two taxes"
	StepGlobalRounding   = "post it again with the other tax rounding method"
	StepTaxBill          = "post a bill with reverse-charge and price-included taxes"
	StepForeignBill      = "post a bill in a foreign currency"
	StepCashRounding     = "post invoices with cash rounding"
	StepPartialPayment   = "register a partial payment"
	StepFullPayment      = "register the rest"
	StepFindPayments     = "find the payments again"
	StepOverpay          = "pay more than is due, then cancel the payment"
	StepCreditNote       = "reconcile credit notes with an invoice"
	StepLockedPayment    = "register a payment in a locked period"
	StepResetToDraft     = "reset the paid invoice to draft"
	StepRepost           = "post it again"
	StepCancel           = "cancel the posted invoice"
	StepBill             = "create and post a vendor bill"
	StepBillDocument     = "vendor bill document"
	StepDeletePosted     = "delete the posted bill"
	StepBillWithoutDate  = "post a bill without invoice date"
	StepCustomField      = "custom field"
	StepParallelField    = "custom field created in parallel"
	StepWebhookRule      = "webhook rule"
	StepExecute          = "execute"
	StepCleanUp          = "clean up"
	missingID            = 999999999
	conformanceIBAN      = "NL91ABNA0417164300"
	conformanceBIC       = "ABNANL2A"
	uniqueFieldsFaultMsg = "Field names must be unique per model."
)

// run carries the state of one scenario run.
type run struct {
	cfg    odoo.Config
	c      *odoo.Client
	opts   Options
	rep    *Report
	hc     *http.Client
	today  time.Time
	suffix string

	saleJournal, purchaseJournal, bankJournal int64
	income, expense                           int64
	taxPayable, taxReceivable                 int64
	company                                   odoo.Company
	tx                                        taxSetup
	saleTax, purchaseTax                      int64
	saleRate, purchaseRate                    decimal.Decimal
	paymentTerm                               int64
	partnerCursor, bankCursor                 odoo.Cursor
	moveCursor                                odoo.Cursor
	partner, invoice, bill                    int64
	invoiceName                               string
	invoiceTotal                              decimal.Decimal
	fields                                    []int64
	rule                                      int64
}

// Run runs the scenario against the Odoo of cfg (database with Invoicing and demo data, a user
// with Settings rights, base_automation installed). It stops at the first operation that fails
// where it must succeed; expected faults that do not come are Surprises.
func Run(ctx context.Context, cfg odoo.Config, opts Options) (*Report, error) {
	if opts.Run == "" {
		b := make([]byte, 4)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		opts.Run = hex.EncodeToString(b)
	}
	if opts.Transport == nil {
		opts.Transport = http.DefaultTransport
	}
	if opts.Today.IsZero() {
		opts.Today = time.Now()
	}
	r := &run{
		cfg: cfg, opts: opts, suffix: opts.Run,
		rep:   &Report{Run: opts.Run, Unordered: map[string]bool{StepParallelField: true}},
		hc:    &http.Client{Transport: opts.Transport, Timeout: 2 * time.Minute},
		today: time.Date(opts.Today.Year(), opts.Today.Month(), opts.Today.Day(), 0, 0, 0, 0, time.UTC),
	}
	for _, s := range r.steps() {
		r.rep.Steps = append(r.rep.Steps, s.name)
		if err := s.fn(WithStep(ctx, s.name)); err != nil {
			return r.rep, fmt.Errorf("conformance step %q: %w", s.name, err)
		}
	}
	return r.rep, nil
}

type step struct {
	name string
	fn   func(context.Context) error
}

func (r *run) steps() []step {
	return []step{
		{StepDial, r.dial},
		{StepDialWrongKey, r.dialWrongKey},
		{StepCompanies, r.companies},
		{StepCurrencies, r.currencies},
		{StepJournals, r.journals},
		{StepTaxes, r.taxes},
		{StepAccounts, r.accounts},
		{StepPaymentTerms, r.paymentTerms},
		{StepModules, r.modules},
		{StepBaseline, r.baseline},
		{StepCreatePartner, r.createPartner},
		{StepORM, r.orm},
		{StepPartners, r.partners},
		{StepPartnersChanged, r.partnersChanged},
		{StepMissing, r.missing},
		{StepPrivate, r.private},
		{StepCreateInvoice, r.createInvoice},
		{StepPostInvoice, r.postInvoice},
		{StepPostTwice, r.postTwice},
		{StepMoves, r.moves},
		{StepPostedMoves, r.postedMoves},
		{StepMoveFields, r.moveFields},
		{StepInvoicePDF, r.invoicePDF},
		{StepTaxSetup, r.taxSetup},
		{StepTwoTaxInvoice, r.twoTaxInvoice},
		{StepGlobalRounding, r.globalRounding},
		{StepTaxBill, r.taxBill},
		{StepForeignBill, r.foreignBill},
		{StepCashRounding, r.cashRounding},
		{StepAnalytic, r.analytic},
		{StepPartialPayment, r.partialPayment},
		{StepFullPayment, r.fullPayment},
		{StepFindPayments, r.findPayments},
		{StepOverpay, r.overpay},
		{StepWriteOff, r.writeOff},
		{StepCreditNote, r.creditNote},
		{StepLockedPayment, r.lockedPayment},
		{StepResetToDraft, r.resetToDraft},
		{StepRepost, r.repost},
		{StepCancel, r.cancel},
		{StepBill, r.createBill},
		{StepBillDocument, r.billDocument},
		{StepDeletePosted, r.deletePosted},
		{StepBillWithoutDate, r.billWithoutDate},
		{StepCustomField, r.customField},
		{StepParallelField, r.parallelField},
		{StepWebhookRule, r.webhookRule},
		{StepExecute, r.execute},
		{StepCleanUp, r.cleanUp},
	}
}

// scenarioSteps are the names of the scenario's steps, in order.
func scenarioSteps() []string {
	var names []string
	for _, s := range (&run{}).steps() {
		names = append(names, s.name)
	}
	return names
}

func (r *run) surprise(format string, args ...any) {
	r.rep.Surprises = append(r.rep.Surprises, fmt.Sprintf(format, args...))
}

// wantFault records a surprise unless err is an Odoo fault.
func (r *run) wantFault(what string, err error) {
	var f *odoo.Fault
	if !errors.As(err, &f) {
		r.surprise("%s: want an Odoo fault, got %v", what, err)
	}
}

func (r *run) dial(ctx context.Context) error {
	c, err := odoo.Dial(ctx, r.cfg, odoo.WithHTTPClient(r.hc))
	if err != nil {
		return err
	}
	r.c = c
	r.rep.ServerVersion, r.rep.Transport = c.ServerVersion().Version, c.TransportName()
	return nil
}

func (r *run) dialWrongKey(ctx context.Context) error {
	cfg := r.cfg
	cfg.APIKey = WrongAPIKey
	_, err := odoo.Dial(ctx, cfg, odoo.WithHTTPClient(r.hc))
	if !errors.Is(err, odoo.ErrAccessDenied) {
		r.surprise("dial with a wrong key: want access denied, got %v", err)
	}
	return nil
}

func (r *run) companies(ctx context.Context) error {
	cos, err := r.c.Companies(ctx)
	if err == nil && len(cos) == 0 {
		err = errors.New("no company")
	}
	if err != nil {
		return err
	}
	r.company = cos[0]
	for _, co := range cos {
		if co.ID == r.cfg.CompanyID {
			r.company = co
		}
	}
	if m := r.company.TaxRoundingMethod; m != odoo.RoundPerLine && m != odoo.RoundGlobally {
		r.surprise("company %d: tax rounding method %q", r.company.ID, m)
	}
	return nil
}

func (r *run) currencies(ctx context.Context) error {
	cur, err := r.c.Currencies(ctx)
	if err == nil && len(cur) == 0 {
		err = errors.New("no currency")
	}
	return err
}

func (r *run) journals(ctx context.Context) error {
	js, err := r.c.Journals(ctx)
	if err != nil {
		return err
	}
	for _, j := range js {
		switch {
		case j.Type == "sale" && r.saleJournal == 0:
			r.saleJournal = j.ID
		case j.Type == "purchase" && r.purchaseJournal == 0:
			r.purchaseJournal = j.ID
		case j.Type == "bank" && r.bankJournal == 0:
			r.bankJournal = j.ID
		}
	}
	if r.saleJournal == 0 || r.purchaseJournal == 0 || r.bankJournal == 0 {
		return fmt.Errorf("want a sale, a purchase and a bank journal, got %d journals", len(js))
	}
	return nil
}

func (r *run) taxes(ctx context.Context) error {
	ts, err := r.c.Taxes(ctx)
	if err != nil {
		return err
	}
	for _, t := range ts {
		if t.AmountType != "percent" || t.PriceInclude || !t.Amount.IsPositive() {
			continue
		}
		switch {
		case t.TypeTaxUse == "sale" && r.saleTax == 0:
			r.saleTax, r.saleRate = t.ID, t.Amount
		case t.TypeTaxUse == "purchase" && r.purchaseTax == 0:
			r.purchaseTax, r.purchaseRate = t.ID, t.Amount
		}
	}
	if r.saleTax == 0 || r.purchaseTax == 0 {
		return fmt.Errorf("want a sale and a purchase percent tax, got %d taxes", len(ts))
	}
	return nil
}

func (r *run) accounts(ctx context.Context) error {
	as, err := r.c.Accounts(ctx)
	if err != nil {
		return err
	}
	for _, a := range as {
		switch {
		case a.AccountType == "income" && r.income == 0 && !a.Deprecated:
			r.income = a.ID
		case a.AccountType == "expense" && r.expense == 0 && !a.Deprecated:
			r.expense = a.ID
		case a.AccountType == "liability_current" && r.taxPayable == 0 && !a.Deprecated:
			r.taxPayable = a.ID
		case a.AccountType == "asset_current" && r.taxReceivable == 0 && !a.Deprecated:
			r.taxReceivable = a.ID
		}
	}
	if r.income == 0 || r.expense == 0 || r.taxPayable == 0 || r.taxReceivable == 0 {
		return fmt.Errorf("want an income, an expense, a current liability and a current asset account, got %d accounts", len(as))
	}
	return nil
}

// paymentTerms picks a term of one line due at once in full when there is one.
func (r *run) paymentTerms(ctx context.Context) error {
	ts, err := r.c.PaymentTerms(ctx)
	if err != nil {
		return err
	}
	if len(ts) == 0 {
		return errors.New("no payment term")
	}
	r.paymentTerm = ts[0].ID
	for _, t := range ts {
		if len(t.Lines) == 1 && t.Lines[0].Value == "percent" && t.Lines[0].ValueAmount.Equal(decimal.NewFromInt(100)) && t.Lines[0].NbDays == 0 {
			r.paymentTerm = t.ID
			break
		}
	}
	return nil
}

func (r *run) modules(ctx context.Context) error {
	ok, err := r.c.ModuleInstalled(ctx, "account")
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("account is not installed")
	}
	if ok, err = r.c.ModuleInstalled(ctx, "base_automation"); err != nil {
		return err
	}
	if !ok {
		return errors.New("base_automation is not installed: install it first (the scenario does not change the modules of a database)")
	}
	return r.c.InstallModule(ctx, "base_automation") // installed: one read
}

// baseline reads where the change feeds stand, so that later reads see only this run's records.
func (r *run) baseline(ctx context.Context) error {
	_, next, _, err := r.c.PartnersChangedSince(ctx, odoo.Cursor{}, 100000)
	if err != nil {
		return err
	}
	r.partnerCursor = next
	if _, next, _, err = r.c.BankAccountsChangedSince(ctx, odoo.Cursor{}, 100000); err != nil {
		return err
	}
	r.bankCursor = next
	if _, next, _, err = r.c.MovesChangedSince(ctx, odoo.MoveFilter{}, 100000); err != nil {
		return err
	}
	r.moveCursor = next
	return nil
}

func (r *run) createPartner(ctx context.Context) error {
	countries, err := r.c.Search(ctx, "res.country", odoo.Domain{[]any{"code", "=", "NL"}}, odoo.SearchReadOptions{Limit: 1})
	if err != nil {
		return err
	}
	if len(countries) != 1 {
		return errors.New("no country NL")
	}
	r.partner, err = r.c.CreatePartner(ctx, map[string]any{
		"name": "Conformance BV " + r.suffix, "is_company": true, "country_id": countries[0],
		"street": "Keizersgracht 1", "zip": "1015 CJ", "city": "Amsterdam",
		"email": "info@conformance.example", "customer_rank": 1, "supplier_rank": 1,
	})
	if err != nil {
		return err
	}
	bank, err := r.c.Create(ctx, "res.bank", map[string]any{"name": "ABN AMRO " + r.suffix, "bic": conformanceBIC})
	if err != nil {
		return err
	}
	_, err = r.c.Create(ctx, "res.partner.bank", map[string]any{
		"acc_number": conformanceIBAN, "partner_id": r.partner, "bank_id": bank,
	})
	return err
}

func (r *run) orm(ctx context.Context) error {
	ids, err := r.c.Search(ctx, "res.partner", odoo.Domain{[]any{"name", "=", "Conformance BV " + r.suffix}}, odoo.SearchReadOptions{})
	if err != nil {
		return err
	}
	if len(ids) != 1 || ids[0] != r.partner {
		r.surprise("search by name: got %v, want [%d]", ids, r.partner)
	}
	recs, err := r.c.SearchRead(ctx, "res.partner", odoo.Domain{[]any{"id", "=", r.partner}},
		[]string{"name", "country_id", "bank_ids", "customer_rank", "is_company", "vat", "write_date"},
		odoo.SearchReadOptions{Limit: 5, Order: "id desc"})
	if err != nil {
		return err
	}
	if len(recs) != 1 {
		r.surprise("search_read by id: got %d records", len(recs))
	}
	if err := r.c.WriteFields(ctx, "res.partner", r.partner, map[string]any{"phone": "+31 20 123 4567", "vat": false}); err != nil {
		return err
	}
	recs, err = r.c.Read(ctx, "res.partner", []int64{r.partner}, []string{"name", "phone", "email", "street2", "parent_id", "bank_ids"})
	if err != nil {
		return err
	}
	if len(recs) != 1 || recs[0]["phone"] != "+31 20 123 4567" {
		r.surprise("read after write: got %v", recs)
	}
	return nil
}

func (r *run) partners(ctx context.Context) error {
	ps, err := r.c.Partners(ctx, []int64{r.partner})
	if err != nil {
		return err
	}
	if len(ps) != 1 || len(ps[0].BankAccounts) != 1 || ps[0].BankAccounts[0].BIC != conformanceBIC || ps[0].CountryCode != "NL" {
		r.surprise("partner with bank account: got %+v", ps)
	}
	return nil
}

func (r *run) partnersChanged(ctx context.Context) error {
	chs, _, _, err := r.c.PartnersChangedSince(ctx, r.partnerCursor, 50)
	if err != nil {
		return err
	}
	found := false
	for _, ch := range chs {
		found = found || ch.ID == r.partner
	}
	if !found {
		r.surprise("partners changed since the baseline: %d changes without the new partner", len(chs))
	}
	if chs, _, _, err = r.c.BankAccountsChangedSince(ctx, r.bankCursor, 50); err != nil {
		return err
	}
	if len(chs) == 0 {
		r.surprise("bank accounts changed since the baseline: none")
	}
	return nil
}

func (r *run) missing(ctx context.Context) error {
	// Odoo 17's read leaves out records that do not exist; write fails with a MissingError.
	recs, err := r.c.Read(ctx, "res.partner", []int64{missingID}, []string{"name"})
	if err != nil {
		return err
	}
	if len(recs) != 0 {
		r.surprise("read of a missing partner: got %v, want no record", recs)
	}
	r.wantFault("write on a missing partner", r.c.WriteFields(ctx, "res.partner", missingID, map[string]any{"phone": "1"}))
	_, err = r.c.Partners(ctx, []int64{missingID})
	if !errors.Is(err, odoo.ErrNotFound) {
		r.surprise("Partners of a missing id: want not found, got %v", err)
	}
	return nil
}

func (r *run) private(ctx context.Context) error {
	_, err := r.c.Execute(ctx, "res.partner", "_compute_display_name", []any{[]int64{r.partner}}, nil)
	r.wantFault("private method", err)
	return nil
}

func (r *run) line(name string, qty, price float64, account, tax int64) []any {
	return []any{0, 0, map[string]any{
		"name": name, "quantity": qty, "price_unit": price, "account_id": account,
		"tax_ids": []any{[]any{6, 0, []int64{tax}}},
	}}
}

func (r *run) createInvoice(ctx context.Context) error {
	vals := map[string]any{
		"move_type": odoo.MoveOutInvoice, "partner_id": r.partner, "journal_id": r.saleJournal,
		"invoice_date": r.today.Format(odoo.DateLayout), "invoice_payment_term_id": r.paymentTerm,
		"invoice_line_ids": []any{
			r.line("Consulting "+r.suffix, 2, 150, r.income, r.saleTax),
			r.line("Travel", 1, 45.5, r.income, r.saleTax),
		},
	}
	res, err := r.c.Execute(ctx, "account.move", "create", nil, map[string]any{"vals_list": []any{vals}})
	if err != nil {
		return err
	}
	ids, ok := res.([]any)
	if !ok || len(ids) != 1 {
		return fmt.Errorf("create with a list of one vals: got %v, want a list of one id", res)
	}
	id, ok := wholeNumber(ids[0])
	if !ok {
		return fmt.Errorf("create: got id %v", ids[0])
	}
	r.invoice = id
	return nil
}

func (r *run) postInvoice(ctx context.Context) error {
	if err := r.c.PostMoves(ctx, []int64{r.invoice}); err != nil {
		return err
	}
	b, err := r.c.Moves(ctx, []int64{r.invoice})
	if err != nil {
		return err
	}
	m := b.Moves[0]
	r.invoiceName, r.invoiceTotal = m.Name, m.AmountTotal
	if m.Name == "/" || m.PaymentReference != m.Name {
		r.surprise("posted invoice: name %q, payment reference %q", m.Name, m.PaymentReference)
	}
	return nil
}

func (r *run) postTwice(ctx context.Context) error {
	r.wantFault("posting a posted invoice", r.c.PostMoves(ctx, []int64{r.invoice}))
	return nil
}

func (r *run) moves(ctx context.Context) error {
	b, err := r.c.Moves(ctx, []int64{r.invoice})
	if err != nil {
		return err
	}
	if len(b.Moves) != 1 || len(b.Moves[0].InvoiceLines) != 2 || b.Partners[r.partner].ID != r.partner {
		r.surprise("moves: got %d moves", len(b.Moves))
	}
	return nil
}

func (r *run) postedMoves(ctx context.Context) error {
	f := odoo.MoveFilter{Types: []string{odoo.MoveOutInvoice}, JournalIDs: []int64{r.saleJournal}, Cursor: r.moveCursor}
	page, err := r.c.PostedMoves(ctx, f, 20)
	if err != nil {
		return err
	}
	found := false
	for _, m := range page.Moves {
		found = found || m.ID == r.invoice
	}
	if !found {
		r.surprise("posted moves since the baseline: %d moves without the invoice", len(page.Moves))
	}
	if _, _, _, err = r.c.MovesChangedSince(ctx, f, 20); err != nil {
		return err
	}
	// The detector's feed: posted, cancelled and draft invoices, each with its state.
	f.States = []string{odoo.StatePosted, odoo.StateCancel, odoo.StateDraft}
	chs, _, _, err := r.c.MovesChangedSince(ctx, f, 20)
	if err != nil {
		return err
	}
	found = false
	for _, ch := range chs {
		found = found || ch.ID == r.invoice && odoo.NewDecoder(ch.Fields).String("state") == odoo.StatePosted
	}
	if !found {
		r.surprise("moves of any state changed since the baseline: %d moves without the posted invoice", len(chs))
	}
	return nil
}

// moveFieldNames are the run's stand-ins for the connector's write-back fields on account.move
// (x_exact_entry_id, x_exact_entry_number, x_exact_document_id).
func (r *run) moveFieldNames() []string {
	return []string{r.fieldName() + "_entry", r.fieldName() + "_number", r.fieldName() + "_document"}
}

// moveFields adds char fields to account.move and writes them on the posted invoice: Odoo allows it (only the
// name, date, state and hashed fields of a posted move are guarded); the state and payment state stay, the
// write_date moves. A copy of the invoice does not carry them (copied false).
func (r *run) moveFields(ctx context.Context) error {
	names := r.moveFieldNames()
	for _, n := range names {
		id, err := r.c.EnsureCustomField(ctx, "account.move", n, "char", "Conformance "+n)
		if err != nil {
			return err
		}
		r.fields = append(r.fields, id)
	}
	head := []string{"name", "state", "payment_state", "is_move_sent", "write_date"}
	before, err := r.c.Read(ctx, "account.move", []int64{r.invoice}, head)
	if err != nil {
		return err
	}
	vals := map[string]any{names[0]: "EX-" + r.suffix, names[1]: "25700042", names[2]: "DOC-" + r.suffix}
	if err := r.c.WriteFields(ctx, "account.move", r.invoice, vals); err != nil {
		return err
	}
	after, err := r.c.Read(ctx, "account.move", []int64{r.invoice}, append(head, names...))
	if err != nil {
		return err
	}
	if len(before) != 1 || len(after) != 1 {
		return fmt.Errorf("read the invoice: %d and %d records", len(before), len(after))
	}
	b, a := odoo.NewDecoder(before[0]), odoo.NewDecoder(after[0])
	for k, v := range vals {
		if after[0][k] != v {
			r.surprise("x_ field %s on the posted invoice: read %v, want %v", k, after[0][k], v)
		}
	}
	if a.String("state") != odoo.StatePosted || a.String("name") != b.String("name") || a.String("payment_state") != b.String("payment_state") {
		r.surprise("write-back changed the invoice: before %v, after %v", before[0], after[0])
	}
	if a.Datetime("write_date").Before(b.Datetime("write_date")) {
		r.surprise("write_date went back: before %v, after %v", before[0]["write_date"], after[0]["write_date"])
	}
	res, err := r.c.Execute(ctx, "account.move", "copy", []any{[]int64{r.invoice}}, nil)
	if err != nil {
		return err
	}
	dup, ok := wholeNumber(res)
	if !ok {
		return fmt.Errorf("copy: got %v, want an id", res)
	}
	recs, err := r.c.Read(ctx, "account.move", []int64{dup}, append([]string{"name", "state"}, names...))
	if err != nil {
		return err
	}
	for _, n := range names {
		if len(recs) != 1 || recs[0][n] != false {
			r.surprise("copy of the invoice carries %s: %v", n, recs)
		}
	}
	_, err = r.c.Execute(ctx, "account.move", "unlink", []any{[]int64{dup}}, nil)
	return err
}

func (r *run) invoicePDF(ctx context.Context) error {
	var first *odoo.Document
	for i := 0; i < 2; i++ { // generated, then reused
		doc, err := r.c.InvoicePDF(ctx, r.invoice)
		if err != nil {
			return err
		}
		if !strings.HasPrefix(string(doc.Content), "%PDF") {
			r.surprise("invoice PDF %d: %d bytes without %%PDF", i, len(doc.Content))
		}
		if first == nil {
			first = doc
		} else if doc.AttachmentID != first.AttachmentID {
			r.surprise("invoice PDF read again: attachment %d, want %d", doc.AttachmentID, first.AttachmentID)
		}
	}
	// Send & Print's side effects: the PDF is the main attachment and the invoice is marked sent.
	recs, err := r.c.Read(ctx, "account.move", []int64{r.invoice}, []string{"is_move_sent", "message_main_attachment_id", "invoice_pdf_report_id"})
	if err != nil {
		return err
	}
	d := odoo.NewDecoder(recs[0])
	if !d.Bool("is_move_sent") || d.Many2One("message_main_attachment_id").ID != first.AttachmentID || d.Many2One("invoice_pdf_report_id").ID != first.AttachmentID {
		r.surprise("after Send & Print: %v, want sent with attachment %d as main attachment and PDF report", recs[0], first.AttachmentID)
	}
	// The generated PDF is a field attachment: a plain search of the invoice's attachments does not see it.
	ids, err := r.c.Search(ctx, "ir.attachment", odoo.Domain{[]any{"res_model", "=", "account.move"}, []any{"res_id", "=", r.invoice}}, odoo.SearchReadOptions{})
	if err != nil {
		return err
	}
	if len(ids) != 0 {
		r.surprise("attachments of the invoice: %v, want none (the PDF has res_field set)", ids)
	}
	return nil
}

// conformancePDF is a small PDF standing for a supplier's bill.
const conformancePDF = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n" +
	"trailer << /Root 1 0 R >>\n%%EOF\n"

// billDocument: a bill without attachments has no document (nil, no error); an attachment created over the API
// is found as the first PDF, and register_as_main_attachment makes another one the main attachment.
func (r *run) billDocument(ctx context.Context) error {
	doc, err := r.c.BillDocument(ctx, r.bill)
	if err != nil {
		return err
	}
	if doc != nil {
		r.surprise("document of a bill without attachments: got %s", doc.Filename)
	}
	var atts []int64
	for _, name := range []string{"BILL-" + r.suffix + ".pdf", "BILL-" + r.suffix + "-scan.pdf"} {
		id, err := r.c.Create(ctx, "ir.attachment", map[string]any{"name": name, "mimetype": "application/pdf",
			"datas": base64.StdEncoding.EncodeToString([]byte(conformancePDF)), "res_model": "account.move", "res_id": r.bill})
		if err != nil {
			return err
		}
		atts = append(atts, id)
	}
	if doc, err = r.c.BillDocument(ctx, r.bill); err != nil {
		return err
	}
	if doc == nil || doc.AttachmentID != atts[0] || string(doc.Content) != conformancePDF {
		r.surprise("document of a bill with two PDFs: got %+v, want the first, %d", doc, atts[0])
	}
	if _, err := r.c.Execute(ctx, "ir.attachment", "register_as_main_attachment", []any{[]int64{atts[1]}}, nil); err != nil {
		return err
	}
	if doc, err = r.c.BillDocument(ctx, r.bill); err != nil {
		return err
	}
	if doc == nil || doc.AttachmentID != atts[1] {
		r.surprise("document of a bill after register_as_main_attachment: got %+v, want %d", doc, atts[1])
	}
	_, err = r.c.BillDocument(ctx, r.invoice)
	if !errors.Is(err, odoo.ErrValidation) {
		r.surprise("BillDocument of a customer invoice: got %v, want a validation error", err)
	}
	return nil
}

func (r *run) paymentState(ctx context.Context) (string, decimal.Decimal, error) {
	recs, err := r.c.Read(ctx, "account.move", []int64{r.invoice}, []string{"name", "state", "payment_state", "amount_residual"})
	if err != nil {
		return "", decimal.Zero, err
	}
	if len(recs) != 1 {
		return "", decimal.Zero, fmt.Errorf("read invoice: %d records", len(recs))
	}
	d := odoo.NewDecoder(recs[0])
	return d.String("payment_state"), d.Decimal("amount_residual", 2), d.Err()
}

func (r *run) partialPayment(ctx context.Context) error {
	half := r.invoiceTotal.Div(decimal.NewFromInt(2)).Round(2)
	if _, err := r.c.RegisterPayment(ctx, r.invoice, half, r.today, r.bankJournal, "Partial "+r.suffix); err != nil {
		return err
	}
	state, residual, err := r.paymentState(ctx)
	if err != nil {
		return err
	}
	if state != "partial" || !residual.Equal(r.invoiceTotal.Sub(half)) {
		r.surprise("after a partial payment: %s, residual %s", state, residual)
	}
	return nil
}

func (r *run) fullPayment(ctx context.Context) error {
	_, residual, err := r.paymentState(ctx)
	if err != nil {
		return err
	}
	if _, err := r.c.RegisterPayment(ctx, r.invoice, residual, r.today, r.bankJournal, "Rest "+r.suffix); err != nil {
		return err
	}
	state, residual, err := r.paymentState(ctx)
	if err != nil {
		return err
	}
	if (state != "paid" && state != "in_payment") || !residual.IsZero() {
		r.surprise("after the full payment: %s, residual %s", state, residual)
	}
	return nil
}

func (r *run) resetToDraft(ctx context.Context) error {
	if err := r.c.ResetMovesToDraft(ctx, []int64{r.invoice}); err != nil {
		return err
	}
	recs, err := r.c.Read(ctx, "account.move", []int64{r.invoice}, []string{"name", "state", "payment_state", "amount_residual", "posted_before"})
	if err != nil {
		return err
	}
	d := odoo.NewDecoder(recs[0])
	// 16 to 18 un-reconcile the payments (the whole amount is due again); 19 keeps them (nothing due).
	wantResidual := r.invoiceTotal
	if r.c.ServerVersion().Major >= 19 {
		wantResidual = decimal.Zero
	}
	if d.String("name") != r.invoiceName || !d.Decimal("amount_residual", 2).Equal(wantResidual) {
		r.surprise("reset to draft: name %q (was %q), residual %s, want %s (total %s)", d.String("name"), r.invoiceName,
			d.Decimal("amount_residual", 2), wantResidual, r.invoiceTotal)
	}
	return nil
}

func (r *run) repost(ctx context.Context) error {
	if err := r.c.PostMoves(ctx, []int64{r.invoice}); err != nil {
		return err
	}
	recs, err := r.c.Read(ctx, "account.move", []int64{r.invoice}, []string{"name", "state"})
	if err != nil {
		return err
	}
	if recs[0]["name"] != r.invoiceName {
		r.surprise("re-posted invoice: name %v, want %q", recs[0]["name"], r.invoiceName)
	}
	return nil
}

func (r *run) cancel(ctx context.Context) error {
	if err := r.c.CancelMoves(ctx, []int64{r.invoice}); err != nil {
		return err
	}
	recs, err := r.c.Read(ctx, "account.move", []int64{r.invoice}, []string{"name", "state", "posted_before"})
	if err != nil {
		return err
	}
	if recs[0]["name"] != r.invoiceName || recs[0]["posted_before"] != true {
		r.surprise("cancelled invoice: %v, want name %q and posted_before", recs[0], r.invoiceName)
	}
	return nil
}

func (r *run) billVals(withDate bool) map[string]any {
	vals := map[string]any{
		"move_type": odoo.MoveInInvoice, "partner_id": r.partner, "journal_id": r.purchaseJournal,
		"ref":              "BILL-" + r.suffix,
		"invoice_line_ids": []any{r.line("Office supplies", 3, 20, r.expense, r.purchaseTax)},
	}
	if withDate {
		vals["invoice_date"] = r.today.Format(odoo.DateLayout)
	}
	return vals
}

func (r *run) createBill(ctx context.Context) error {
	id, err := r.c.Create(ctx, "account.move", r.billVals(true))
	if err != nil {
		return err
	}
	r.bill = id
	return r.c.PostMoves(ctx, []int64{r.bill})
}

func (r *run) deletePosted(ctx context.Context) error {
	_, err := r.c.Execute(ctx, "account.move", "unlink", []any{[]int64{r.bill}}, nil)
	r.wantFault("deleting a posted bill", err)
	return nil
}

func (r *run) billWithoutDate(ctx context.Context) error {
	id, err := r.c.Create(ctx, "account.move", r.billVals(false))
	if err != nil {
		return err
	}
	r.wantFault("posting a bill without invoice date", r.c.PostMoves(ctx, []int64{id}))
	res, err := r.c.Execute(ctx, "account.move", "unlink", []any{[]int64{id}}, nil)
	if err != nil {
		return err
	}
	if res != true {
		r.surprise("unlink of a draft bill: got %v, want true", res)
	}
	return nil
}

func (r *run) fieldName() string { return "x_conformance_" + r.suffix }

func (r *run) customField(ctx context.Context) error {
	id, err := r.c.EnsureCustomField(ctx, "res.partner", r.fieldName(), "char", "Conformance "+r.suffix)
	if err != nil {
		return err
	}
	again, err := r.c.EnsureCustomField(ctx, "res.partner", r.fieldName(), "char", "Conformance "+r.suffix)
	if err != nil {
		return err
	}
	if again != id {
		r.surprise("custom field ensured twice: ids %d and %d", id, again)
	}
	r.fields = append(r.fields, id)
	if err := r.c.WriteFields(ctx, "res.partner", r.partner, map[string]any{r.fieldName(): "EX-" + r.suffix}); err != nil {
		return err
	}
	recs, err := r.c.Read(ctx, "res.partner", []int64{r.partner}, []string{"name", r.fieldName()})
	if err != nil {
		return err
	}
	if recs[0][r.fieldName()] != "EX-"+r.suffix {
		r.surprise("custom field read back: %v", recs[0])
	}
	return nil
}

// parallelField creates the same ir.model.fields several times at once: one wins.
func (r *run) parallelField(ctx context.Context) error {
	models, err := r.c.Search(ctx, "ir.model", odoo.Domain{[]any{"model", "=", "res.partner"}}, odoo.SearchReadOptions{Limit: 1})
	if err != nil {
		return err
	}
	if len(models) != 1 {
		return errors.New("no ir.model res.partner")
	}
	vals := map[string]any{"name": r.fieldName() + "_p", "model_id": models[0], "ttype": "char", "field_description": "Parallel " + r.suffix}
	var wg sync.WaitGroup
	ids := make([]int64, ParallelCreates)
	errs := make([]error, ParallelCreates)
	for i := range ids {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ids[i], errs[i] = r.c.Create(ctx, "ir.model.fields", vals)
		}(i)
	}
	wg.Wait()
	won := 0
	for i, err := range errs {
		var f *odoo.Fault
		switch {
		case err == nil:
			won++
			r.fields = append(r.fields, ids[i])
		case errors.As(err, &f) && strings.Contains(f.Message, uniqueFieldsFaultMsg):
		default:
			return err
		}
	}
	if won != 1 {
		r.surprise("%d parallel creates of one field: %d succeeded, want 1", ParallelCreates, won)
	}
	return nil
}

func (r *run) webhookRule(ctx context.Context) error {
	rule := odoo.WebhookRule{
		Name: "exactsync conformance " + r.suffix, Model: "res.partner",
		URL:    "http://127.0.0.1:9/conformance/" + r.suffix,
		Fields: []string{"name", "write_date"},
		Domain: odoo.Domain{[]any{"id", "=", 0}}, // never fires
	}
	id, err := r.c.EnsureWebhookRule(ctx, rule)
	if err != nil {
		return err
	}
	again, err := r.c.EnsureWebhookRule(ctx, rule)
	if err != nil {
		return err
	}
	if again != id {
		r.surprise("webhook rule ensured twice: ids %d and %d", id, again)
	}
	r.rule = id
	return nil
}

func (r *run) execute(ctx context.Context) error {
	res, err := r.c.Execute(ctx, "account.move", "search_count", nil,
		map[string]any{"domain": []any{[]any{"partner_id", "=", r.partner}, []any{"move_type", "in", []any{odoo.MoveOutInvoice, odoo.MoveInInvoice}},
			[]any{"id", "in", []int64{r.invoice, r.bill}}}})
	if err != nil {
		return err
	}
	if n, ok := wholeNumber(res); !ok || n != 2 {
		r.surprise("search_count of the partner's invoice and bill: got %v, want 2", res)
	}
	return nil
}

// cleanUp deletes the webhook rule, the custom fields and the currency rate, and archives the taxes (the moves and
// the partner stay: posted moves cannot be deleted).
func (r *run) cleanUp(ctx context.Context) error {
	if _, err := r.c.Execute(ctx, "base.automation", "unlink", []any{[]int64{r.rule}}, nil); err != nil {
		return err
	}
	// Taxes used by posted moves cannot be deleted: they are archived. Today's rate goes.
	taxes := []int64{r.tx.sixPct, r.tx.reverseCharge, r.tx.included}
	if _, err := r.c.Execute(ctx, "account.tax", "write", []any{taxes}, map[string]any{"vals": map[string]any{"active": false}}); err != nil {
		return err
	}
	if _, err := r.c.Execute(ctx, "res.currency.rate", "unlink", []any{r.tx.rateIDs}, nil); err != nil {
		return err
	}
	_, err := r.c.Execute(ctx, "ir.model.fields", "unlink", []any{r.fields}, nil)
	return err
}

// wholeNumber reads an integer answer: XML-RPC decodes it as int64, JSON-2 as a JSON number (float64).
func wholeNumber(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case float64:
		return int64(x), x == float64(int64(x))
	}
	return 0, false
}
