package exacttest

import (
	"sort"
	"strings"
)

// parseFields reads a compact field spec: "Name:type:flags" separated by
// white space. Types: s String, g Guid, i Int32, l Int64, d Double, b Boolean,
// t DateTime, x Byte[], n:<target> navigation. Flags as for fl.
func parseFields(spec string) []*field {
	var out []*field
	for _, item := range strings.Fields(spec) {
		parts := strings.SplitN(item, ":", 3)
		flags := ""
		if len(parts) == 3 {
			flags = parts[2]
		}
		var t ftype
		switch parts[1] {
		case "s":
			t = tString
		case "g":
			t = tGuid
		case "i":
			t = tInt32
		case "l":
			t = tInt64
		case "d":
			t = tDouble
		case "b":
			t = tBool
		case "t":
			t = tDate
		case "x":
			t = tBinary
		case "n":
			out = append(out, navf(parts[0], flags))
			continue
		default:
			panic("exacttest: bad field spec " + item)
		}
		out = append(out, fl(parts[0], t, flags))
	}
	return out
}

const accountSpec = `ID:g Accountant:g:PU AccountManager:g:PU AccountManagerFullName:s AccountManagerHID:i
ActivitySector:g ActivitySubSector:g AddressLine1:s:PU AddressLine2:s:PU AddressLine3:s:PU
BankAccounts:n:crm/BankAccounts Blocked:b:PU BRIN:g BSN:s BusinessType:g CanDropShip:b
ChamberOfCommerce:s:PU City:s:PU Classification:s:PU Classification1:g Classification2:g Classification3:g
Classification4:g Classification5:g Classification6:g Classification7:g Classification8:g
ClassificationDescription:s ClientGroup:g ClientGroupDescription:s Code:s:PU CodeAtSupplier:s:PU
CompanySize:g ConsolidationScenario:i ControlledDate:t Costcenter:s CostcenterDescription:s CostPaid:i:Z
Country:s:PU CountryName:s Created:t Creator:g CreatorFullName:s CreditLinePurchase:d CreditLineSales:d
Currency:s CustomField:s CustomerSince:t DatevCreditorCode:s DatevDebtorCode:s DeliveryAdvice:i
DiscountPurchase:d DiscountSales:d Division:i Document:g DunsNumber:s Email:s:PU EnableSalesPaymentLink:b
EndDate:t:PU EstablishedDate:t Fax:s:PU GLAccountPurchase:g:PU GLAccountSales:g:PU GLAP:g:PU GLAR:g:PU
GlnNumber:s HasWithholdingTaxSales:b IgnoreDatevWarningMessage:b:Z IncotermAddressPurchase:s
IncotermCodePurchase:s IncotermVersionPurchase:i IncotermAddressSales:s IncotermCodeSales:s
IncotermVersionSales:i IntraStatArea:s IntraStatDeliveryTerm:s IntraStatSystem:s IntraStatTransactionA:s
IntraStatTransactionB:s IntraStatTransportMethod:s InvoiceAccount:g InvoiceAccountCode:s InvoiceAccountName:s
InvoiceAttachmentType:i:PU InvoicingMethod:i:PU AutomaticProcessProposedEntry:i IsAccountant:i:Z IsAgency:i:Z
IsAnonymised:i:Z IsBank:b IsCompetitor:i:Z IsExtraDuty:b IsMailing:i:Z IsMember:b IsPilot:b IsPurchase:b
IsReseller:b IsSales:b IsSupplier:b:PU Language:s:PU LanguageDescription:s Latitude:d LeadSource:g
LeadPurpose:g LogoFileName:s LogoThumbnailUrl:s LogoUrl:s Logo:x Longitude:d MainContact:g:PU Modified:t
Modifier:g ModifierFullName:s Name:s:PUR OINNumber:s:PU Parent:g:PU PaymentConditionPurchase:s:PU
PaymentConditionPurchaseDescription:s PaymentConditionSales:s:PU PaymentConditionSalesDescription:s
PayAsYouEarn:s Phone:s:PU PhoneExtension:s:PU Postcode:s:PU PriceList:g PurchaseCurrency:s:PU
PurchaseCurrencyDescription:s PurchaseLeadDays:i PurchaseVATCode:s:PU PurchaseVATCodeDescription:s
Remarks:s:PU RecepientOfCommissions:b Reseller:g ResellerCode:s ResellerName:s RSIN:s:PU SalesCurrency:s:PU
SalesCurrencyDescription:s SalesVATCode:s:PU SalesVATCodeDescription:s SearchCode:s:PU SecurityLevel:i
SeparateInvPerProject:i:Z SeparateInvPerSubscription:i:Z ShippingLeadDays:i ShippingMethod:g
ShowRemarkForSales:b StartDate:t:PU State:s:PU StateName:s Status:s:PU StatusSince:t SalesTaxSchedule:g
SalesTaxScheduleCode:s SalesTaxScheduleDescription:s TradeName:s:PU Type:s UniqueTaxpayerReference:s
VATLiability:s:PU VATNumber:s:PU Website:s:PU EORINumber:s:PU AddressSource:i Source:i
PeppolIdentifierType:i:PU PeppolIdentifier:s:PU`

