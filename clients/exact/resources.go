package exact

import (
	"context"
	"iter"
	"net/http"
	"strconv"

	"github.com/shopspring/decimal"
)

// Struct tags: `json` is the Exact property name (it is also what $select
// asks for); `exact:"post"` marks a property sent on Create when non-zero;
// `exact:"nav"` a navigation property, selected only when expanded.
// GUIDs are strings; amounts are decimal.Decimal; dates are Date.

// Account is a crm/Accounts record (customer or supplier).
type Account struct {
	ID                       string `json:"ID"`
	Code                     string `json:"Code" exact:"post"` // 18-char right-aligned; see PadCode/TrimCode
	Name                     string `json:"Name" exact:"post"`
	AddressLine1             string `json:"AddressLine1" exact:"post"`
	AddressLine2             string `json:"AddressLine2" exact:"post"`
	AddressLine3             string `json:"AddressLine3" exact:"post"`
	Postcode                 string `json:"Postcode" exact:"post"`
	City                     string `json:"City" exact:"post"`
	State                    string `json:"State" exact:"post"`
	Country                  string `json:"Country" exact:"post"` // ISO code, padded to 3 on read
	CountryName              string `json:"CountryName"`
	Email                    string `json:"Email" exact:"post"`
	Phone                    string `json:"Phone" exact:"post"`
	Website                  string `json:"Website" exact:"post"`
	VATNumber                string `json:"VATNumber" exact:"post"`
	ChamberOfCommerce        string `json:"ChamberOfCommerce" exact:"post"`
	Language                 string `json:"Language" exact:"post"`
	Status                   string `json:"Status" exact:"post"` // "C" customer, "P" prospect, "S" suspect, "A" none
	IsSupplier               bool   `json:"IsSupplier" exact:"post"`
	IsSales                  bool   `json:"IsSales"`
	Blocked                  bool   `json:"Blocked" exact:"post"`
	PaymentConditionSales    string `json:"PaymentConditionSales" exact:"post"`
	PaymentConditionPurchase string `json:"PaymentConditionPurchase" exact:"post"`
	SalesVATCode             string `json:"SalesVATCode" exact:"post"`
	PurchaseVATCode          string `json:"PurchaseVATCode" exact:"post"`
	SalesCurrency            string `json:"SalesCurrency" exact:"post"`
	PurchaseCurrency         string `json:"PurchaseCurrency" exact:"post"`
	SearchCode               string `json:"SearchCode" exact:"post"`
	TradeName                string `json:"TradeName" exact:"post"`
	Remarks                  string `json:"Remarks" exact:"post"`
	Created                  Date   `json:"Created"`
	Modified                 Date   `json:"Modified"`
	Division                 int    `json:"Division"`
}

// BankAccount is a crm/BankAccounts record; BankAccount holds the IBAN.
type BankAccount struct {
	ID                    string `json:"ID"`
	Account               string `json:"Account" exact:"post"`
	AccountName           string `json:"AccountName"`
	BankAccount           string `json:"BankAccount" exact:"post"`
	BankAccountHolderName string `json:"BankAccountHolderName" exact:"post"`
	BICCode               string `json:"BICCode" exact:"post"`
	Description           string `json:"Description" exact:"post"`
	Main                  bool   `json:"Main" exact:"post"`
	Blocked               bool   `json:"Blocked" exact:"post"`
	Type                  string `json:"Type"`
	Created               Date   `json:"Created"`
	Modified              Date   `json:"Modified"`
	Division              int    `json:"Division"`
}

// PaymentCondition is a cashflow/PaymentConditions record; entries and
// accounts reference its Code.
type PaymentCondition struct {
	ID                  string          `json:"ID"`
	Code                string          `json:"Code" exact:"post"`
	Description         string          `json:"Description" exact:"post"`
	PaymentDays         int             `json:"PaymentDays" exact:"post"`
	PaymentEndOfMonths  int             `json:"PaymentEndOfMonths" exact:"post"`
	PaymentMethod       string          `json:"PaymentMethod" exact:"post"`
	DiscountPaymentDays int             `json:"DiscountPaymentDays" exact:"post"`
	DiscountPercentage  decimal.Decimal `json:"DiscountPercentage" exact:"post"`
	Created             Date            `json:"Created"`
	Modified            Date            `json:"Modified"`
	Division            int             `json:"Division"`
}

