package exacttest

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// The seeded administration (every division when Options.Seed is on), in the codes a test or a person uses:
//
//	VAT codes (vat/VATCodes, 3-char padded):
//	  "0  " 0% btw                         B (0 %, base only)  sales and purchase
//	  "1  " Verkopen laag, 9%              E                   sales
//	  "2  " Verkopen hoog, 21%             E                   sales
//	  "4  " Inkopen hoog, 21%              E                   purchase
//	  "5  " Inkopen laag, 9%               E                   purchase
//	  "6  " Verkopen binnen de EU, 0%      B (0 %, ICP listing L) sales: intra-EU supply
//	  "7  " Inkopen verlegd hoog, 21%      E, Charged           purchase: reverse charge — the 21 % is computed on
//	                                                              each line for the VAT return (to pay and to claim)
//	                                                              but is not part of the entry total nor the payable
//	G/L accounts: 1000 Bank (12), 1100 Debiteuren (20), 1500 Te betalen btw (24), 1520 Te vorderen btw (24),
//	  1600 Crediteuren (22), 4000 Algemene kosten (120), 7000 Inkoopwaarde van de omzet (111), 8000 Omzet hoog (110),
//	  8010 Omzet laag (110), 8100 Omzet binnen de EU (110, VAT 6), 4900 and 8900 Koersverschillen (exchange
//	  differences: loss 120, gain 110).
//	Journals: 20 Bank (12), 60 Inkoopboek (22), 70 Verkoopboek (20), 90 Memoriaal (90); all in EUR, 20/60/70 allow
//	  another currency of the division.
//	Currencies (general/Currencies): EUR (the division's), USD, GBP; exchange rates (financial/ExchangeRates, EUR per
//	  unit, from 2025-01-01): USD 0.92, GBP 1.17. Any other currency is refused.
//	Payment conditions: 00 Contant, 14, 30, 60 dagen. Financial periods: months of 2025 … max(2027, next year), open.
//	Document types: 10 Sales invoice, 20 Purchase invoice, 55 Miscellaneous, 183 General Attachment.
//	Cost centres (hrm/Costcenters): 100 Verkoop, 200 Inkoop, 300 Algemeen (active), 900 Vervallen (inactive: refused
//	  on a line). Cost units (hrm/Costunits): PRJ1 Project Noord, PRJ2 Project Zuid. Codes are not padded.
func (s *Server) seed(d *division) {
	pct := func(p string) decimal.Decimal { return decimal.RequireFromString(p) }
	glTypes := map[int64]string{12: "Bank", 20: "Accounts receivable", 22: "Accounts payable", 24: "VAT",
		110: "Revenue", 111: "Cost of goods", 120: "Other costs"}
	for _, g := range []struct {
		code, desc string
		typ        int64
		vat        string
		side, bal  string
	}{
		{"1000", "Bank", 12, "", "D", "B"},
		{"1100", "Debiteuren", 20, "", "D", "B"},
		{"1500", "Te betalen btw", 24, "", "C", "B"},
		{"1520", "Te vorderen btw", 24, "", "D", "B"},
		{"1600", "Crediteuren", 22, "", "C", "B"},
		{"4000", "Algemene kosten", 120, "4  ", "D", "W"},
		{"7000", "Inkoopwaarde van de omzet", 111, "4  ", "D", "W"},
		{"8000", "Omzet hoog", 110, "2  ", "C", "W"},
		{"8010", "Omzet laag", 110, "1  ", "C", "W"},
		{"8100", "Omzet binnen de EU", 110, "6  ", "C", "W"},
		{"4900", "Koersverschillen (verlies)", 120, "", "D", "W"},
		{"8900", "Koersverschillen (winst)", 110, "", "C", "W"},
	} {
		rec := record{"ID": newGUID(), "Code": g.code, "Description": g.desc, "Type": g.typ, "TypeDescription": glTypes[g.typ],
			"BalanceSide": g.side, "BalanceType": g.bal, "Compress": false, "ExcludeVATListing": int64(0), "IsBlocked": false,
			"Matching": g.typ == 20 || g.typ == 22, "PrivatePercentage": zeroDec, "VATNonDeductiblePercentage": zeroDec,
			"SearchCode": nil}
		glDefaults(rec)
		if g.vat != "" {
			rec["VATCode"] = g.vat
		}
		s.stamp(d, rec)
		d.put("financial/GLAccounts", "ID", rec)
	}
	toPay, toClaim := d.findCode("financial/GLAccounts", "1500"), d.findCode("financial/GLAccounts", "1520")
	for _, v := range []struct {
		code, desc, typ, tt, listing string
		pct                          decimal.Decimal
		charged                      bool
	}{
		{"0  ", "0% btw", "B", "B", "N", pct("0"), false},
		{"1  ", "Verkopen laag, 9%", "E", "S", "N", pct("0.09"), false},
		{"2  ", "Verkopen hoog, 21%", "E", "S", "N", pct("0.21"), false},
		{"4  ", "Inkopen hoog, 21%", "E", "P", "N", pct("0.21"), false},
		{"5  ", "Inkopen laag, 9%", "E", "P", "N", pct("0.09"), false},
		{"6  ", "Verkopen binnen de EU, 0%", "B", "S", "L", pct("0"), false},
		{"7  ", "Inkopen verlegd hoog, 21%", "E", "P", "N", pct("0.21"), true},
	} {
		rec := record{"ID": newGUID(), "Code": v.code, "Description": v.desc, "Type": v.typ, "VATTransactionType": v.tt,
			"Percentage": v.pct, "CalculationBasis": int64(0), "Charged": v.charged, "EUSalesListing": v.listing, "IntraStat": false,
			"IntrastatType": "N", "IsBlocked": false, "VatDocType": "P", "VatMargin": int64(0), "Country": "NL ",
			"GLToPay": toPay["ID"], "GLToPayCode": toPay["Code"], "GLToClaim": toClaim["ID"], "GLToClaimCode": toClaim["Code"]}
		s.stamp(d, rec)
		d.put("vat/VATCodes", "ID", rec)
	}
	bank := d.findCode("financial/GLAccounts", "1000")
	for _, j := range []struct {
		code, desc string
		typ        int64
	}{
		{"20", "Bank", 12}, {"60", "Inkoopboek", 22}, {"70", "Verkoopboek", 20}, {"90", "Memoriaal", 90},
	} {
		typeDesc := map[int64]string{12: "Bank", 20: "Sales", 22: "Purchase", 90: "General journal"}[j.typ]
		variable := j.typ != 90
		rec := record{"ID": newGUID(), "Code": j.code, "Description": j.desc, "Type": j.typ, "TypeDescription": typeDesc,
			"Currency": "EUR", "AllowVariableCurrency": variable, "AllowVariableExchangeRate": variable}
		if j.typ == 12 {
			rec["GLAccount"], rec["GLAccountCode"], rec["GLAccountDescription"] = bank["ID"], bank["Code"], bank["Description"]
		}
		s.stamp(d, rec)
		d.put("financial/Journals", "ID", rec)
	}
	for _, p := range []struct {
		code, desc string
		days, eom  int64
		method     string
	}{
		{"00", "Contant", 0, 0, "K"}, {"14", "14 dagen", 14, 0, "B"}, {"30", "30 dagen", 30, 0, "B"}, {"60", "60 dagen", 60, 0, "B"},
	} {
		rec := record{"ID": newGUID(), "Code": p.code, "Description": p.desc, "PaymentDays": p.days, "PaymentEndOfMonths": p.eom,
			"PaymentMethod": p.method, "DiscountPaymentDays": int64(0), "DiscountPercentage": zeroDec, "Percentage": zeroDec}
		s.stamp(d, rec)
		d.put("cashflow/PaymentConditions", "ID", rec)
	}
	for _, c := range []struct {
		code, desc string
		rate       string
	}{
		{"EUR", "Euro", ""}, {"USD", "US Dollar", "0.92"}, {"GBP", "Brits pond", "1.17"},
	} {
		d.put("general/Currencies", "Code", record{"Code": c.code, "Description": c.desc, "AmountPrecision": pct("0.01"),
			"PricePrecision": pct("0.00001"), "Created": s.local(), "Modified": s.local()})
		if c.rate == "" {
			continue
		}
		rec := record{"ID": newGUID(), "Rate": pct(c.rate), "SourceCurrency": c.code, "SourceCurrencyDescription": c.desc,
			"StartDate": time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), "TargetCurrency": "EUR", "TargetCurrencyDescription": "Euro"}
		s.stamp(d, rec)
		d.put("financial/ExchangeRates", "ID", rec)
	}
	lastYear := max(2027, s.now().Year()+1)
	for y := 2025; y <= lastYear; y++ {
		for m := 1; m <= 12; m++ {
			start := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC)
			rec := record{"ID": newGUID(), "FinYear": int64(y), "FinPeriod": int64(m), "StartDate": start,
				"EndDate": start.AddDate(0, 1, -1), "Status": int64(0)}
			s.stamp(d, rec)
			d.put("financial/FinancialPeriods", "ID", rec)
		}
	}
	for _, t := range []struct {
		id   int64
		desc string
		cat  int64
	}{
		{10, "Sales invoice", 1}, {20, "Purchase invoice", 2}, {55, "Miscellaneous", 0}, {183, "General Attachment", 0},
	} {
		rec := record{"ID": t.id, "Description": t.desc, "DocumentIsCreatable": true, "DocumentIsDeletable": true,
			"DocumentIsUpdatable": true, "DocumentIsViewable": true, "TypeCategory": t.cat}
		d.table("documents/DocumentTypes")[strconv.FormatInt(t.id, 10)] = rec
	}
	for _, c := range []struct {
		code, desc string
		active     bool
	}{
		{"100", "Verkoop", true}, {"200", "Inkoop", true}, {"300", "Algemeen", true}, {"900", "Vervallen", false},
	} {
		s.putCostCenter(d, c.code, c.desc, c.active)
	}
	for _, u := range []struct{ code, desc string }{{"PRJ1", "Project Noord"}, {"PRJ2", "Project Zuid"}} {
		s.putCostUnit(d, u.code, u.desc)
	}
}