// accountFilterFields is Exact's list for the crm/Accounts mandatory filter.
var accountFilterFields = strings.Split("Accountant,AccountManager,AddressLine1,AddressLine2,AddressLine3,Blocked,BRIN,BSN,ChamberOfCommerce,City,Classification1,Classification2,Classification3,Classification4,Classification5,Classification6,Classification7,Classification8,Classification,Code,CodeAtSupplier,Country,Created,Email,EndDate,Fax,ID,InvoiceAccount,IsAccountant,IsReseller,IsSales,IsSupplier,MainContact,Modified,Name,Parent,Phone,Postcode,PriceList,Reseller,RSIN,SearchCode,StartDate,Status,Type,VATNumber", ",")

const bankAccountSpec = `ID:g Account:g:PUR AccountName:s BankAccount:s:PUR BankAccountHolderName:s:PU BICCode:s:PU
Blocked:b:PU Created:t Creator:g CreatorFullName:s Description:s:PU Division:i Format:s Main:b:PU Modified:t
Modifier:g ModifierFullName:s Type:s TypeDescription:s`

const paymentConditionSpec = `ID:g Code:s:PUR CreditManagementScenario:g Created:t Creator:g CreatorFullName:s
Description:s:PUR DiscountCalculation:s:PU DiscountPaymentDays:i:PU DiscountPercentage:d:PU Division:i Modified:t
Modifier:g ModifierFullName:s PaymentDays:i:PU PaymentDiscountType:s:PU PaymentEndOfMonths:i:PU
PaymentMethod:s:PU Percentage:d:PU VATCalculation:s:PU`

const vatCodeSpec = `ID:g Account:g AccountCode:s AccountName:s CalculationBasis:i Charged:b Code:s:PR Country:s Created:t
Creator:g Description:s:PU Division:i EUSalesListing:s GLToClaim:g GLToClaimCode:s GLToPay:g GLToPayCode:s
IntraStat:b IntrastatType:s IsBlocked:b Modified:t Modifier:g Percentage:d Type:s VatDocType:s VatMargin:i
VATPercentages:n:vat/VATPercentages VATTransactionType:s`

const glAccountSpec = `ID:g BalanceSide:s BalanceType:s Code:s:PR Compress:b Created:t Creator:g Description:s:PUR
Division:i ExcludeVATListing:i IsBlocked:b Matching:b Modified:t Modifier:g PrivatePercentage:d
SearchCode:s Type:i:PR TypeDescription:s VATCode:s VATDescription:s VATNonDeductiblePercentage:d
PrivateGLAccount:g UseCostcenter:i ExpenseNonDeductiblePercentage:d YearEndCostGLAccount:g CreatorFullName:s
RevalueCurrency:b ModifierFullName:s UseCostunit:i CostcenterDescription:s Costunit:s VATGLAccountType:s
BelcotaxType:i Costcenter:s ReportingCode:s CostunitDescription:s YearEndReflectionGLAccount:g
VATNonDeductibleGLAccount:g`

const journalSpec = `ID:g AllowVariableCurrency:b AllowVariableExchangeRate:b Code:s Created:t Currency:s Description:s
Division:i GLAccount:g GLAccountCode:s GLAccountDescription:s Modified:t Type:i TypeDescription:s`

const financialPeriodSpec = `ID:g Created:t Division:i EndDate:t FinPeriod:i FinYear:i Modified:t StartDate:t Status:i`

const costCenterSpec = `ID:g Active:b Code:s Created:t Creator:g CreatorFullName:s Description:s Division:i Modified:t
Modifier:g ModifierFullName:s`

const costUnitSpec = `ID:g Code:s Created:t Creator:g CreatorFullName:s Description:s Division:i Modified:t Modifier:g
ModifierFullName:s`

