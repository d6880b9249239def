package exacttest

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Cash flow as Exact records it (cashflow/Receivables, cashflow/Payments, sync/Cashflow/PaymentTerms):
//
//   - every sales or purchase entry has one payment term (LineType 20 receipt for sales, 22 payment for purchase),
//     Status 20 open, with the entry's total and sign (a credit note's term is negative);
//   - a bank statement (ProcessBankStatement) books a bank entry (financialtransaction/BankEntries, journal 20,
//     Type 40) with one line per payment; each line has its own payment term (TransactionType 40, the opposite
//     sign, TransactionEntryID the bank entry) and is matched with the paid entry's open terms: a term paid in
//     full becomes Status 50, IsFullyPaid, EndDate and LastPaymentDate set; a term paid in part is split — the
//     row keeps its ID and becomes the matched part (Status 50), and a new open row (new ID and EntryID,
//     IsFullyPaid false) carries the rest;
//   - MatchCreditNote matches a credit note's (or an unapplied payment's) open terms with an invoice's the same way;
//   - UndoMatch undoes every match of an entry the stricter way for a client: the entry's matched rows and its
//     open remainder are deleted (sync/Deleted, EntityType 10) and one new open row (new ID) carries the open
//     amount; a bank line's own term returns to open (Status 20), an unapplied payment on the relation;
//   - deleting an entry deletes its terms (EntityType 10).
//
// Every change gives the row a higher Timestamp. EndDate is, as Exact documents it, the highest invoice date of
// the rows matched together (a bank line's invoice date is the statement date); LastPaymentDate is the statement
// date (a credit-note match sets none). In a foreign currency the amounts paid are in the entry's currency and
// converted at the entry's rate (exchange differences are not modelled); a statement holds one currency.

const (
	tableTerms       = "cashflow/terms"
	tableBankEntries = "financialtransaction/BankEntries"
	tableBankLines   = "financialtransaction/BankEntryLines"
	bankJournal      = "20"
)

// ErrNoOpenTerms is returned when an entry has nothing open to pay or match.
var ErrNoOpenTerms = errors.New("exacttest: no open payment terms for this entry")

// ErrNotMatched is returned by UndoMatch when nothing of the entry is matched.
var ErrNotMatched = errors.New("exacttest: no matched payment terms for this entry")

// syncTerms creates or refreshes the open payment term of an entry (entries
// with matched terms cannot change, see editable).
func (sd *side) syncTerms(s *Server, d *division, e record) {
	var t record
	for _, o := range d.tables[tableTerms] {
		if o["TransactionEntryID"] == e["EntryID"] && o.i64("Status") != 50 {
			t = o
		}
	}
	isNew := t == nil
	if isNew {
		t = record{"ID": newGUID(), "EntryID": newGUID(), "LineType": sd.lineType, "Status": int64(20), "IsFullyPaid": false,
			"EndDate": nil, "LastPaymentDate": nil, "Source": int64(1), "TransactionIsReversal": false, "_hid": d.nextHID()}
	}
	acc := d.get("crm/Accounts", e.str(sd.party))
	gl := d.findCode("financial/GLAccounts", sd.controlGL)
	t["Account"], t["AccountCode"], t["AccountName"] = e[sd.party], acc["Code"], acc["Name"]
	t["AmountDC"], t["AmountFC"], t["RateFC"] = e["AmountDC"], e["AmountFC"], e["Rate"]
	t["TransactionAmountDC"], t["TransactionAmountFC"] = e["AmountDC"], e["AmountFC"]
	t["Currency"], t["Description"], t["DueDate"], t["TransactionDueDate"] = e["Currency"], e["Description"], e["DueDate"], e["DueDate"]
	t["EntryDate"], t["InvoiceDate"], t["EntryNumber"], t["InvoiceNumber"] = e["EntryDate"], e["EntryDate"], e["EntryNumber"], e["InvoiceNumber"]
	t["Journal"], t["JournalDescription"], t["PaymentCondition"], t["PaymentConditionDescription"] = e["Journal"], e["JournalDescription"], e["PaymentCondition"], e["PaymentConditionDescription"]
	t["PaymentMethod"], t["PaymentReference"], t["YourRef"] = e["PaymentConditionPaymentMethod"], e["PaymentReference"], e["YourRef"]
	t["TransactionEntryID"], t["TransactionType"], t["TransactionStatus"] = e["EntryID"], e["Type"], e["Status"]
	t["TransactionReportingYear"], t["TransactionReportingPeriod"] = e["ReportingYear"], e["ReportingPeriod"]
	if gl != nil {
		t["GLAccount"], t["GLAccountCode"], t["GLAccountDescription"] = gl["ID"], gl["Code"], gl["Description"]
	}
	if lines := sd.entryLines(d, e.str("EntryID")); len(lines) > 0 {
		t["TransactionID"] = lines[0]["ID"]
	}
	if isNew {
		s.stamp(d, t)
	} else {
		s.touch(d, t)
	}
	d.put(tableTerms, "ID", t)
}