func (s *Server) putCostCenter(d *division, code, description string, active bool) {
	rec := record{"ID": newGUID(), "Code": strings.TrimSpace(code), "Description": description, "Active": active}
	s.stamp(d, rec)
	d.put(tableCostCenters, "ID", rec)
}

func (s *Server) putCostUnit(d *division, code, description string) {
	rec := record{"ID": newGUID(), "Code": strings.TrimSpace(code), "Description": description}
	s.stamp(d, rec)
	d.put(tableCostUnits, "ID", rec)
}

// AddCostCenter adds a cost centre to a division, as an accountant creates one in Exact's web UI: code (stored
// trimmed, not padded), description, and whether it is active (an inactive one is refused on entry lines). A code
// the division has already is refused.
func (s *Server) AddCostCenter(div int, code, description string, active bool) error {
	return s.addCode(div, tableCostCenters, "cost centre", code, func(d *division) { s.putCostCenter(d, code, description, active) })
}

// AddCostUnit adds a cost unit to a division: code (stored trimmed, not padded) and description. A code the
// division has already is refused.
func (s *Server) AddCostUnit(div int, code, description string) error {
	return s.addCode(div, tableCostUnits, "cost unit", code, func(d *division) { s.putCostUnit(d, code, description) })
}

// addCode adds a record with a code (what, for the errors) to a division's table by put, refusing an empty code
// and one the table has already.
func (s *Server) addCode(div int, table, what, code string, put func(d *division)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.divs[div]
	if d == nil {
		return fmt.Errorf("exacttest: unknown division %d", div)
	}
	if strings.TrimSpace(code) == "" {
		return fmt.Errorf("exacttest: a %s needs a code", what)
	}
	if d.findExactCode(table, code) != nil {
		return fmt.Errorf("exacttest: division %d has %s %q already", div, what, strings.TrimSpace(code))
	}
	put(d)
	return nil
}

