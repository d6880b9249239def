package exacttest

import (
	"strconv"
	"time"

	"github.com/shopspring/decimal"
)

// seed fills a division with a new Dutch administration.
func (s *Server) seed(d *division) {
	pct := func(p string) decimal.Decimal { return decimal.RequireFromString(p) }
	for _, v := range []struct {
		code, desc, typ, tt string
		pct                 decimal.Decimal
	}{
		{"0  ", "0% btw", "B", "B", pct("0")},
		{"1  ", "Verkopen laag, 9%", "E", "S", pct("0.09")},
		{"2  ", "Verkopen hoog, 21%", "E", "S", pct("0.21")},
		{"4  ", "Inkopen hoog, 21%", "E", "P", pct("0.21")},
		{"5  ", "Inkopen laag, 9%", "E", "P", pct("0.09")},
	} {
		rec := record{"ID": newGUID(), "Code": v.code, "Description": v.desc, "Type": v.typ, "VATTransactionType": v.tt,
			"Percentage": v.pct, "CalculationBasis": int64(1), "Charged": false, "EUSalesListing": "N", "IntraStat": false,
			"IntrastatType": "N", "IsBlocked": false, "VatDocType": "P", "VatMargin": int64(0), "Country": "NL "}
		s.stamp(d, rec)
		d.put("vat/VATCodes", "ID", rec)
	}
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
	bank := d.findCode("financial/GLAccounts", "1000")
	for _, j := range []struct {
		code, desc string
		typ        int64
	}{
		{"20", "Bank", 12}, {"60", "Inkoopboek", 22}, {"70", "Verkoopboek", 20}, {"90", "Memoriaal", 90},
	} {
		typeDesc := map[int64]string{12: "Bank", 20: "Sales", 22: "Purchase", 90: "General journal"}[j.typ]
		rec := record{"ID": newGUID(), "Code": j.code, "Description": j.desc, "Type": j.typ, "TypeDescription": typeDesc,
			"Currency": "EUR", "AllowVariableCurrency": false, "AllowVariableExchangeRate": false}
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
}

// ClosePeriod closes (or with closed=false reopens) a financial period, as
// an accountant does after a VAT return.
func (s *Server) ClosePeriod(division, year, period int, closed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.divs[division]
	if d == nil {
		return
	}
	for _, p := range d.tables["financial/FinancialPeriods"] {
		if p.i64("FinYear") == int64(year) && p.i64("FinPeriod") == int64(period) {
			st := int64(0)
			if closed {
				st = 1
			}
			p["Status"] = st
			s.touch(d, p)
		}
	}
}