func updateTerm(s *Server, d *division, rec record, in *input) error {
	next := rec.clone()
	for _, k := range []string{"Description", "PaymentMethod", "PaymentReference"} {
		if in.has(k) {
			next[k] = in.vals[k]
		}
	}
	s.touch(d, next)
	d.put(tableTerms, "ID", next)
	return nil
}

// Match is one line of a bank statement: a payment received for, or made on, a sales or purchase entry.
type Match struct {
	// EntryID is the EntryID of the sales or purchase entry paid.
	EntryID string
	// AmountFC is the amount paid in the entry's currency, with the sign of the entry (negative: a credit note
	// refunded). Zero pays everything still open.
	AmountFC decimal.Decimal
}

// BankStatement is the bank entry ProcessBankStatement booked.
type BankStatement struct {
	EntryID     string // financialtransaction/BankEntries EntryID: the TransactionEntryID of the payments' terms
	EntryNumber int64  // e.g. 26200001 (year, journal 20, sequence)
	Lines       []BankStatementLine
}

// BankStatementLine is one booked payment.
type BankStatementLine struct {
	ID          string          // financialtransaction/BankEntryLines ID (the TransactionID of its term)
	EntryID     string          // the entry paid
	AmountFC    decimal.Decimal // with the entry's sign
	PaymentTerm string          // ID of the line's own payment term (TransactionType 40)
}

// ProcessBankStatement books a bank statement dated date in the bank journal (20) and matches each line with the
// open terms of its entry, oldest due date first, splitting a term paid in part. Nothing is booked when any line
// does not fit: an unknown entry, nothing open (ErrNoOpenTerms), an amount of the wrong sign or more than is
// open, lines in different currencies, or a date whose period is closed or missing.
func (s *Server) ProcessBankStatement(division int, date time.Time, matches []Match) (BankStatement, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.divs[division]
	if d == nil {
		return BankStatement{}, fmt.Errorf("exacttest: unknown division %d", division)
	}
	return s.processBankStatement(d, date, matches)
}

type resolvedMatch struct {
	sd     *side
	entry  record
	amount decimal.Decimal
}

