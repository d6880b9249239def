package exacttest

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

var zeroDec = decimal.Zero

const isoCountries = `AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW
BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM
FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE
JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP
MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA
RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR
TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW`

var countryNames = map[string]string{"NL": "Netherlands", "BE": "Belgium", "DE": "Germany", "FR": "France",
	"GB": "United Kingdom", "LU": "Luxembourg", "ES": "Spain", "IT": "Italy", "AT": "Austria", "US": "United States",
	"DK": "Denmark", "SE": "Sweden", "PL": "Poland", "IE": "Ireland", "PT": "Portugal", "CH": "Switzerland"}

var countrySet = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields(isoCountries) {
		m[c] = true
	}
	return m
}()

func newGUID() string { return uuid.NewString() }

func padLeft(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return strings.Repeat(" ", n-len(s)) + s
}

func padRight(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return s + strings.Repeat(" ", n-len(s))
}

// stamp fills the audit fields of a new record.
func (s *Server) stamp(d *division, rec record) {
	now := s.local()
	rec["Created"] = now
	rec["Modified"] = now
	rec["Creator"] = s.userID
	rec["Modifier"] = s.userID
	rec["CreatorFullName"] = "Sim User"
	rec["ModifierFullName"] = "Sim User"
	rec["Division"] = int64(d.code)
	rec["Timestamp"] = d.nextTS()
}

func (s *Server) touch(d *division, rec record) {
	rec["Modified"] = s.local()
	rec["Modifier"] = s.userID
	rec["Timestamp"] = d.nextTS()
}

// logDeleted records a deletion for sync/Deleted.
func (s *Server) logDeleted(d *division, entityType int64, key string) {
	id := newGUID()
	d.put("sync/Deleted", "ID", record{"ID": id, "Timestamp": d.nextTS(), "DeletedBy": s.userID, "DeletedDate": s.local(),
		"Division": int64(d.code), "EntityKey": key, "EntityType": entityType})
}

func (d *division) find(table, field string, want any) record {
	for _, r := range d.tables[table] {
		if r[field] == want {
			return r
		}
	}
	return nil
}

// findCode finds by a code compared trimmed, case-insensitive.
func (d *division) findCode(table, code string) record {
	c := strings.ToLower(strings.TrimSpace(code))
	for _, r := range d.tables[table] {
		if strings.ToLower(strings.TrimSpace(r.str("Code"))) == c {
			return r
		}
	}
	return nil
}

func (d *division) get(table, id string) record { return d.tables[table][strings.ToLower(id)] }

// ---- crm/Accounts --------------------------------------------------------

func applyWritable(es *entitySet, rec record, in *input) {
	for k, v := range in.vals {
		if f := es.field(k); f != nil && f.typ != tBinary {
			rec[k] = v
		}
	}
}

