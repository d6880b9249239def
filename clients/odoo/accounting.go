package odoo

import (
	"context"
	"fmt"
	"sort"

	"github.com/shopspring/decimal"
)

// PaymentTerm is an account.payment.term with its lines.
type PaymentTerm struct {
	ID     int64
	Name   string
	Active bool
	Lines  []PaymentTermLine
}

// PaymentTermLine is an account.payment.term.line. Field names differ between
// versions (17+: nb_days, delay_type; 16: days, end_month, …); what the server
// lacks stays zero.
type PaymentTermLine struct {
	ID          int64
	Value       string          // percent, fixed (16 also: balance)
	ValueAmount decimal.Decimal // the percentage or fixed amount
	NbDays      int64           // nb_days (17+) or days (16)
	DelayType   string          // 17+: days_after, days_after_end_of_month, …
}

// Journal is an account.journal.
type Journal struct {
	ID             int64
	Code           string
	Name           string
	Type           string // sale, purchase, general, bank, cash
	Currency       Many2One
	DefaultAccount Many2One
	Company        Many2One
	Active         bool
}

// Tax is an account.tax.
type Tax struct {
	ID           int64
	Name         string
	Amount       decimal.Decimal // percent for amount_type percent
	AmountType   string          // percent, fixed, group, division
	TypeTaxUse   string          // sale, purchase, none
	PriceInclude bool
	Country      Many2One
	Company      Many2One
	Active       bool
}

// Account is an account.account.
type Account struct {
	ID          int64
	Code        string
	Name        string
	AccountType string // asset_receivable, income, …
	Company     Many2One
	Deprecated  bool
}

// Currency is a res.currency.
type Currency struct {
	ID            int64
	Name          string // ISO 4217 code, e.g. EUR
	Symbol        string
	DecimalPlaces int32
	Rounding      decimal.Decimal
	Active        bool
}

// Tax rounding methods (res.company.tax_calculation_rounding_method).
const (
	RoundPerLine  = "round_per_line"
	RoundGlobally = "round_globally"
)

// Company is a res.company.
type Company struct {
	ID              int64
	Name            string
	Currency        Many2One
	Partner         Many2One
	Country         Many2One
	VAT             string
	CompanyRegistry string
	// TaxRoundingMethod is how Odoo rounds taxes on this company's documents: RoundPerLine (the default:
	// each line's tax is rounded, then summed per tax) or RoundGlobally (summed unrounded per tax, then
	// rounded). Tax lines carry the result either way; the mapping needs it to reproduce a total.
	TaxRoundingMethod string
	// ExchangeGain and ExchangeLoss are the accounts Odoo books exchange differences on (the company's income and
	// expense currency exchange accounts, set by its chart).
	ExchangeGain, ExchangeLoss Many2One
}

// PaymentTerms reads all active payment terms and their lines (two calls).
func (c *Client) PaymentTerms(ctx context.Context) ([]PaymentTerm, error) {
	fields, err := c.existing(ctx, "account.payment.term", []string{"id", "name", "active", "line_ids"})
	if err != nil {
		return nil, err
	}
	recs, err := c.searchRead(ctx, "account.payment.term", nil, fields, SearchReadOptions{Order: "id asc"})
	if err != nil {
		return nil, err
	}
	terms := make([]PaymentTerm, 0, len(recs))
	index := map[int64]int{}
	var termIDs []int64
	for _, r := range recs {
		d := NewDecoder(r)
		t := PaymentTerm{ID: d.Int("id"), Name: d.String("name"), Active: d.Bool("active")}
		if _, ok := r["active"]; !ok {
			t.Active = true
		}
		if d.Err() != nil {
			return nil, fmt.Errorf("account.payment.term: %w", d.Err())
		}
		index[t.ID] = len(terms)
		terms = append(terms, t)
		termIDs = append(termIDs, t.ID)
	}
	if len(termIDs) == 0 {
		return terms, nil
	}
	lineFields, err := c.existing(ctx, "account.payment.term.line",
		[]string{"id", "payment_id", "value", "value_amount", "nb_days", "days", "delay_type"})
	if err != nil {
		return nil, err
	}
	lines, err := c.searchRead(ctx, "account.payment.term.line", leaf("payment_id", "in", termIDs), lineFields,
		SearchReadOptions{Order: "id asc"})
	if err != nil {
		return nil, err
	}
	for _, r := range lines {
		d := NewDecoder(r)
		l := PaymentTermLine{ID: d.Int("id"), Value: d.String("value"), ValueAmount: d.Decimal("value_amount", -1),
			NbDays: d.Int("nb_days"), DelayType: d.String("delay_type")}
		if _, ok := r["nb_days"]; !ok {
			l.NbDays = d.Int("days")
		}
		term := d.Many2One("payment_id")
		if d.Err() != nil {
			return nil, fmt.Errorf("account.payment.term.line: %w", d.Err())
		}
		if i, ok := index[term.ID]; ok {
			terms[i].Lines = append(terms[i].Lines, l)
		}
	}
	return terms, nil
}