func (s *Server) processBankStatement(d *division, date time.Time, matches []Match) (BankStatement, error) {
	day := time.Date(date.Year(), date.Month(), date.Day(), 0, 0, 0, 0, time.UTC)
	if len(matches) == 0 {
		return BankStatement{}, errors.New("exacttest: a bank statement needs at least one line")
	}
	p, err := d.period(day)
	if err != nil {
		return BankStatement{}, fmt.Errorf("exacttest: bank statement of %s: %s", day.Format(time.DateOnly), err.(*apiError).msg)
	}
	var res []resolvedMatch
	used := map[string]decimal.Decimal{}
	currency := ""
	for _, m := range matches {
		id, ok := parseGuid(m.EntryID)
		if !ok {
			return BankStatement{}, fmt.Errorf("exacttest: bad entry id %q", m.EntryID)
		}
		sd, e := d.entry(id)
		if e == nil {
			return BankStatement{}, fmt.Errorf("exacttest: no sales or purchase entry %s", id)
		}
		open := d.openTerms(id)
		if len(open) == 0 {
			return BankStatement{}, fmt.Errorf("%w (entry %d)", ErrNoOpenTerms, e.i64("EntryNumber"))
		}
		total := sumFC(open).Sub(used[id])
		amount := m.AmountFC
		if amount.IsZero() {
			amount = total
		}
		if amount.IsZero() || amount.Sign() != total.Sign() || amount.Abs().GreaterThan(total.Abs()) {
			return BankStatement{}, fmt.Errorf("exacttest: payment %s does not fit the open amount %s of entry %d", amount, total, e.i64("EntryNumber"))
		}
		if currency != "" && e.str("Currency") != currency {
			return BankStatement{}, fmt.Errorf("exacttest: one bank statement holds one currency: %s and %s", currency, e.str("Currency"))
		}
		currency = e.str("Currency")
		used[id] = used[id].Add(amount)
		res = append(res, resolvedMatch{sd: sd, entry: e, amount: amount})
	}

	number, err := nextNumber(d, tableBankEntries, bankJournal, int(p.i64("FinYear")))
	if err != nil {
		return BankStatement{}, err
	}
	journal := d.findCode("financial/Journals", bankJournal)
	opening := decimal.Zero
	var last record
	for _, b := range d.tables[tableBankEntries] {
		if last == nil || b.i64("EntryNumber") > last.i64("EntryNumber") {
			last = b
		}
	}
	if last != nil {
		opening = last.dec("ClosingBalanceFC")
	}
	bank := record{"EntryID": newGUID(), "EntryNumber": number, "FinancialYear": p["FinYear"], "FinancialPeriod": p["FinPeriod"],
		"JournalCode": journal["Code"], "JournalDescription": journal["Description"], "Currency": currency,
		"OpeningBalanceFC": opening, "Status": int64(20), "StatusDescription": "Open"}
	out := BankStatement{EntryID: bank.str("EntryID"), EntryNumber: number}
	balance := opening
	for i, m := range res {
		matchID := newGUID()
		matched := s.settle(d, d.openTerms(m.entry.str("EntryID")), m.amount, matchID, &day)
		amountDC := sumDC(matched)
		lineFC, lineDC := m.amount.Neg(), amountDC.Neg() // a receipt credits the receivable, a payment debits the payable
		if m.sd == purchase {
			lineFC, lineDC = m.amount, amountDC
		}
		balance = balance.Sub(lineFC)
		acc := d.get("crm/Accounts", m.entry.str(m.sd.party))
		gl := d.findCode("financial/GLAccounts", m.sd.controlGL)
		line := record{"ID": newGUID(), "EntryID": bank["EntryID"], "EntryNumber": number, "LineNumber": int64(i + 1),
			"Account": acc["ID"], "AccountCode": acc["Code"], "AccountName": acc["Name"], "AmountFC": lineFC, "AmountDC": lineDC,
			"AmountVATFC": zeroDec, "Date": day, "Description": paymentDescription(m.entry), "ExchangeRate": m.entry["Rate"],
			"GLAccount": gl["ID"], "GLAccountCode": gl["Code"], "GLAccountDescription": gl["Description"],
			"OurRef": m.entry["InvoiceNumber"], "Type": int64(40)}
		s.stamp(d, line)
		d.put(tableBankLines, "ID", line)
		term := record{"ID": newGUID(), "EntryID": newGUID(), "LineType": m.sd.lineType, "Status": int64(50), "IsFullyPaid": true,
			"Account": acc["ID"], "AccountCode": acc["Code"], "AccountName": acc["Name"],
			"AmountFC": m.amount.Neg(), "AmountDC": amountDC.Neg(), "RateFC": m.entry["Rate"], "Currency": currency,
			"TransactionAmountFC": m.amount.Neg(), "TransactionAmountDC": amountDC.Neg(),
			"Description": line["Description"], "DueDate": day, "TransactionDueDate": day, "EntryDate": day, "InvoiceDate": day,
			"EntryNumber": number, "InvoiceNumber": nil, "Journal": journal["Code"], "JournalDescription": journal["Description"],
			"PaymentReference": m.entry["PaymentReference"], "YourRef": m.entry["YourRef"], "LastPaymentDate": day,
			"GLAccount": gl["ID"], "GLAccountCode": gl["Code"], "GLAccountDescription": gl["Description"],
			"TransactionEntryID": bank["EntryID"], "TransactionID": line["ID"], "TransactionType": int64(40),
			"TransactionStatus": int64(20), "TransactionReportingYear": p["FinYear"], "TransactionReportingPeriod": p["FinPeriod"],
			"TransactionIsReversal": false, "Source": int64(1), "_hid": d.nextHID(), "_match": matchID}
		s.stamp(d, term)
		d.put(tableTerms, "ID", term)
		s.closeMatch(d, matchID)
		out.Lines = append(out.Lines, BankStatementLine{ID: line.str("ID"), EntryID: m.entry.str("EntryID"), AmountFC: m.amount, PaymentTerm: term.str("ID")})
	}
	bank["ClosingBalanceFC"] = balance
	s.stamp(d, bank)
	d.put(tableBankEntries, "EntryID", bank)
	return out, nil
}