// VATCode is a vat/VATCodes record; Code is 3-char padded ("2  ").
type VATCode struct {
	ID                 string          `json:"ID"`
	Code               string          `json:"Code"`
	Description        string          `json:"Description"`
	Percentage         decimal.Decimal `json:"Percentage"` // fraction: 0.21
	Type               string          `json:"Type"`       // B, E, I, N
	VATTransactionType string          `json:"VATTransactionType"`
	Charged            bool            `json:"Charged"`
	EUSalesListing     string          `json:"EUSalesListing"`
	IsBlocked          bool            `json:"IsBlocked"`
	GLToPay            string          `json:"GLToPay"`
	GLToClaim          string          `json:"GLToClaim"`
	Modified           Date            `json:"Modified"`
	Division           int             `json:"Division"`
}

// GLAccount is a financial/GLAccounts record; entry lines reference its ID.
type GLAccount struct {
	ID          string `json:"ID"`
	Code        string `json:"Code"`
	Description string `json:"Description"`
	Type        int    `json:"Type"`
	BalanceSide string `json:"BalanceSide"`
	BalanceType string `json:"BalanceType"`
	VATCode     string `json:"VATCode"`
	IsBlocked   bool   `json:"IsBlocked"`
	Matching    bool   `json:"Matching"`
	Modified    Date   `json:"Modified"`
	Division    int    `json:"Division"`
}

// Journal is a financial/Journals record; entries reference its Code.
type Journal struct {
	ID              string `json:"ID"`
	Code            string `json:"Code"`
	Description     string `json:"Description"`
	Type            int    `json:"Type"` // 20 sales, 22 purchase, …
	TypeDescription string `json:"TypeDescription"`
	Currency        string `json:"Currency"`
	GLAccount       string `json:"GLAccount"`
	Modified        Date   `json:"Modified"`
	Division        int    `json:"Division"`
}

// CostCenter is an hrm/Costcenters record (analytic accounting); entry lines
// reference its Code (not padded). Only an Active one may be put on a line.
type CostCenter struct {
	ID          string `json:"ID"`
	Code        string `json:"Code"`
	Description string `json:"Description"`
	Active      bool   `json:"Active"`
	Modified    Date   `json:"Modified"`
	Division    int    `json:"Division"`
}

// CostUnit is an hrm/Costunits record (analytic accounting); entry lines
// reference its Code. Codes are not padded.
type CostUnit struct {
	ID          string `json:"ID"`
	Code        string `json:"Code"`
	Description string `json:"Description"`
	Modified    Date   `json:"Modified"`
	Division    int    `json:"Division"`
}

// FinancialPeriod is a financial/FinancialPeriods record.
type FinancialPeriod struct {
	ID        string `json:"ID"`
	FinYear   int    `json:"FinYear"`
	FinPeriod int    `json:"FinPeriod"`
	StartDate Date   `json:"StartDate"`
	EndDate   Date   `json:"EndDate"`
	Division  int    `json:"Division"`
}

// EntryLine is a line of a sales or purchase entry.
type EntryLine struct {
	ID              string          `json:"ID"`
	EntryID         string          `json:"EntryID" exact:"post"` // required when posting a line on its own
	LineNumber      int             `json:"LineNumber"`
	GLAccount       string          `json:"GLAccount" exact:"post"`
	GLAccountCode   string          `json:"GLAccountCode"`
	Description     string          `json:"Description" exact:"post"`
	AmountFC        decimal.Decimal `json:"AmountFC" exact:"post"` // excluding VAT
	AmountDC        decimal.Decimal `json:"AmountDC"`
	VATCode         string          `json:"VATCode" exact:"post"`
	VATAmountFC     decimal.Decimal `json:"VATAmountFC" exact:"post"` // only to override the computed VAT
	VATAmountDC     decimal.Decimal `json:"VATAmountDC"`
	VATBaseAmountFC decimal.Decimal `json:"VATBaseAmountFC"`
	VATPercentage   decimal.Decimal `json:"VATPercentage"`
	Quantity        decimal.Decimal `json:"Quantity" exact:"post"`
	Notes           string          `json:"Notes" exact:"post"`
	CostCenter      string          `json:"CostCenter" exact:"post"` // hrm/Costcenters Code; empty: none (not sent)
	CostUnit        string          `json:"CostUnit" exact:"post"`   // hrm/Costunits Code; empty: none (not sent)
	Type            int             `json:"Type"`
	Division        int             `json:"Division"`
}