func validateAccount(d *division, rec record, in *input) error {
	if in.has("Code") && in.vals["Code"] != nil {
		code := strings.TrimSpace(in.str("Code"))
		if code == "" {
			return validation("Verplicht: Code")
		}
		if len(code) > 18 {
			return validation("Code: de maximale lengte is 18 tekens.")
		}
		for _, o := range d.tables["crm/Accounts"] {
			if o["ID"] != rec["ID"] && strings.EqualFold(strings.TrimSpace(o.str("Code")), code) {
				return validation("Gegeven bestaat reeds.")
			}
		}
		rec["Code"] = padLeft(code, 18)
	}
	if in.has("Country") {
		if c, ok := in.vals["Country"].(string); ok && strings.TrimSpace(c) != "" {
			c = strings.ToUpper(strings.TrimSpace(c))
			if !countrySet[c] {
				return validation("Ongeldige referentie: Land")
			}
			rec["Country"] = padRight(c, 3)
			name := countryNames[c]
			if name == "" {
				name = c
			}
			rec["CountryName"] = name
		} else {
			rec["Country"], rec["CountryName"] = nil, nil
		}
	}
	if in.has("Status") {
		st, _ := in.vals["Status"].(string)
		switch st {
		case "A", "S", "P", "C":
		default:
			return validation("Ongeldige waarde: Status (" + st + ")")
		}
		rec["StatusSince"] = d.s.today()
		if st == "C" && rec["CustomerSince"] == nil {
			rec["CustomerSince"] = d.s.today()
		}
	}
	for _, pc := range []string{"PaymentConditionSales", "PaymentConditionPurchase"} {
		if c, ok := in.vals[pc].(string); ok && in.has(pc) {
			p := d.findCode("cashflow/PaymentConditions", c)
			if p == nil {
				return validation("Ongeldige referentie: Betalingsconditie")
			}
			rec[pc] = p["Code"]
			rec[pc+"Description"] = p["Description"]
		} else if in.has(pc) {
			rec[pc+"Description"] = nil
		}
	}
	for _, vc := range []string{"SalesVATCode", "PurchaseVATCode"} {
		if c, ok := in.vals[vc].(string); ok && in.has(vc) {
			v := d.findCode("vat/VATCodes", c)
			if v == nil {
				return validation("Ongeldige referentie: Btw-code")
			}
			rec[vc] = v["Code"]
			rec[vc+"Description"] = v["Description"]
		}
	}
	for _, gl := range []string{"GLAccountSales", "GLAccountPurchase", "GLAR", "GLAP"} {
		if g, ok := in.vals[gl].(string); ok && d.get("financial/GLAccounts", g) == nil {
			return validation("Ongeldige referentie: Grootboekrekening")
		}
	}
	for _, ref := range []string{"Parent"} {
		if g, ok := in.vals[ref].(string); ok && d.get("crm/Accounts", g) == nil {
			return validation("Ongeldige referentie: Relatie")
		}
	}
	rec["IsSales"] = rec.str("Status") == "C"
	rec["IsPurchase"] = rec.boolean("IsSupplier")
	return nil
}

func createAccount(s *Server, d *division, in *input) (record, error) {
	rec := record{"ID": newGUID(), "Blocked": false, "CanDropShip": false, "IsSupplier": false, "Status": "A",
		"Type": "A", "SalesCurrency": "EUR", "SalesCurrencyDescription": "Euro", "PurchaseCurrency": "EUR",
		"PurchaseCurrencyDescription": "Euro", "CostPaid": int64(0), "IgnoreDatevWarningMessage": false,
		"IsAccountant": int64(0), "IsAgency": int64(0), "IsAnonymised": int64(0), "IsCompetitor": int64(0),
		"IsMailing": int64(0), "SeparateInvPerProject": int64(0), "SeparateInvPerSubscription": int64(0),
		"IsBank": false, "IsMember": false, "IsPilot": false, "IsReseller": false, "RecepientOfCommissions": false,
		"InvoiceAttachmentType": int64(1), "InvoicingMethod": int64(0), "SecurityLevel": int64(10),
		"ConsolidationScenario": int64(6), "CreditLinePurchase": zeroDec, "CreditLineSales": zeroDec,
		"DiscountPurchase": zeroDec, "DiscountSales": zeroDec, "PurchaseLeadDays": int64(0), "ShippingLeadDays": int64(0),
		"Source": int64(2), "StartDate": s.today(), "StatusSince": s.today(), "OINNumber": "", "GlnNumber": "",
		"LogoUrl": "/docs/images/placeholder_account_myeol.png", "LogoThumbnailUrl": "/docs/images/placeholder_account_myeol.png"}
	es := registry["crm/accounts"]
	applyWritable(es, rec, in)
	if err := validateAccount(d, rec, in); err != nil {
		return nil, err
	}
	if !in.has("Code") || in.vals["Code"] == nil {
		maxCode := int64(0)
		for _, o := range d.tables["crm/Accounts"] {
			if n, err := strconv.ParseInt(strings.TrimSpace(o.str("Code")), 10, 64); err == nil && n > maxCode {
				maxCode = n
			}
		}
		rec["Code"] = padLeft(strconv.FormatInt(maxCode+1, 10), 18)
	}
	s.stamp(d, rec)
	d.put("crm/Accounts", "ID", rec)
	return rec, nil
}

func updateAccount(s *Server, d *division, rec record, in *input) error {
	next := rec.clone()
	applyWritable(registry["crm/accounts"], next, in)
	if err := validateAccount(d, next, in); err != nil {
		return err
	}
	s.touch(d, next)
	d.put("crm/Accounts", "ID", next)
	return nil
}