func paymentDescription(e record) string {
	if ref := e.str("YourRef"); ref != "" {
		return "Betaling " + ref
	}
	return fmt.Sprintf("Betaling %d", e.i64("InvoiceNumber"))
}

// entry finds a sales or purchase entry by EntryID.
func (d *division) entry(id string) (*side, record) {
	for _, sd := range []*side{sales, purchase} {
		if e := d.get(sd.header, id); e != nil {
			return sd, e
		}
	}
	return nil, nil
}

// openTerms are a transaction's open terms, oldest due date first.
func (d *division) openTerms(transactionEntryID string) []record {
	var open []record
	for _, t := range d.tables[tableTerms] {
		if t["TransactionEntryID"] == transactionEntryID && t.i64("Status") != 50 {
			open = append(open, t)
		}
	}
	sort.Slice(open, func(i, j int) bool {
		if c := open[i].tm("DueDate").Compare(open[j].tm("DueDate")); c != 0 {
			return c < 0
		}
		return open[i].i64("_hid") < open[j].i64("_hid")
	})
	return open
}

func sumFC(rows []record) decimal.Decimal {
	t := decimal.Zero
	for _, r := range rows {
		t = t.Add(r.dec("AmountFC"))
	}
	return t
}

func sumDC(rows []record) decimal.Decimal {
	t := decimal.Zero
	for _, r := range rows {
		t = t.Add(r.dec("AmountDC"))
	}
	return t
}

// settle matches amount (with the terms' sign, at most their sum) against open terms in order, splitting the
// last one when it is paid in part, and returns the matched rows. paid is the payment date (nil: a match with a
// credit note, no payment).
func (s *Server) settle(d *division, open []record, amount decimal.Decimal, matchID string, paid *time.Time) []record {
	left := amount.Abs()
	var matched []record
	for _, t := range open {
		if left.IsZero() {
			break
		}
		fc, dc := t.dec("AmountFC"), t.dec("AmountDC")
		if left.LessThan(fc.Abs()) {
			part := left.Mul(decimal.NewFromInt(int64(fc.Sign())))
			partDC := round2(part.Mul(t.dec("RateFC")))
			if t.dec("RateFC").IsZero() {
				partDC = part
			}
			rem := t.clone()
			rem["ID"], rem["EntryID"], rem["_hid"] = newGUID(), newGUID(), d.nextHID()
			rem["AmountFC"], rem["AmountDC"] = fc.Sub(part), dc.Sub(partDC)
			rem["Status"], rem["IsFullyPaid"], rem["EndDate"], rem["EndYear"], rem["EndPeriod"] = int64(20), false, nil, nil, nil
			delete(rem, "_match")
			if paid != nil {
				rem["LastPaymentDate"] = *paid
			}
			s.stamp(d, rem)
			d.put(tableTerms, "ID", rem)
			t["AmountFC"], t["AmountDC"] = part, partDC
			left = decimal.Zero
		} else {
			left = left.Sub(fc.Abs())
		}
		t["Status"], t["IsFullyPaid"], t["_match"] = int64(50), true, matchID
		if paid != nil {
			t["LastPaymentDate"] = *paid
		}
		s.touch(d, t)
		matched = append(matched, t)
	}
	return matched
}

