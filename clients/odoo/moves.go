package odoo

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"
)

// Move types (account.move.move_type).
const (
	MoveOutInvoice = "out_invoice"
	MoveOutRefund  = "out_refund"
	MoveInInvoice  = "in_invoice"
	MoveInRefund   = "in_refund"
	MoveEntry      = "entry"
)

// Line display types (account.move.line.display_type).
const (
	LineProduct     = "product"
	LineSection     = "line_section"
	LineNote        = "line_note"
	LineTax         = "tax"
	LinePaymentTerm = "payment_term"
	// LineRounding is a cash rounding line (the invoice's invoice_cash_rounding_id): with a TaxLine (strategy
	// "biggest_tax") it adds to that tax and to amount_tax, without one to amount_untaxed.
	LineRounding = "rounding"
)

// Move is an account.move (invoice, bill, refund or entry) with its lines.
type Move struct {
	ID                int64
	Name              string // INV/2026/00005 once posted
	MoveType          string
	State             string // draft, posted, cancel
	Partner           Many2One
	CommercialPartner Many2One
	InvoiceDate       time.Time
	InvoiceDateDue    time.Time
	Date              time.Time
	PaymentReference  string
	Ref               string // the vendor's bill number
	Currency          Many2One
	CurrencyPlaces    int32 // decimal places of Currency; amounts are rounded at it
	Company           Many2One
	Journal           Many2One
	PaymentTerm       Many2One
	AmountUntaxed     decimal.Decimal
	AmountTax         decimal.Decimal
	AmountTotal       decimal.Decimal
	AmountResidual    decimal.Decimal
	PaymentState      string
	ReversedEntry     Many2One
	InvoicePDFReport  Many2One // 17+
	MainAttachment    Many2One
	CashRounding      Many2One // invoice_cash_rounding_id: the total was rounded to it (a LineRounding line)
	WriteDate         time.Time
	// InvoiceLines are the invoice_line_ids (product, section and note lines) in
	// their sequence order; Lines are all journal items (line_ids), taxes and
	// payment terms included.
	InvoiceLines []MoveLine
	Lines        []MoveLine
	// Record is the move as read, for fields without a typed counterpart.
	Record Record
}

// IsInvoice reports whether the move is a customer invoice or refund.
func (m Move) IsInvoice() bool { return m.MoveType == MoveOutInvoice || m.MoveType == MoveOutRefund }

// IsBill reports whether the move is a vendor bill or refund.
func (m Move) IsBill() bool { return m.MoveType == MoveInInvoice || m.MoveType == MoveInRefund }

// MoveLine is an account.move.line.
type MoveLine struct {
	ID                   int64
	Move                 Many2One
	Sequence             int64
	Name                 string
	DisplayType          string
	Product              Many2One
	Quantity             decimal.Decimal
	PriceUnit            decimal.Decimal
	Discount             decimal.Decimal // percent
	TaxIDs               []int64
	PriceSubtotal        decimal.Decimal // rounded at the move's currency
	PriceTotal           decimal.Decimal
	Debit, Credit        decimal.Decimal // company currency, exact as stored
	Balance              decimal.Decimal
	AmountCurrency       decimal.Decimal // signed, in the move's currency, rounded at it
	TaxLine              Many2One        // on a tax line (display_type tax): the tax it carries
	Account              Many2One
	AnalyticDistribution map[string]any
	DateMaturity         time.Time
	Reconciled           bool
	MatchingNumber       string
}

var moveFields = []string{
	"id", "name", "move_type", "state", "partner_id", "commercial_partner_id", "invoice_date", "invoice_date_due",
	"date", "payment_reference", "ref", "currency_id", "company_id", "journal_id", "invoice_payment_term_id",
	"amount_untaxed", "amount_tax", "amount_total", "amount_residual", "payment_state", "invoice_line_ids",
	"line_ids", "reversed_entry_id", "invoice_pdf_report_id", "message_main_attachment_id", "invoice_cash_rounding_id", "write_date",
}

var moveLineFields = []string{
	"id", "move_id", "sequence", "name", "display_type", "product_id", "quantity", "price_unit", "discount",
	"tax_ids", "price_subtotal", "price_total", "debit", "credit", "balance", "amount_currency", "tax_line_id", "account_id",
	"analytic_distribution", "date_maturity", "reconciled", "matching_number",
}

// Move states (account.move.state).
const (
	StateDraft  = "draft"
	StatePosted = "posted"
	StateCancel = "cancel"
)

