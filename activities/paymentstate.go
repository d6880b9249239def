package activities

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/exactsync/exactsync/clients/exact"
)

// The payment pull, Exact → Odoo, as two pure steps: what Exact concludes about one sales or purchase entry
// (ExactEntryState, EXACT-API.md D.11: "a conclusion of facts, not a flag") and what Odoo must do to agree
// (DecidePayments). What the accountant matched in Exact is registered in Odoo — bank and cash payments as
// payments, credit notes as reconciliations — and what was unmatched is taken back, so that Odoo's
// amount_residual equals Exact's open amount. Only the connector's own payments and reconciliations are ever
// taken back; a difference the connector cannot explain is a Problem for a person.

// PaymentStatus is Exact's conclusion about an entry.
type PaymentStatus string

const (
	// PaymentUnknown: no live payment term of the entry is known (not pulled yet, or the entry was deleted).
	PaymentUnknown PaymentStatus = "unknown"
	// PaymentIncomplete: the live terms do not add up to the entry's amount (TransactionAmountFC), so some are
	// missing or stale — the terms and the deletions were read at different moments of an accountant's change.
	// The next pull sees the rest; nothing is decided on half a picture.
	PaymentIncomplete PaymentStatus = "incomplete"
	// PaymentOpen: nothing is matched (also after every match was undone).
	PaymentOpen PaymentStatus = "open"
	// PaymentPartlyPaid: some terms are matched, an open remainder is left.
	PaymentPartlyPaid PaymentStatus = "partly_paid"
	// PaymentPaid: terms are matched and nothing is open.
	PaymentPaid PaymentStatus = "paid"
)

// MatchedWith says what settled a matched part of an entry.
type MatchedWith string

const (
	// MatchedWithBank: a bank or cash entry's line (its term has TransactionType 40). Odoo: a payment.
	MatchedWithBank MatchedWith = "bank"
	// MatchedWithCreditNote: for an invoice or bill, a credit note of the same relation (an entry's term of the
	// opposite sign). Odoo: the credit note reconciled with the invoice.
	MatchedWithCreditNote MatchedWith = "credit_note"
	// MatchedWithInvoice: for a credit note, the invoice or bill it was set off against. Odoo: the same
	// reconciliation, made from the invoice's side.
	MatchedWithInvoice MatchedWith = "invoice"
	// MatchedWithUnknown: the counterpart cannot be told from the terms known.
	MatchedWithUnknown MatchedWith = "unknown"
)

// EntryPaymentState is what Exact's payment terms say about one sales or purchase entry. Amounts are in the
// entry's currency (AmountFC) and positive in the entry's own direction: a credit note of −48.40 with 48.40
// matched has Total 48.40 and Paid 48.40, as Odoo shows a refund's residual.
type EntryPaymentState struct {
	EntryID     string
	EntryNumber int // for people: the entry's number in Exact
	Status      PaymentStatus
	// Sales: the terms are receivables (LineType 20, a customer's entry); false: payables (22, a supplier's).
	Sales bool
	// Credit: the entry is a credit note (TransactionType 21/31, or a negative amount).
	Credit   bool
	Currency string
	// Foreign: the entry is in a currency other than the division's (AmountDC ≠ AmountFC), so Exact converts
	// and a difference of one unit of the currency can be rounding.
	Foreign bool
	// Total is the sum of the live terms (the entry's amount); Open the sum of the open ones (Status 20, 30, 40).
	Total, Open decimal.Decimal
	// Paid lists the matched parts (Status 50), by date then term ID.
	Paid []PaidPart
	// Undone lists the entry's matched terms that Exact deleted: matches the accountant undid. Only terms that
	// the caller still passes (with their deletion in deleted) can be listed.
	Undone []string
	// LastPaymentDate is the latest LastPaymentDate of the live terms (zero: never paid by bank or cash).
	LastPaymentDate time.Time
}

// PaidPart is one matched term of the entry: a term keeps its ID when matched (a term paid in part is split,
// the matched part keeping the ID), so the ID names the part for as long as the match stands, and is the key
// of everything the connector does for it in Odoo.
type PaidPart struct {
	TermID string
	// Amount matched, in the entry's currency, positive in the entry's direction.
	Amount decimal.Decimal
	// Date: for a bank or cash payment the statement's date (the payment's term's LastPaymentDate), else the
	// date Exact closed the match (EndDate: the highest invoice date of the terms matched together).
	Date time.Time
	// With is what settled the part; MatchedWithUnknown also when the shares are of different kinds.
	With MatchedWith
	// Shares say who settled how much of Amount (they add up to Amount; none when the counterpart is unknown).
	Shares []PaidShare
}

// PaidShare is the counterpart of (a share of) a matched part.
type PaidShare struct {
	With MatchedWith
	// EntryID is the counterpart's TransactionEntryID: the bank entry, or the credit note's (invoice's) EntryID.
	EntryID string
	TermID  string          // the counterpart's own term
	Amount  decimal.Decimal // positive, the share of the part's amount
	Journal string          // the counterpart's journal code (the bank or cash journal), trimmed
	Date    time.Time       // the payment's date for a bank share, the match's EndDate otherwise
}