// closeMatch sets EndDate (the highest invoice date of the rows matched together), EndYear and EndPeriod on
// every row of a match.
func (s *Server) closeMatch(d *division, matchID string) {
	var rows []record
	var end time.Time
	for _, t := range d.tables[tableTerms] {
		if t["_match"] == matchID {
			rows = append(rows, t)
			if inv := t.tm("InvoiceDate"); inv.After(end) {
				end = inv
			}
		}
	}
	var year, period any
	for _, p := range d.tables["financial/FinancialPeriods"] {
		if !end.Before(p.tm("StartDate")) && !end.After(p.tm("EndDate")) {
			year, period = p["FinYear"], p["FinPeriod"]
		}
	}
	for _, t := range rows {
		t["EndDate"], t["EndYear"], t["EndPeriod"] = end, year, period
		s.touch(d, t)
	}
}

// MatchCreditNote matches the open terms of a credit note (or of a payment left unmatched, e.g. after UndoMatch:
// creditEntryID is then the bank entry's EntryID) with the open terms of an invoice of the same relation, side
// and currency, as an accountant does in Exact: the smaller open amount is matched in full, the other side is
// split. It returns the amount matched (positive, in the currency of the entries).
func (s *Server) MatchCreditNote(division int, invoiceEntryID, creditEntryID string) (decimal.Decimal, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.divs[division]
	if d == nil {
		return decimal.Zero, fmt.Errorf("exacttest: unknown division %d", division)
	}
	inv, ok1 := parseGuid(invoiceEntryID)
	cred, ok2 := parseGuid(creditEntryID)
	if !ok1 || !ok2 {
		return decimal.Zero, fmt.Errorf("exacttest: bad entry id %q or %q", invoiceEntryID, creditEntryID)
	}
	if _, e := d.entry(inv); e == nil {
		return decimal.Zero, fmt.Errorf("exacttest: no sales or purchase entry %s", inv)
	}
	openInv, openCred := d.openTerms(inv), d.openTerms(cred)
	if len(openInv) == 0 || len(openCred) == 0 {
		return decimal.Zero, ErrNoOpenTerms
	}
	a, b := sumFC(openInv), sumFC(openCred)
	if !a.IsPositive() || !b.IsNegative() {
		return decimal.Zero, fmt.Errorf("exacttest: %s is open on the invoice and %s on the credit; want positive and negative", a, b)
	}
	ti, tc := openInv[0], openCred[0]
	if ti.i64("LineType") != tc.i64("LineType") || ti["Account"] != tc["Account"] || ti["Currency"] != tc["Currency"] {
		return decimal.Zero, errors.New("exacttest: invoice and credit differ in side, relation or currency")
	}
	amount := decimal.Min(a, b.Neg())
	matchID := newGUID()
	var paid *time.Time
	if d.get(tableBankEntries, cred) != nil {
		day := tc.tm("InvoiceDate")
		paid = &day
	}
	s.settle(d, openInv, amount, matchID, paid)
	s.settle(d, openCred, amount.Neg(), matchID, paid)
	s.closeMatch(d, matchID)
	return amount, nil
}

