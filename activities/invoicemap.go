package activities

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/store"
)

// Exact's limits on entry text fields, in characters. Neither EXACT-API.md (D.7, D.8) nor the docs it quotes
// (pisys SalesEntries/SalesEntryLines, generated from Exact's 2025 reference, and picqer) nor the samples give a
// length for any of them, so these are guesses on the strict side, to be confirmed on a real tenant (as the account
// limits in validate.go). Descriptions are cut. YourRef and PaymentReference are refused when too long rather than
// cut: the connector finds the entry again by YourRef, and a cut payment reference no longer matches the bank's.
const (
	maxEntryDescription = 60 // [?] header Description
	maxLineDescription  = 60 // [?] line Description
	maxYourRef          = 30 // [?]
	maxPaymentReference = 32 // [?] holds a Belgian structured communication (12), a Dutch betalingskenmerk (16), an RF reference (25)
)

// AnalyticUnitPrefix marks a cost unit in an analytic mapping. The Exact code mapped to an Odoo analytic account
// (kind store.MapAnalytic) names a cost centre by its code ("KP100"), or a cost unit by its code after this prefix
// ("unit:PRJ1"). An Odoo line may carry both: one analytic account mapped to a cost centre and another (of another
// plan) mapped to a cost unit.
const AnalyticUnitPrefix = "unit:"

// Exact journal types entries need (financial/Journals Type).
const (
	exactJournalSales    = 20
	exactJournalPurchase = 22
)

// connectionFlag is how `starter` commands take the connection's name.
const connectionFlag = "--name"

// ExactJournal is an Exact journal as the mapping needs it.
type ExactJournal struct {
	Code string // as Exact has it; entries reference it
	Type int    // 20 sales, 22 purchase, …
}

// ExactGL is an Exact GL account as the mapping needs it.
type ExactGL struct {
	ID      string // GUID; entry lines reference it
	Code    string
	Blocked bool
}

// ExactVAT is an Exact VAT code as the mapping needs it.
type ExactVAT struct {
	Code            string          // as Exact has it (padded to 3, "2  "); entry lines reference it
	Percentage      decimal.Decimal // fraction: 0.21
	Charged         bool            // reverse charge: Exact computes the VAT but leaves it out of the entry's total
	TransactionType string          // S sales, P purchase, B both
	Blocked         bool
}

// InvoiceRefs is the reference data of the Exact division and the connection's mappings that MapInvoice needs,
// all loaded beforehand (the caller reads them from PostgreSQL). Maps of Exact codes are keyed by the trimmed code.
type InvoiceRefs struct {
	// Connection is the connection's name, for the commands in fixes (`starter mappings set --name <connection> …`).
	Connection       string
	DivisionCurrency string          // ISO code, e.g. "EUR"
	Currencies       map[string]bool // ISO codes the division has
	// Mapped holds the accountant's mappings: kind (store.MapJournal, store.MapTax, store.MapAccount,
	// store.MapPaymentTerm, store.MapAnalytic) → Odoo id → Exact code.
	Mapped   map[string]map[int64]string
	Journals map[string]ExactJournal
	// GLAccounts and VATCodes are keyed by trimmed code.
	GLAccounts map[string]ExactGL
	VATCodes   map[string]ExactVAT
	// ZeroVATCode is the Exact VAT code (0 %, not reverse charge) for lines without tax and cash-rounding lines.
	// The caller reads it from the tax mapping of Odoo id 0 (`starter mappings set --kind tax --odoo-id 0`);
	// a move that needs it while it is empty cannot be mapped.
	ZeroVATCode       string
	PaymentConditions map[string]bool // trimmed codes
	CostCenters       map[string]bool // trimmed codes: true for an active cost centre, false for an inactive one
	CostUnits         map[string]bool // trimmed codes
}

// MappedEntry is an Odoo invoice, bill or refund mapped to an Exact sales or purchase entry: the header and lines to
// post, and the totals Exact will compute from them, which equal Odoo's to the cent.
type MappedEntry struct {
	MoveID   int64
	Purchase bool // a purchase entry (vendor bill or refund); otherwise a sales entry
	// Header holds Journal, EntryDate, DueDate, PaymentCondition, PaymentReference, YourRef, Description and
	// Currency; SalesEntry and PurchaseEntry add the relation and the document.
	Header exact.EntryHeader
	// Rate is Exact's rate (AmountDC = AmountFC × Rate) of a foreign-currency entry, Odoo's own for this move; the
	// zero value in the division's currency. SalesEntry and PurchaseEntry send it. The entry's amounts in its own
	// currency are Odoo's to the cent; in the division's currency Exact rounds each line at this one rate while Odoo
	// rounds each line at its own, so the totals there can differ by a few cents on a many-line entry (measured:
	// up to 4 cents on 47 lines). Exact's AmountDC is read-only on entry lines (EXACT-API D.7).
	Rate decimal.Decimal
	// Lines are the entry lines: AmountFC excluding VAT in the document's sign (negative on a credit note),
	// VATAmountFC set (also when 0) where Exact's own per-line VAT would not add up to Odoo's.
	Lines []exact.EntryLine
	// AmountFC is the entry's total including VAT as Exact computes it (reverse-charge VAT is not part of it), in
	// the document's sign: Odoo's amount_total, negative for a refund. VATAmountFC is the VAT in that total.
	AmountFC    decimal.Decimal
	VATAmountFC decimal.Decimal
	// Notes say, in English | Dutch, what went to Exact differently from Odoo without being an error (an analytic
	// account without mapping).
	Notes []string
}

// MapInvoice maps a posted Odoo invoice, bill or refund (account.move) to an Exact sales or purchase entry. It is pure.
//
// Product lines become entry lines on the GL account mapped to their account, with the VAT code mapped to their one
// tax (ZeroVATCode without tax) and the cost centre/unit mapped to their analytic accounts; a line whose analytic
// distribution is split over several mapped accounts becomes one entry line per share (amounts by largest
// remainder). Cash-rounding lines become lines with ZeroVATCode, or, when Odoo put the rounding on a tax, part of that
// tax's VAT. Sections and notes carry no money and are dropped (the PDF attached to the entry keeps them); tax and
// payment-term lines are what Exact computes itself. Any other line with money is refused: money is never dropped.
//
// VAT: Exact computes each line's VAT as AmountFC × percentage, rounded; where that does not add up to Odoo's VAT for a
// tax (global rounding, or a half cent Exact might round the other way), the tax's lines carry Odoo's VAT
// explicitly, shared by largest remainder. The expected total is checked against Odoo's: an entry that would be a cent
// off is a Problem (invoice.total_mismatch), never a result.
//
// Everything a person must fix (mappings, codes, the invoice itself) is reported at once, in one Problem with the
// whole command for each mapping.
func MapInvoice(mv odoo.Move, refs InvoiceRefs) (MappedEntry, *Problem) {
	m := &invoiceMapper{mv: mv, refs: refs, docSign: decimal.NewFromInt(1), places: mv.CurrencyPlaces}
	switch mv.MoveType {
	case odoo.MoveOutInvoice, odoo.MoveOutRefund:
		m.lineSign = decimal.NewFromInt(-1) // revenue is a credit: the invoice's amounts are −amount_currency
	case odoo.MoveInInvoice, odoo.MoveInRefund:
		m.purchase, m.lineSign = true, decimal.NewFromInt(1)
	default:
		return MappedEntry{}, &Problem{Code: "invoice.not_an_invoice",
			EN:    fmt.Sprintf("Odoo move %q (id %d) is of type %q, not an invoice, bill or refund; only those go to Exact.", shown(mv.Name), mv.ID, mv.MoveType),
			NL:    fmt.Sprintf("Odoo-boeking %q (id %d) is van het type %q, geen factuur of creditnota; alleen die gaan naar Exact.", shown(mv.Name), mv.ID, mv.MoveType),
			FixEN: "leave it out of the invoice sync (it is not an invoice)", FixNL: "laat hem buiten de factuursynchronisatie (het is geen factuur)"}
	}
	if mv.MoveType == odoo.MoveOutRefund || mv.MoveType == odoo.MoveInRefund {
		m.docSign = decimal.NewFromInt(-1)
	}
	if m.places < 0 {
		m.places = 2
	}
	e := MappedEntry{MoveID: mv.ID, Purchase: m.purchase}
	e.Header = m.header()
	e.Rate = m.rate()
	m.taxLines()
	m.entryLines()
	if len(m.issues) > 0 {
		return MappedEntry{}, m.problem()
	}
	m.vat()
	if len(m.issues) > 0 {
		return MappedEntry{}, m.problem()
	}
	e.Lines = make([]exact.EntryLine, len(m.lines))
	for i, l := range m.lines {
		e.Lines[i] = l.EntryLine
	}
	e.AmountFC, e.VATAmountFC = m.exactTotals()
	if want := mv.AmountTotal.Mul(m.docSign); !e.AmountFC.Equal(want) {
		return MappedEntry{}, &Problem{Code: "invoice.total_mismatch",
			EN: fmt.Sprintf("exactsync mapped Odoo %s %q (id %d) to an Exact entry of %s, but Odoo's total is %s. This is not caused by your data: "+
				"it is a bug in exactsync, and nothing was sent to Exact.", m.docEN(), shown(mv.Name), mv.ID, e.AmountFC, want),
			NL: fmt.Sprintf("exactsync zette Odoo-%s %q (id %d) om in een Exact-boeking van %s, maar het totaal in Odoo is %s. Dit komt niet door uw "+
				"gegevens: het is een fout in exactsync, en er is niets naar Exact gestuurd.", m.docNL(), shown(mv.Name), mv.ID, e.AmountFC, want),
			FixEN: "report it with this workflow's ID, the invoice and the Odoo version; book this invoice in Exact by hand until exactsync is updated",
			FixNL: "meld het met de workflow-ID, de factuur en de Odoo-versie; boek deze factuur met de hand in Exact tot exactsync is bijgewerkt"}
	}
	e.Notes = m.notes
	return e, nil
}