// ExactEntryState concludes, from every payment term the pull knows, what Exact says of one entry's payment:
// paid in full, partly paid with the amount still open, or open (again); its matched parts; and for each part
// whether a bank or cash payment or a credit note settled it.
//
// Inputs, and the Exact calls that supply them (two calls per pull when little changed, Timestamp cursors):
//
//   - terms: the connector's mirror of sync/Cashflow/PaymentTerms (CashflowService.PaymentTermsSince: every
//     term of the division, receipts and payments, 1,000 rows a call), each row kept by ID at its highest
//     Timestamp. The mirror must hold the counterparts too — the terms of the bank entries (TransactionType 40)
//     and of the credit notes — which the feed gives without extra calls, because a match changes the terms on
//     both sides at once. Rows may be passed more than once (overlapping pages): the highest Timestamp wins.
//   - deleted: the EntityKeys of sync/Deleted rows of EntityType 10 (DeletedService.Since, 1,000 rows a call).
//     Undoing a match deletes the entry's matched and open rows and opens a new one; pass the deleted rows
//     along with this set (rather than dropping them from terms) and Undone names the matches undone.
//
// No other call is needed. The bank line's own term carries what Odoo's payment needs: the statement date
// (LastPaymentDate, EntryDate), the bank journal (Journal), the bank entry (TransactionEntryID) and the bank
// line (TransactionID = BankEntryLines ID, whose OurRef is the invoice number, for a person to check).
//
// The counterpart of a matched part is found as Exact leaves no link between matched terms in the API: the
// terms matched together are all Status 50 with the same relation (Account), side (LineType), currency and
// EndDate, and opposite amounts. They are paired one to one on the absolute amount; a bank term never pairs
// with a bank term, and where an invoice's parts could take either a bank payment or a credit note, a part
// with a LastPaymentDate took the payment (a credit-note match sets none — on a remainder split from an
// earlier payment it keeps that payment's date, which is why the pairing, not LastPaymentDate alone, decides).
// Parts that do not pair one to one (several terms matched together) are settled by the counterpart terms of
// the same relation, side, currency and EndDate when these add up to them exactly, or when that whole group
// balances and its other side is all bank terms or all one credit note (one transfer paying two invoices);
// otherwise the counterpart is MatchedWithUnknown.
func ExactEntryState(entryID string, terms []exact.PaymentTerm, deleted map[string]bool) EntryPaymentState {
	st := EntryPaymentState{EntryID: entryID, Status: PaymentUnknown, Total: decimal.Zero, Open: decimal.Zero}
	id := exactIDKey(entryID)
	gone := map[string]bool{}
	for k, v := range deleted {
		if v {
			gone[exactIDKey(k)] = true
		}
	}
	latest := map[string]exact.PaymentTerm{}
	for _, t := range terms {
		k := exactIDKey(t.ID)
		if k == "" {
			continue
		}
		if prev, ok := latest[k]; !ok || t.Timestamp >= prev.Timestamp {
			latest[k] = t
		}
	}
	var own, live []exact.PaymentTerm
	for k, t := range latest {
		mine := exactIDKey(t.TransactionEntryID) == id && !isBankTerm(t) && (t.LineType == exact.LineTypeReceipt || t.LineType == exact.LineTypePayment)
		if gone[k] {
			if mine && t.Status == exact.TermMatched {
				st.Undone = append(st.Undone, t.ID)
			}
			continue
		}
		live = append(live, t)
		if mine {
			own = append(own, t)
		}
	}
	slices.Sort(st.Undone)
	if len(own) == 0 {
		return st
	}
	slices.SortFunc(own, byTerm)
	head := own[0]
	for _, t := range own[1:] {
		if t.Timestamp > head.Timestamp {
			head = t
		}
	}
	st.EntryNumber = head.EntryNumber
	st.Sales = head.LineType == exact.LineTypeReceipt
	st.Currency = strings.ToUpper(strings.TrimSpace(head.Currency))
	switch {
	case head.TransactionType == 21 || head.TransactionType == 31:
		st.Credit = true
	case head.TransactionType == 20 || head.TransactionType == 30:
	default:
		st.Credit = head.TransactionAmountFC.IsNegative()
	}
	dir := decimal.NewFromInt(1)
	if st.Credit {
		dir = dir.Neg()
	}
	sum := decimal.Zero
	var matched []exact.PaymentTerm
	for _, t := range own {
		sum = sum.Add(t.AmountFC)
		st.Foreign = st.Foreign || !t.AmountDC.Equal(t.AmountFC)
		if t.LastPaymentDate.After(st.LastPaymentDate) {
			st.LastPaymentDate = t.LastPaymentDate.Time
		}
		if t.Status == exact.TermMatched {
			matched = append(matched, t)
		} else {
			st.Open = st.Open.Add(t.AmountFC.Mul(dir))
		}
	}
	st.Total = sum.Mul(dir)
	switch {
	case !head.TransactionAmountFC.IsZero() && !sum.Equal(head.TransactionAmountFC):
		st.Status = PaymentIncomplete
	case len(matched) == 0:
		st.Status = PaymentOpen
	case st.Open.IsZero():
		st.Status = PaymentPaid
	default:
		st.Status = PaymentPartlyPaid
	}

	pairs := pairMatchedTerms(live, head.Account)
	var unpaired []exact.PaymentTerm
	for _, t := range matched {
		p := PaidPart{TermID: t.ID, Amount: t.AmountFC.Mul(dir)}
		if c, ok := pairs[exactIDKey(t.ID)]; ok {
			p.Shares = []PaidShare{shareOf(c, p.Amount, st.Credit)}
		} else {
			unpaired = append(unpaired, t)
		}
		st.Paid = append(st.Paid, p)
	}
	if len(unpaired) > 0 {
		for termID, shares := range sharesBySum(unpaired, live, pairs, id, dir, st.Credit) {
			for i := range st.Paid {
				if exactIDKey(st.Paid[i].TermID) == termID {
					st.Paid[i].Shares = shares
				}
			}
		}
	}
	for i := range st.Paid {
		finishPart(&st.Paid[i], matched[i])
	}
	slices.SortFunc(st.Paid, func(a, b PaidPart) int {
		return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.TermID, b.TermID))
	})
	return st
}

