package odoo

import (
	"context"
	"fmt"
	"time"
)

// Partner is a res.partner with what the sync needs, bank accounts included.
type Partner struct {
	ID                  int64
	Name                string
	IsCompany           bool
	Parent              Many2One
	CommercialPartner   Many2One
	Street, Street2     string
	Zip, City           string
	State               Many2One
	Country             Many2One
	CountryCode         string // ISO code, "" without country
	VAT                 string
	CompanyRegistry     string
	Email, Phone        string
	Mobile              string // absent from Odoo 18+: then ""
	Website             string
	Lang                string
	Ref                 string
	CustomerRank        int64
	SupplierRank        int64
	PaymentTerm         Many2One // property_payment_term_id (company dependent)
	SupplierPaymentTerm Many2One // property_supplier_payment_term_id
	BankAccounts        []BankAccount
	Active              bool
	Company             Many2One
	WriteDate           time.Time
	// Record is the partner as read, for fields without a typed counterpart.
	Record Record
}

// BankAccount is a res.partner.bank.
type BankAccount struct {
	ID                 int64
	AccNumber          string
	SanitizedAccNumber string
	Bank               Many2One
	BIC                string
	Holder             string // acc_holder_name
	Partner            Many2One
	WriteDate          time.Time // UTC, whole seconds (zero where the field is missing)
}

var partnerFields = []string{
	"id", "name", "is_company", "parent_id", "commercial_partner_id", "street", "street2", "zip", "city",
	"state_id", "country_id", "vat", "company_registry", "email", "phone", "mobile", "website", "lang",
	"ref", "customer_rank", "supplier_rank", "property_payment_term_id", "property_supplier_payment_term_id",
	"bank_ids", "active", "company_id", "write_date",
}

var bankAccountFields = []string{"id", "acc_number", "sanitized_acc_number", "bank_id", "partner_id", "acc_holder_name", "write_date"}

// Partners reads the partners with the given ids (archived ones included),
// their countries' codes, bank accounts and banks' BICs in a constant number
// of calls: one read of res.partner, one of res.partner.bank, one of res.bank,
// plus res.country for countries not seen before on this connection. Extra
// fields (such as a custom x_exact_id) are read too and land in Partner.Record.
// The result is in the order of ids; a missing id fails with ErrNotFound.
func (c *Client) Partners(ctx context.Context, ids []int64, extraFields ...string) ([]Partner, error) {
	ids = uniq(ids)
	if len(ids) == 0 {
		return nil, nil
	}
	recs, err := c.readAll(ctx, "res.partner", "partners", ids, append(append([]string{}, partnerFields...), extraFields...))
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*Partner, len(recs))
	partners := make([]Partner, len(recs))
	var bankIDs, countryIDs []int64
	for i, r := range recs {
		p, err := decodePartner(r)
		if err != nil {
			return nil, err
		}
		partners[i] = p
		bankIDs = append(bankIDs, NewDecoder(r).IDs("bank_ids")...)
		countryIDs = append(countryIDs, p.Country.ID)
	}
	for i := range partners {
		byID[partners[i].ID] = &partners[i]
	}
	codes, err := c.countryCodes(ctx, countryIDs)
	if err != nil {
		return nil, err
	}
	for i := range partners {
		partners[i].CountryCode = codes[partners[i].Country.ID]
	}
	accounts, err := c.bankAccounts(ctx, uniq(bankIDs))
	if err != nil {
		return nil, err
	}
	for _, a := range accounts {
		if p := byID[a.Partner.ID]; p != nil {
			p.BankAccounts = append(p.BankAccounts, a)
		}
	}
	// Keep the caller's order.
	order := make(map[int64]int, len(ids))
	for i, id := range ids {
		order[id] = i
	}
	out := make([]Partner, len(ids))
	for _, p := range partners {
		i, ok := order[p.ID]
		if !ok {
			return nil, fmt.Errorf("odoo: res.partner.read: got partner %d that was not asked for", p.ID)
		}
		out[i] = p
	}
	return out, nil
}