// MoveFilter selects moves for PostedMoves and MovesChangedSince.
type MoveFilter struct {
	Types      []string  // move types; empty: all
	JournalIDs []int64   // empty: all
	FromDate   time.Time // accounting date on or after; zero: no bound
	Cursor     Cursor    // start after this position; zero: the beginning
	// States are the move states to select (StateDraft, StatePosted, StateCancel); empty: posted only. A
	// detector that must see an invoice reset to draft or cancelled after it was synced asks for all three.
	States []string
	// ExtraFields are read too by PostedMoves (such as the custom x_exact_entry_id) and land in Move.Record;
	// fields the server lacks are left out.
	ExtraFields []string
}

func (f MoveFilter) domain() Domain {
	d := leaf("state", "=", StatePosted)
	if len(f.States) > 0 {
		states := make([]any, len(f.States))
		for i, s := range f.States {
			states[i] = s
		}
		d = leaf("state", "in", states)
	}
	if len(f.Types) > 0 {
		types := make([]any, len(f.Types))
		for i, t := range f.Types {
			types[i] = t
		}
		d = and(d, leaf("move_type", "in", types))
	}
	if len(f.JournalIDs) > 0 {
		d = and(d, leaf("journal_id", "in", f.JournalIDs))
	}
	if !f.FromDate.IsZero() {
		d = and(d, leaf("date", ">=", formatDate(f.FromDate)))
	}
	return d
}

// MoveBatch is a set of moves with their lines and partners.
type MoveBatch struct {
	Moves []Move
	// Partners holds every partner and commercial partner the moves refer
	// to, by id, with bank accounts (see Partners).
	Partners map[int64]Partner
}

// MovePage is one page of PostedMoves.
type MovePage struct {
	MoveBatch
	// Next is the cursor to pass for the next page.
	Next Cursor
	// More is true when the page was full, so another page may follow.
	More bool
}

// PostedMoves reads one page of moves matching f (posted ones unless f.States
// says otherwise), ordered by write_date, id, with all their lines and
// partners: a reader for backfills. Its Next takes every move read, also of a
// second that is not over yet, so it is no change-feed cursor: detection uses
// MovesChangedSince, whose cursor takes a second only once it is over. It costs a constant
// number of calls per page: one search_read of account.move, one of
// account.move.line (move_id in page), and Partners' three (partners, bank
// accounts, banks), plus per-connection caches (fields_get, currencies, countries).
func (c *Client) PostedMoves(ctx context.Context, f MoveFilter, limit int) (*MovePage, error) {
	if limit <= 0 {
		limit = 200
	}
	fields, err := c.existing(ctx, "account.move", append(append([]string{}, moveFields...), f.ExtraFields...))
	if err != nil {
		return nil, err
	}
	recs, err := c.searchRead(ctx, "account.move", and(cursorDomain(f.Cursor), f.domain()), fields,
		SearchReadOptions{Limit: limit, Order: "write_date asc, id asc"})
	if err != nil {
		return nil, err
	}
	batch, err := c.completeMoves(ctx, recs, true)
	if err != nil {
		return nil, err
	}
	page := &MovePage{MoveBatch: *batch, Next: f.Cursor, More: len(recs) == limit}
	for _, m := range batch.Moves {
		page.Next = page.Next.After(Change{ID: m.ID, WriteDate: m.WriteDate})
	}
	return page, nil
}

// Moves reads the moves with the given ids (any state), with lines and partners,
// in the order of ids. A missing id fails with ErrNotFound.
func (c *Client) Moves(ctx context.Context, ids []int64) (*MoveBatch, error) {
	return c.MovesWithFields(ctx, ids)
}

// MovesWithFields is Moves that also reads extraFields (such as the custom
// x_exact_entry_id written back by the connector) into Move.Record; fields the
// server lacks are left out.
func (c *Client) MovesWithFields(ctx context.Context, ids []int64, extraFields ...string) (*MoveBatch, error) {
	return c.movesByID(ctx, ids, true, extraFields)
}

// MovesOnly is MovesWithFields without the partners (Partners stays empty): two calls, the moves and their lines,
// for a caller that has the partners already (the invoice sync links them through the contact sync).
func (c *Client) MovesOnly(ctx context.Context, ids []int64, extraFields ...string) (*MoveBatch, error) {
	return c.movesByID(ctx, ids, false, extraFields)
}

func (c *Client) movesByID(ctx context.Context, ids []int64, withPartners bool, extraFields []string) (*MoveBatch, error) {
	ids = uniq(ids)
	recs, err := c.readAll(ctx, "account.move", "moves", ids, append(append([]string{}, moveFields...), extraFields...))
	if err != nil {
		return nil, err
	}
	batch, err := c.completeMoves(ctx, recs, withPartners)
	if err != nil {
		return nil, err
	}
	order := make(map[int64]int, len(ids))
	for i, id := range ids {
		order[id] = i
	}
	sort.SliceStable(batch.Moves, func(i, j int) bool { return order[batch.Moves[i].ID] < order[batch.Moves[j].ID] })
	return batch, nil
}