// EntryHeader holds the fields shared by sales and purchase entries.
type EntryHeader struct {
	EntryID           string          `json:"EntryID" exact:"post"`
	Journal           string          `json:"Journal" exact:"post"`
	EntryDate         Date            `json:"EntryDate" exact:"post"`
	DueDate           Date            `json:"DueDate" exact:"post"`
	PaymentCondition  string          `json:"PaymentCondition" exact:"post"`
	PaymentReference  string          `json:"PaymentReference" exact:"post"`
	YourRef           string          `json:"YourRef" exact:"post"`
	Description       string          `json:"Description" exact:"post"`
	EntryNumber       int             `json:"EntryNumber" exact:"post"`
	InvoiceNumber     int             `json:"InvoiceNumber" exact:"post"`
	Currency          string          `json:"Currency" exact:"post"`
	Rate              decimal.Decimal `json:"Rate" exact:"post"` // AmountDC = AmountFC × Rate; zero: the division's rate
	Document          string          `json:"Document" exact:"post"`
	ReportingYear     int             `json:"ReportingYear" exact:"post"`
	ReportingPeriod   int             `json:"ReportingPeriod" exact:"post"`
	AmountDC          decimal.Decimal `json:"AmountDC"` // header totals may read 0 right after create
	AmountFC          decimal.Decimal `json:"AmountFC"`
	VATAmountDC       decimal.Decimal `json:"VATAmountDC"`
	VATAmountFC       decimal.Decimal `json:"VATAmountFC"`
	Status            int             `json:"Status"` // 20 open, 50 processed
	StatusDescription string          `json:"StatusDescription"`
	Type              int             `json:"Type"`
	Created           Date            `json:"Created"`
	Modified          Date            `json:"Modified"`
	Division          int             `json:"Division"`
}

// SalesEntry is a salesentry/SalesEntries record. Create posts the lines
// in SalesEntryLines (deep insert); reads fill them only when expanded.
type SalesEntry struct {
	EntryHeader
	Customer        string           `json:"Customer" exact:"post"`
	CustomerName    string           `json:"CustomerName"`
	SalesEntryLines Lines[EntryLine] `json:"SalesEntryLines" exact:"post,nav"`
}

// PurchaseEntry is a purchaseentry/PurchaseEntries record.
type PurchaseEntry struct {
	EntryHeader
	Supplier           string           `json:"Supplier" exact:"post"`
	SupplierName       string           `json:"SupplierName"`
	PurchaseEntryLines Lines[EntryLine] `json:"PurchaseEntryLines" exact:"post,nav"`
}

// Document is a documents/Documents record (Type 10 = sales invoice).
type Document struct {
	ID                          string `json:"ID"`
	Subject                     string `json:"Subject" exact:"post"`
	Type                        int    `json:"Type" exact:"post"`
	TypeDescription             string `json:"TypeDescription"`
	Account                     string `json:"Account" exact:"post"`
	AccountName                 string `json:"AccountName"`
	DocumentDate                Date   `json:"DocumentDate" exact:"post"`
	FinancialTransactionEntryID string `json:"FinancialTransactionEntryID" exact:"post"`
	Body                        string `json:"Body" exact:"post"`
	Currency                    string `json:"Currency" exact:"post"`
	HID                         int    `json:"HID"`
	Created                     Date   `json:"Created"`
	Modified                    Date   `json:"Modified"`
	Division                    int    `json:"Division"`
}

// DocumentAttachment is a documents/DocumentAttachments record. Attachment
// is the file content (base64 on the wire); reads return it empty.
type DocumentAttachment struct {
	ID         string          `json:"ID"`
	Document   string          `json:"Document" exact:"post"`
	FileName   string          `json:"FileName" exact:"post"`
	Attachment []byte          `json:"Attachment" exact:"post"`
	FileSize   decimal.Decimal `json:"FileSize"`
	URL        string          `json:"Url"`
}

