package activities

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/store"
)

// AccountFields are crm/Accounts properties by their Exact names (string or bool values), as sent.
type AccountFields map[string]any

// BankPayload is one Odoo bank account as it goes to crm/BankAccounts.
type BankPayload struct {
	OdooID int64
	IBAN   string // sanitized: no spaces, upper case
	BIC    string
	Holder string
}

// MappedContact is a partner mapped to Exact: the account fields, the code to create it with, and its banks.
type MappedContact struct {
	PartnerID   int64
	Account     AccountFields
	CreateCode  string // Code for a new account: the partner's reference, else ODOO<id> (finds a lost create again)
	MatchCode   string // the partner's own reference, used to match an existing relation by code
	VAT         string
	Chamber     string
	Banks       []BankPayload
	AccountHash string
}

// PaymentConditions maps Odoo payment-term ids to Exact payment-condition codes.
type PaymentConditions map[int64]string

// MapPartner maps an Odoo partner to an Exact account. It is pure: the mapping table comes in as terms.
// It cleans what can be cleaned (control characters, spaces, VAT and IBAN spacing) and refuses, with a Problem
// naming every field to fix in Odoo, what Exact would refuse or misfile (see cleanPartner).
// Status and IsSupplier are only ever raised, never lowered, so a relation matched in Exact keeps its roles.
func MapPartner(p odoo.Partner, terms PaymentConditions) (MappedContact, error) {
	p, issues := cleanPartner(p)
	name := p.Name
	if name == "" {
		return MappedContact{}, &Problem{Code: "partner.no_name",
			EN: fmt.Sprintf("Odoo partner %d has no name.", p.ID), NL: fmt.Sprintf("Odoo-relatie %d heeft geen naam.", p.ID),
			FixEN: "give the contact a name in Odoo", FixNL: "geef het contact een naam in Odoo"}
	}
	if prob := partnerProblem(p, name, issues); prob != nil {
		return MappedContact{}, prob
	}
	a := AccountFields{"Name": name}
	set := func(key, v string) {
		if v != "" {
			a[key] = v
		}
	}
	set("AddressLine1", p.Street)
	set("AddressLine2", p.Street2)
	set("Postcode", p.Zip)
	set("City", p.City)
	set("Country", p.CountryCode)
	set("VATNumber", p.VAT)
	set("ChamberOfCommerce", p.CompanyRegistry)
	set("Email", p.Email)
	phone := p.Phone
	if phone == "" {
		phone = p.Mobile
	}
	set("Phone", phone)
	set("Website", p.Website)
	set("Language", exactLanguage(p.Lang))
	if p.CustomerRank > 0 {
		a["Status"] = "C"
	}
	if p.SupplierRank > 0 {
		a["IsSupplier"] = true
	}
	for _, t := range []struct {
		field string
		term  odoo.Many2One
		side  string
	}{
		{"PaymentConditionSales", p.PaymentTerm, "customer"},
		{"PaymentConditionPurchase", p.SupplierPaymentTerm, "supplier"},
	} {
		if t.term.ID == 0 {
			continue
		}
		code, ok := terms[t.term.ID]
		if !ok {
			return MappedContact{}, &Problem{Code: "payment_term.unmapped",
				EN:    fmt.Sprintf("The %s payment term %q of partner %q has no Exact payment condition.", t.side, t.term.Name, name),
				NL:    fmt.Sprintf("De betalingstermijn %q van relatie %q heeft geen Exact-betalingsconditie.", t.term.Name, name),
				FixEN: fmt.Sprintf("map it: `starter mappings set --kind payment_term --odoo-id %d --exact-code <code>`", t.term.ID),
				FixNL: fmt.Sprintf("koppel hem: `starter mappings set --kind payment_term --odoo-id %d --exact-code <code>`", t.term.ID)}
		}
		a[t.field] = code
	}
	ref := p.Ref
	if utf8.RuneCountInString(ref) > maxCode {
		ref = "" // Exact codes hold 18 characters; a longer reference cannot be the code
	}
	createCode := ref
	if createCode == "" {
		createCode = fmt.Sprintf("ODOO%d", p.ID)
	}
	m := MappedContact{PartnerID: p.ID, Account: a, CreateCode: createCode, MatchCode: ref, VAT: p.VAT,
		Chamber: p.CompanyRegistry}
	seen := map[string]bool{}
	for _, b := range p.BankAccounts { // cleaned: the number normalised, BIC upper case
		iban := b.SanitizedAccNumber
		if iban == "" || seen[iban] {
			continue
		}
		seen[iban] = true
		m.Banks = append(m.Banks, BankPayload{OdooID: b.ID, IBAN: iban, BIC: b.BIC, Holder: b.Holder})
	}
	m.AccountHash = hashJSON(a)
	return m, nil
}

// clean strips control characters from the texts of a mapped contact that an older worker recorded without
// cleaning them (a NUL makes PostgreSQL refuse the stored payload), and hashes the cleaned payload again. A contact
// MapPartner made comes back unchanged.
func (m MappedContact) clean() MappedContact {
	dirty := false
	account := make(AccountFields, len(m.Account))
	for k, v := range m.Account {
		if s, ok := v.(string); ok && store.CleanText(s) != s {
			v, dirty = store.CleanText(s), true
		}
		account[k] = v
	}
	for _, s := range []*string{&m.CreateCode, &m.MatchCode, &m.VAT, &m.Chamber} {
		if c := store.CleanText(*s); c != *s {
			*s, dirty = c, true
		}
	}
	if dirty {
		m.Account, m.AccountHash = account, hashJSON(account)
	}
	return m
}

// BankFields are the crm/BankAccounts properties of a bank payload for account.
func (b BankPayload) Fields(account string) map[string]any {
	f := map[string]any{"Account": account, "BankAccount": b.IBAN}
	if b.BIC != "" {
		f["BICCode"] = b.BIC
	}
	if b.Holder != "" {
		f["BankAccountHolderName"] = b.Holder
	}
	return f
}

// Hash identifies the payload, to skip unchanged bank accounts.
func (b BankPayload) Hash() string { return hashJSON(b.Fields("")) }

// ChangedFields returns the fields of next that differ from last (what a PUT must carry). A field dropped
// from next (emptied in Odoo) is cleared in Exact with an empty value, except the only-raised roles.
func ChangedFields(last, next AccountFields) AccountFields {
	out := AccountFields{}
	for _, k := range slices.Sorted(maps.Keys(next)) {
		if prev, ok := last[k]; !ok || fmt.Sprint(prev) != fmt.Sprint(next[k]) {
			out[k] = next[k]
		}
	}
	for k := range last {
		if _, ok := next[k]; !ok && k != "Status" && k != "IsSupplier" {
			out[k] = ""
		}
	}
	return out
}

func exactLanguage(lang string) string {
	if lang == "" {
		return ""
	}
	prefix, _, _ := strings.Cut(lang, "_")
	switch strings.ToLower(prefix) {
	case "nl", "en", "fr", "de", "es":
		return strings.ToUpper(prefix)
	}
	return ""
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// hashJSON hashes the canonical JSON of v (encoding/json sorts map keys).
func hashJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("hash payload: %v", err)) // maps of strings and bools always marshal
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