// MovesChangedSince lists up to limit moves matching f (posted ones unless
// f.States says otherwise) written since f.Cursor, in write_date order, each
// with its name, move_type and state in Fields, the cursor to continue from,
// and whether another page waits now. The cursor works as PartnersChangedSince's:
// a whole second and the ids taken in it, a second taken only once it is over.
// Every write bumps a move's write_date: posting, a payment (payment_state,
// amount_residual), Send & Print (is_move_sent), and the connector's own
// write-back of x_ fields, so a move comes back after each.
func (c *Client) MovesChangedSince(ctx context.Context, f MoveFilter, limit int) (changes []Change, next Cursor, more bool, err error) {
	return c.changedSince(ctx, "account.move", f.domain(), f.Cursor, limit, nil, "name", "move_type", "state")
}

// completeMoves decodes move records and adds their lines (one call) and
// partners (Partners' calls).
func (c *Client) completeMoves(ctx context.Context, recs []Record, withPartners bool) (*MoveBatch, error) {
	batch := &MoveBatch{Partners: map[int64]Partner{}}
	if len(recs) == 0 {
		return batch, nil
	}
	currencies, err := c.currencyMap(ctx)
	if err != nil {
		return nil, err
	}
	moves := make([]Move, len(recs))
	index := make(map[int64]int, len(recs))
	moveIDs := make([]int64, len(recs))
	invoiceLine := map[int64]bool{}
	var partnerIDs []int64
	for i, r := range recs {
		m, invIDs, err := decodeMove(r, currencies)
		if err != nil {
			return nil, err
		}
		moves[i] = m
		index[m.ID] = i
		moveIDs[i] = m.ID
		for _, id := range invIDs {
			invoiceLine[id] = true
		}
		partnerIDs = append(partnerIDs, m.Partner.ID, m.CommercialPartner.ID)
	}
	lineFields, err := c.existing(ctx, "account.move.line", moveLineFields)
	if err != nil {
		return nil, err
	}
	lines, err := c.searchRead(ctx, "account.move.line", leaf("move_id", "in", moveIDs), lineFields,
		SearchReadOptions{Order: "move_id asc, sequence asc, id asc"})
	if err != nil {
		return nil, err
	}
	for _, r := range lines {
		moveID := NewDecoder(r).Many2One("move_id").ID
		i, ok := index[moveID]
		if !ok {
			return nil, fmt.Errorf("odoo: account.move.line %d: belongs to move %d, not in the page", Record(r).ID(), moveID)
		}
		l, err := decodeMoveLine(r, moves[i].CurrencyPlaces)
		if err != nil {
			return nil, err
		}
		moves[i].Lines = append(moves[i].Lines, l)
		if invoiceLine[l.ID] {
			moves[i].InvoiceLines = append(moves[i].InvoiceLines, l)
		}
	}
	batch.Moves = moves
	if !withPartners {
		return batch, nil
	}
	partners, err := c.Partners(ctx, uniq(partnerIDs))
	if err != nil {
		return nil, err
	}
	for _, p := range partners {
		batch.Partners[p.ID] = p
	}
	return batch, nil
}

func decodeMove(r Record, currencies map[int64]Currency) (Move, []int64, error) {
	d := NewDecoder(r)
	m := Move{
		ID:                d.Int("id"),
		Name:              d.String("name"),
		MoveType:          d.String("move_type"),
		State:             d.String("state"),
		Partner:           d.Many2One("partner_id"),
		CommercialPartner: d.Many2One("commercial_partner_id"),
		InvoiceDate:       d.Date("invoice_date"),
		InvoiceDateDue:    d.Date("invoice_date_due"),
		Date:              d.Date("date"),
		PaymentReference:  d.String("payment_reference"),
		Ref:               d.String("ref"),
		Currency:          d.Many2One("currency_id"),
		Company:           d.Many2One("company_id"),
		Journal:           d.Many2One("journal_id"),
		PaymentTerm:       d.Many2One("invoice_payment_term_id"),
		PaymentState:      d.String("payment_state"),
		ReversedEntry:     d.Many2One("reversed_entry_id"),
		InvoicePDFReport:  d.Many2One("invoice_pdf_report_id"),
		MainAttachment:    d.Many2One("message_main_attachment_id"),
		CashRounding:      d.Many2One("invoice_cash_rounding_id"),
		WriteDate:         d.Datetime("write_date"),
		Record:            r,
	}
	m.CurrencyPlaces = 2
	if cur, ok := currencies[m.Currency.ID]; ok {
		m.CurrencyPlaces = cur.DecimalPlaces
	}
	m.AmountUntaxed = d.Decimal("amount_untaxed", m.CurrencyPlaces)
	m.AmountTax = d.Decimal("amount_tax", m.CurrencyPlaces)
	m.AmountTotal = d.Decimal("amount_total", m.CurrencyPlaces)
	m.AmountResidual = d.Decimal("amount_residual", m.CurrencyPlaces)
	invIDs := d.IDs("invoice_line_ids")
	if d.Err() != nil {
		return Move{}, nil, fmt.Errorf("account.move %d: %w", m.ID, d.Err())
	}
	return m, invIDs, nil
}

