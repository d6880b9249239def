package exact

import (
	"context"
	"iter"

	"github.com/shopspring/decimal"
)

// What the payment pull (Exact → Odoo) reads besides CashflowService.PaymentTermsSince and DeletedService.Since:
// the open-items lists to cross-check an open amount, the bank entries whose lines paid an invoice, and the
// division's exchange rates (its currencies: Client.Currencies).
//
// How Exact records a payment, as the pull must read it: every sales/purchase entry has payment terms
// (PaymentTerm, TransactionEntryID = the entry's EntryID, LineType 20 receivable / 22 payable); a payment is a
// bank (or cash) entry line with its own term (TransactionType 40, TransactionEntryID = the bank entry, the
// opposite sign) matched with the entry's terms. A term paid in part is split: the matched part (Status 50) and
// an open remainder with its own ID and EntryID. An entry is paid when none of its terms is open (Status 20, 30
// or 40) and none was deleted after the last one matched; a match undone deletes terms (sync/Deleted EntityType
// DeletedPaymentTerm) and opens new ones, so the pull must apply deletions before it concludes. IsFullyPaid
// says a row's own amount is matched, not that the invoice is paid. AmountFC is in the entry's currency
// (Currency), AmountDC in the division's.

// Payment-term statuses (CashflowTerm.Status).
const (
	TermOpen      = 20
	TermSelected  = 30 // selected for collection or payment
	TermProcessed = 40 // collected or paid, not matched yet
	TermMatched   = 50
)

// Payment-term line types (PaymentTerm.LineType).
const (
	LineTypeReceipt = 20 // a receivable: sales entries, customers' payments
	LineTypePayment = 22 // a payable: purchase entries, payments to suppliers
)

// TransactionTypeCashFlow is the TransactionType of a bank or cash entry's term (a payment).
const TransactionTypeCashFlow = 40

// OpenItem is a row of read/financial/ReceivablesList or PayablesList: an outstanding item, Amount the amount
// still open in CurrencyCode (negative for a credit note or a payment not matched yet).
type OpenItem struct {
	HID                int64           `json:"HID"`
	ID                 string          `json:"Id"`
	AccountID          string          `json:"AccountId"`
	AccountCode        string          `json:"AccountCode"`
	AccountName        string          `json:"AccountName"`
	Amount             decimal.Decimal `json:"Amount"`
	AmountInTransit    decimal.Decimal `json:"AmountInTransit"`
	CurrencyCode       string          `json:"CurrencyCode"`
	Description        string          `json:"Description"`
	DueDate            Date            `json:"DueDate"`
	EntryNumber        int             `json:"EntryNumber"`
	InvoiceDate        Date            `json:"InvoiceDate"`
	InvoiceNumber      int             `json:"InvoiceNumber"`
	JournalCode        string          `json:"JournalCode"`
	JournalDescription string          `json:"JournalDescription"`
	YourRef            string          `json:"YourRef"`
}

// ReceivablesList iterates the customers' outstanding items (read/financial/ReceivablesList).
func (s *CashflowService) ReceivablesList(ctx context.Context, division int, opts *ListOptions) iter.Seq2[*OpenItem, error] {
	return list[OpenItem](ctx, s.client, division, "read/financial/ReceivablesList", opts)
}

// PayablesList iterates the suppliers' outstanding items (read/financial/PayablesList).
func (s *CashflowService) PayablesList(ctx context.Context, division int, opts *ListOptions) iter.Seq2[*OpenItem, error] {
	return list[OpenItem](ctx, s.client, division, "read/financial/PayablesList", opts)
}

// BankEntry is a financialtransaction/BankEntries record: a bank statement booked in a bank journal.
type BankEntry struct {
	EntryID            string               `json:"EntryID"`
	EntryNumber        int                  `json:"EntryNumber"`
	JournalCode        string               `json:"JournalCode"`
	JournalDescription string               `json:"JournalDescription"`
	Currency           string               `json:"Currency"`
	FinancialYear      int                  `json:"FinancialYear"`
	FinancialPeriod    int                  `json:"FinancialPeriod"`
	OpeningBalanceFC   decimal.Decimal      `json:"OpeningBalanceFC"`
	ClosingBalanceFC   decimal.Decimal      `json:"ClosingBalanceFC"`
	Status             int                  `json:"Status"` // 20 open, 50 processed
	BankEntryLines     Lines[BankEntryLine] `json:"BankEntryLines" exact:"nav"`
	Created            Date                 `json:"Created"`
	Modified           Date                 `json:"Modified"`
	Division           int                  `json:"Division"`
}

// BankEntryLine is a financialtransaction/BankEntryLines record: one payment received or made. Its ID is the
// TransactionID of the line's own payment term.
type BankEntryLine struct {
	ID            string          `json:"ID"`
	EntryID       string          `json:"EntryID"` // the bank entry
	EntryNumber   int             `json:"EntryNumber"`
	LineNumber    int             `json:"LineNumber"`
	Date          Date            `json:"Date"`
	Account       string          `json:"Account"`
	AccountCode   string          `json:"AccountCode"`
	AccountName   string          `json:"AccountName"`
	AmountFC      decimal.Decimal `json:"AmountFC"` // the ledger line's side: a receipt credits the receivable (negative) [?]
	AmountDC      decimal.Decimal `json:"AmountDC"`
	ExchangeRate  decimal.Decimal `json:"ExchangeRate"`
	Description   string          `json:"Description"`
	GLAccount     string          `json:"GLAccount"`
	GLAccountCode string          `json:"GLAccountCode"`
	OurRef        int             `json:"OurRef"` // the invoice number paid
	Division      int             `json:"Division"`
}

const bankEntriesPath = "financialtransaction/BankEntries"

// BankEntries iterates bank entries (add Expand "BankEntryLines" for their lines).
func (s *CashflowService) BankEntries(ctx context.Context, division int, opts *ListOptions) iter.Seq2[*BankEntry, error] {
	return list[BankEntry](ctx, s.client, division, bankEntriesPath, opts)
}

// BankEntry fetches one bank entry with its lines.
func (s *CashflowService) BankEntry(ctx context.Context, division int, entryID string) (*BankEntry, error) {
	return getByGUID[BankEntry](ctx, s.client, division, bankEntriesPath, entryID, "BankEntryLines")
}

// BankEntryLines iterates bank entry lines (filter on EntryID or ID).
func (s *CashflowService) BankEntryLines(ctx context.Context, division int, opts *ListOptions) iter.Seq2[*BankEntryLine, error] {
	return list[BankEntryLine](ctx, s.client, division, "financialtransaction/BankEntryLines", opts)
}

// ExchangeRate is a financial/ExchangeRates record: from StartDate on, one SourceCurrency is Rate
// TargetCurrency (the division's currency); an entry's AmountDC = AmountFC × Rate.
type ExchangeRate struct {
	ID             string          `json:"ID"`
	SourceCurrency string          `json:"SourceCurrency"`
	TargetCurrency string          `json:"TargetCurrency"`
	Rate           decimal.Decimal `json:"Rate"`
	StartDate      Date            `json:"StartDate"`
}

// ExchangeRates iterates the division's exchange rates.
func (c *Client) ExchangeRates(ctx context.Context, division int, opts *ListOptions) iter.Seq2[*ExchangeRate, error] {
	return list[ExchangeRate](ctx, c, division, "financial/ExchangeRates", opts)
}