// DocumentType is a documents/DocumentTypes record.
type DocumentType struct {
	ID                  int    `json:"ID"`
	Description         string `json:"Description"`
	DocumentIsCreatable bool   `json:"DocumentIsCreatable"`
	TypeCategory        int    `json:"TypeCategory"`
}

// CashflowTerm is a payment term: a cashflow/Receivables (customer) or
// cashflow/Payments (supplier) row. Status 20 open, 30 selected, 40
// processed, 50 matched; TransactionEntryID is the entry's EntryID.
type CashflowTerm struct {
	ID                  string          `json:"ID"`
	Account             string          `json:"Account"`
	AccountCode         string          `json:"AccountCode"`
	AccountName         string          `json:"AccountName"`
	AmountDC            decimal.Decimal `json:"AmountDC"`
	AmountFC            decimal.Decimal `json:"AmountFC"`
	Currency            string          `json:"Currency"`
	Description         string          `json:"Description"`
	DueDate             Date            `json:"DueDate"`
	EndDate             Date            `json:"EndDate"`
	EntryDate           Date            `json:"EntryDate"`
	EntryID             string          `json:"EntryID"`
	EntryNumber         int             `json:"EntryNumber"`
	InvoiceDate         Date            `json:"InvoiceDate"`
	InvoiceNumber       int             `json:"InvoiceNumber"`
	IsFullyPaid         bool            `json:"IsFullyPaid"`
	Journal             string          `json:"Journal"`
	LastPaymentDate     Date            `json:"LastPaymentDate"`
	PaymentMethod       string          `json:"PaymentMethod"`
	PaymentReference    string          `json:"PaymentReference"`
	Status              int             `json:"Status"`
	TransactionAmountDC decimal.Decimal `json:"TransactionAmountDC"`
	TransactionAmountFC decimal.Decimal `json:"TransactionAmountFC"`
	TransactionEntryID  string          `json:"TransactionEntryID"`
	TransactionID       string          `json:"TransactionID"`
	TransactionType     int             `json:"TransactionType"`
	YourRef             string          `json:"YourRef"`
	Modified            Date            `json:"Modified"`
	Division            int             `json:"Division"`
}

// PaymentTerm is a sync/Cashflow/PaymentTerms row: LineType 20 receipt
// (receivable), 22 payment (payable); Timestamp is the sync cursor.
type PaymentTerm struct {
	CashflowTerm
	LineType  int   `json:"LineType"`
	Timestamp int64 `json:"Timestamp"`
}

// EntityType values of sync/Deleted rows (DeletedRecord.EntityType).
const (
	DeletedTransactionLine = 1
	DeletedAccount         = 2
	DeletedAddress         = 3
	DeletedAttachment      = 4
	DeletedContact         = 5
	DeletedDocument        = 6
	DeletedGLAccount       = 7
	DeletedPaymentTerm     = 10
	DeletedSalesInvoice    = 13
	DeletedBankAccount     = 48
)

// DeletedRecord is a sync/Deleted row: EntityKey is the ID of the deleted
// record, EntityType its kind (DeletedAccount, DeletedBankAccount, …).
// Exact keeps the log for two months.
type DeletedRecord struct {
	ID          string `json:"ID"`
	Timestamp   int64  `json:"Timestamp"`
	EntityKey   string `json:"EntityKey"`
	EntityType  int    `json:"EntityType"`
	DeletedBy   string `json:"DeletedBy"`
	DeletedDate Date   `json:"DeletedDate"`
	Division    int    `json:"Division"`
}

// Me is the current user (current/Me). CurrentDivision follows the web UI;
// never use it as the configured division.
type Me struct {
	UserID               string `json:"UserID"`
	UserName             string `json:"UserName"`
	FullName             string `json:"FullName"`
	Email                string `json:"Email"`
	LanguageCode         string `json:"LanguageCode"`
	Legislation          string `json:"Legislation"` // a string ("128")
	CurrentDivision      int    `json:"CurrentDivision"`
	AccountingDivision   int    `json:"AccountingDivision"`
	DivisionCustomer     string `json:"DivisionCustomer"`
	DivisionCustomerName string `json:"DivisionCustomerName"`
	ServerTime           string `json:"ServerTime"` // local wall clock, no zone
	ServerUtcOffset      int    `json:"ServerUtcOffset"`
}