// SalesEntry is the salesentry/SalesEntries POST payload of a sales mapping, for the Exact account customer and
// the documents/Documents record document ("" for none).
func (m MappedEntry) SalesEntry(customer, document string) *exact.SalesEntry {
	if m.Purchase {
		panic("activities: SalesEntry of a purchase mapping")
	}
	h := m.Header
	h.Document, h.Rate = document, m.Rate
	return &exact.SalesEntry{EntryHeader: h, Customer: customer, SalesEntryLines: slices.Clone(m.Lines)}
}

// PurchaseEntry is the purchaseentry/PurchaseEntries POST payload of a purchase mapping, for the Exact account
// supplier and the documents/Documents record document ("" for none).
func (m MappedEntry) PurchaseEntry(supplier, document string) *exact.PurchaseEntry {
	if !m.Purchase {
		panic("activities: PurchaseEntry of a sales mapping")
	}
	h := m.Header
	h.Document, h.Rate = document, m.Rate
	return &exact.PurchaseEntry{EntryHeader: h, Supplier: supplier, PurchaseEntryLines: slices.Clone(m.Lines)}
}

// Hash identifies what the mapping sends (the header's properties, the rate, every line's), to tell a changed
// invoice from an unchanged one. The relation and the document, which the caller adds, are not part of it. A
// property Exact would not be sent (a VAT amount Exact computes itself) hashes apart from one sent as 0.
func (m MappedEntry) Hash() string {
	type line struct {
		GLAccount, Description, VATCode, CostCenter, CostUnit string
		AmountFC, VATAmountFC, Quantity                       *string
	}
	h := m.Header
	payload := struct {
		Purchase                                                                 bool
		Journal, EntryDate, DueDate, PaymentCondition, PaymentReference, YourRef string
		Description, Currency                                                    string
		Rate                                                                     *string
		Lines                                                                    []line
	}{Purchase: m.Purchase, Journal: h.Journal, EntryDate: dateSent(h.EntryDate), DueDate: dateSent(h.DueDate),
		PaymentCondition: h.PaymentCondition, PaymentReference: h.PaymentReference, YourRef: h.YourRef,
		Description: h.Description, Currency: h.Currency, Rate: amountSent(m.Rate)}
	for _, l := range m.Lines {
		payload.Lines = append(payload.Lines, line{GLAccount: l.GLAccount, Description: l.Description, VATCode: l.VATCode,
			CostCenter: l.CostCenter, CostUnit: l.CostUnit, AmountFC: amountSent(l.AmountFC),
			VATAmountFC: amountSent(l.VATAmountFC), Quantity: amountSent(l.Quantity)})
	}
	return hashJSON(payload)
}

// mappedEntryJSON is MappedEntry as it travels between activities (Temporal passes it as JSON). A decimal's zero
// value, which exact's encodeCreate does not send, would come back as a 0 that it sends: every line would then carry
// VATAmountFC 0 and Exact would book no VAT. So the decimals that tell "not sent" from "0" (the rate and the
// lines' AmountFC, VATAmountFC and Quantity) travel as null when not sent.
type mappedEntryJSON struct {
	plainMappedEntry
	Rate  *decimal.Decimal `json:"Rate"`
	Lines []entryLineJSON  `json:"Lines"`
}

type plainMappedEntry MappedEntry // without the methods, so that encoding/json does not recurse

// entryLineJSON shadows the line's post-able decimals with pointers (encoding/json takes the shallower field).
type entryLineJSON struct {
	exact.EntryLine
	AmountFC    *decimal.Decimal `json:"AmountFC"`
	VATAmountFC *decimal.Decimal `json:"VATAmountFC"`
	Quantity    *decimal.Decimal `json:"Quantity"`
}