// finishPart sets a part's date and kind from its shares.
func finishPart(p *PaidPart, t exact.PaymentTerm) {
	p.With = MatchedWithUnknown
	for i, s := range p.Shares {
		if i == 0 {
			p.With = s.With
		} else if s.With != p.With {
			p.With = MatchedWithUnknown
		}
		if s.With == MatchedWithBank && s.Date.After(p.Date) {
			p.Date = s.Date
		}
	}
	if p.Date.IsZero() {
		p.Date = cmp.Or(t.EndDate.Time, t.LastPaymentDate.Time)
	}
}

// shareOf describes counterpart c settling amount of a part.
func shareOf(c exact.PaymentTerm, amount decimal.Decimal, credit bool) PaidShare {
	s := PaidShare{With: MatchedWithCreditNote, EntryID: c.TransactionEntryID, TermID: c.ID, Amount: amount,
		Journal: strings.TrimSpace(c.Journal), Date: c.EndDate.Time}
	switch {
	case isBankTerm(c):
		s.With = MatchedWithBank
		s.Date = cmp.Or(c.LastPaymentDate.Time, c.EntryDate.Time, c.EndDate.Time)
	case credit:
		s.With = MatchedWithInvoice
	}
	return s
}

func isBankTerm(t exact.PaymentTerm) bool { return t.TransactionType == exact.TransactionTypeCashFlow }

// matchKey groups the terms that can have been matched together, one to one.
type matchKey struct {
	account, currency string
	lineType          int
	end               time.Time
	amount            string // absolute AmountFC
}

// pairMatchedTerms pairs the matched terms of one relation one to one (see ExactEntryState) and returns each
// paired term's counterpart by normalised term ID. The pairing depends only on the terms, never on the entry
// asked about, so an invoice and its credit note see the same pairs.
func pairMatchedTerms(live []exact.PaymentTerm, account string) map[string]exact.PaymentTerm {
	groups := map[matchKey][2][]exact.PaymentTerm{} // [positive, negative]
	for _, t := range live {
		if t.Status != exact.TermMatched || exactIDKey(t.Account) != exactIDKey(account) || t.AmountFC.IsZero() {
			continue
		}
		k := matchKey{account: exactIDKey(t.Account), currency: strings.ToUpper(strings.TrimSpace(t.Currency)), lineType: t.LineType,
			end: t.EndDate.Time, amount: t.AmountFC.Abs().String()}
		g := groups[k]
		side := 0
		if t.AmountFC.IsNegative() {
			side = 1
		}
		g[side] = append(g[side], t)
		groups[k] = g
	}
	pairs := map[string]exact.PaymentTerm{}
	for _, g := range groups {
		pos, neg := g[0], g[1]
		if len(pos) != len(neg) {
			continue
		}
		slices.SortFunc(pos, byTerm)
		slices.SortFunc(neg, byTerm)
		posBank, posEntry := splitBank(pos)
		negBank, negEntry := splitBank(neg)
		if len(posBank) > len(negEntry) || len(negBank) > len(posEntry) {
			continue // a bank term matched with a bank term: not a payment of an entry
		}
		posPaid, posSet, ok1 := chooseBankPaid(posEntry, len(negBank))
		negPaid, negSet, ok2 := chooseBankPaid(negEntry, len(posBank))
		if !ok1 || !ok2 {
			continue
		}
		var pp [][2]exact.PaymentTerm
		for i := range negBank {
			pp = append(pp, [2]exact.PaymentTerm{posPaid[i], negBank[i]})
		}
		for i := range posBank {
			pp = append(pp, [2]exact.PaymentTerm{posBank[i], negPaid[i]})
		}
		for i := range posSet {
			pp = append(pp, [2]exact.PaymentTerm{posSet[i], negSet[i]})
		}
		for _, p := range pp {
			if exactIDKey(p[0].TransactionEntryID) == exactIDKey(p[1].TransactionEntryID) {
				continue
			}
			pairs[exactIDKey(p[0].ID)], pairs[exactIDKey(p[1].ID)] = p[1], p[0]
		}
	}
	return pairs
}