// Division is a system/Divisions record (an administration the user granted).
type Division struct {
	Code             int    `json:"Code"`
	Description      string `json:"Description"`
	Hid              int64  `json:"Hid"`
	Current          bool   `json:"Current"`
	IsMainDivision   bool   `json:"IsMainDivision"`
	Country          string `json:"Country"`
	Currency         string `json:"Currency"`
	VATNumber        string `json:"VATNumber"`
	Status           int    `json:"Status"` // 0 inactive, 1 active, 2 archived
	BlockingStatus   int    `json:"BlockingStatus"`
	DivisionMoveDate Date   `json:"DivisionMoveDate"`
}

// ---- Me and divisions ------------------------------------------------------

// Me returns the current user (/api/v1/current/Me).
func (c *Client) Me(ctx context.Context) (*Me, error) {
	u, err := c.apiURL(0, "Me", [][2]string{{"$select", selectOf[Me](nil)}})
	if err != nil {
		return nil, err
	}
	body, err := c.do(ctx, &request{method: http.MethodGet, url: u})
	if err != nil {
		return nil, err
	}
	return decodeOne[Me](body)
}

// Divisions lists the divisions the user granted the app. Exact ignores the
// division in this URL; pass any division the user can access.
func (c *Client) Divisions(ctx context.Context, anyDivision int) ([]Division, error) {
	return Collect(list[Division](ctx, c, anyDivision, "system/Divisions", nil))
}

// ---- services ------------------------------------------------------------

// AccountsService handles crm/Accounts. List needs a Filter (mandatory filtering).
type AccountsService service

const accountsPath = "crm/Accounts"

// List iterates accounts matching opts.Filter.
func (s *AccountsService) List(ctx context.Context, division int, opts *ListOptions) iter.Seq2[*Account, error] {
	return list[Account](ctx, s.client, division, accountsPath, opts)
}

// AccountKey is the slim view of an account kept in a local mirror to match relations without API calls.
type AccountKey struct {
	ID                string `json:"ID"`
	Code              string `json:"Code"`
	Name              string `json:"Name"`
	VATNumber         string `json:"VATNumber"`
	ChamberOfCommerce string `json:"ChamberOfCommerce"`
	Timestamp         int64  `json:"Timestamp"`
}

// SyncSince iterates sync/CRM/Accounts rows changed after the Timestamp cursor since (1 the first time),
// 1000 a page; store the highest Timestamp seen as the next cursor.
func (s *AccountsService) SyncSince(ctx context.Context, division int, since int64) iter.Seq2[*AccountKey, error] {
	return list[AccountKey](ctx, s.client, division, "sync/CRM/Accounts", &ListOptions{Filter: Gt("Timestamp", Int64(since))})
}

// Get fetches one account by ID.
func (s *AccountsService) Get(ctx context.Context, division int, id string) (*Account, error) {
	return getByGUID[Account](ctx, s.client, division, accountsPath, id)
}

// Create posts a new account and returns it as stored.
func (s *AccountsService) Create(ctx context.Context, division int, a *Account) (*Account, error) {
	return create(ctx, s.client, division, accountsPath, a)
}

// Update changes only fields.
func (s *AccountsService) Update(ctx context.Context, division int, id string, fields Fields) error {
	return update(ctx, s.client, division, accountsPath, id, fields)
}

// Delete removes an account.
func (s *AccountsService) Delete(ctx context.Context, division int, id string) error {
	return remove(ctx, s.client, division, accountsPath, id)
}

// BankAccountsService handles crm/BankAccounts.
type BankAccountsService service

const bankAccountsPath = "crm/BankAccounts"

// List iterates bank accounts.
func (s *BankAccountsService) List(ctx context.Context, division int, opts *ListOptions) iter.Seq2[*BankAccount, error] {
	return list[BankAccount](ctx, s.client, division, bankAccountsPath, opts)
}

// Get fetches one bank account.
func (s *BankAccountsService) Get(ctx context.Context, division int, id string) (*BankAccount, error) {
	return getByGUID[BankAccount](ctx, s.client, division, bankAccountsPath, id)
}

// Create posts a bank account.
func (s *BankAccountsService) Create(ctx context.Context, division int, b *BankAccount) (*BankAccount, error) {
	return create(ctx, s.client, division, bankAccountsPath, b)
}