const meSpec = `UserID:g AccountingDivision:i CurrentDivision:i DivisionCustomer:g DivisionCustomerCode:s
DivisionCustomerName:s Email:s EmployeeID:g FirstName:s FullName:s Gender:s IsClientUser:b Language:s
LanguageCode:s LastName:s Legislation:s PackageCode:s Phone:s PictureUrl:s ServerTime:s ServerUtcOffset:d
Title:s UserName:s`

const divisionSpec = `Code:i BlockingStatus:i Country:s Created:t Currency:s Current:b Customer:g Description:s
DivisionMoveDate:t Hid:l IsMainDivision:b Legislation:s Modified:t Status:i VATNumber:s`

const documentTypeSpec = `ID:i Description:s DocumentIsCreatable:b DocumentIsDeletable:b DocumentIsUpdatable:b
DocumentIsViewable:b TypeCategory:i`

const documentSpec = `ID:g Account:g:PU AccountCode:s AccountName:s AmountFC:d:PU Body:s:PU Category:g:PU
CategoryDescription:s Contact:g:PU Created:t Creator:g CreatorFullName:s Currency:s:PU Division:i
DocumentDate:t:PU DocumentFolder:g:PU DocumentViewUrl:s FinancialTransactionEntryID:g:PU HasEmptyBody:b HID:i
Language:s:PU Modified:t Modifier:g ModifierFullName:s Subject:s:PUR Type:i:PUR TypeDescription:s
SalesInvoiceNumber:i SalesOrderNumber:i SendMethod:i TeamsMeetingId:s CostunitCode:s CostunitDescription:s
DocumentFolderDescription:s ProposedEntryStatus:i CostcenterCode:s Opportunity:g ProjectDescription:s Project:g:PU
Item:g ItemDescription:s CostcenterDescription:s DocumentFolderCode:s EntryStatusDescription:s ContactFullName:s
ExpiryDate:t ProjectCode:s ContractNumber:s ShopOrderNumber:i InheritShare:b ItemCode:s ContractID:g
ScanServiceStatus:i ActionRegenerateEntryProposal:b`

const attachmentSpec = `ID:g Attachment:x:PR Document:g:PR FileName:s:PR FileSize:d Url:s`

const salesEntrySpec = `EntryID:g:P SalesEntryLines:n:salesentry/SalesEntryLines AmountDC:d AmountFC:d BatchNumber:i:PU
Created:t Creator:g CreatorFullName:s Currency:s:PU Customer:g:PUR CustomerName:s Description:s:PU Division:i
Document:g:PU DocumentNumber:i DocumentSubject:s DueDate:t:PU EntryDate:t:PU EntryNumber:i:PU
ExternalLinkDescription:s ExternalLinkReference:s:PU GAccountAmountFC:d:PU InvoiceNumber:i:PU Journal:s:PUR
JournalDescription:s Modified:t Modifier:g ModifierFullName:s OrderNumber:i:PU PaymentCondition:s:PU
PaymentConditionDescription:s PaymentConditionPaymentMethod:s PaymentReference:s:PU ProcessNumber:i:PU Rate:d:PU
ReportingPeriod:i:PU ReportingYear:i:PU Reversal:b:PU Status:i StatusDescription:s Type:i TypeDescription:s
VATAmountDC:d VATAmountFC:d:PU YourRef:s:PU`

const purchaseEntrySpec = `EntryID:g:P PurchaseEntryLines:n:purchaseentry/PurchaseEntryLines AmountDC:d AmountFC:d
BatchNumber:i:PU Created:t Creator:g CreatorFullName:s Currency:s:PU Supplier:g:PUR SupplierName:s Description:s:PU
Division:i Document:g:PU DocumentNumber:i DocumentSubject:s DueDate:t:PU EntryDate:t:PU EntryNumber:i:PU
ExternalLinkDescription:s ExternalLinkReference:s:PU GAccountAmountFC:d:PU InvoiceNumber:i:PU Journal:s:PUR
JournalDescription:s Modified:t Modifier:g ModifierFullName:s OrderNumber:i:PU PaymentCondition:s:PU
PaymentConditionDescription:s PaymentConditionPaymentMethod:s PaymentReference:s:PU ProcessNumber:i:PU Rate:d:PU
ReportingPeriod:i:PU ReportingYear:i:PU Reversal:b:PU Status:i StatusDescription:s Type:i TypeDescription:s
VATAmountDC:d VATAmountFC:d:PU YourRef:s:PU`