func splitBank(ts []exact.PaymentTerm) (bank, entry []exact.PaymentTerm) {
	for _, t := range ts {
		if isBankTerm(t) {
			bank = append(bank, t)
		} else {
			entry = append(entry, t)
		}
	}
	return bank, entry
}

// chooseBankPaid picks which of a group's entry terms took the k bank payments of the other side: all or none
// are certain; otherwise the ones with a LastPaymentDate, when exactly k have one.
func chooseBankPaid(entry []exact.PaymentTerm, k int) (paid, rest []exact.PaymentTerm, ok bool) {
	if k == 0 {
		return nil, entry, true
	}
	if k == len(entry) {
		return entry, nil, true
	}
	for _, t := range entry {
		if t.LastPaymentDate.IsZero() {
			rest = append(rest, t)
		} else {
			paid = append(paid, t)
		}
	}
	return paid, rest, len(paid) == k
}

// sharesBySum settles the parts that did not pair one to one, per relation, side, currency and EndDate, with
// the matched terms of other transactions there that did not pair either:
//
//   - when those of the other sign add up to exactly the opposite of the parts, they are the counterparts,
//     shared out over the parts in order (two instalments paid by one bank line, one term matched with two
//     credit notes);
//   - else, when the whole group balances (one bank line paying several invoices) and the other sign's terms
//     are all bank terms, or all of one credit note, each part is settled by them, in full.
func sharesBySum(parts, live []exact.PaymentTerm, pairs map[string]exact.PaymentTerm, entry string, dir decimal.Decimal, credit bool) map[string][]PaidShare {
	type groupKey struct {
		currency string
		lineType int
		end      time.Time
	}
	keyOf := func(t exact.PaymentTerm) groupKey {
		return groupKey{strings.ToUpper(strings.TrimSpace(t.Currency)), t.LineType, t.EndDate.Time}
	}
	own := map[groupKey][]exact.PaymentTerm{}
	for _, t := range parts {
		own[keyOf(t)] = append(own[keyOf(t)], t)
	}
	out := map[string][]PaidShare{}
	for k, ts := range own {
		sum := decimal.Zero
		for _, t := range ts {
			sum = sum.Add(t.AmountFC)
		}
		var others []exact.PaymentTerm
		total, sameSide := decimal.Zero, decimal.Zero
		for _, c := range live {
			if c.Status != exact.TermMatched || exactIDKey(c.TransactionEntryID) == entry || exactIDKey(c.Account) != exactIDKey(ts[0].Account) ||
				keyOf(c) != k || c.AmountFC.IsZero() {
				continue
			}
			if _, paired := pairs[exactIDKey(c.ID)]; paired {
				continue
			}
			if c.AmountFC.Sign() == sum.Sign() {
				sameSide = sameSide.Add(c.AmountFC)
				continue
			}
			others = append(others, c)
			total = total.Add(c.AmountFC)
		}
		if len(others) == 0 {
			continue
		}
		slices.SortFunc(ts, byTerm)
		slices.SortFunc(others, byTerm)
		if total.Equal(sum.Neg()) {
			j, left := 0, others[0].AmountFC.Abs()
			for _, t := range ts {
				need := t.AmountFC.Abs()
				for need.IsPositive() && j < len(others) {
					take := decimal.Min(need, left)
					out[exactIDKey(t.ID)] = append(out[exactIDKey(t.ID)], shareOf(others[j], take.Mul(dir).Mul(decimal.NewFromInt(int64(t.AmountFC.Sign()))), credit))
					need, left = need.Sub(take), left.Sub(take)
					if left.IsZero() {
						if j++; j < len(others) {
							left = others[j].AmountFC.Abs()
						}
					}
				}
			}
			continue
		}
		if !total.Equal(sum.Add(sameSide).Neg()) {
			continue
		}
		// The group balances as a whole: one share per part, from the counterparts taken together.
		first := shareOf(others[0], decimal.Zero, credit)
		for _, c := range others[1:] {
			s := shareOf(c, decimal.Zero, credit)
			if s.With != first.With {
				first.With = MatchedWithUnknown
			}
			if s.EntryID != first.EntryID {
				first.EntryID = ""
			}
			if s.Journal != first.Journal {
				first.Journal = ""
			}
			if s.Date.After(first.Date) {
				first.Date = s.Date
			}
			first.TermID = ""
		}
		if first.With == MatchedWithUnknown || (first.With != MatchedWithBank && first.EntryID == "") {
			continue
		}
		for _, t := range ts {
			s := first
			s.Amount = t.AmountFC.Mul(dir)
			out[exactIDKey(t.ID)] = []PaidShare{s}
		}
	}
	return out
}