// Update changes only fields.
func (s *BankAccountsService) Update(ctx context.Context, division int, id string, fields Fields) error {
	return update(ctx, s.client, division, bankAccountsPath, id, fields)
}

// Delete removes a bank account.
func (s *BankAccountsService) Delete(ctx context.Context, division int, id string) error {
	return remove(ctx, s.client, division, bankAccountsPath, id)
}

// PaymentConditionsService handles cashflow/PaymentConditions (GET, POST).
type PaymentConditionsService service

const paymentConditionsPath = "cashflow/PaymentConditions"

// List iterates payment conditions.
func (s *PaymentConditionsService) List(ctx context.Context, division int, opts *ListOptions) iter.Seq2[*PaymentCondition, error] {
	return list[PaymentCondition](ctx, s.client, division, paymentConditionsPath, opts)
}

// Get fetches one payment condition.
func (s *PaymentConditionsService) Get(ctx context.Context, division int, id string) (*PaymentCondition, error) {
	return getByGUID[PaymentCondition](ctx, s.client, division, paymentConditionsPath, id)
}

// Create posts a payment condition.
func (s *PaymentConditionsService) Create(ctx context.Context, division int, p *PaymentCondition) (*PaymentCondition, error) {
	return create(ctx, s.client, division, paymentConditionsPath, p)
}

// VATCodesService reads vat/VATCodes.
type VATCodesService service

const vatCodesPath = "vat/VATCodes"

// List iterates VAT codes.
func (s *VATCodesService) List(ctx context.Context, division int, opts *ListOptions) iter.Seq2[*VATCode, error] {
	return list[VATCode](ctx, s.client, division, vatCodesPath, opts)
}

// Get fetches one VAT code by ID.
func (s *VATCodesService) Get(ctx context.Context, division int, id string) (*VATCode, error) {
	return getByGUID[VATCode](ctx, s.client, division, vatCodesPath, id)
}

// GLAccountsService reads financial/GLAccounts.
type GLAccountsService service

const glAccountsPath = "financial/GLAccounts"

// List iterates G/L accounts.
func (s *GLAccountsService) List(ctx context.Context, division int, opts *ListOptions) iter.Seq2[*GLAccount, error] {
	return list[GLAccount](ctx, s.client, division, glAccountsPath, opts)
}

// Get fetches one G/L account.
func (s *GLAccountsService) Get(ctx context.Context, division int, id string) (*GLAccount, error) {
	return getByGUID[GLAccount](ctx, s.client, division, glAccountsPath, id)
}

// JournalsService reads financial/Journals.
type JournalsService service

const journalsPath = "financial/Journals"

// List iterates journals.
func (s *JournalsService) List(ctx context.Context, division int, opts *ListOptions) iter.Seq2[*Journal, error] {
	return list[Journal](ctx, s.client, division, journalsPath, opts)
}

// Get fetches one journal.
func (s *JournalsService) Get(ctx context.Context, division int, id string) (*Journal, error) {
	return getByGUID[Journal](ctx, s.client, division, journalsPath, id)
}

// FinancialPeriodsService reads financial/FinancialPeriods.
type FinancialPeriodsService service

const financialPeriodsPath = "financial/FinancialPeriods"

// List iterates financial periods.
func (s *FinancialPeriodsService) List(ctx context.Context, division int, opts *ListOptions) iter.Seq2[*FinancialPeriod, error] {
	return list[FinancialPeriod](ctx, s.client, division, financialPeriodsPath, opts)
}

// Get fetches one financial period.
func (s *FinancialPeriodsService) Get(ctx context.Context, division int, id string) (*FinancialPeriod, error) {
	return getByGUID[FinancialPeriod](ctx, s.client, division, financialPeriodsPath, id)
}

// CostCentersService reads hrm/Costcenters (the path is case-sensitive).
type CostCentersService service

const costCentersPath = "hrm/Costcenters"

// List iterates cost centres, active and inactive.
func (s *CostCentersService) List(ctx context.Context, division int, opts *ListOptions) iter.Seq2[*CostCenter, error] {
	return list[CostCenter](ctx, s.client, division, costCentersPath, opts)
}

// Get fetches one cost centre by ID.
func (s *CostCentersService) Get(ctx context.Context, division int, id string) (*CostCenter, error) {
	return getByGUID[CostCenter](ctx, s.client, division, costCentersPath, id)
}