func decodeMoveLine(r Record, places int32) (MoveLine, error) {
	d := NewDecoder(r)
	l := MoveLine{
		ID:             d.Int("id"),
		Move:           d.Many2One("move_id"),
		Sequence:       d.Int("sequence"),
		Name:           d.String("name"),
		DisplayType:    d.String("display_type"),
		Product:        d.Many2One("product_id"),
		Quantity:       d.Decimal("quantity", -1),
		PriceUnit:      d.Decimal("price_unit", -1),
		Discount:       d.Decimal("discount", -1),
		TaxIDs:         d.IDs("tax_ids"),
		PriceSubtotal:  d.Decimal("price_subtotal", places),
		PriceTotal:     d.Decimal("price_total", places),
		Debit:          d.Decimal("debit", -1), // company currency: kept exact
		Credit:         d.Decimal("credit", -1),
		Balance:        d.Decimal("balance", -1),
		AmountCurrency: d.Decimal("amount_currency", places),
		TaxLine:        d.Many2One("tax_line_id"),
		Account:        d.Many2One("account_id"),
		DateMaturity:   d.Date("date_maturity"),
		Reconciled:     d.Bool("reconciled"),
		MatchingNumber: d.String("matching_number"),
	}
	switch ad := d.Raw("analytic_distribution").(type) {
	case map[string]any:
		l.AnalyticDistribution = ad
	case nil, bool:
	default:
		return MoveLine{}, fmt.Errorf("account.move.line %d: analytic_distribution: got %T, want a mapping", l.ID, ad)
	}
	if d.Err() != nil {
		return MoveLine{}, fmt.Errorf("account.move.line %d: %w", l.ID, d.Err())
	}
	return l, nil
}

// PostMoves posts draft moves (action_post) and reads their state back: every
// move must be posted afterwards, else a Validation fault names the ones that
// are not. Odoo refuses to post a move that is already posted.
func (c *Client) PostMoves(ctx context.Context, ids []int64) error {
	return c.moveAction(ctx, ids, "action_post", "posted")
}

// ResetMovesToDraft resets posted or cancelled moves to draft (button_draft).
// Odoo keeps the move's name, and un-reconciles its payments.
func (c *Client) ResetMovesToDraft(ctx context.Context, ids []int64) error {
	return c.moveAction(ctx, ids, "button_draft", "draft")
}

// CancelMoves cancels moves (button_cancel): a posted move is cancelled and
// keeps its name; a never-posted draft keeps "/".
func (c *Client) CancelMoves(ctx context.Context, ids []int64) error {
	return c.moveAction(ctx, ids, "button_cancel", "cancel")
}

// moveAction runs a state-changing account.move button and confirms the new
// state by reading it back: these methods return None or False, so their
// answer says nothing (over XML-RPC a None answer is a fault raised after the
// commit, which the transport turns into success).
func (c *Client) moveAction(ctx context.Context, ids []int64, method, want string) error {
	ids = uniq(ids)
	if len(ids) == 0 {
		return nil
	}
	if _, err := c.call(ctx, "account.move", method, []any{ids}, nil); err != nil {
		return err
	}
	recs, err := c.readAll(ctx, "account.move", "moves", ids, []string{"id", "name", "state"})
	if err != nil {
		return err
	}
	var wrong []string
	for _, r := range recs {
		d := NewDecoder(r)
		if state := d.String("state"); state != want {
			wrong = append(wrong, fmt.Sprintf("%d (%s) is %s", d.Int("id"), d.String("name"), state))
		}
	}
	if len(wrong) > 0 {
		return validationFault("account.move", method, fmt.Sprintf("after %s, want %s: move %v", method, want, wrong), false)
	}
	return nil
}