// Journals reads all active journals of the company (one call).
func (c *Client) Journals(ctx context.Context) ([]Journal, error) {
	fields, err := c.existing(ctx, "account.journal",
		[]string{"id", "code", "name", "type", "currency_id", "default_account_id", "company_id", "active"})
	if err != nil {
		return nil, err
	}
	recs, err := c.searchRead(ctx, "account.journal", c.companyDomain(), fields, SearchReadOptions{Order: "id asc"})
	if err != nil {
		return nil, err
	}
	out := make([]Journal, 0, len(recs))
	for _, r := range recs {
		d := NewDecoder(r)
		j := Journal{ID: d.Int("id"), Code: d.String("code"), Name: d.String("name"), Type: d.String("type"),
			Currency: d.Many2One("currency_id"), DefaultAccount: d.Many2One("default_account_id"),
			Company: d.Many2One("company_id"), Active: d.Bool("active")}
		if _, ok := r["active"]; !ok {
			j.Active = true
		}
		if d.Err() != nil {
			return nil, fmt.Errorf("account.journal: %w", d.Err())
		}
		out = append(out, j)
	}
	return out, nil
}

// companyDomain restricts company-owned records to the configured company.
func (c *Client) companyDomain() Domain {
	if c.companyID == 0 {
		return nil
	}
	return leaf("company_id", "in", []any{c.companyID, false})
}

// Taxes reads all active taxes of the company (one call).
func (c *Client) Taxes(ctx context.Context) ([]Tax, error) {
	fields, err := c.existing(ctx, "account.tax", []string{"id", "name", "amount", "amount_type", "type_tax_use",
		"price_include", "country_id", "company_id", "active"})
	if err != nil {
		return nil, err
	}
	recs, err := c.searchRead(ctx, "account.tax", c.companyDomain(), fields, SearchReadOptions{Order: "id asc"})
	if err != nil {
		return nil, err
	}
	out := make([]Tax, 0, len(recs))
	for _, r := range recs {
		d := NewDecoder(r)
		t := Tax{ID: d.Int("id"), Name: d.String("name"), Amount: d.Decimal("amount", 4),
			AmountType: d.String("amount_type"), TypeTaxUse: d.String("type_tax_use"),
			PriceInclude: d.Bool("price_include"), Country: d.Many2One("country_id"),
			Company: d.Many2One("company_id"), Active: d.Bool("active")}
		if _, ok := r["active"]; !ok {
			t.Active = true
		}
		if d.Err() != nil {
			return nil, fmt.Errorf("account.tax: %w", d.Err())
		}
		out = append(out, t)
	}
	return out, nil
}

// Accounts reads the chart of accounts (one call; Odoo 18+ shares accounts
// between companies, so no company filter is applied there).
func (c *Client) Accounts(ctx context.Context) ([]Account, error) {
	fields, err := c.existing(ctx, "account.account", []string{"id", "code", "name", "account_type", "company_id", "deprecated"})
	if err != nil {
		return nil, err
	}
	var domain Domain
	if ok, err := c.hasField(ctx, "account.account", "company_id"); err != nil {
		return nil, err
	} else if ok {
		domain = c.companyDomain()
	}
	recs, err := c.searchRead(ctx, "account.account", domain, fields, SearchReadOptions{Order: "code asc, id asc"})
	if err != nil {
		return nil, err
	}
	out := make([]Account, 0, len(recs))
	for _, r := range recs {
		d := NewDecoder(r)
		a := Account{ID: d.Int("id"), Code: d.String("code"), Name: d.String("name"),
			AccountType: d.String("account_type"), Company: d.Many2One("company_id"), Deprecated: d.Bool("deprecated")}
		if d.Err() != nil {
			return nil, fmt.Errorf("account.account: %w", d.Err())
		}
		out = append(out, a)
	}
	return out, nil
}