// CostUnitsService reads hrm/Costunits (the path is case-sensitive).
type CostUnitsService service

const costUnitsPath = "hrm/Costunits"

// List iterates cost units.
func (s *CostUnitsService) List(ctx context.Context, division int, opts *ListOptions) iter.Seq2[*CostUnit, error] {
	return list[CostUnit](ctx, s.client, division, costUnitsPath, opts)
}

// Get fetches one cost unit by ID.
func (s *CostUnitsService) Get(ctx context.Context, division int, id string) (*CostUnit, error) {
	return getByGUID[CostUnit](ctx, s.client, division, costUnitsPath, id)
}

// EntryService handles one kind of financial entry (sales or purchase) and its lines: the header resource,
// deep-inserted lines on POST, and the lines resource for lines added later (Exact refuses new lines in a PUT).
type EntryService[T any] struct {
	client    *Client
	path      string // e.g. salesentry/SalesEntries
	linesPath string // e.g. salesentry/SalesEntryLines
	expand    string // the lines' navigation property, e.g. SalesEntryLines
}

// SalesEntriesService handles salesentry/SalesEntries and their lines.
type SalesEntriesService = EntryService[SalesEntry]

// PurchaseEntriesService handles purchaseentry/PurchaseEntries and their lines.
type PurchaseEntriesService = EntryService[PurchaseEntry]

func newSalesEntries(c *Client) *SalesEntriesService {
	return &SalesEntriesService{client: c, path: "salesentry/SalesEntries", linesPath: "salesentry/SalesEntryLines", expand: "SalesEntryLines"}
}

func newPurchaseEntries(c *Client) *PurchaseEntriesService {
	return &PurchaseEntriesService{client: c, path: "purchaseentry/PurchaseEntries", linesPath: "purchaseentry/PurchaseEntryLines", expand: "PurchaseEntryLines"}
}

// List iterates entries (add Expand with the lines' property, e.g. "SalesEntryLines", for lines).
func (s *EntryService[T]) List(ctx context.Context, division int, opts *ListOptions) iter.Seq2[*T, error] {
	return list[T](ctx, s.client, division, s.path, opts)
}

// Get fetches one entry with its lines.
func (s *EntryService[T]) Get(ctx context.Context, division int, entryID string) (*T, error) {
	return getByGUID[T](ctx, s.client, division, s.path, entryID, s.expand)
}

// Create posts an entry with its lines in one request.
func (s *EntryService[T]) Create(ctx context.Context, division int, e *T) (*T, error) {
	return create(ctx, s.client, division, s.path, e)
}

// Update changes header fields only (new lines go through CreateLine).
func (s *EntryService[T]) Update(ctx context.Context, division int, entryID string, fields Fields) error {
	return update(ctx, s.client, division, s.path, entryID, fields)
}

// Delete removes an entry.
func (s *EntryService[T]) Delete(ctx context.Context, division int, entryID string) error {
	return remove(ctx, s.client, division, s.path, entryID)
}

// Lines iterates the lines of one entry.
func (s *EntryService[T]) Lines(ctx context.Context, division int, entryID string) iter.Seq2[*EntryLine, error] {
	return list[EntryLine](ctx, s.client, division, s.linesPath, &ListOptions{Filter: Eq("EntryID", Guid(entryID))})
}

// CreateLine adds a line to an existing entry (l.EntryID required).
func (s *EntryService[T]) CreateLine(ctx context.Context, division int, l *EntryLine) (*EntryLine, error) {
	return create(ctx, s.client, division, s.linesPath, l)
}

// UpdateLine changes fields of a line.
func (s *EntryService[T]) UpdateLine(ctx context.Context, division int, id string, fields Fields) error {
	return update(ctx, s.client, division, s.linesPath, id, fields)
}

// DeleteLine removes a line.
func (s *EntryService[T]) DeleteLine(ctx context.Context, division int, id string) error {
	return remove(ctx, s.client, division, s.linesPath, id)
}

// DocumentsService handles documents/Documents.
type DocumentsService service

const documentsPath = "documents/Documents"

// List iterates documents.
func (s *DocumentsService) List(ctx context.Context, division int, opts *ListOptions) iter.Seq2[*Document, error] {
	return list[Document](ctx, s.client, division, documentsPath, opts)
}