const entryLineSpec = `ID:g AmountDC:d:PU AmountFC:d:PU CostCenter:s:PU CostCenterDescription:s CostUnit:s:PU
CostUnitDescription:s Description:s:PU Division:i EntryID:g:P From:t:PU GLAccount:g:PU GLAccountCode:s
GLAccountDescription:s LineNumber:i Notes:s:PU Project:g:PU Quantity:d:PU To:t:PU Type:i VATAmountDC:d
VATAmountFC:d:PU VATBaseAmountDC:d VATBaseAmountFC:d:PU VATCode:s:PU VATCodeDescription:s VATPercentage:d`

const termSpec = `ID:g Account:g AccountCode:s AccountName:s AmountDC:d AmountFC:d Created:t Currency:s Description:s:U
Division:i DueDate:t EndDate:t EndPeriod:i EndYear:i EntryDate:t EntryID:g EntryNumber:i GLAccount:g GLAccountCode:s
GLAccountDescription:s InvoiceDate:t InvoiceNumber:i IsFullyPaid:b Journal:s JournalDescription:s LastPaymentDate:t
Modified:t PaymentCondition:s PaymentConditionDescription:s PaymentMethod:s:U PaymentReference:s:U RateFC:d Source:i
Status:i TransactionAmountDC:d TransactionAmountFC:d TransactionDueDate:t TransactionEntryID:g TransactionID:g
TransactionIsReversal:b TransactionReportingPeriod:i TransactionReportingYear:i TransactionStatus:i TransactionType:i
YourRef:s`

const currencySpec = `Code:s AmountPrecision:d Created:t Description:s Modified:t PricePrecision:d`

const exchangeRateSpec = `ID:g Created:t Division:i Modified:t Rate:d SourceCurrency:s SourceCurrencyDescription:s
StartDate:t TargetCurrency:s TargetCurrencyDescription:s`

const bankEntrySpec = `EntryID:g BankEntryLines:n:financialtransaction/BankEntryLines BankStatementDocument:g
BankStatementDocumentNumber:i BankStatementDocumentSubject:s ClosingBalanceFC:d Created:t Currency:s Division:i
EntryNumber:i FinancialPeriod:i FinancialYear:i JournalCode:s JournalDescription:s Modified:t OpeningBalanceFC:d
Status:i StatusDescription:s`

const bankEntryLineSpec = `ID:g Account:g AccountCode:s AccountName:s AmountDC:d AmountFC:d AmountVATFC:d Created:t
Date:t Description:s Division:i Document:g EntryID:g EntryNumber:i ExchangeRate:d GLAccount:g GLAccountCode:s
GLAccountDescription:s LineNumber:i Modified:t Notes:s OurRef:i Type:i VATCode:s`

const receivablesListSpec = `HID:l AccountCode:s AccountId:g AccountName:s Amount:d AmountInTransit:d CurrencyCode:s
Description:s DueDate:t EntryNumber:i Id:g InvoiceDate:t InvoiceNumber:i JournalCode:s JournalDescription:s
Notes:s YourRef:s`

const deletedSpec = `Timestamp:l DeletedBy:g DeletedDate:t Division:i EntityKey:g EntityType:i ID:g`

// registry holds every entity set, keyed by lower-case name.
var registry = map[string]*entitySet{}

func register(es *entitySet) *entitySet {
	es.init()
	registry[strings.ToLower(es.name)] = es
	return es
}

// termsOf filters the payment-term table by LineType (0 = all).
func termsOf(lineType int64, onlyOpen bool) func(d *division) []record {
	return func(d *division) []record {
		var out []record
		for _, r := range d.tables[tableTerms] {
			if lineType != 0 && r.i64("LineType") != lineType {
				continue
			}
			if onlyOpen && r.i64("Status") != 20 {
				continue
			}
			out = append(out, r)
		}
		return out
	}
}

func openItemsView(lineType int64) func(d *division) []record {
	return func(d *division) []record {
		var out []record
		for _, t := range termsOf(lineType, true)(d) {
			out = append(out, record{
				"HID": t.i64("_hid"), "AccountCode": t["AccountCode"], "AccountId": t["Account"], "AccountName": t["AccountName"],
				"Amount": t["AmountFC"], "AmountInTransit": zeroDec, "CurrencyCode": t["Currency"], "Description": t["Description"],
				"DueDate": t["DueDate"], "EntryNumber": t["EntryNumber"], "Id": t["ID"], "InvoiceDate": t["InvoiceDate"],
				"InvoiceNumber": t["InvoiceNumber"], "JournalCode": t["Journal"], "JournalDescription": t["JournalDescription"],
				"Notes": nil, "YourRef": t["YourRef"],
			})
		}
		return out
	}
}