func byTerm(a, b exact.PaymentTerm) int {
	return cmp.Or(cmp.Compare(exactIDKey(a.TransactionEntryID), exactIDKey(b.TransactionEntryID)), cmp.Compare(exactIDKey(a.ID), exactIDKey(b.ID)))
}

// exactIDKey compares Exact GUIDs whatever their case or braces.
func exactIDKey(s string) string { return strings.ToLower(strings.Trim(strings.TrimSpace(s), "{}")) }

// OdooInvoiceState is what Odoo and the connector's link table say of the invoice, bill or credit note linked
// to the Exact entry.
type OdooInvoiceState struct {
	MoveID int64
	Name   string // e.g. INV/2026/00012, for messages
	// Residual is amount_residual: what is still open, in the move's currency, positive.
	Residual decimal.Decimal
	Currency string
	// Rounding is the currency's smallest unit (res.currency rounding); zero means 0.01.
	Rounding decimal.Decimal
	// Payments are the payments the connector registered for this move and that are posted in Odoo, by the
	// Exact term ID they were registered for (their memo). A payment cancelled in Odoo is not listed.
	Payments map[string]ConnectorPayment
	// Reconciled are the connector's reconciliations of credit notes: for an invoice or bill those made for its
	// terms; for a credit note those it is the credit of.
	Reconciled []ConnectorReconcile
}

// ConnectorPayment is a payment the connector registered in Odoo.
type ConnectorPayment struct {
	PaymentID int64
	Amount    decimal.Decimal // in the move's currency
}

// ConnectorReconcile is a credit note the connector reconciled with an invoice for one of the invoice's
// matched terms.
type ConnectorReconcile struct {
	TermID         string // the invoice's matched term
	InvoiceEntryID string // the invoice's Exact EntryID
	CreditEntryID  string // the credit note's Exact EntryID
	Amount         decimal.Decimal
}

// PaymentAction is one thing to do in Odoo; exactly one field is set. Apply them in order: cancellations
// first, so that a write-off computed on the last registration finds the residual as planned.
type PaymentAction struct {
	Cancel      *CancelPayment         `json:",omitempty"`
	Unreconcile *UnreconcileCreditNote `json:",omitempty"`
	Register    *RegisterPayment       `json:",omitempty"`
	Reconcile   *ReconcileCreditNote   `json:",omitempty"`
	// Mismatch: Odoo and Exact differ in a way the connector must not settle; show it as a data problem.
	Mismatch *Problem `json:",omitempty"`
}

// Key is the action's idempotency key: the Exact term ID (a registration's memo, by which a registration
// whose answer was lost is found again), followed by the credit note's EntryID for a reconciliation, or the
// Problem's code for a mismatch.
func (a PaymentAction) Key() string {
	switch {
	case a.Cancel != nil:
		return a.Cancel.TermID
	case a.Unreconcile != nil:
		return a.Unreconcile.TermID + " " + a.Unreconcile.CreditEntryID
	case a.Register != nil:
		return a.Register.TermID
	case a.Reconcile != nil:
		return a.Reconcile.TermID + " " + a.Reconcile.CreditEntryID
	case a.Mismatch != nil:
		return a.Mismatch.Code
	}
	return ""
}

// RegisterPayment registers a payment on the move for one matched Exact term.
type RegisterPayment struct {
	TermID string // the memo (ref) of the payment
	Amount decimal.Decimal
	Date   time.Time // a calendar date
	// Inbound: money received (a customer's invoice, a supplier's credit note); false: paid out.
	Inbound bool
	// Journal is the code of the Exact bank or cash journal, BankEntryID the bank entry (empty when several).
	Journal, BankEntryID string
	// WriteOff, when not zero, is the difference Odoo must write off so that the move is paid in full (register
	// with payment_difference_handling "reconcile"): Odoo's residual before this payment minus Amount, a
	// rounding difference of a foreign currency on the payment that makes Exact's entry paid.
	WriteOff decimal.Decimal
}

// CancelPayment cancels a payment the connector registered, for a term that is no longer matched (or no longer
// for that amount).
type CancelPayment struct {
	PaymentID int64
	TermID    string
	Amount    decimal.Decimal
}

// ReconcileCreditNote reconciles the Odoo credit note linked to CreditEntryID with the invoice linked to
// InvoiceEntryID for Amount, for the invoice's matched term TermID. The invoice's decision and the credit note's
// can both ask for it: apply it once per Key.
type ReconcileCreditNote struct {
	TermID         string
	InvoiceEntryID string
	CreditEntryID  string
	Amount         decimal.Decimal
}

// UnreconcileCreditNote takes back a reconciliation the connector made (ConnectorReconcile) whose match Exact
// no longer has. Only the invoice's decision asks for it.
type UnreconcileCreditNote struct {
	TermID         string
	InvoiceEntryID string
	CreditEntryID  string
	Amount         decimal.Decimal
}