// Get fetches one document.
func (s *DocumentsService) Get(ctx context.Context, division int, id string) (*Document, error) {
	return getByGUID[Document](ctx, s.client, division, documentsPath, id)
}

// Create posts a document (then attach the file with DocumentAttachments.Create).
func (s *DocumentsService) Create(ctx context.Context, division int, d *Document) (*Document, error) {
	return create(ctx, s.client, division, documentsPath, d)
}

// Update changes only fields.
func (s *DocumentsService) Update(ctx context.Context, division int, id string, fields Fields) error {
	return update(ctx, s.client, division, documentsPath, id, fields)
}

// Delete removes a document.
func (s *DocumentsService) Delete(ctx context.Context, division int, id string) error {
	return remove(ctx, s.client, division, documentsPath, id)
}

// DocumentAttachmentsService handles documents/DocumentAttachments (no PUT).
type DocumentAttachmentsService service

const attachmentsPath = "documents/DocumentAttachments"

// List iterates attachments (filter on Document).
func (s *DocumentAttachmentsService) List(ctx context.Context, division int, opts *ListOptions) iter.Seq2[*DocumentAttachment, error] {
	return list[DocumentAttachment](ctx, s.client, division, attachmentsPath, opts)
}

// Get fetches one attachment's metadata.
func (s *DocumentAttachmentsService) Get(ctx context.Context, division int, id string) (*DocumentAttachment, error) {
	return getByGUID[DocumentAttachment](ctx, s.client, division, attachmentsPath, id)
}

// Create uploads a file to a document.
func (s *DocumentAttachmentsService) Create(ctx context.Context, division int, a *DocumentAttachment) (*DocumentAttachment, error) {
	return create(ctx, s.client, division, attachmentsPath, a)
}

// Delete removes an attachment.
func (s *DocumentAttachmentsService) Delete(ctx context.Context, division int, id string) error {
	return remove(ctx, s.client, division, attachmentsPath, id)
}

// DocumentTypesService reads documents/DocumentTypes.
type DocumentTypesService service

const documentTypesPath = "documents/DocumentTypes"

// List iterates document types.
func (s *DocumentTypesService) List(ctx context.Context, division int, opts *ListOptions) iter.Seq2[*DocumentType, error] {
	return list[DocumentType](ctx, s.client, division, documentTypesPath, opts)
}

// Get fetches one document type by its numeric ID (10 = sales invoice).
func (s *DocumentTypesService) Get(ctx context.Context, division int, id int) (*DocumentType, error) {
	return get[DocumentType](ctx, s.client, division, documentTypesPath+"("+strconv.Itoa(id)+")", nil)
}

// CashflowService reads payment terms: cashflow/Receivables,
// cashflow/Payments and the sync/Cashflow/PaymentTerms feed.
type CashflowService service

// Receivables iterates customer payment terms (cashflow/Receivables).
func (s *CashflowService) Receivables(ctx context.Context, division int, opts *ListOptions) iter.Seq2[*CashflowTerm, error] {
	return list[CashflowTerm](ctx, s.client, division, "cashflow/Receivables", opts)
}

// Payments iterates supplier payment terms (cashflow/Payments).
func (s *CashflowService) Payments(ctx context.Context, division int, opts *ListOptions) iter.Seq2[*CashflowTerm, error] {
	return list[CashflowTerm](ctx, s.client, division, "cashflow/Payments", opts)
}

// PaymentTermsSince iterates sync/Cashflow/PaymentTerms rows changed after
// the Timestamp cursor since (use 1 the first time); store the highest
// Timestamp seen as the next cursor.
func (s *CashflowService) PaymentTermsSince(ctx context.Context, division int, since int64) iter.Seq2[*PaymentTerm, error] {
	return list[PaymentTerm](ctx, s.client, division, "sync/Cashflow/PaymentTerms", &ListOptions{Filter: Gt("Timestamp", Int64(since))})
}

// DeletedService reads sync/Deleted.
type DeletedService service

// Since iterates deletions after the Timestamp cursor since.
func (s *DeletedService) Since(ctx context.Context, division int, since int64) iter.Seq2[*DeletedRecord, error] {
	return list[DeletedRecord](ctx, s.client, division, "sync/Deleted", &ListOptions{Filter: Gt("Timestamp", Int64(since))})
}