// ClosePeriod closes (or with closed=false reopens) a financial period, as an accountant does after a VAT
// return: entries dated in a closed period are refused, and so is any change to an entry booked in one.
func (s *Server) ClosePeriod(division, year, period int, closed bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.divs[division]
	if d == nil {
		return fmt.Errorf("exacttest: unknown division %d", division)
	}
	for _, p := range d.tables["financial/FinancialPeriods"] {
		if p.i64("FinYear") == int64(year) && p.i64("FinPeriod") == int64(period) {
			st := int64(0)
			if closed {
				st = 1
			}
			p["Status"] = st
			s.touch(d, p)
			return nil
		}
	}
	return fmt.Errorf("exacttest: division %d has no financial period %d/%d", division, year, period)
}

// AddVATCode adds a VAT code to a division, as an accountant creates one in Exact (vat/VATCodes is read-only
// through the API): code (padded to 3), description, percentage as a fraction (0.15), transaction type S, P or B,
// and charged for reverse charge. A code the division has already is refused.
func (s *Server) AddVATCode(division int, code, description string, percentage decimal.Decimal, transactionType string, charged bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.divs[division]
	if d == nil {
		return fmt.Errorf("exacttest: unknown division %d", division)
	}
	if d.findCode("vat/VATCodes", code) != nil {
		return fmt.Errorf("exacttest: division %d has VAT code %q already", division, code)
	}
	toPay, toClaim := d.findCode("financial/GLAccounts", "1500"), d.findCode("financial/GLAccounts", "1520")
	rec := record{"ID": newGUID(), "Code": fmt.Sprintf("%-3s", code), "Description": description, "Type": "E", "VATTransactionType": transactionType,
		"Percentage": percentage, "CalculationBasis": int64(0), "Charged": charged, "EUSalesListing": "N", "IntraStat": false,
		"IntrastatType": "N", "IsBlocked": false, "VatDocType": "P", "VatMargin": int64(0), "Country": "NL ",
		"GLToPay": toPay["ID"], "GLToPayCode": toPay["Code"], "GLToClaim": toClaim["ID"], "GLToClaimCode": toClaim["Code"]}
	s.stamp(d, rec)
	d.put("vat/VATCodes", "ID", rec)
	return nil
}