func removeAccount(s *Server, d *division, rec record) error {
	id := rec.str("ID")
	for _, t := range []struct{ table, field, what string }{
		{"salesentry/SalesEntries", "Customer", "Verkoopboekingen"},
		{"purchaseentry/PurchaseEntries", "Supplier", "Inkoopboekingen"},
		{"documents/Documents", "Account", "Documenten"},
	} {
		if d.find(t.table, t.field, id) != nil {
			return validation(fmt.Sprintf("Can't delete: Account %s - Used in: %s", strings.TrimSpace(rec.str("Code")), t.what))
		}
	}
	for k, b := range d.tables["crm/BankAccounts"] {
		if b["Account"] == id {
			delete(d.tables["crm/BankAccounts"], k)
			s.logDeleted(d, 48, k)
		}
	}
	delete(d.tables["crm/Accounts"], id)
	s.logDeleted(d, 2, id)
	return nil
}

// ---- crm/BankAccounts ----------------------------------------------------

func validateBankAccount(d *division, rec record) error {
	acc := d.get("crm/Accounts", rec.str("Account"))
	if acc == nil {
		return validation("Ongeldige referentie: Relatie")
	}
	rec["AccountName"] = acc["Name"]
	iban := strings.ToUpper(strings.ReplaceAll(rec.str("BankAccount"), " ", ""))
	if iban == "" {
		return validation("Verplicht: Bankrekening")
	}
	rec["BankAccount"] = iban
	rec["Format"] = nil
	if looksLikeIBAN(iban) {
		if !validIBAN(iban) {
			return validation("Ongeldig IBAN-nummer: " + iban)
		}
		rec["Format"] = "IBAN"
	}
	if bic := rec.str("BICCode"); bic != "" {
		n := len(strings.TrimSpace(bic))
		if n != 8 && n != 11 {
			return validation("Ongeldige BIC-code: " + bic)
		}
	}
	return nil
}

func looksLikeIBAN(s string) bool {
	return len(s) >= 15 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' && s[2] >= '0' && s[2] <= '9'
}