// Currencies reads all currencies, archived ones included (one call, cached
// per connection).
func (c *Client) Currencies(ctx context.Context) ([]Currency, error) {
	m, err := c.currencyMap(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Currency, 0, len(m))
	for _, cur := range m {
		out = append(out, cur)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func (c *Client) currencyMap(ctx context.Context) (map[int64]Currency, error) {
	c.mu.Lock()
	m := c.currencies
	c.mu.Unlock()
	if m != nil {
		return m, nil
	}
	fields, err := c.existing(ctx, "res.currency", []string{"id", "name", "symbol", "decimal_places", "rounding", "active"})
	if err != nil {
		return nil, err
	}
	recs, err := c.searchRead(ctx, "res.currency", nil, fields,
		SearchReadOptions{Order: "id asc", Context: map[string]any{"active_test": false}})
	if err != nil {
		return nil, err
	}
	m = make(map[int64]Currency, len(recs))
	for _, r := range recs {
		d := NewDecoder(r)
		cur := Currency{ID: d.Int("id"), Name: d.String("name"), Symbol: d.String("symbol"),
			DecimalPlaces: int32(d.Int("decimal_places")), Rounding: d.Decimal("rounding", -1), Active: d.Bool("active")}
		if _, ok := r["decimal_places"]; !ok {
			cur.DecimalPlaces = placesOf(cur.Rounding)
		}
		if d.Err() != nil {
			return nil, fmt.Errorf("res.currency: %w", d.Err())
		}
		m[cur.ID] = cur
	}
	c.mu.Lock()
	c.currencies = m
	c.mu.Unlock()
	return m, nil
}

// placesOf derives decimal places from a rounding such as 0.01 (2) or 1 (0).
func placesOf(rounding decimal.Decimal) int32 {
	if !rounding.IsPositive() {
		return 2
	}
	if e := rounding.Exponent(); e < 0 {
		return -e
	}
	return 0
}

// Companies reads the companies the user may access (one call), with their
// tax rounding method.
func (c *Client) Companies(ctx context.Context) ([]Company, error) {
	fields, err := c.existing(ctx, "res.company", []string{"id", "name", "currency_id", "partner_id", "country_id", "vat", "company_registry",
		"tax_calculation_rounding_method", "income_currency_exchange_account_id", "expense_currency_exchange_account_id"})
	if err != nil {
		return nil, err
	}
	recs, err := c.searchRead(ctx, "res.company", nil, fields, SearchReadOptions{Order: "id asc"})
	if err != nil {
		return nil, err
	}
	out := make([]Company, 0, len(recs))
	for _, r := range recs {
		d := NewDecoder(r)
		co := Company{ID: d.Int("id"), Name: d.String("name"), Currency: d.Many2One("currency_id"),
			Partner: d.Many2One("partner_id"), Country: d.Many2One("country_id"), VAT: d.String("vat"),
			CompanyRegistry: d.String("company_registry"), TaxRoundingMethod: d.String("tax_calculation_rounding_method"),
			ExchangeGain: d.Many2One("income_currency_exchange_account_id"), ExchangeLoss: d.Many2One("expense_currency_exchange_account_id")}
		if d.Err() != nil {
			return nil, fmt.Errorf("res.company: %w", d.Err())
		}
		out = append(out, co)
	}
	return out, nil
}

// AnalyticAccount is an account.analytic.account: a cost centre, project or department of an analytic plan.
type AnalyticAccount struct {
	ID       int64
	Name     string
	Code     string // "Reference" in Odoo's form; often empty
	Plan     Many2One
	RootPlan Many2One // the plan at the top of Plan's tree: one Exact dimension per root plan
	Company  Many2One // zero: shared by all companies
	Active   bool
}

// AnalyticAccounts reads the analytic accounts the company can use, archived ones included (a mapping may still
// name one), in one call.
func (c *Client) AnalyticAccounts(ctx context.Context) ([]AnalyticAccount, error) {
	fields, err := c.existing(ctx, "account.analytic.account", []string{"id", "name", "code", "plan_id", "root_plan_id", "company_id", "active"})
	if err != nil {
		return nil, err
	}
	recs, err := c.searchRead(ctx, "account.analytic.account", c.companyDomain(), fields,
		SearchReadOptions{Order: "id asc", Context: map[string]any{"active_test": false}})
	if err != nil {
		return nil, err
	}
	out := make([]AnalyticAccount, 0, len(recs))
	for _, r := range recs {
		d := NewDecoder(r)
		a := AnalyticAccount{ID: d.Int("id"), Name: d.String("name"), Code: d.String("code"), Plan: d.Many2One("plan_id"),
			RootPlan: d.Many2One("root_plan_id"), Company: d.Many2One("company_id"), Active: d.Bool("active")}
		if _, ok := r["active"]; !ok {
			a.Active = true
		}
		if a.RootPlan.ID == 0 {
			a.RootPlan = a.Plan
		}
		if d.Err() != nil {
			return nil, fmt.Errorf("account.analytic.account: %w", d.Err())
		}
		out = append(out, a)
	}
	return out, nil
}