// DecidePayments returns what Odoo must do so that the move agrees with Exact, or nothing when it does:
//
//   - a matched part settled by a bank or cash payment is registered as one payment keyed by its term ID;
//   - a part settled by a credit note is a reconciliation keyed by the invoice's term ID and the credit note,
//     asked for by the invoice's decision and by the credit note's alike (whichever comes first; the other
//     then finds it in Reconciled); a credit note's share whose invoice term is not known one to one is left
//     to the invoice's decision and counted as pending;
//   - the connector's payments and reconciliations whose match Exact no longer has (undone, or for another
//     amount) are cancelled or taken back — reconciliations by the invoice's decision only, which always sees
//     its own terms — and never a payment the connector did not register;
//   - then Odoo's residual after these actions is compared with Exact's open amount. Equal: done. One unit of
//     the currency off, in a foreign currency, on the payment that makes the entry paid: written off on that
//     payment (RegisterPayment.WriteOff). Odoo lower (paid by hand in Odoo: registering Exact's payments too
//     would pay twice): a Mismatch, and no registration or reconciliation; the cancellations stand. Odoo
//     higher: the actions plus a Mismatch.
//
// The same state after the actions were applied decides nothing, so repeated, overlapping or replayed pulls
// change nothing.
func DecidePayments(s EntryPaymentState, o OdooInvoiceState) []PaymentAction {
	unit := o.Rounding
	if !unit.IsPositive() {
		unit = decimal.New(1, -2)
	}
	name := cmp.Or(o.Name, fmt.Sprintf("%d", o.MoveID))
	if oc := strings.ToUpper(strings.TrimSpace(o.Currency)); oc != "" && s.Currency != "" && oc != s.Currency {
		return []PaymentAction{{Mismatch: &Problem{Code: "payment.currency_differs",
			EN:    fmt.Sprintf("Odoo %s is in %s, its Exact entry %s in %s: exactsync cannot compare their payments.", name, oc, entryRef(s), s.Currency),
			NL:    fmt.Sprintf("Odoo %s is in %s, de Exact-boeking %s in %s: exactsync kan de betalingen niet vergelijken.", name, oc, entryRef(s), s.Currency),
			FixEN: "correct the currency of the invoice in Odoo or of the entry in Exact, then retry",
			FixNL: "corrigeer de valuta van de factuur in Odoo of van de boeking in Exact en probeer opnieuw"}}}
	}
	switch s.Status {
	case PaymentUnknown:
		if len(o.Payments) == 0 && len(o.Reconciled) == 0 {
			return nil
		}
		return []PaymentAction{{Mismatch: &Problem{Code: "payment.no_terms",
			EN:    fmt.Sprintf("Exact has no payment terms for entry %s any more, but exactsync registered payments on Odoo %s for it.", entryRef(s), name),
			NL:    fmt.Sprintf("Exact heeft geen betalingstermijnen meer voor boeking %s, maar exactsync registreerde er betalingen voor op Odoo %s.", entryRef(s), name),
			FixEN: "check whether the entry was deleted or reversed in Exact; cancel the payments in Odoo by hand if so",
			FixNL: "controleer of de boeking in Exact is verwijderd of tegengeboekt; annuleer de betalingen in Odoo dan met de hand"}}}
	case PaymentIncomplete:
		return []PaymentAction{{Mismatch: &Problem{Code: "payment.terms_incomplete",
			EN:    fmt.Sprintf("The payment terms of Exact entry %s known to exactsync add up to %s %s, not to the entry's amount: they were read in the middle of a change.", entryRef(s), s.Total, s.Currency),
			NL:    fmt.Sprintf("De betalingstermijnen van Exact-boeking %s die exactsync kent, tellen op tot %s %s en niet tot het bedrag van de boeking: ze zijn midden in een wijziging gelezen.", entryRef(s), s.Total, s.Currency),
			FixEN: "nothing, the next payment pull reads the rest; if this stays, check the entry's open items in Exact",
			FixNL: "niets, de volgende ophaalronde leest de rest; blijft dit staan, controleer dan de openstaande posten van de boeking in Exact"}}}
	}

	type bankWant struct {
		amount        decimal.Decimal
		date          time.Time
		journal, bank string
	}
	banks := map[string]*bankWant{}
	type creditWant struct {
		invoice string
		amount  decimal.Decimal
	}
	credits := map[[2]string]*creditWant{} // (invoice term, credit entry)
	addCredit := func(term, invoice, creditEntry string, amount decimal.Decimal) {
		k := [2]string{term, creditEntry}
		if credits[k] == nil {
			credits[k] = &creditWant{invoice: invoice, amount: decimal.Zero}
		}
		credits[k].amount = credits[k].amount.Add(amount)
	}
	pendingByInvoice, unknown := decimal.Zero, decimal.Zero
	var unknownTerms []string
	for _, p := range s.Paid {
		if len(p.Shares) == 0 || !p.Amount.IsPositive() {
			unknown, unknownTerms = unknown.Add(p.Amount), append(unknownTerms, p.TermID)
			continue
		}
		for _, sh := range p.Shares {
			switch sh.With {
			case MatchedWithBank:
				w := banks[p.TermID]
				if w == nil {
					w = &bankWant{amount: decimal.Zero, journal: sh.Journal, bank: sh.EntryID}
					banks[p.TermID] = w
				}
				w.amount = w.amount.Add(sh.Amount)
				if sh.Date.After(w.date) {
					w.date = sh.Date
				}
				if w.bank != sh.EntryID {
					w.bank = ""
				}
				if w.journal != sh.Journal {
					w.journal = ""
				}
			case MatchedWithCreditNote:
				addCredit(p.TermID, s.EntryID, sh.EntryID, sh.Amount)
			case MatchedWithInvoice:
				if sh.TermID == "" {
					pendingByInvoice = pendingByInvoice.Add(sh.Amount)
				} else {
					addCredit(sh.TermID, sh.EntryID, s.EntryID, sh.Amount)
				}
			default:
				unknown, unknownTerms = unknown.Add(sh.Amount), append(unknownTerms, p.TermID)
			}
		}
	}

	expected := o.Residual
	var out, lowering []PaymentAction
	for _, term := range slices.Sorted(maps.Keys(o.Payments)) {
		p := o.Payments[term]
		if w := banks[term]; w == nil || !w.amount.Equal(p.Amount) {
			out = append(out, PaymentAction{Cancel: &CancelPayment{PaymentID: p.PaymentID, TermID: term, Amount: p.Amount}})
			expected = expected.Add(p.Amount)
		}
	}
	done := map[[2]string]bool{}
	rs := slices.Clone(o.Reconciled)
	slices.SortFunc(rs, func(a, b ConnectorReconcile) int {
		return cmp.Or(cmp.Compare(a.TermID, b.TermID), cmp.Compare(a.CreditEntryID, b.CreditEntryID))
	})
	for _, r := range rs {
		k := [2]string{r.TermID, r.CreditEntryID}
		if want := credits[k]; want != nil && want.amount.Equal(r.Amount) && !done[k] {
			done[k] = true
			continue
		}
		if s.Credit {
			// Undone (the invoice's decision takes it back) or the reconciliation of a pending share: either
			// way not this decision's.
			pendingByInvoice = pendingByInvoice.Sub(r.Amount)
			continue
		}
		out = append(out, PaymentAction{Unreconcile: &UnreconcileCreditNote{TermID: r.TermID, InvoiceEntryID: cmp.Or(r.InvoiceEntryID, s.EntryID),
			CreditEntryID: r.CreditEntryID, Amount: r.Amount}})
		expected = expected.Add(r.Amount)
	}
	inbound := s.Sales != s.Credit
	for _, p := range s.Paid { // by date, then term
		if w := banks[p.TermID]; w != nil {
			if c, ok := o.Payments[p.TermID]; ok && c.Amount.Equal(w.amount) {
				continue
			}
			lowering = append(lowering, PaymentAction{Register: &RegisterPayment{TermID: p.TermID, Amount: w.amount, Date: w.date,
				Inbound: inbound, Journal: w.journal, BankEntryID: w.bank, WriteOff: decimal.Zero}})
			expected = expected.Sub(w.amount)
		}
	}
	keys := slices.Collect(maps.Keys(credits))
	slices.SortFunc(keys, func(a, b [2]string) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	for _, k := range keys {
		if done[k] {
			continue
		}
		w := credits[k]
		lowering = append(lowering, PaymentAction{Reconcile: &ReconcileCreditNote{TermID: k[0], InvoiceEntryID: w.invoice, CreditEntryID: k[1], Amount: w.amount}})
		expected = expected.Sub(w.amount)
	}
	expected = expected.Sub(pendingByInvoice).Sub(unknown)

	var problems []PaymentAction
	if len(unknownTerms) > 0 {
		problems = append(problems, PaymentAction{Mismatch: &Problem{Code: "payment.unknown_counterpart",
			EN: fmt.Sprintf("Exact matched %s of entry %s (term %s) with something exactsync cannot tell apart as a bank payment or a credit note, so Odoo %s does not show it.",
				paymentMoney(unknown, s.Currency), entryRef(s), strings.Join(unknownTerms, ", "), name),
			NL: fmt.Sprintf("Exact heeft %s van boeking %s (termijn %s) afgeletterd met iets waarvan exactsync niet kan zien of het een bankbetaling of een creditnota is, dus Odoo %s toont het niet.",
				paymentMoney(unknown, s.Currency), entryRef(s), strings.Join(unknownTerms, ", "), name),
			FixEN: fmt.Sprintf("register the payment or reconcile the credit note on %s in Odoo by hand", name),
			FixNL: fmt.Sprintf("registreer de betaling of letter de creditnota op %s in Odoo met de hand af", name)}})
	}
	diff := expected.Sub(s.Open) // what Odoo would show open beyond Exact's open amount
	rounding := s.Foreign && diff.Abs().LessThanOrEqual(unit)
	last := -1 // the last registration: the one that writes off
	for i, a := range lowering {
		if a.Register != nil {
			last = i
		}
	}
	switch {
	case diff.IsZero():
	case rounding && s.Status == PaymentPaid && last >= 0 && pendingByInvoice.IsZero() && unknown.IsZero():
		// Odoo writes off its residual before the payment minus the amount: the payment must come last.
		w := lowering[last]
		w.Register.WriteOff = diff
		lowering = append(slices.Delete(lowering, last, last+1), w)
	case rounding && s.Status != PaymentPaid:
		// A foreign currency's rounding on a part: the payment that makes the entry paid writes it off.
	case rounding:
		problems = append(problems, PaymentAction{Mismatch: &Problem{Code: "payment.rounding_left",
			EN: fmt.Sprintf("Exact entry %s is paid, but Odoo %s keeps %s open: a rounding difference of the exchange rate that no payment is left to write off.",
				entryRef(s), name, paymentMoney(expected, s.Currency)),
			NL: fmt.Sprintf("Exact-boeking %s is betaald, maar Odoo %s houdt %s open: een afrondingsverschil door de wisselkoers dat geen betaling meer kan afboeken.",
				entryRef(s), name, paymentMoney(expected, s.Currency)),
			FixEN: fmt.Sprintf("write the difference off on %s in Odoo (register a payment of %s with 'Mark as fully paid')", name, paymentMoney(expected.Abs(), s.Currency)),
			FixNL: fmt.Sprintf("boek het verschil op %s in Odoo af (registreer een betaling van %s met 'Markeren als volledig betaald')", name, paymentMoney(expected.Abs(), s.Currency))}})
	case diff.IsNegative():
		held := decimal.Zero
		for _, a := range lowering {
			if a.Register != nil {
				held = held.Add(a.Register.Amount)
			} else {
				held = held.Add(a.Reconcile.Amount)
			}
		}
		lowering = nil
		problems = append(problems, PaymentAction{Mismatch: &Problem{Code: "payment.paid_in_odoo",
			EN: fmt.Sprintf("Odoo %s has %s open and Exact entry %s %s; with Exact's payments and credit notes not yet in Odoo (%s), Odoo would show %s less open than Exact: "+
				"a payment or credit note registered in Odoo by hand, not by exactsync, probably covers the same. exactsync registers nothing on it and cancels no payment it did not make.",
				name, paymentMoney(o.Residual, s.Currency), entryRef(s), paymentMoney(s.Open, s.Currency), paymentMoney(held, s.Currency), paymentMoney(diff.Neg(), s.Currency)),
			NL: fmt.Sprintf("Odoo %s heeft %s open en Exact-boeking %s %s; met de betalingen en creditnota's van Exact die nog niet in Odoo staan (%s) zou Odoo %s minder open tonen dan Exact: "+
				"waarschijnlijk dekt een betaling of creditnota die met de hand in Odoo is geregistreerd, niet door exactsync, hetzelfde. exactsync registreert er niets op en annuleert geen betaling die het niet zelf maakte.",
				name, paymentMoney(o.Residual, s.Currency), entryRef(s), paymentMoney(s.Open, s.Currency), paymentMoney(held, s.Currency), paymentMoney(diff.Neg(), s.Currency)),
			FixEN: fmt.Sprintf("in Odoo, cancel or unreconcile what was registered by hand on %s (Exact is leading for payments), or correct the matching in Exact; then retry", name),
			FixNL: fmt.Sprintf("annuleer in Odoo wat met de hand op %s is geregistreerd of maak het afletteren ongedaan (Exact is leidend voor betalingen), of corrigeer het afletteren in Exact; probeer daarna opnieuw", name)}})
	default:
		problems = append(problems, PaymentAction{Mismatch: &Problem{Code: "payment.open_in_odoo",
			EN: fmt.Sprintf("After exactsync's payments, Odoo %s would still have %s open, Exact entry %s %s: %s more than Exact. The invoice's amount or a payment differs between the two.",
				name, paymentMoney(expected, s.Currency), entryRef(s), paymentMoney(s.Open, s.Currency), paymentMoney(diff, s.Currency)),
			NL: fmt.Sprintf("Na de betalingen van exactsync zou Odoo %s nog %s open hebben, Exact-boeking %s %s: %s meer dan Exact. Het factuurbedrag of een betaling verschilt tussen beide.",
				name, paymentMoney(expected, s.Currency), entryRef(s), paymentMoney(s.Open, s.Currency), paymentMoney(diff, s.Currency)),
			FixEN: fmt.Sprintf("compare %s in Odoo with the entry's open items in Exact and correct the one that is wrong; then retry", name),
			FixNL: fmt.Sprintf("vergelijk %s in Odoo met de openstaande posten van de boeking in Exact en corrigeer wat niet klopt; probeer daarna opnieuw", name)}})
	}
	out = append(out, lowering...)
	return append(out, problems...)
}

// entryRef names an Exact entry for people: its number, else its EntryID.
func entryRef(s EntryPaymentState) string {
	if s.EntryNumber != 0 {
		return fmt.Sprint(s.EntryNumber)
	}
	return s.EntryID
}

// paymentMoney shows an amount with two decimals and its currency, for messages.
func paymentMoney(d decimal.Decimal, currency string) string {
	return strings.TrimSpace(d.StringFixed(2) + " " + currency)
}