func decodePartner(r Record) (Partner, error) {
	d := NewDecoder(r)
	p := Partner{
		ID:                  d.Int("id"),
		Name:                d.String("name"),
		IsCompany:           d.Bool("is_company"),
		Parent:              d.Many2One("parent_id"),
		CommercialPartner:   d.Many2One("commercial_partner_id"),
		Street:              d.String("street"),
		Street2:             d.String("street2"),
		Zip:                 d.String("zip"),
		City:                d.String("city"),
		State:               d.Many2One("state_id"),
		Country:             d.Many2One("country_id"),
		VAT:                 d.String("vat"),
		CompanyRegistry:     d.String("company_registry"),
		Email:               d.String("email"),
		Phone:               d.String("phone"),
		Mobile:              d.String("mobile"),
		Website:             d.String("website"),
		Lang:                d.String("lang"),
		Ref:                 d.String("ref"),
		CustomerRank:        d.Int("customer_rank"),
		SupplierRank:        d.Int("supplier_rank"),
		PaymentTerm:         d.Many2One("property_payment_term_id"),
		SupplierPaymentTerm: d.Many2One("property_supplier_payment_term_id"),
		Active:              d.Bool("active"),
		Company:             d.Many2One("company_id"),
		WriteDate:           d.Datetime("write_date"),
		Record:              r,
	}
	if _, ok := r["active"]; !ok {
		p.Active = true
	}
	if d.Err() != nil {
		return Partner{}, fmt.Errorf("res.partner %d: %w", p.ID, d.Err())
	}
	return p, nil
}

// bankAccounts reads res.partner.bank records and their banks' BICs (two calls).
func (c *Client) bankAccounts(ctx context.Context, ids []int64) ([]BankAccount, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	fields, err := c.existing(ctx, "res.partner.bank", bankAccountFields)
	if err != nil {
		return nil, err
	}
	recs, err := c.read(ctx, "res.partner.bank", ids, fields)
	if err != nil {
		return nil, err
	}
	out := make([]BankAccount, 0, len(recs))
	var bankIDs []int64
	for _, r := range recs {
		d := NewDecoder(r)
		a := BankAccount{
			ID:                 d.Int("id"),
			AccNumber:          d.String("acc_number"),
			SanitizedAccNumber: d.String("sanitized_acc_number"),
			Bank:               d.Many2One("bank_id"),
			Holder:             d.String("acc_holder_name"),
			Partner:            d.Many2One("partner_id"),
		}
		if _, ok := r["write_date"]; ok {
			a.WriteDate = d.Datetime("write_date")
		}
		if d.Err() != nil {
			return nil, fmt.Errorf("res.partner.bank %d: %w", a.ID, d.Err())
		}
		out = append(out, a)
		bankIDs = append(bankIDs, a.Bank.ID)
	}
	bankIDs = uniq(bankIDs)
	if len(bankIDs) == 0 {
		return out, nil
	}
	banks, err := c.read(ctx, "res.bank", bankIDs, []any{"id", "bic"})
	if err != nil {
		return nil, err
	}
	bic := make(map[int64]string, len(banks))
	for _, b := range banks {
		d := NewDecoder(b)
		bic[d.Int("id")] = d.String("bic")
		if d.Err() != nil {
			return nil, fmt.Errorf("res.bank: %w", d.Err())
		}
	}
	for i := range out {
		out[i].BIC = bic[out[i].Bank.ID]
	}
	return out, nil
}

// countryCodes returns ISO codes by res.country id, reading only ids not cached yet.
func (c *Client) countryCodes(ctx context.Context, ids []int64) (map[int64]string, error) {
	ids = uniq(ids)
	c.mu.Lock()
	var missing []int64
	for _, id := range ids {
		if _, ok := c.countries[id]; !ok {
			missing = append(missing, id)
		}
	}
	c.mu.Unlock()
	if len(missing) > 0 {
		recs, err := c.read(ctx, "res.country", missing, []any{"id", "code"})
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		if c.countries == nil {
			c.countries = map[int64]string{}
		}
		for _, r := range recs {
			d := NewDecoder(r)
			id, code := d.Int("id"), d.String("code")
			if d.Err() != nil {
				c.mu.Unlock()
				return nil, fmt.Errorf("res.country: %w", d.Err())
			}
			c.countries[id] = code
		}
		c.mu.Unlock()
	}
	out := make(map[int64]string, len(ids))
	c.mu.Lock()
	for _, id := range ids {
		out[id] = c.countries[id]
	}
	c.mu.Unlock()
	return out, nil
}