// validIBAN checks the ISO 13616 mod-97 checksum.
func validIBAN(s string) bool {
	r := s[4:] + s[:4]
	mod := 0
	for _, c := range r {
		switch {
		case c >= '0' && c <= '9':
			mod = (mod*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			v := int(c-'A') + 10
			mod = (mod*100 + v) % 97
		default:
			return false
		}
	}
	return mod == 1
}

func createBankAccount(s *Server, d *division, in *input) (record, error) {
	rec := record{"ID": newGUID(), "Blocked": false, "Main": false, "Type": "A", "TypeDescription": "Account"}
	applyWritable(registry["crm/bankaccounts"], rec, in)
	if err := validateBankAccount(d, rec); err != nil {
		return nil, err
	}
	if rec.boolean("Main") {
		clearMain(s, d, rec)
	}
	s.stamp(d, rec)
	d.put("crm/BankAccounts", "ID", rec)
	return rec, nil
}

func clearMain(s *Server, d *division, rec record) {
	for _, o := range d.tables["crm/BankAccounts"] {
		if o["Account"] == rec["Account"] && o["ID"] != rec["ID"] && o.boolean("Main") {
			o["Main"] = false
			s.touch(d, o)
		}
	}
}

func updateBankAccount(s *Server, d *division, rec record, in *input) error {
	next := rec.clone()
	applyWritable(registry["crm/bankaccounts"], next, in)
	if err := validateBankAccount(d, next); err != nil {
		return err
	}
	if next.boolean("Main") {
		clearMain(s, d, next)
	}
	s.touch(d, next)
	d.put("crm/BankAccounts", "ID", next)
	return nil
}

func removeBankAccount(s *Server, d *division, rec record) error {
	delete(d.tables["crm/BankAccounts"], rec.str("ID"))
	s.logDeleted(d, 48, rec.str("ID"))
	return nil
}

// ---- cashflow/PaymentConditions ------------------------------------------

func createPaymentCondition(s *Server, d *division, in *input) (record, error) {
	code := strings.TrimSpace(in.str("Code"))
	if len(code) > 8 {
		return nil, validation("Code: de maximale lengte is 8 tekens.")
	}
	if d.findCode("cashflow/PaymentConditions", code) != nil {
		return nil, validation("Gegeven bestaat reeds.")
	}
	rec := record{"ID": newGUID(), "PaymentDays": int64(0), "PaymentEndOfMonths": int64(0), "PaymentMethod": "B",
		"DiscountPaymentDays": int64(0), "DiscountPercentage": zeroDec, "Percentage": zeroDec}
	applyWritable(registry["cashflow/paymentconditions"], rec, in)
	rec["Code"] = code
	if rec.i64("PaymentDays") < 0 || rec.i64("PaymentEndOfMonths") < 0 {
		return nil, validation("Ongeldige waarde: Betalingstermijn")
	}
	switch rec.str("PaymentMethod") {
	case "B", "I", "K", "Q":
	default:
		return nil, validation("Ongeldige waarde: Betaalwijze")
	}
	s.stamp(d, rec)
	d.put("cashflow/PaymentConditions", "ID", rec)
	return rec, nil
}

// ---- current/Me, system/Divisions ----------------------------------------

func meRows(d *division) []record {
	s := d.s
	l := s.local()
	_, off := s.now().In(s.ams).Zone()
	return []record{{"UserID": s.userID, "AccountingDivision": int64(s.opts.Division), "CurrentDivision": int64(s.opts.Division),
		"DivisionCustomer": "83b186b4-483d-474a-bebc-85da71e6f1ed", "DivisionCustomerCode": padLeft("1265594", 18),
		"DivisionCustomerName": s.opts.DivisionName, "Email": "sim@example.com", "EmployeeID": "00000000-0000-0000-0000-000000000000",
		"FirstName": "Sim", "FullName": "Sim User", "Gender": "O", "IsClientUser": true, "Language": "NL",
		"LanguageCode": "nl-NL", "LastName": "User", "Legislation": "1", "PackageCode": "EOLAPPCENTER", "Phone": nil,
		"PictureUrl": "/docs/images/placeholder_contact_myeol.png", "ServerTime": l.Format("2006-01-02T15:04:05"),
		"ServerUtcOffset": decimal.NewFromInt(int64(off)), "Title": nil, "UserName": "sim@example.com"}}
}

func divisionRows(d *division) []record {
	s := d.s
	var out []record
	for code, dv := range s.divs {
		out = append(out, record{"Code": int64(code), "BlockingStatus": int64(0), "Country": "NL ", "Currency": "EUR",
			"Current": code == s.opts.Division, "Customer": "83b186b4-483d-474a-bebc-85da71e6f1ed", "Description": dv.description,
			"Hid": int64(code), "IsMainDivision": code == s.opts.Division, "Legislation": "1", "Status": int64(1),
			"VATNumber": "NL000099998B57", "DivisionMoveDate": nil})
	}
	return out
}

// ---- documents -----------------------------------------------------------

func validateDocument(d *division, rec record) error {
	dt := d.tables["documents/DocumentTypes"][strconv.FormatInt(rec.i64("Type"), 10)]
	if dt == nil {
		return validation("Ongeldige referentie: Soort")
	}
	rec["TypeDescription"] = dt["Description"]
	rec["AccountCode"], rec["AccountName"] = nil, nil
	if a, ok := rec["Account"].(string); ok {
		acc := d.get("crm/Accounts", a)
		if acc == nil {
			return validation("Ongeldige referentie: Relatie")
		}
		rec["AccountCode"], rec["AccountName"] = acc["Code"], acc["Name"]
	}
	if e, ok := rec["FinancialTransactionEntryID"].(string); ok {
		if d.get("salesentry/SalesEntries", e) == nil && d.get("purchaseentry/PurchaseEntries", e) == nil {
			return validation("Ongeldige referentie: Boeking")
		}
	}
	rec["HasEmptyBody"] = rec.str("Body") == ""
	return nil
}

func createDocument(s *Server, d *division, in *input) (record, error) {
	id := newGUID()
	rec := record{"ID": id, "Currency": "EUR", "DocumentDate": s.today(), "HID": d.nextHID(), "SendMethod": int64(0), "InheritShare": false}
	applyWritable(registry["documents/documents"], rec, in)
	if err := validateDocument(d, rec); err != nil {
		d.hid--
		return nil, err
	}
	rec["DocumentViewUrl"] = fmt.Sprintf("/docs/DocViewContent.aspx?ID=%s&_Division_=%d", id, d.code)
	s.stamp(d, rec)
	d.put("documents/Documents", "ID", rec)
	return rec, nil
}

func updateDocument(s *Server, d *division, rec record, in *input) error {
	next := rec.clone()
	applyWritable(registry["documents/documents"], next, in)
	if err := validateDocument(d, next); err != nil {
		return err
	}
	s.touch(d, next)
	d.put("documents/Documents", "ID", next)
	return nil
}

func removeDocument(s *Server, d *division, rec record) error {
	id := rec.str("ID")
	for k, a := range d.tables["documents/DocumentAttachments"] {
		if a["Document"] == id {
			delete(d.tables["documents/DocumentAttachments"], k)
			s.logDeleted(d, 4, k)
		}
	}
	for _, t := range []string{"salesentry/SalesEntries", "purchaseentry/PurchaseEntries"} {
		for _, e := range d.tables[t] {
			if e["Document"] == id {
				e["Document"], e["DocumentNumber"], e["DocumentSubject"] = nil, nil, nil
				s.touch(d, e)
			}
		}
	}
	delete(d.tables["documents/Documents"], id)
	s.logDeleted(d, 6, id)
	return nil
}

func createAttachment(s *Server, d *division, in *input) (record, error) {
	raw, ok := in.vals["Attachment"].(string)
	data, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(raw), ""))
	if !ok || err != nil {
		return nil, badRequest("Error processing request stream. Error encountered in converting the value from request payload for property 'Attachment' to type 'Byte[]'")
	}
	if len(data) == 0 {
		return nil, validation("Verplicht: Bijlage")
	}
	if d.get("documents/Documents", in.str("Document")) == nil {
		return nil, validation("Ongeldige referentie: Document")
	}
	id := newGUID()
	rec := record{"ID": id, "Document": in.vals["Document"], "FileName": in.vals["FileName"],
		"FileSize": decimal.NewFromInt(int64(len(data))), "Attachment": nil, "_bytes": data,
		"Url": fmt.Sprintf("%s/docs/SysAttachment.aspx?ID=%s&_Division_=%d", s.url, id, d.code)}
	s.stamp(d, rec)
	d.put("documents/DocumentAttachments", "ID", rec)
	return rec, nil
}