// UndoMatch undoes every match of an entry's terms (a sales, purchase or bank entry's EntryID), as an
// accountant unmatching in Exact. For the sales and purchase entries involved, the rows matched and the open
// remainder are deleted (sync/Deleted, EntityType 10) and one new open row with a new ID carries the open amount
// — the stricter reading for a client, which must follow deletions; bank lines' own terms return to open
// (Status 20), a payment on the relation's account not matched with anything.
func (s *Server) UndoMatch(division int, entryID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.divs[division]
	if d == nil {
		return fmt.Errorf("exacttest: unknown division %d", division)
	}
	id, ok := parseGuid(entryID)
	if !ok {
		return fmt.Errorf("exacttest: bad entry id %q", entryID)
	}
	sets := map[string]bool{}
	for _, t := range d.tables[tableTerms] {
		if t["TransactionEntryID"] == id && t.i64("Status") == 50 {
			if m, _ := t["_match"].(string); m != "" {
				sets[m] = true
			}
		}
	}
	if len(sets) == 0 {
		return ErrNotMatched
	}
	touched := map[string][]record{} // sales/purchase transaction → its rows to merge
	for _, t := range d.tables[tableTerms] {
		m, _ := t["_match"].(string)
		if !sets[m] {
			continue
		}
		teid := t.str("TransactionEntryID")
		if d.get(tableBankEntries, teid) != nil {
			t["Status"], t["IsFullyPaid"], t["EndDate"], t["EndYear"], t["EndPeriod"] = int64(20), false, nil, nil, nil
			delete(t, "_match")
			s.touch(d, t)
			continue
		}
		touched[teid] = append(touched[teid], t)
	}
	teids := make([]string, 0, len(touched))
	for k := range touched {
		teids = append(teids, k)
	}
	sort.Strings(teids)
	for _, teid := range teids {
		rows := append(touched[teid], d.openTerms(teid)...)
		sort.Slice(rows, func(i, j int) bool { return rows[i].i64("_hid") < rows[j].i64("_hid") })
		open := rows[0].clone()
		open["ID"], open["EntryID"], open["_hid"] = newGUID(), newGUID(), d.nextHID()
		open["AmountFC"], open["AmountDC"] = sumFC(rows), sumDC(rows)
		open["Status"], open["IsFullyPaid"], open["EndDate"], open["EndYear"], open["EndPeriod"] = int64(20), false, nil, nil, nil
		delete(open, "_match")
		for _, r := range rows {
			delete(d.tables[tableTerms], keyString(r["ID"]))
			s.logDeleted(d, 10, r.str("ID"))
		}
		var lastPaid any
		for _, t := range d.tables[tableTerms] {
			if t["TransactionEntryID"] == teid && t.i64("Status") == 50 {
				if lp := t.tm("LastPaymentDate"); !lp.IsZero() && (lastPaid == nil || lp.After(lastPaid.(time.Time))) {
					lastPaid = lp
				}
			}
		}
		open["LastPaymentDate"] = lastPaid
		s.stamp(d, open)
		d.put(tableTerms, "ID", open)
	}
	return nil
}

// RecordPayment books a bank statement of one payment of amount (with the entry's sign) for an entry on date:
// ProcessBankStatement with one Match.
func (s *Server) RecordPayment(division int, entryID string, amount decimal.Decimal, date time.Time) error {
	if amount.IsZero() {
		return errors.New("exacttest: a payment of 0")
	}
	_, err := s.ProcessBankStatement(division, date, []Match{{EntryID: entryID, AmountFC: amount}})
	return err
}

// ProcessEntry marks a sales or purchase entry processed (Status 50, "Verwerkt"), as Exact does when an
// accountant processes the journal: from then on every change to it is refused ("Reeds verwerkt.").
func (s *Server) ProcessEntry(division int, entryID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.divs[division]
	if d == nil {
		return fmt.Errorf("exacttest: unknown division %d", division)
	}
	id, ok := parseGuid(entryID)
	if !ok {
		return fmt.Errorf("exacttest: bad entry id %q", entryID)
	}
	sd, e := d.entry(id)
	if e == nil {
		return fmt.Errorf("exacttest: no sales or purchase entry %s", id)
	}
	e["Status"], e["StatusDescription"] = int64(50), "Processed"
	s.touch(d, e)
	for _, l := range sd.entryLines(d, id) {
		s.touch(d, l)
	}
	for _, t := range d.tables[tableTerms] {
		if t["TransactionEntryID"] == id {
			t["TransactionStatus"] = int64(50)
			s.touch(d, t)
		}
	}
	return nil
}

// EntryIDByNumber finds the EntryID of a sales, purchase or bank entry by its EntryNumber (and, when not empty,
// its journal code), for people who know an invoice by its number.
func (s *Server) EntryIDByNumber(division int, entryNumber int64, journal string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.divs[division]
	if d == nil {
		return "", fmt.Errorf("exacttest: unknown division %d", division)
	}
	return d.entryIDByNumber(entryNumber, journal)
}

func (d *division) entryIDByNumber(n int64, journal string) (string, error) {
	var found []string
	for _, t := range []struct{ table, journalField string }{
		{sales.header, "Journal"}, {purchase.header, "Journal"}, {tableBankEntries, "JournalCode"},
	} {
		for _, e := range d.tables[t.table] {
			if e.i64("EntryNumber") == n && (journal == "" || strings.TrimSpace(e.str(t.journalField)) == strings.TrimSpace(journal)) {
				found = append(found, e.str("EntryID"))
			}
		}
	}
	switch len(found) {
	case 0:
		return "", fmt.Errorf("exacttest: no entry with number %d in division %d", n, d.code)
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("exacttest: %d entries have number %d in division %d; name the journal", len(found), n, d.code)
}