// partnerChangeDomain selects customers, suppliers and contacts of those.
func partnerChangeDomain() Domain {
	return or(
		leaf("customer_rank", ">", 0),
		leaf("supplier_rank", ">", 0),
		leaf("commercial_partner_id.customer_rank", ">", 0),
		leaf("commercial_partner_id.supplier_rank", ">", 0),
	)
}

// PartnersChangedSince lists up to limit customers, suppliers and their
// contacts (archived ones included) written since cursor, in write_date
// order, each with its commercial_partner_id, in one call. The returned Cursor
// is where the next call starts (the given one when nothing changed), and more
// says whether another page waits now.
func (c *Client) PartnersChangedSince(ctx context.Context, cursor Cursor, limit int) (changes []Change, next Cursor, more bool, err error) {
	return c.changedSince(ctx, "res.partner", partnerChangeDomain(), cursor, limit,
		map[string]any{"active_test": false}, "commercial_partner_id")
}

// BankAccountsChangedSince lists up to limit bank accounts (archived ones
// included) created or written since cursor, each with its partner_id, in one
// call. A new or edited res.partner.bank changes neither the partner's
// write_date nor fires its automation rule, so it has a feed of its own.
func (c *Client) BankAccountsChangedSince(ctx context.Context, cursor Cursor, limit int) (changes []Change, next Cursor, more bool, err error) {
	return c.changedSince(ctx, "res.partner.bank", nil, cursor, limit, map[string]any{"active_test": false}, "partner_id")
}

// changedSince reads one page of a change feed. A record of a second that is
// not over yet by the server's clock (the answer's Date header, one second of
// margin) is returned but not taken: a second write in that second would not
// change the whole-second write_date the feed sees, so the next read returns
// it once more. The cursor advances over taken records only, and a page that
// ends in an open second asks for no more pages now.
func (c *Client) changedSince(ctx context.Context, model string, filter Domain, cursor Cursor, limit int, callCtx map[string]any, extra ...string) ([]Change, Cursor, bool, error) {
	if limit <= 0 {
		limit = 200
	}
	fields := []any{"id", "write_date"}
	for _, f := range extra {
		fields = append(fields, f)
	}
	var ans answer
	recs, err := c.searchRead(context.WithValue(ctx, answerKey{}, &ans), model, and(cursorDomain(cursor), filter), fields,
		SearchReadOptions{Limit: limit, Order: "write_date asc, id asc", Context: callCtx})
	if err != nil {
		return nil, cursor, false, err
	}
	open := openSecond(ans.Date)
	out := make([]Change, 0, len(recs))
	next := cursor
	settled := true
	for _, r := range recs {
		d := NewDecoder(r)
		ch := Change{ID: d.Int("id"), WriteDate: d.Datetime("write_date"), Fields: r}
		if d.Err() != nil {
			return nil, cursor, false, fmt.Errorf("%s: %w", model, d.Err())
		}
		out = append(out, ch)
		if settled = settled && ch.WriteDate.Before(open); settled {
			next = next.After(ch)
		}
	}
	return out, next, settled && len(recs) == limit, nil
}

// openSecond is the first second of a change feed that is not over yet by the
// server's clock (the answer's Date header, one second of margin).
func openSecond(date time.Time) time.Time {
	if date.IsZero() {
		date = time.Now().UTC() // a server without a Date header: our clock is the best guess
	}
	return date.Truncate(time.Second).Add(-time.Second)
}

// CreatePartner creates a res.partner and returns its id.
func (c *Client) CreatePartner(ctx context.Context, vals map[string]any) (int64, error) {
	if name, _ := vals["name"].(string); name == "" {
		return 0, fmt.Errorf("odoo: res.partner.create: a partner needs a name")
	}
	return c.Create(ctx, "res.partner", vals)
}