// MarshalJSON writes the entry so that UnmarshalJSON gives back what SalesEntry, PurchaseEntry and Hash need, a
// VAT amount Exact computes itself included.
func (m MappedEntry) MarshalJSON() ([]byte, error) {
	w := mappedEntryJSON{plainMappedEntry: plainMappedEntry(m), Rate: sentPtr(m.Rate)}
	for _, l := range m.Lines {
		w.Lines = append(w.Lines, entryLineJSON{EntryLine: l, AmountFC: sentPtr(l.AmountFC), VATAmountFC: sentPtr(l.VATAmountFC),
			Quantity: sentPtr(l.Quantity)})
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (m *MappedEntry) UnmarshalJSON(b []byte) error {
	var w mappedEntryJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*m = MappedEntry(w.plainMappedEntry)
	m.Rate, m.Lines = fromPtr(w.Rate), nil
	for _, l := range w.Lines {
		line := l.EntryLine
		line.AmountFC, line.VATAmountFC, line.Quantity = fromPtr(l.AmountFC), fromPtr(l.VATAmountFC), fromPtr(l.Quantity)
		m.Lines = append(m.Lines, line)
	}
	return nil
}

func sentPtr(d decimal.Decimal) *decimal.Decimal {
	if amountSent(d) == nil {
		return nil
	}
	return &d
}

func fromPtr(d *decimal.Decimal) decimal.Decimal {
	if d == nil {
		return decimal.Decimal{}
	}
	return *d
}

// amountSent is the decimal's text as exact's encodeCreate writes it, or nil when it is not sent: encodeCreate leaves
// out a property whose value is the zero value (decimal.Decimal{}), and sends any other decimal, 0 included.
func amountSent(d decimal.Decimal) *string {
	if reflect.ValueOf(d).IsZero() {
		return nil
	}
	s := d.String()
	return &s
}

func dateSent(d exact.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.ISO()
}

// invoiceMapper holds one MapInvoice's state.
type invoiceMapper struct {
	mv       odoo.Move
	refs     InvoiceRefs
	purchase bool
	docSign  decimal.Decimal // −1 for a refund
	lineSign decimal.Decimal // entry amount = lineSign × amount_currency: −1 sales, +1 purchase
	places   int32           // the move currency's decimals

	lines  []draftLine
	groups map[int64]*vatGroup // by Odoo tax id; 0: lines without tax
	order  []int64             // group ids in order of first use

	taxNames map[int64]string // Odoo tax names, as the tax lines give them
	lineTax  map[int64]bool   // Odoo taxes product lines carry

	issues []issue
	seen   map[string]bool // issues and notes already said
	notes  []string
}

// draftLine is an entry line with the Odoo tax it belongs to.
type draftLine struct {
	exact.EntryLine
	tax int64
}

// vatGroup is the entry lines of one Odoo tax, with Odoo's VAT for it.
type vatGroup struct {
	tax      int64
	vat      ExactVAT
	lines    []int           // indices in invoiceMapper.lines
	plus     decimal.Decimal // Odoo's tax lines, in the document's sign: positive ones
	minus    decimal.Decimal // negative ones
	rounding decimal.Decimal // cash rounding Odoo put on this tax (biggest_tax)
	hasLines bool            // Odoo has tax lines for it
}

// ---- header ----------------------------------------------------------------------------------------------------

func (m *invoiceMapper) header() exact.EntryHeader {
	mv := m.mv
	var h exact.EntryHeader
	if code, ok := m.mapped(store.MapJournal, mv.Journal, "journal", "dagboek"); ok {
		want, wantEN, wantNL := exactJournalSales, "sales", "verkoop"
		if m.purchase {
			want, wantEN, wantNL = exactJournalPurchase, "purchase", "inkoop"
		}
		switch j, found := m.refs.Journals[code]; {
		case !found:
			m.unknownCode(store.MapJournal, mv.Journal, "journal", "dagboek", code)
		case j.Type != want:
			m.add(issue{code: "invoice.journal_type",
				en:    fmt.Sprintf("Odoo journal %d %q is mapped to Exact journal %q of type %d, not a %s journal (%d)", mv.Journal.ID, shown(mv.Journal.Name), code, j.Type, wantEN, want),
				nl:    fmt.Sprintf("Odoo-dagboek %d %q is gekoppeld aan Exact-dagboek %q van type %d, geen %sdagboek (%d)", mv.Journal.ID, shown(mv.Journal.Name), code, j.Type, wantNL, want),
				fixEN: fmt.Sprintf("map it to a %s journal: %s", wantEN, m.command(store.MapJournal, mv.Journal.ID)),
				fixNL: fmt.Sprintf("koppel het aan een %sdagboek: %s", wantNL, m.command(store.MapJournal, mv.Journal.ID))})
		default:
			h.Journal = cmp.Or(j.Code, code)
		}
	}
	if mv.InvoiceDate.IsZero() {
		m.add(issue{code: "invoice.no_date", en: "it has no invoice date", nl: "hij heeft geen factuurdatum",
			fixEN: "set the invoice date in Odoo", fixNL: "vul de factuurdatum in Odoo in"})
	} else {
		h.EntryDate = dateOnly(mv.InvoiceDate)
	}
	if !mv.InvoiceDateDue.IsZero() {
		h.DueDate = dateOnly(mv.InvoiceDateDue)
	}
	if !mv.PaymentTerm.IsZero() {
		if code, ok := m.mapped(store.MapPaymentTerm, mv.PaymentTerm, "payment term", "betalingstermijn"); ok {
			if m.refs.PaymentConditions[code] {
				h.PaymentCondition = code
			} else {
				m.unknownCode(store.MapPaymentTerm, mv.PaymentTerm, "payment term", "betalingstermijn", code)
			}
		}
	}
	h.YourRef = m.yourRef()
	h.PaymentReference = m.paymentReference()
	partner := cmp.Or(store.CleanText(mv.CommercialPartner.Name), store.CleanText(mv.Partner.Name))
	h.Description = cut(strings.TrimSpace(store.CleanText(mv.Name)+" "+partner), maxEntryDescription)
	cur := strings.ToUpper(strings.TrimSpace(mv.Currency.Name))
	if cur != strings.ToUpper(strings.TrimSpace(m.refs.DivisionCurrency)) {
		if cur != "" && m.refs.Currencies[cur] {
			h.Currency = cur
		} else {
			m.add(issue{code: "invoice.currency",
				en:    fmt.Sprintf("it is in %s, a currency the Exact division lacks", cmp.Or(cur, "no currency")),
				nl:    fmt.Sprintf("hij is in %s, een valuta die de Exact-administratie niet heeft", cmp.Or(cur, "geen valuta")),
				fixEN: fmt.Sprintf("add the currency %s to the Exact division (Master data, Currencies), then retry", cur),
				fixNL: fmt.Sprintf("voeg de valuta %s toe aan de Exact-administratie (Stamgegevens, Valuta's) en probeer opnieuw", cur)})
		}
	}
	return h
}

// yourRef is how the connector finds the entry again: the invoice number for a sales entry, the supplier's invoice
// number (ref) for a purchase entry, else the bill's own number.
func (m *invoiceMapper) yourRef() string {
	ref, what, whatNL := store.CleanText(m.mv.Name), "invoice number", "het factuurnummer"
	if m.purchase {
		if r := store.CleanText(m.mv.Ref); r != "" {
			ref, what, whatNL = r, "bill reference (the supplier's invoice number)", "de factuurreferentie (het factuurnummer van de leverancier)"
		}
	}
	if n := utf8.RuneCountInString(ref); n > maxYourRef {
		m.add(issue{code: "invoice.too_long",
			en:    fmt.Sprintf("its %s %q has %d characters; Exact's YourRef, by which exactsync finds the entry again, holds %d", what, shown(ref), n, maxYourRef),
			nl:    fmt.Sprintf("%s %q heeft %d tekens; YourRef in Exact, waarmee exactsync de boeking terugvindt, bewaart er %d", whatNL, shown(ref), n, maxYourRef),
			fixEN: fmt.Sprintf("shorten the %s in Odoo to %d characters", what, maxYourRef),
			fixNL: fmt.Sprintf("kort %s in Odoo in tot %d tekens", whatNL, maxYourRef)})
		return ""
	}
	return ref
}

// paymentReference is a Belgian structured communication as its 12 digits, any other reference as it is.
func (m *invoiceMapper) paymentReference() string {
	ref := store.CleanText(m.mv.PaymentReference)
	digits, structured, valid := belgianStructuredRef(ref)
	switch {
	case structured && !valid:
		m.add(issue{code: "invoice.payment_reference",
			en:    fmt.Sprintf("its payment reference %q is not a valid Belgian structured communication (12 digits, the last two the first ten modulo 97)", shown(ref)),
			nl:    fmt.Sprintf("de betalingsreferentie %q is geen geldige gestructureerde mededeling (12 cijfers, de laatste twee de eerste tien modulo 97)", shown(ref)),
			fixEN: "correct the payment reference in Odoo", fixNL: "corrigeer de betalingsreferentie in Odoo"})
		return ""
	case structured:
		return digits
	}
	if n := utf8.RuneCountInString(ref); n > maxPaymentReference {
		m.add(issue{code: "invoice.too_long",
			en:    fmt.Sprintf("its payment reference %q has %d characters, Exact holds %d", shown(ref), n, maxPaymentReference),
			nl:    fmt.Sprintf("de betalingsreferentie %q heeft %d tekens, Exact bewaart er %d", shown(ref), n, maxPaymentReference),
			fixEN: fmt.Sprintf("shorten the payment reference in Odoo to %d characters", maxPaymentReference),
			fixNL: fmt.Sprintf("kort de betalingsreferentie in Odoo in tot %d tekens", maxPaymentReference)})
		return ""
	}
	return ref
}

// rate is Exact's rate for a foreign-currency move: Odoo's own, from the receivable/payable lines (company-currency
// balance over move-currency amount), to 12 decimals. Exact rounds each line's AmountDC at it, Odoo each line's
// balance: the totals in the division's currency may differ by cents (see MappedEntry.Rate). The zero value in the
// division's currency.
func (m *invoiceMapper) rate() decimal.Decimal {
	if strings.EqualFold(strings.TrimSpace(m.mv.Currency.Name), strings.TrimSpace(m.refs.DivisionCurrency)) {
		return decimal.Decimal{}
	}
	var bal, amt decimal.Decimal
	for _, l := range m.mv.Lines {
		if l.DisplayType == odoo.LinePaymentTerm {
			bal, amt = bal.Add(l.Balance), amt.Add(l.AmountCurrency)
		}
	}
	if amt.IsZero() { // a zero-total move: any line with an amount has the rate
		bal, amt = decimal.Zero, decimal.Zero
		for _, l := range m.mv.Lines {
			bal, amt = bal.Add(l.Balance.Abs()), amt.Add(l.AmountCurrency.Abs())
		}
	}
	if amt.IsZero() {
		return decimal.Decimal{}
	}
	return bal.DivRound(amt, 12)
}

// ---- lines -----------------------------------------------------------------------------------------------------

// taxLines adds Odoo's VAT per tax from the tax lines (and cash rounding Odoo put on a tax), in the document's sign.
func (m *invoiceMapper) taxLines() {
	m.groups, m.taxNames = map[int64]*vatGroup{}, map[int64]string{}
	for _, l := range m.mv.Lines {
		if l.DisplayType != odoo.LineTax && !(l.DisplayType == odoo.LineRounding && !l.TaxLine.IsZero()) {
			continue
		}
		amount := l.AmountCurrency.Mul(m.lineSign)
		if l.TaxLine.IsZero() {
			if !amount.IsZero() {
				m.unsupported(l, "a tax line without a tax", "een btw-regel zonder btw", amount)
			}
			continue
		}
		m.taxNames[l.TaxLine.ID] = l.TaxLine.Name
		g := m.group(l.TaxLine.ID)
		g.hasLines = true
		switch {
		case l.DisplayType == odoo.LineRounding:
			g.rounding = g.rounding.Add(amount)
		case amount.IsNegative():
			g.minus = g.minus.Add(amount)
		default:
			g.plus = g.plus.Add(amount)
		}
	}
}

// group returns the VAT group of an Odoo tax (0: no tax), made on first use.
func (m *invoiceMapper) group(tax int64) *vatGroup {
	g, ok := m.groups[tax]
	if !ok {
		g = &vatGroup{tax: tax}
		m.groups[tax] = g
	}
	return g
}

// entryLines maps the product lines (in the invoice's order) and the cash-rounding lines, and refuses lines with money
// it cannot map.
func (m *invoiceMapper) entryLines() {
	src := slices.Clone(m.mv.InvoiceLines)
	listed := map[int64]bool{}
	for _, l := range src {
		listed[l.ID] = true
	}
	for _, l := range m.mv.Lines { // a product line missing from invoice_line_ids still carries money
		if l.DisplayType == odoo.LineProduct && !listed[l.ID] {
			src = append(src, l)
			listed[l.ID] = true
		}
	}
	m.lineTax = map[int64]bool{}
	for _, l := range src {
		switch l.DisplayType {
		case odoo.LineProduct:
			for _, id := range l.TaxIDs {
				m.lineTax[id] = true
			}
			m.productLine(l)
		case odoo.LineSection, odoo.LineNote:
			if a := l.AmountCurrency.Mul(m.lineSign); !a.IsZero() {
				m.unsupported(l, "a section or note with an amount", "een sectie of notitie met een bedrag", a)
			}
		}
	}
	for _, l := range m.mv.Lines {
		if listed[l.ID] {
			continue
		}
		switch l.DisplayType {
		case odoo.LineProduct, odoo.LineTax, odoo.LinePaymentTerm:
		case odoo.LineRounding:
			if l.TaxLine.IsZero() {
				m.roundingLine(l)
			}
		case odoo.LineSection, odoo.LineNote:
			if a := l.AmountCurrency.Mul(m.lineSign); !a.IsZero() {
				m.unsupported(l, "a section or note with an amount", "een sectie of notitie met een bedrag", a)
			}
		default:
			if a := l.AmountCurrency.Mul(m.lineSign); !a.IsZero() || !l.Balance.IsZero() {
				what, whatNL := fmt.Sprintf("a line of type %q", l.DisplayType), fmt.Sprintf("een regel van het type %q", l.DisplayType)
				if l.DisplayType == "epd" {
					what, whatNL = "an early-payment discount line", "een regel voor betalingskorting"
				}
				m.unsupported(l, what, whatNL, a)
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(m.groups)) {
		if g := m.groups[id]; g.hasLines && !m.lineTax[id] {
			name := m.taxNames[id]
			m.add(issue{code: "invoice.tax_without_line",
				en: fmt.Sprintf("Odoo computed tax %s (%s) without any line carrying that tax; a tax of a group of taxes cannot go to Exact, where a line has one VAT code",
					named(id, name), g.plus.Add(g.minus).Add(g.rounding)),
				nl: fmt.Sprintf("Odoo berekende btw %s (%s) zonder regel met die btw; een btw uit een btw-groep kan niet naar Exact, waar een regel één btw-code heeft",
					named(id, name), g.plus.Add(g.minus).Add(g.rounding)),
				fixEN: "in Odoo, reset the invoice to draft and give its lines single taxes instead of a group, then post it again",
				fixNL: "zet de factuur in Odoo terug naar concept, geef de regels losse btw's in plaats van een groep en boek hem opnieuw"})
		}
	}
}

// productLine maps one product line, split per analytic share.
func (m *invoiceMapper) productLine(l odoo.MoveLine) {
	gl, glOK := m.glAccount(l.Account)
	tax, vat, vatOK := int64(0), ExactVAT{}, false
	switch len(l.TaxIDs) {
	case 0:
		vat, vatOK = m.zeroVAT(l)
	case 1:
		tax = l.TaxIDs[0]
		vat, vatOK = m.vatCode(tax)
	default:
		ids := make([]string, len(l.TaxIDs))
		for i, id := range l.TaxIDs {
			ids[i] = strconv.FormatInt(id, 10)
		}
		m.add(issue{code: "invoice.several_taxes",
			en:    fmt.Sprintf("line %d %q carries %d taxes (ids %s); Exact allows one VAT code per line", l.ID, shown(firstLine(l.Name)), len(l.TaxIDs), strings.Join(ids, ", ")),
			nl:    fmt.Sprintf("regel %d %q heeft %d btw's (ids %s); Exact staat één btw-code per regel toe", l.ID, shown(firstLine(l.Name)), len(l.TaxIDs), strings.Join(ids, ", ")),
			fixEN: "in Odoo, reset the invoice to draft and give each line one tax (one line per tax), then post it again",
			fixNL: "zet de factuur in Odoo terug naar concept, geef elke regel één btw (één regel per btw) en boek hem opnieuw"})
	}
	parts := m.analyticParts(l)
	if !glOK || !vatOK || len(parts) == 0 {
		return
	}
	amount := l.AmountCurrency.Mul(m.lineSign)
	desc := cut(cmp.Or(firstLine(l.Name), store.CleanText(l.Product.Name), store.CleanText(m.mv.Name)), maxLineDescription)
	amounts, quantities := []decimal.Decimal{amount}, []decimal.Decimal{l.Quantity}
	if len(parts) > 1 {
		aq, qq := make([]decimal.Decimal, len(parts)), make([]decimal.Decimal, len(parts))
		for i, p := range parts {
			aq[i] = amount.Mul(p.pct).Div(decimal.NewFromInt(100))
			qq[i] = l.Quantity.Mul(p.pct).Div(decimal.NewFromInt(100))
		}
		amounts = apportion(amount, aq, m.places)
		quantities = apportion(l.Quantity, qq, max(-l.Quantity.Exponent(), 4))
	}
	for i, p := range parts {
		m.addLine(tax, vat, draftLine{tax: tax, EntryLine: exact.EntryLine{GLAccount: gl, Description: desc, AmountFC: amounts[i],
			VATCode: vat.Code, Quantity: quantities[i], CostCenter: p.costCenter, CostUnit: p.costUnit}})
	}
}

// roundingLine maps a cash-rounding line Odoo added as its own line (add_invoice_line): money without tax.
func (m *invoiceMapper) roundingLine(l odoo.MoveLine) {
	gl, glOK := m.glAccount(l.Account)
	vat, vatOK := m.zeroVAT(l)
	if !glOK || !vatOK {
		return
	}
	m.addLine(0, vat, draftLine{EntryLine: exact.EntryLine{GLAccount: gl, VATCode: vat.Code,
		Description: cut(cmp.Or(firstLine(l.Name), "Rounding"), maxLineDescription), AmountFC: l.AmountCurrency.Mul(m.lineSign)}})
}

func (m *invoiceMapper) addLine(tax int64, vat ExactVAT, l draftLine) {
	g := m.group(tax)
	if len(g.lines) == 0 {
		m.order = append(m.order, tax)
		g.vat = vat
	}
	g.lines = append(g.lines, len(m.lines))
	m.lines = append(m.lines, l)
}

// glAccount returns the GUID of the Exact GL account mapped to an Odoo account.
func (m *invoiceMapper) glAccount(acc odoo.Many2One) (string, bool) {
	code, ok := m.mapped(store.MapAccount, acc, "account", "grootboekrekening")
	if !ok {
		return "", false
	}
	gl, found := m.refs.GLAccounts[code]
	switch {
	case !found || gl.ID == "":
		m.unknownCode(store.MapAccount, acc, "account", "grootboekrekening", code)
		return "", false
	case gl.Blocked:
		m.blocked(store.MapAccount, acc, "account", "grootboekrekening", "GL account", "grootboekrekening", code)
		return "", false
	}
	return gl.ID, true
}

// vatCode returns the Exact VAT code mapped to an Odoo tax, if it exists, is open and fits the entry's side.
func (m *invoiceMapper) vatCode(tax int64) (ExactVAT, bool) {
	rec := odoo.Many2One{ID: tax, Name: m.taxNames[tax]}
	code, ok := m.mapped(store.MapTax, rec, "tax", "btw")
	if !ok {
		return ExactVAT{}, false
	}
	vat, found := m.refs.VATCodes[code]
	switch {
	case !found:
		m.unknownCode(store.MapTax, rec, "tax", "btw", code)
		return ExactVAT{}, false
	case vat.Blocked:
		m.blocked(store.MapTax, rec, "tax", "btw", "VAT code", "btw-code", code)
		return ExactVAT{}, false
	case !m.fitsSide(vat):
		sideEN, sideNL, otherEN, otherNL := "customer invoice", "verkoopfactuur", "purchase", "inkoop"
		if m.purchase {
			sideEN, sideNL, otherEN, otherNL = "vendor bill", "inkoopfactuur", "sales", "verkoop"
		}
		m.add(issue{code: "invoice.vat_side",
			en:    fmt.Sprintf("Odoo tax %s is mapped to Exact VAT code %q, a %s code, on a %s", named(tax, rec.Name), code, otherEN, sideEN),
			nl:    fmt.Sprintf("Odoo-btw %s is gekoppeld aan Exact-btw-code %q, een %scode, op een %s", named(tax, rec.Name), code, otherNL, sideNL),
			fixEN: fmt.Sprintf("map the tax to a VAT code for %ss (or both): %s", sideEN, m.command(store.MapTax, tax)),
			fixNL: fmt.Sprintf("koppel de btw aan een btw-code voor %s (of beide): %s", sideNL, m.command(store.MapTax, tax))})
		return ExactVAT{}, false
	}
	vat.Code = cmp.Or(vat.Code, code)
	return vat, true
}

// zeroVAT returns the connection's VAT code for lines without tax, which must exist, be open, be 0 % and fit the side.
func (m *invoiceMapper) zeroVAT(l odoo.MoveLine) (ExactVAT, bool) {
	code := strings.TrimSpace(m.refs.ZeroVATCode)
	cmdText := m.command(store.MapTax, 0)
	vat, found := m.refs.VATCodes[code]
	switch {
	case code == "":
		m.add(issue{code: "invoice.no_zero_vat",
			en:    fmt.Sprintf("line %d %q has no tax, and the connection has no Exact VAT code for lines without tax", l.ID, shown(firstLine(l.Name))),
			nl:    fmt.Sprintf("regel %d %q heeft geen btw, en de koppeling heeft geen Exact-btw-code voor regels zonder btw", l.ID, shown(firstLine(l.Name))),
			fixEN: "choose the Exact VAT code (0 %) for lines without tax: " + cmdText,
			fixNL: "kies de Exact-btw-code (0 %) voor regels zonder btw: " + cmdText})
	case !found:
		m.add(issue{code: "invoice.unknown_code",
			en:    fmt.Sprintf("the VAT code for lines without tax, %q, is not in the Exact division", code),
			nl:    fmt.Sprintf("de btw-code voor regels zonder btw, %q, bestaat niet in de Exact-administratie", code),
			fixEN: "choose an existing one (0 %): " + cmdText, fixNL: "kies een bestaande (0 %): " + cmdText})
	case vat.Blocked || !vat.Percentage.IsZero() || vat.Charged || !m.fitsSide(vat):
		m.add(issue{code: "invoice.zero_vat_code",
			en:    fmt.Sprintf("the VAT code for lines without tax, %q, is not an open 0 %% code for this side (%s %%, reverse charge %v, blocked %v, type %q)", code, vat.Percentage.Shift(2), vat.Charged, vat.Blocked, vat.TransactionType),
			nl:    fmt.Sprintf("de btw-code voor regels zonder btw, %q, is geen open 0%%-code voor deze kant (%s %%, verlegd %v, geblokkeerd %v, type %q)", code, vat.Percentage.Shift(2), vat.Charged, vat.Blocked, vat.TransactionType),
			fixEN: "choose an open 0 % code for both sales and purchases: " + cmdText,
			fixNL: "kies een open 0%-code voor verkoop en inkoop: " + cmdText})
	default:
		vat.Code = cmp.Or(vat.Code, code)
		return vat, true
	}
	return ExactVAT{}, false
}

func (m *invoiceMapper) fitsSide(vat ExactVAT) bool {
	switch strings.ToUpper(strings.TrimSpace(vat.TransactionType)) {
	case "B":
		return true
	case "S":
		return !m.purchase
	case "P":
		return m.purchase
	}
	return false
}

// ---- analytic --------------------------------------------------------------------------------------------------

// analyticPart is a share of a line with its cost centre and cost unit ("" for none).
type analyticPart struct {
	costCenter, costUnit string
	pct                  decimal.Decimal // of the line, in percent
}

// analyticParts reads a line's analytic distribution as shares of the line with one cost centre and one cost unit
// each, whose percentages add up to 100. Keys are analytic account ids, or comma-joined ids of one share over
// several plans (Odoo 17+). An account without mapping is left out (said in Notes). When the keys' percentages
// (of keys with a mapped account) add up to at most 100, each key is a share, and the rest of the line has no
// cost centre or unit; above 100 the keys are independent plans (Odoo 16: each plan adds up to 100), and the
// shares are built from each dimension's distribution (north-west corner), which keeps every cost centre's and
// cost unit's amount. Nil when the distribution cannot be one (a Problem is added).
func (m *invoiceMapper) analyticParts(l odoo.MoveLine) []analyticPart {
	hundred := decimal.NewFromInt(100)
	whole := []analyticPart{{pct: hundred}}
	if len(l.AnalyticDistribution) == 0 {
		return whole
	}
	lineName := shown(firstLine(l.Name))
	type share struct {
		costCenter, costUnit string
		pct                  decimal.Decimal
	}
	var shares []share
	ok := true
	for _, key := range slices.Sorted(maps.Keys(l.AnalyticDistribution)) {
		pct, valid := analyticPercent(l.AnalyticDistribution[key])
		var s share
		mapped := false
		for _, text := range strings.Split(key, ",") {
			id, err := strconv.ParseInt(strings.TrimSpace(text), 10, 64)
			if err != nil || !valid || pct.IsNegative() {
				m.add(issue{code: "invoice.analytic_unreadable",
					en:    fmt.Sprintf("line %d %q has an analytic distribution exactsync cannot read (%q: %v)", l.ID, lineName, key, l.AnalyticDistribution[key]),
					nl:    fmt.Sprintf("regel %d %q heeft een analytische verdeling die exactsync niet kan lezen (%q: %v)", l.ID, lineName, key, l.AnalyticDistribution[key]),
					fixEN: "report it with the Odoo version; correct the line's analytic distribution in Odoo",
					fixNL: "meld het met de Odoo-versie; corrigeer de analytische verdeling van de regel in Odoo"})
				return nil
			}
			code, found := m.refs.Mapped[store.MapAnalytic][id]
			if !found {
				m.note(fmt.Sprintf("Odoo analytic account %d is not mapped to an Exact cost centre or cost unit, so its share of the lines went to Exact without one; "+
					"to map it: %s (a cost centre code, or %s<code> for a cost unit) | Odoo-kostenplaats %d is niet gekoppeld aan een Exact-kostenplaats of -kostendrager, "+
					"dus ging zijn deel van de regels zonder naar Exact; koppelen: %s (een kostenplaatscode, of %s<code> voor een kostendrager)",
					id, m.command(store.MapAnalytic, id), AnalyticUnitPrefix, id, m.command(store.MapAnalytic, id), AnalyticUnitPrefix))
				continue
			}
			code = strings.TrimSpace(code)
			dim, dimNL, known, target := "cost centre", "kostenplaats", m.refs.CostCenters, &s.costCenter
			if unit, isUnit := strings.CutPrefix(code, AnalyticUnitPrefix); isUnit {
				code = strings.TrimSpace(unit)
				dim, dimNL, known, target = "cost unit", "kostendrager", m.refs.CostUnits, &s.costUnit
			}
			active, exists := known[code]
			switch {
			case !exists:
				m.add(issue{code: "invoice.unknown_code",
					en:    fmt.Sprintf("Odoo analytic account %d is mapped to Exact %s %q, which the Exact division does not have", id, dim, code),
					nl:    fmt.Sprintf("Odoo-kostenplaats %d is gekoppeld aan Exact-%s %q, die de Exact-administratie niet heeft", id, dimNL, code),
					fixEN: fmt.Sprintf("map it to an existing one: %s", m.command(store.MapAnalytic, id)),
					fixNL: fmt.Sprintf("koppel hem aan een bestaande: %s", m.command(store.MapAnalytic, id))})
				ok = false
			case !active:
				m.add(issue{code: "invoice.inactive_code",
					en:    fmt.Sprintf("Odoo analytic account %d is mapped to Exact %s %q, which is not active in Exact", id, dim, code),
					nl:    fmt.Sprintf("Odoo-kostenplaats %d is gekoppeld aan Exact-%s %q, die in Exact niet actief is", id, dimNL, code),
					fixEN: fmt.Sprintf("make it active in Exact, or map the account to an active one: %s", m.command(store.MapAnalytic, id)),
					fixNL: fmt.Sprintf("maak hem in Exact actief, of koppel de rekening aan een actieve: %s", m.command(store.MapAnalytic, id))})
				ok = false
			case *target != "" && *target != code:
				m.add(issue{code: "invoice.analytic_conflict",
					en: fmt.Sprintf("line %d %q has a share on two analytic accounts mapped to Exact %ss (%s and %s); an Exact line has one %s",
						l.ID, lineName, dim, *target, code, dim),
					nl: fmt.Sprintf("regel %d %q heeft een deel op twee analytische rekeningen die aan Exact-%ss gekoppeld zijn (%s en %s); een Exact-regel heeft één %s",
						l.ID, lineName, dimNL, *target, code, dimNL),
					fixEN: fmt.Sprintf("map the accounts of only one Odoo analytic plan to %ss (%s)", dim, m.command(store.MapAnalytic, id)),
					fixNL: fmt.Sprintf("koppel de rekeningen van maar één analytisch plan in Odoo aan %ss (%s)", dimNL, m.command(store.MapAnalytic, id))})
				ok = false
			default:
				*target = code
			}
			mapped = true
		}
		if mapped {
			s.pct = pct
			shares = append(shares, s)
		}
	}
	if !ok {
		return nil
	}
	if len(shares) == 0 {
		return whole
	}
	sum := decimal.Zero
	for _, s := range shares {
		sum = sum.Add(s.pct)
	}
	var parts []analyticPart
	if sum.LessThanOrEqual(hundred) {
		for _, s := range shares {
			parts = addPart(parts, analyticPart(s))
		}
		if rest := hundred.Sub(sum); rest.IsPositive() {
			parts = addPart(parts, analyticPart{pct: rest})
		}
		return parts
	}
	centres, units := map[string]decimal.Decimal{}, map[string]decimal.Decimal{}
	for _, s := range shares {
		if s.costCenter != "" {
			centres[s.costCenter] = centres[s.costCenter].Add(s.pct)
		}
		if s.costUnit != "" {
			units[s.costUnit] = units[s.costUnit].Add(s.pct)
		}
	}
	cd, cOK := dimension(centres)
	ud, uOK := dimension(units)
	if !cOK || !uOK {
		m.add(issue{code: "invoice.analytic_over",
			en: fmt.Sprintf("line %d %q is distributed over more than 100 %% of Exact cost centres or cost units (%s %% in all); an Exact line has one of each",
				l.ID, lineName, sum),
			nl: fmt.Sprintf("regel %d %q is over meer dan 100 %% aan Exact-kostenplaatsen of -kostendragers verdeeld (%s %% in totaal); een Exact-regel heeft er één van elk",
				l.ID, lineName, sum),
			fixEN: "map the accounts of only one Odoo analytic plan to cost centres, and of one other to cost units, or correct the distribution in Odoo",
			fixNL: "koppel de rekeningen van maar één analytisch plan aan kostenplaatsen en van één ander aan kostendragers, of corrigeer de verdeling in Odoo"})
		return nil
	}
	for i, j, ci, uj := 0, 0, cd[0].pct, ud[0].pct; i < len(cd) && j < len(ud); {
		take := decimal.Min(ci, uj)
		if take.IsPositive() {
			parts = addPart(parts, analyticPart{cd[i].code, ud[j].code, take})
		}
		ci, uj = ci.Sub(take), uj.Sub(take)
		if !ci.IsPositive() {
			if i++; i < len(cd) {
				ci = cd[i].pct
			}
		}
		if !uj.IsPositive() {
			if j++; j < len(ud) {
				uj = ud[j].pct
			}
		}
	}
	return parts
}

// codeShare is one code's percentage of a line.
type codeShare struct {
	code string
	pct  decimal.Decimal
}

// dimension lists one dimension's codes by code, with "" for the rest up to 100 %; false above 100 %.
func dimension(byCode map[string]decimal.Decimal) ([]codeShare, bool) {
	hundred := decimal.NewFromInt(100)
	var out []codeShare
	sum := decimal.Zero
	for _, code := range slices.Sorted(maps.Keys(byCode)) {
		out = append(out, codeShare{code, byCode[code]})
		sum = sum.Add(byCode[code])
	}
	if sum.GreaterThan(hundred) {
		return nil, false
	}
	if rest := hundred.Sub(sum); rest.IsPositive() {
		out = append(out, codeShare{"", rest})
	}
	return out, true
}

// addPart adds p to parts, merged with a part of the same cost centre and unit.
func addPart(parts []analyticPart, p analyticPart) []analyticPart {
	if !p.pct.IsPositive() {
		return parts
	}
	for i := range parts {
		if parts[i].costCenter == p.costCenter && parts[i].costUnit == p.costUnit {
			parts[i].pct = parts[i].pct.Add(p.pct)
			return parts
		}
	}
	return append(parts, p)
}

// analyticPercent reads a distribution's percentage as the Odoo client decodes it.
func analyticPercent(v any) (decimal.Decimal, bool) {
	switch x := v.(type) {
	case float64:
		return decimal.NewFromFloat(x), true
	case int:
		return decimal.NewFromInt(int64(x)), true
	case int64:
		return decimal.NewFromInt(x), true
	case json.Number:
		d, err := decimal.NewFromString(x.String())
		return d, err == nil
	case string:
		d, err := decimal.NewFromString(x)
		return d, err == nil
	}
	return decimal.Decimal{}, false
}

// ---- VAT -------------------------------------------------------------------------------------------------------

// vat sets VATAmountFC on the lines of every tax whose VAT Exact would not compute as Odoo did. It refuses a tax
// mapped to a VAT code that does not compute like it (another percentage, reverse charge on one side only).
func (m *invoiceMapper) vat() {
	unit := decimal.New(1, -m.places)
	half := unit.Div(decimal.NewFromInt(2))
	for _, id := range m.order {
		g := m.groups[id]
		base := decimal.Zero
		for _, i := range g.lines {
			base = base.Add(m.lines[i].AmountFC)
		}
		odooVAT := g.plus.Add(g.minus).Add(g.rounding)
		name := named(id, m.taxNames[id])
		pct := g.vat.Percentage
		if g.vat.Charged {
			if !odooVAT.IsZero() {
				m.add(issue{code: "invoice.vat_charged",
					en:    fmt.Sprintf("Odoo tax %s adds %s VAT to the total, but is mapped to Exact VAT code %q, a reverse-charge code that adds none", name, odooVAT, strings.TrimSpace(g.vat.Code)),
					nl:    fmt.Sprintf("Odoo-btw %s telt %s btw op bij het totaal, maar is gekoppeld aan Exact-btw-code %q, een verleggingscode die niets optelt", name, odooVAT, strings.TrimSpace(g.vat.Code)),
					fixEN: "map the tax to a VAT code that is not reverse charge: " + m.command(store.MapTax, id),
					fixNL: "koppel de btw aan een btw-code zonder verlegging: " + m.command(store.MapTax, id)})
				continue
			}
			odooVAT = g.plus // the reverse-charge VAT itself: the side of the tax lines that has the base's sign
			if base.IsNegative() {
				odooVAT = g.minus
			}
		} else if g.plus.IsPositive() && g.plus.Add(g.minus).IsZero() && g.rounding.IsZero() {
			m.add(issue{code: "invoice.vat_not_charged",
				en:    fmt.Sprintf("Odoo tax %s is reverse charge (its VAT lines cancel out), but is mapped to Exact VAT code %q, which adds VAT to the total", name, strings.TrimSpace(g.vat.Code)),
				nl:    fmt.Sprintf("Odoo-btw %s is verlegd (de btw-regels heffen elkaar op), maar is gekoppeld aan Exact-btw-code %q, die btw bij het totaal optelt", name, strings.TrimSpace(g.vat.Code)),
				fixEN: "map the tax to a reverse-charge VAT code: " + m.command(store.MapTax, id),
				fixNL: "koppel de btw aan een verleggingscode: " + m.command(store.MapTax, id)})
			continue
		}
		// Rounding per line puts at most half a unit on each line, global rounding half a unit on the sum.
		tolerance := half.Mul(decimal.NewFromInt(int64(len(g.lines) + 1))).Add(g.rounding.Abs())
		if diff := odooVAT.Sub(base.Mul(pct)).Abs(); diff.GreaterThan(tolerance) {
			implied := "?"
			if !base.IsZero() {
				implied = odooVAT.Div(base).Shift(2).Round(2).String()
			}
			m.add(issue{code: "invoice.vat_rate",
				en: fmt.Sprintf("Odoo tax %s computes %s on %s (%s %%), but is mapped to Exact VAT code %q of %s %%",
					name, odooVAT, base, implied, strings.TrimSpace(g.vat.Code), pct.Shift(2)),
				nl: fmt.Sprintf("Odoo-btw %s berekent %s over %s (%s %%), maar is gekoppeld aan Exact-btw-code %q van %s %%",
					name, odooVAT, base, implied, strings.TrimSpace(g.vat.Code), pct.Shift(2)),
				fixEN: "map the tax to a VAT code of the same percentage: " + m.command(store.MapTax, id),
				fixNL: "koppel de btw aan een btw-code met hetzelfde percentage: " + m.command(store.MapTax, id)})
			continue
		}
		// What Exact computes on its own: each line's VAT, rounded. A half unit may be rounded either way (Exact's
		// rounding of a midpoint is not documented), so a tax with one is always sent explicitly.
		computed, midpoint := decimal.Zero, false
		exacts := make([]decimal.Decimal, len(g.lines))
		for k, i := range g.lines {
			exacts[k] = m.lines[i].AmountFC.Mul(pct)
			computed = computed.Add(exacts[k].Round(m.places))
			if f := exacts[k].Abs().Shift(m.places); f.Sub(f.Floor()).Equal(decimal.New(5, -1)) {
				midpoint = true
			}
		}
		if !computed.Equal(odooVAT) || midpoint {
			quotas := exacts
			if !base.IsZero() {
				quotas = make([]decimal.Decimal, len(g.lines))
				for k, i := range g.lines {
					quotas[k] = odooVAT.Mul(m.lines[i].AmountFC).DivRound(base, m.places+12)
				}
			}
			for k, v := range apportion(odooVAT, quotas, m.places) {
				m.lines[g.lines[k]].VATAmountFC = v
			}
		}
	}
}

// exactTotals is what Exact computes from the lines: the entry's total including VAT, and the VAT in it. A line's
// VAT is its VATAmountFC when sent, else AmountFC × the code's percentage, rounded at the currency; reverse-charge
// VAT is not part of the total.
func (m *invoiceMapper) exactTotals() (total, vat decimal.Decimal) {
	total, vat = decimal.Zero, decimal.Zero
	for _, l := range m.lines {
		code := m.groups[l.tax].vat
		v := l.AmountFC.Mul(code.Percentage).Round(m.places)
		if amountSent(l.VATAmountFC) != nil {
			v = l.VATAmountFC
		}
		total = total.Add(l.AmountFC)
		if !code.Charged {
			total, vat = total.Add(v), vat.Add(v)
		}
	}
	return total, vat
}

// apportion splits total into shares near quotas that are whole units (10^-places) and add up to total exactly:
// each share is its quota rounded down, then the units still missing go one each to the shares with the largest
// remainders (ties to the earlier share); units too many (quotas above total) come off the smallest remainders.
func apportion(total decimal.Decimal, quotas []decimal.Decimal, places int32) []decimal.Decimal {
	n := len(quotas)
	if n == 0 {
		return nil
	}
	units := make([]int64, n)
	rest := make([]decimal.Decimal, n)
	missing := total.Shift(places).Round(0).IntPart()
	for i, q := range quotas {
		u := q.Shift(places)
		f := u.Floor()
		units[i], rest[i] = f.IntPart(), u.Sub(f)
		missing -= units[i]
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return rest[b].Cmp(rest[a]) }) // largest remainder first
	for k := int64(0); missing > 0; k, missing = k+1, missing-1 {
		units[order[k%int64(n)]]++
	}
	for k := int64(0); missing < 0; k, missing = k+1, missing+1 {
		units[order[n-1-int(k%int64(n))]]--
	}
	out := make([]decimal.Decimal, n)
	for i, u := range units {
		out[i] = decimal.New(u, -places)
	}
	return out
}

// ---- problems and notes ----------------------------------------------------------------------------------------

// mapped returns the trimmed Exact code mapped to an Odoo record, or adds the missing mapping.
func (m *invoiceMapper) mapped(kind string, rec odoo.Many2One, what, whatNL string) (string, bool) {
	code, ok := m.refs.Mapped[kind][rec.ID]
	if code = strings.TrimSpace(code); ok && code != "" {
		return code, true
	}
	m.add(issue{code: "invoice.unmapped",
		en:    fmt.Sprintf("Odoo %s %s has no Exact mapping", what, named(rec.ID, rec.Name)),
		nl:    fmt.Sprintf("Odoo-%s %s is niet aan Exact gekoppeld", whatNL, named(rec.ID, rec.Name)),
		fixEN: fmt.Sprintf("map %s %d: %s", what, rec.ID, m.command(kind, rec.ID)),
		fixNL: fmt.Sprintf("koppel %s %d: %s", whatNL, rec.ID, m.command(kind, rec.ID))})
	return "", false
}

func (m *invoiceMapper) unknownCode(kind string, rec odoo.Many2One, what, whatNL, code string) {
	m.add(issue{code: "invoice.unknown_code",
		en:    fmt.Sprintf("Odoo %s %s is mapped to Exact code %q, which the Exact division does not have", what, named(rec.ID, rec.Name), code),
		nl:    fmt.Sprintf("Odoo-%s %s is gekoppeld aan Exact-code %q, die de Exact-administratie niet heeft", whatNL, named(rec.ID, rec.Name), code),
		fixEN: fmt.Sprintf("map %s %d to an existing code: %s", what, rec.ID, m.command(kind, rec.ID)),
		fixNL: fmt.Sprintf("koppel %s %d aan een bestaande code: %s", whatNL, rec.ID, m.command(kind, rec.ID))})
}

func (m *invoiceMapper) blocked(kind string, rec odoo.Many2One, what, whatNL, exactWhat, exactWhatNL, code string) {
	m.add(issue{code: "invoice.blocked_code",
		en:    fmt.Sprintf("Odoo %s %s is mapped to Exact %s %q, which is blocked in Exact", what, named(rec.ID, rec.Name), exactWhat, code),
		nl:    fmt.Sprintf("Odoo-%s %s is gekoppeld aan Exact-%s %q, die in Exact geblokkeerd is", whatNL, named(rec.ID, rec.Name), exactWhatNL, code),
		fixEN: fmt.Sprintf("unblock %s %q in Exact, or map %s %d to another: %s", exactWhat, code, what, rec.ID, m.command(kind, rec.ID)),
		fixNL: fmt.Sprintf("deblokkeer %s %q in Exact, of koppel %s %d aan een andere: %s", exactWhatNL, code, whatNL, rec.ID, m.command(kind, rec.ID))})
}

func (m *invoiceMapper) unsupported(l odoo.MoveLine, what, whatNL string, amount decimal.Decimal) {
	m.add(issue{code: "invoice.unsupported_line",
		en:    fmt.Sprintf("line %d %q is %s (%s), which exactsync cannot send to Exact", l.ID, shown(firstLine(l.Name)), what, amount),
		nl:    fmt.Sprintf("regel %d %q is %s (%s), die exactsync niet naar Exact kan sturen", l.ID, shown(firstLine(l.Name)), whatNL, amount),
		fixEN: "book this invoice in Exact by hand, or, for an early-payment discount, leave the discount out of the payment term in Odoo (Exact's payment condition gives it)",
		fixNL: "boek deze factuur met de hand in Exact, of laat bij een betalingskorting de korting weg uit de betalingstermijn in Odoo (de betalingsconditie in Exact geeft hem)"})
}

// command is the whole command that maps one Odoo record of a kind.
func (m *invoiceMapper) command(kind string, odooID int64) string {
	conn := ""
	if m.refs.Connection != "" {
		conn = " " + connectionFlag + " " + shellWord(m.refs.Connection)
	}
	return fmt.Sprintf("`starter mappings set%s --kind %s --odoo-id %d --exact-code <code>`", conn, kind, odooID)
}

// shellWord quotes s for a shell when it holds anything but letters, digits and ._-.
func shellWord(s string) string {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	return s
}

func (m *invoiceMapper) add(is issue) {
	if m.seen == nil {
		m.seen = map[string]bool{}
	}
	if key := is.code + "\x00" + is.en; !m.seen[key] {
		m.seen[key] = true
		m.issues = append(m.issues, is)
	}
}

func (m *invoiceMapper) note(text string) {
	if m.seen == nil {
		m.seen = map[string]bool{}
	}
	if !m.seen[text] {
		m.seen[text] = true
		m.notes = append(m.notes, text)
	}
}

// problem joins every issue into one Problem, so the accountant fixes them all in one go.
func (m *invoiceMapper) problem() *Problem {
	code := m.issues[0].code
	var en, nl, fixEN, fixNL []string
	for _, is := range m.issues {
		if is.code != code {
			code = "invoice.invalid"
		}
		en, nl = append(en, is.en), append(nl, is.nl)
		if !slices.Contains(fixEN, is.fixEN) {
			fixEN, fixNL = append(fixEN, is.fixEN), append(fixNL, is.fixNL)
		}
	}
	return &Problem{Code: code,
		EN:    fmt.Sprintf("Odoo %s %q (id %d) cannot go to Exact: %s.", m.docEN(), shown(m.mv.Name), m.mv.ID, strings.Join(en, "; ")),
		NL:    fmt.Sprintf("Odoo-%s %q (id %d) kan niet naar Exact: %s.", m.docNL(), shown(m.mv.Name), m.mv.ID, strings.Join(nl, "; ")),
		FixEN: strings.Join(fixEN, "; "),
		FixNL: strings.Join(fixNL, "; ")}
}

func (m *invoiceMapper) docEN() string {
	return map[string]string{odoo.MoveOutInvoice: "customer invoice", odoo.MoveOutRefund: "customer credit note",
		odoo.MoveInInvoice: "vendor bill", odoo.MoveInRefund: "vendor credit note"}[m.mv.MoveType]
}

func (m *invoiceMapper) docNL() string {
	return map[string]string{odoo.MoveOutInvoice: "verkoopfactuur", odoo.MoveOutRefund: "verkoopcreditnota",
		odoo.MoveInInvoice: "inkoopfactuur", odoo.MoveInRefund: "inkoopcreditnota"}[m.mv.MoveType]
}

// ---- text ------------------------------------------------------------------------------------------------------

// named shows an Odoo record in a message: its id and, when known, its name.
func named(id int64, name string) string {
	if name == "" {
		return strconv.FormatInt(id, 10)
	}
	return fmt.Sprintf("%d %q", id, shown(name))
}

// firstLine is the first non-empty line of a text, cleaned.
func firstLine(s string) string {
	for line := range strings.Lines(s) {
		if c := store.CleanText(line); c != "" {
			return c
		}
	}
	return ""
}

// cut shortens s to at most n characters, ending in "…" when cut.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// dateOnly is the calendar date of an Odoo date, as Exact takes it.
func dateOnly(t time.Time) exact.Date {
	y, mo, d := t.Date()
	return exact.NewDate(y, mo, d)
}