func init() {
	register(&entitySet{name: "crm/Accounts", typeName: "Exact.Web.Api.Models.Account", key: "ID",
		fields: parseFields(accountSpec), get: true, post: true, put: true, del: true,
		mandatoryFilter: accountFilterFields, create: createAccount, update: updateAccount, remove: removeAccount})
	register(&entitySet{name: "bulk/CRM/Accounts", typeName: "Exact.Web.Api.Models.Bulk.CRM.Account", key: "ID",
		fields: parseFields(accountSpec), get: true, pageSize: 1000, needSelect: true, table: "crm/Accounts"})
	register(&entitySet{name: "sync/CRM/Accounts", typeName: "Exact.Web.Api.Models.Sync.CRM.Account", key: "ID",
		fields: append(parseFields(accountSpec), fl("Timestamp", tInt64, "")), get: true, pageSize: 1000,
		syncTimestamp: true, table: "crm/Accounts"})
	register(&entitySet{name: "crm/BankAccounts", typeName: "Exact.Web.Api.Models.BankAccount", key: "ID",
		fields: parseFields(bankAccountSpec), get: true, post: true, put: true, del: true,
		create: createBankAccount, update: updateBankAccount, remove: removeBankAccount})
	register(&entitySet{name: "cashflow/PaymentConditions", typeName: "Exact.Web.Api.Models.PaymentCondition", key: "ID",
		fields: parseFields(paymentConditionSpec), get: true, post: true, create: createPaymentCondition})
	register(&entitySet{name: "vat/VATCodes", typeName: "Exact.Web.Api.Models.VATCode", key: "ID",
		fields: parseFields(vatCodeSpec), get: true})
	register(&entitySet{name: "vat/VATPercentages", typeName: "Exact.Web.Api.Models.VATPercentage", key: "ID",
		fields: parseFields("ID:g Percentage:d StartDate:t EndDate:t"), get: true})
	register(&entitySet{name: "financial/GLAccounts", typeName: "Exact.Web.Api.Models.GLAccount", key: "ID",
		fields: parseFields(glAccountSpec), get: true, post: true, create: createGLAccount})
	register(&entitySet{name: "financial/Journals", typeName: "Exact.Web.Api.Models.Journal", key: "ID",
		fields: parseFields(journalSpec), get: true})
	register(&entitySet{name: "financial/FinancialPeriods", typeName: "Exact.Web.Api.Models.FinancialPeriod", key: "ID",
		fields: parseFields(financialPeriodSpec), get: true})
	register(&entitySet{name: "hrm/Costcenters", typeName: "Exact.Web.Api.Models.HRM.Costcenter", key: "ID",
		fields: parseFields(costCenterSpec), get: true})
	register(&entitySet{name: "hrm/Costunits", typeName: "Exact.Web.Api.Models.HRM.Costunit", key: "ID",
		fields: parseFields(costUnitSpec), get: true})
	register(&entitySet{name: "current/Me", typeName: "Exact.Web.Api.Models.System.Me", key: "UserID",
		fields: parseFields(meSpec), get: true, bareKeyName: true, rows: meRows})
	register(&entitySet{name: "system/Divisions", typeName: "Exact.Web.Api.System.Division", key: "Code",
		fields: parseFields(divisionSpec), get: true, rows: divisionRows})
	register(&entitySet{name: "documents/DocumentTypes", typeName: "Exact.Web.Api.Models.Documents.DocumentType", key: "ID",
		fields: parseFields(documentTypeSpec), get: true})
	register(&entitySet{name: "documents/Documents", typeName: "Exact.Web.Api.Models.Document", key: "ID",
		fields: parseFields(documentSpec), get: true, post: true, put: true, del: true,
		create: createDocument, update: updateDocument, remove: removeDocument})
	register(&entitySet{name: "documents/DocumentAttachments", typeName: "Exact.Web.Api.Models.DocumentAttachment", key: "ID",
		fields: parseFields(attachmentSpec), get: true, post: true, del: true,
		create: createAttachment, remove: removeAttachment})
	register(&entitySet{name: "salesentry/SalesEntries", typeName: "Exact.Web.Api.Models.SalesEntry", key: "EntryID",
		fields: parseFields(salesEntrySpec), get: true, post: true, put: true, del: true, needSelect: true,
		create: sales.createEntry, update: sales.updateEntry, remove: sales.removeEntry})
	register(&entitySet{name: "salesentry/SalesEntryLines", typeName: "Exact.Web.Api.Models.SalesEntryLine", key: "ID",
		fields: parseFields(entryLineSpec), get: true, post: true, put: true, del: true,
		create: sales.createLine, update: sales.updateLine, remove: sales.removeLine})
	register(&entitySet{name: "purchaseentry/PurchaseEntries", typeName: "Exact.Web.Api.Models.PurchaseEntry", key: "EntryID",
		fields: parseFields(purchaseEntrySpec), get: true, post: true, put: true, del: true, needSelect: true,
		create: purchase.createEntry, update: purchase.updateEntry, remove: purchase.removeEntry})
	register(&entitySet{name: "purchaseentry/PurchaseEntryLines", typeName: "Exact.Web.Api.Models.PurchaseEntryLine", key: "ID",
		fields: parseFields(entryLineSpec), get: true, post: true, put: true, del: true,
		create: purchase.createLine, update: purchase.updateLine, remove: purchase.removeLine})
	register(&entitySet{name: "cashflow/Receivables", typeName: "Exact.Web.Api.Models.Cashflow.Receivable", key: "ID",
		fields: parseFields(termSpec), get: true, put: true, rows: termsOf(20, false), update: updateTerm})
	register(&entitySet{name: "cashflow/Payments", typeName: "Exact.Web.Api.Models.Cashflow.Payment", key: "ID",
		fields: parseFields(termSpec), get: true, put: true, rows: termsOf(22, false), update: updateTerm})
	register(&entitySet{name: "bulk/Cashflow/Receivables", typeName: "Exact.Web.Api.Models.Bulk.Cashflow.Receivable", key: "ID",
		fields: parseFields(termSpec), get: true, pageSize: 1000, needSelect: true, rows: termsOf(20, false)})
	register(&entitySet{name: "bulk/Cashflow/Payments", typeName: "Exact.Web.Api.Models.Bulk.Cashflow.Payment", key: "ID",
		fields: parseFields(termSpec), get: true, pageSize: 1000, needSelect: true, rows: termsOf(22, false)})
	register(&entitySet{name: "sync/Cashflow/PaymentTerms", typeName: "Exact.Web.Api.Models.Sync.Cashflow.PaymentTerm", key: "ID",
		fields: append(parseFields(termSpec), fl("LineType", tInt32, ""), fl("Timestamp", tInt64, "")), get: true,
		pageSize: 1000, syncTimestamp: true, needSelect: true, rows: termsOf(0, false)})
	register(&entitySet{name: "general/Currencies", typeName: "Exact.Web.Api.Models.General.Currency", key: "Code",
		fields: parseFields(currencySpec), get: true})
	register(&entitySet{name: "financial/ExchangeRates", typeName: "Exact.Web.Api.Models.Financial.ExchangeRate", key: "ID",
		fields: parseFields(exchangeRateSpec), get: true})
	register(&entitySet{name: "financialtransaction/BankEntries", typeName: "Exact.Web.Api.Models.Financial.BankEntry", key: "EntryID",
		fields: parseFields(bankEntrySpec), get: true})
	register(&entitySet{name: "financialtransaction/BankEntryLines", typeName: "Exact.Web.Api.Models.Financial.BankEntryLine", key: "ID",
		fields: parseFields(bankEntryLineSpec), get: true})
	register(&entitySet{name: "sync/Deleted", typeName: "Exact.Web.Api.Models.Sync.Deleted", key: "ID",
		fields: parseFields(deletedSpec), get: true, pageSize: 1000, syncTimestamp: true})
	register(&entitySet{name: "read/financial/ReceivablesList", typeName: "Exact.Web.Api.Models.Financial.ReceivablesList", key: "HID",
		fields: parseFields(receivablesListSpec), get: true, rows: openItemsView(20)})
	register(&entitySet{name: "read/financial/PayablesList", typeName: "Exact.Web.Api.Models.Financial.PayablesList", key: "HID",
		fields: parseFields(receivablesListSpec + " ApprovalStatus:i"), get: true, rows: openItemsView(22)})
}

// EntitySets lists the served entity sets (sorted).
func EntitySets() []string {
	out := make([]string, 0, len(registry))
	for _, es := range registry {
		out = append(out, es.name)
	}
	sort.Strings(out)
	return out
}