func removeAttachment(s *Server, d *division, rec record) error {
	delete(d.tables["documents/DocumentAttachments"], rec.str("ID"))
	s.logDeleted(d, 4, rec.str("ID"))
	return nil
}

// Attachment returns the stored bytes of a document attachment.
func (s *Server) Attachment(division int, id string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.divs[division]
	if d == nil {
		return nil, false
	}
	a := d.get("documents/DocumentAttachments", id)
	if a == nil {
		return nil, false
	}
	b, _ := a["_bytes"].([]byte)
	return append([]byte(nil), b...), true
}

// ---- financial/GLAccounts ------------------------------------------------

var glTypeNames = map[int64]string{10: "Cash", 12: "Bank", 20: "Accounts receivable", 22: "Accounts payable",
	24: "VAT", 32: "Other assets", 90: "General", 110: "Revenue", 111: "Cost of goods", 120: "Other costs"}

func createGLAccount(s *Server, d *division, in *input) (record, error) {
	code := strings.TrimSpace(in.str("Code"))
	if d.findCode("financial/GLAccounts", code) != nil {
		return nil, validation("Gegeven bestaat reeds.")
	}
	typ, _ := in.vals["Type"].(int64)
	name, ok := glTypeNames[typ]
	if !ok {
		return nil, validation("Ongeldig grootboekrekeningtype")
	}
	rec := record{"ID": newGUID(), "Code": code, "TypeDescription": name, "BalanceSide": "D", "BalanceType": "W",
		"Compress": false, "ExcludeVATListing": int64(0), "IsBlocked": false, "Matching": false,
		"PrivatePercentage": zeroDec, "VATNonDeductiblePercentage": zeroDec}
	glDefaults(rec)
	applyWritable(registry["financial/glaccounts"], rec, in)
	if typ < 100 {
		rec["BalanceType"] = "B"
	}
	s.stamp(d, rec)
	d.put("financial/GLAccounts", "ID", rec)
	return rec, nil
}

func glDefaults(rec record) {
	rec["UseCostcenter"], rec["UseCostunit"], rec["RevalueCurrency"] = int64(0), int64(0), false
	rec["ExpenseNonDeductiblePercentage"] = zeroDec
}
