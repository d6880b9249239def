package activities

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"go.temporal.io/sdk/converter"

	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/store"
)

// ---- an Odoo invoice, built with Odoo's own arithmetic -----------------------------------------------------------

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// fxTax is an Odoo account.tax of the fixtures.
type fxTax struct {
	name    string
	pct     string // fraction
	reverse bool   // reverse charge: a +100 % and a −100 % repartition line, which cancel out
}

var fxTaxes = map[int64]fxTax{
	1:  {"21% S", "0.21", false},
	2:  {"9% S", "0.09", false},
	3:  {"0% EU S", "0", false},
	11: {"21% P", "0.21", false},
	12: {"9% P", "0.09", false},
	13: {"21% EU reverse charge P", "0.21", true},
}

// fxLine is an invoice line as a person types it in Odoo.
type fxLine struct {
	name            string
	qty, price      string
	discount        string // percent
	taxes           []int64
	account         int64 // default: 100 on an invoice, 200 on a bill
	analytic        map[string]any
	section, noteOf bool // a line_section or line_note instead of a product line
}

// fxInvoice is an invoice as a person sets it up in Odoo.
type fxInvoice struct {
	moveType       string // default out_invoice
	perLine        bool   // Odoo's tax rounding: round_per_line, else round_globally
	currency       string // default EUR
	places         int32  // default 2
	rate           string // company currency per unit of the move's currency; default 1
	cashRounding   string // step of the cash rounding, e.g. "0.05"; "" for none
	onBiggestTax   bool   // cash rounding strategy biggest_tax instead of add_invoice_line
	paymentTerm    int64
	name, ref, pay string // move name (default INV/2026/00001 or BILL/2026/00001), vendor ref, payment reference
	partner        string // default Acme BV
	lines          []fxLine
	extra          []odoo.MoveLine // added to the move's lines as they are
}

// fxResult is the posted move with what Odoo shows for it, in the document's sign (negative for a refund).
type fxResult struct {
	move  odoo.Move
	total decimal.Decimal
	vat   map[int64]decimal.Decimal // per tax; reverse charge: the charged VAT
}

// buildInvoice posts an invoice as Odoo 17 does: subtotals rounded at the currency, VAT per tax rounded per line or
// on the tax's base (global), a tax line per tax (two for reverse charge), the cash rounding, and the receivable or
// payable line that balances the move in both currencies.
func buildInvoice(t *testing.T, f fxInvoice) fxResult {
	t.Helper()
	f.moveType = cmpOr(f.moveType, odoo.MoveOutInvoice)
	f.currency, f.rate, f.partner = cmpOr(f.currency, "EUR"), cmpOr(f.rate, "1"), cmpOr(f.partner, "Acme BV")
	if f.places == 0 && f.currency != "JPY" {
		f.places = 2
	}
	sales := f.moveType == odoo.MoveOutInvoice || f.moveType == odoo.MoveOutRefund
	docSign, side := decimal.NewFromInt(1), decimal.NewFromInt(1) // amount_currency = side × docSign × document amount
	if f.moveType == odoo.MoveOutRefund || f.moveType == odoo.MoveInRefund {
		docSign = decimal.NewFromInt(-1)
	}
	journal, defaultAccount := odoo.Many2One{ID: 2, Name: "Vendor Bills"}, int64(200)
	if sales {
		side, journal, defaultAccount = decimal.NewFromInt(-1), odoo.Many2One{ID: 1, Name: "Customer Invoices"}, 100
		f.name = cmpOr(f.name, "INV/2026/00001")
	} else {
		f.name = cmpOr(f.name, "BILL/2026/00001")
	}
	rate := dec(f.rate)
	mv := odoo.Move{ID: 77, Name: f.name, MoveType: f.moveType, State: "posted",
		Partner: odoo.Many2One{ID: 9, Name: f.partner}, CommercialPartner: odoo.Many2One{ID: 9, Name: f.partner},
		InvoiceDate:    time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC),
		InvoiceDateDue: time.Date(2026, 4, 9, 0, 0, 0, 0, time.UTC),
		Ref:            f.ref, PaymentReference: f.pay, Currency: odoo.Many2One{ID: 1, Name: f.currency}, CurrencyPlaces: f.places,
		Journal: journal}
	if f.paymentTerm != 0 {
		mv.PaymentTerm = odoo.Many2One{ID: f.paymentTerm, Name: "30 days"}
	}
	nextID := int64(1000)
	add := func(l odoo.MoveLine, invoiceLine bool) {
		nextID++
		l.ID, l.Sequence, l.Move = nextID, nextID, odoo.Many2One{ID: mv.ID, Name: mv.Name}
		mv.Lines = append(mv.Lines, l)
		if invoiceLine {
			mv.InvoiceLines = append(mv.InvoiceLines, l)
		}
	}
	money := func(docAmount decimal.Decimal) (amountCurrency, balance decimal.Decimal) {
		amountCurrency = docAmount.Mul(side).Mul(docSign)
		return amountCurrency, amountCurrency.Mul(rate).Round(2)
	}
	untaxed := decimal.Zero
	taxPerLine, taxBase := map[int64]decimal.Decimal{}, map[int64]decimal.Decimal{}
	for _, l := range f.lines {
		if l.section || l.noteOf {
			display := odoo.LineSection
			if l.noteOf {
				display = odoo.LineNote
			}
			add(odoo.MoveLine{DisplayType: display, Name: l.name, AmountCurrency: decimal.Zero, Balance: decimal.Zero}, true)
			continue
		}
		qty, price, discount := dec(l.qty), dec(l.price), dec(cmpOr(l.discount, "0"))
		subtotal := qty.Mul(price).Mul(decimal.NewFromInt(1).Sub(discount.Div(decimal.NewFromInt(100)))).Round(f.places)
		untaxed = untaxed.Add(subtotal)
		for _, id := range l.taxes {
			taxPerLine[id] = taxPerLine[id].Add(subtotal.Mul(dec(fxTaxes[id].pct)).Round(f.places))
			taxBase[id] = taxBase[id].Add(subtotal)
		}
		account := l.account
		if account == 0 {
			account = defaultAccount
		}
		ac, bal := money(subtotal)
		add(odoo.MoveLine{DisplayType: odoo.LineProduct, Name: l.name, Product: odoo.Many2One{ID: 5, Name: "[P] Product"},
			Quantity: qty, PriceUnit: price, Discount: discount, TaxIDs: l.taxes, PriceSubtotal: subtotal,
			AmountCurrency: ac, Balance: bal, Account: odoo.Many2One{ID: account, Name: fmt.Sprintf("%d account", account)},
			AnalyticDistribution: l.analytic}, true)
	}
	vat := map[int64]decimal.Decimal{}
	total := untaxed
	var biggest int64
	for _, id := range slices.Sorted(maps.Keys(taxBase)) {
		tax := fxTaxes[id]
		amount := taxPerLine[id]
		if !f.perLine {
			amount = taxBase[id].Mul(dec(tax.pct)).Round(f.places)
		}
		vat[id] = amount
		if amount.IsZero() {
			continue
		}
		ac, bal := money(amount)
		add(odoo.MoveLine{DisplayType: odoo.LineTax, Name: tax.name, AmountCurrency: ac, Balance: bal,
			TaxLine: odoo.Many2One{ID: id, Name: tax.name}, Account: odoo.Many2One{ID: 451, Name: "451000 VAT"}}, false)
		if tax.reverse {
			ac, bal := money(amount.Neg())
			add(odoo.MoveLine{DisplayType: odoo.LineTax, Name: tax.name, AmountCurrency: ac, Balance: bal,
				TaxLine: odoo.Many2One{ID: id, Name: tax.name}, Account: odoo.Many2One{ID: 452, Name: "452000 VAT payable"}}, false)
			continue
		}
		total = total.Add(amount)
		if biggest == 0 || amount.Abs().GreaterThan(vat[biggest].Abs()) {
			biggest = id
		}
	}
	if f.cashRounding != "" {
		step := dec(f.cashRounding)
		diff := total.Div(step).Round(0).Mul(step).Sub(total)
		if !diff.IsZero() {
			ac, bal := money(diff)
			l := odoo.MoveLine{DisplayType: odoo.LineRounding, Name: "Rounding", AmountCurrency: ac, Balance: bal,
				Account: odoo.Many2One{ID: 300, Name: "Cash rounding"}}
			if f.onBiggestTax {
				l.TaxLine, l.Account = odoo.Many2One{ID: biggest, Name: fxTaxes[biggest].name}, odoo.Many2One{ID: 451, Name: "451000 VAT"}
				vat[biggest] = vat[biggest].Add(diff)
			}
			add(l, false)
			total = total.Add(diff)
		}
	}
	for _, l := range f.extra {
		add(l, false)
	}
	var sumAC, sumBal decimal.Decimal
	for _, l := range mv.Lines {
		sumAC, sumBal = sumAC.Add(l.AmountCurrency), sumBal.Add(l.Balance)
	}
	add(odoo.MoveLine{DisplayType: odoo.LinePaymentTerm, Name: f.name, AmountCurrency: sumAC.Neg(), Balance: sumBal.Neg(),
		Account: odoo.Many2One{ID: 400, Name: "400000 Receivable/Payable"}}, false)
	mv.AmountUntaxed, mv.AmountTax, mv.AmountTotal = untaxed, total.Sub(untaxed), total
	for id := range vat {
		vat[id] = vat[id].Mul(docSign)
	}
	return fxResult{move: mv, total: total.Mul(docSign), vat: vat}
}

func cmpOr(s, dflt string) string {
	if s == "" {
		return dflt
	}
	return s
}

// testRefs is a Dutch division (EUR) with its mappings.
func testRefs() InvoiceRefs {
	return InvoiceRefs{
		Connection:       "acme",
		DivisionCurrency: "EUR",
		Currencies:       map[string]bool{"EUR": true, "USD": true, "JPY": true},
		Mapped: map[string]map[int64]string{
			store.MapJournal:     {1: "70", 2: "60"},
			store.MapTax:         {1: "2", 2: "1", 3: "0", 11: "5", 12: "6", 13: "7"},
			store.MapAccount:     {100: "8000", 101: "8010", 200: "4000", 300: "8990"},
			store.MapPaymentTerm: {5: "30"},
			store.MapAnalytic:    {40: "KP100", 41: "KP200", 50: "unit:PRJ1", 51: "unit:PRJ2"},
		},
		Journals: map[string]ExactJournal{"70": {"70", 20}, "60": {"60", 22}, "90": {"90", 90}},
		GLAccounts: map[string]ExactGL{
			"8000": {ID: "guid-8000", Code: "8000"}, "8010": {ID: "guid-8010", Code: "8010"},
			"4000": {ID: "guid-4000", Code: "4000"}, "8990": {ID: "guid-8990", Code: "8990"},
			"8999": {ID: "guid-8999", Code: "8999", Blocked: true},
		},
		VATCodes: map[string]ExactVAT{
			"0": {Code: "0  ", Percentage: dec("0"), TransactionType: "B"},
			"1": {Code: "1  ", Percentage: dec("0.09"), TransactionType: "S"},
			"2": {Code: "2  ", Percentage: dec("0.21"), TransactionType: "S"},
			"5": {Code: "5  ", Percentage: dec("0.21"), TransactionType: "P"},
			"6": {Code: "6  ", Percentage: dec("0.09"), TransactionType: "P"},
			"7": {Code: "7  ", Percentage: dec("0.21"), TransactionType: "P", Charged: true},
			"8": {Code: "8  ", Percentage: dec("0.21"), TransactionType: "B", Blocked: true},
		},
		ZeroVATCode:       "0",
		PaymentConditions: map[string]bool{"30": true},
		CostCenters:       map[string]bool{"KP100": true, "KP200": true},
		CostUnits:         map[string]bool{"PRJ1": true, "PRJ2": true},
	}
}

// exactComputes is what Exact makes of the lines: each line's VAT is the VATAmountFC sent, else AmountFC × the VAT
// code's percentage rounded at the currency; the entry's total leaves reverse-charge VAT out.
func exactComputes(t *testing.T, refs InvoiceRefs, lines []exact.EntryLine, places int32) (total decimal.Decimal, vatByCode map[string]decimal.Decimal) {
	t.Helper()
	vatByCode = map[string]decimal.Decimal{}
	for _, l := range lines {
		code := strings.TrimSpace(l.VATCode)
		vc, ok := refs.VATCodes[code]
		if !ok {
			t.Fatalf("line %q: VAT code %q is not in the division", l.Description, l.VATCode)
		}
		vat := l.AmountFC.Mul(vc.Percentage).Round(places)
		if amountSent(l.VATAmountFC) != nil {
			vat = l.VATAmountFC
		}
		vatByCode[code] = vatByCode[code].Add(vat)
		total = total.Add(l.AmountFC)
		if !vc.Charged {
			total = total.Add(vat)
		}
	}
	return total, vatByCode
}

// checkEntry asserts that Exact, computing from the mapped lines, comes to Odoo's total and to Odoo's VAT per code.
func checkEntry(t *testing.T, refs InvoiceRefs, fx fxResult, got MappedEntry) {
	t.Helper()
	if !got.AmountFC.Equal(fx.total) {
		t.Errorf("AmountFC = %s, want Odoo's total %s", got.AmountFC, fx.total)
	}
	total, vatByCode := exactComputes(t, refs, got.Lines, fx.move.CurrencyPlaces)
	if !total.Equal(fx.total) {
		t.Errorf("Exact computes a total of %s from the lines, want Odoo's %s", total, fx.total)
	}
	wantVAT := map[string]decimal.Decimal{}
	nonCharged := decimal.Zero
	for id, amount := range fx.vat {
		code := refs.Mapped[store.MapTax][id]
		wantVAT[code] = wantVAT[code].Add(amount)
		if !refs.VATCodes[code].Charged {
			nonCharged = nonCharged.Add(amount)
		}
	}
	for code, want := range wantVAT {
		if !vatByCode[code].Equal(want) {
			t.Errorf("VAT on code %s = %s, want Odoo's %s", code, vatByCode[code], want)
		}
	}
	if !got.VATAmountFC.Equal(nonCharged) {
		t.Errorf("VATAmountFC = %s, want %s", got.VATAmountFC, nonCharged)
	}
}

func mustMap(t *testing.T, mv odoo.Move, refs InvoiceRefs) MappedEntry {
	t.Helper()
	got, p := MapInvoice(mv, refs)
	if p != nil {
		t.Fatalf("MapInvoice: %v", p)
	}
	return got
}

// overridden counts the lines that carry VATAmountFC.
func overridden(lines []exact.EntryLine) int {
	n := 0
	for _, l := range lines {
		if amountSent(l.VATAmountFC) != nil {
			n++
		}
	}
	return n
}

// ---- totals --------------------------------------------------------------------------------------------------

func TestMapInvoiceTotalsEqualOdoos(t *testing.T) {
	line := func(name, qty, price string, taxes ...int64) fxLine {
		return fxLine{name: name, qty: qty, price: price, taxes: taxes}
	}
	fifty := make([]fxLine, 50)
	for i := range fifty {
		taxes := [][]int64{{1}, {2}, {1}, {3}, nil}[i%5]
		price := decimal.New(int64(7+i*193%9973), -2) // 0.07 … 99.xx, deterministic
		fifty[i] = fxLine{name: fmt.Sprintf("Item %d", i), qty: fmt.Sprint(1 + i%4), price: price.String(), discount: []string{"0", "0", "12.5"}[i%3], taxes: taxes}
	}
	for _, tc := range []struct {
		name string
		fx   fxInvoice
		// wantOverrides: lines with VATAmountFC under per-line and global rounding; -1 to leave unchecked
		perLine, global int
	}{
		{"one line at 21%", fxInvoice{lines: []fxLine{line("Consulting", "1", "100", 1)}}, 0, 0},
		{"3 lines of 0.15 at 21%", fxInvoice{lines: []fxLine{line("a", "1", "0.15", 1), line("b", "1", "0.15", 1), line("c", "1", "0.15", 1)}}, 0, 0},
		// 0.07 × 21 % = 0.0147: per line 0.01 × 3 = 0.03, globally 0.0441 → 0.04
		{"3 lines of 0.07 at 21%, a cent apart", fxInvoice{lines: []fxLine{line("a", "1", "0.07", 1), line("b", "1", "0.07", 1), line("c", "1", "0.07", 1)}}, 0, 3},
		// 0.15 × 9 % = 0.0135: per line 0.01 × 3 = 0.03, globally 0.0405 → 0.04
		{"3 lines of 0.15 at 9%, a cent apart", fxInvoice{lines: []fxLine{line("a", "1", "0.15", 2), line("b", "1", "0.15", 2), line("c", "1", "0.15", 2)}}, 0, 3},
		{"no tax", fxInvoice{lines: []fxLine{{name: "Gift card", qty: "2", price: "25"}}}, 0, 0},
		{"0% tax", fxInvoice{lines: []fxLine{line("Intra-EU service", "1", "1000", 3)}}, 0, 0},
		{"mixed taxes and a discount", fxInvoice{lines: []fxLine{
			{name: "Licence", qty: "3", price: "19.99", discount: "10", taxes: []int64{1}},
			line("Book", "2", "12.45", 2), line("Export", "1", "250", 3), {name: "Deposit", qty: "1", price: "50"},
			line("Support", "7", "0.07", 1)}}, -1, -1},
		{"credit note", fxInvoice{moveType: odoo.MoveOutRefund, lines: []fxLine{
			line("a", "1", "0.07", 1), line("b", "1", "0.07", 1), line("c", "1", "0.07", 1), line("Book", "1", "12.45", 2)}}, 0, 3},
		{"foreign currency", fxInvoice{currency: "USD", rate: "0.917431", lines: []fxLine{
			line("Hours", "37.5", "85", 1), line("Travel", "1", "123.45", 2)}}, -1, -1},
		{"zero-decimal currency", fxInvoice{currency: "JPY", rate: "0.0061", lines: []fxLine{
			line("a", "1", "105", 2), line("b", "1", "105", 2), line("c", "1", "105", 2)}}, 0, 3},
		{"vendor bill", fxInvoice{moveType: odoo.MoveInInvoice, ref: "F2026-0042", lines: []fxLine{
			line("Paper", "10", "4.99", 11), line("Coffee", "3", "0.15", 12)}}, -1, -1},
		{"vendor credit note", fxInvoice{moveType: odoo.MoveInRefund, ref: "CN-7", lines: []fxLine{
			line("Paper", "1", "0.07", 11), line("Paper", "1", "0.07", 11), line("Paper", "1", "0.07", 11)}}, 0, 3},
		{"reverse-charge purchase line", fxInvoice{moveType: odoo.MoveInInvoice, ref: "DE-991", lines: []fxLine{
			line("Software (DE)", "1", "1234.56", 13), line("Paper", "10", "4.99", 11)}}, 0, 0},
		{"reverse-charge refund", fxInvoice{moveType: odoo.MoveInRefund, ref: "DE-992", lines: []fxLine{
			line("Software (DE)", "1", "0.07", 13), line("Software (DE)", "1", "0.07", 13), line("Software (DE)", "1", "0.07", 13)}}, 0, 3},
		{"cash-rounding line", fxInvoice{cashRounding: "0.05", lines: []fxLine{line("Coffee", "3", "1.12", 1)}}, 0, 0},
		{"cash rounding on the biggest tax", fxInvoice{cashRounding: "0.05", onBiggestTax: true, lines: []fxLine{
			line("Coffee", "3", "1.12", 1), line("Cake", "1", "2.10", 2)}}, -1, -1},
		{"a discount line in the same tax", fxInvoice{lines: []fxLine{line("Hardware", "1", "100", 1), line("Discount", "1", "-33.33", 1)}}, -1, -1},
		// 0.50 × 9 % = 0.045: half a cent Exact may round either way, so it is always sent
		{"half a cent", fxInvoice{lines: []fxLine{line("Stamp", "1", "0.50", 2)}}, 1, 1},
		{"50 lines", fxInvoice{lines: fifty}, -1, -1},
		{"50 lines, vendor bill in USD", fxInvoice{moveType: odoo.MoveInInvoice, ref: "US-1", currency: "USD", rate: "0.92", lines: func() []fxLine {
			out := slices.Clone(fifty)
			for i := range out {
				out[i].taxes = map[int64][]int64{1: {11}, 2: {12}, 3: {13}}[out[i].taxes0()]
			}
			return out
		}()}, -1, -1},
	} {
		for _, perLine := range []bool{true, false} {
			method := map[bool]string{true: "round_per_line", false: "round_globally"}[perLine]
			t.Run(tc.name+"/"+method, func(t *testing.T) {
				fx := tc.fx
				fx.perLine = perLine
				res := buildInvoice(t, fx)
				refs := testRefs()
				got := mustMap(t, res.move, refs)
				checkEntry(t, refs, res, got)
				if want := map[bool]int{true: tc.perLine, false: tc.global}[perLine]; want >= 0 && overridden(got.Lines) != want {
					t.Errorf("%d lines carry VATAmountFC, want %d", overridden(got.Lines), want)
				}
			})
		}
	}
}

// taxes0 is the line's first tax, 0 for none.
func (l fxLine) taxes0() int64 {
	if len(l.taxes) == 0 {
		return 0
	}
	return l.taxes[0]
}

func TestMapInvoiceVATDetails(t *testing.T) {
	refs := testRefs()
	t.Run("global rounding: Odoo's 0.04 shared by largest remainder", func(t *testing.T) {
		res := buildInvoice(t, fxInvoice{lines: []fxLine{{name: "a", qty: "1", price: "0.07", taxes: []int64{1}},
			{name: "b", qty: "1", price: "0.07", taxes: []int64{1}}, {name: "c", qty: "1", price: "0.07", taxes: []int64{1}}}})
		got := mustMap(t, res.move, refs)
		var vats []string
		for _, l := range got.Lines {
			vats = append(vats, l.VATAmountFC.StringFixed(2))
		}
		if want := []string{"0.02", "0.01", "0.01"}; !slices.Equal(vats, want) {
			t.Errorf("VATAmountFC = %v, want %v", vats, want)
		}
	})
	t.Run("reverse charge: VAT on the code, not in the total", func(t *testing.T) {
		res := buildInvoice(t, fxInvoice{moveType: odoo.MoveInInvoice, ref: "DE-1", perLine: true,
			lines: []fxLine{{name: "Software", qty: "1", price: "1000", taxes: []int64{13}}}})
		got := mustMap(t, res.move, refs)
		if !got.AmountFC.Equal(dec("1000")) || !got.VATAmountFC.IsZero() {
			t.Errorf("AmountFC, VATAmountFC = %s, %s; want 1000, 0", got.AmountFC, got.VATAmountFC)
		}
		if _, vat := exactComputes(t, refs, got.Lines, 2); !vat["7"].Equal(dec("210")) {
			t.Errorf("reverse-charge VAT on code 7 = %s, want 210", vat["7"])
		}
	})
	t.Run("an override of 0 is still sent", func(t *testing.T) {
		// 0.07 split 50/50 → 0.04 and 0.03; Exact would compute 0.01 + 0.01, Odoo has 0.01
		res := buildInvoice(t, fxInvoice{perLine: true, lines: []fxLine{{name: "Split", qty: "1", price: "0.07", taxes: []int64{1},
			analytic: map[string]any{"40": 50.0, "41": 50.0}}}})
		got := mustMap(t, res.move, refs)
		checkEntry(t, refs, res, got)
		if len(got.Lines) != 2 || amountSent(got.Lines[1].VATAmountFC) == nil || !got.Lines[1].VATAmountFC.IsZero() {
			t.Fatalf("lines = %+v, want two, the second with VATAmountFC 0 sent", got.Lines)
		}
	})
	t.Run("rate reproduces Odoo's company-currency total", func(t *testing.T) {
		res := buildInvoice(t, fxInvoice{currency: "USD", rate: "0.917431", perLine: true,
			lines: []fxLine{{name: "Hours", qty: "37.5", price: "85", taxes: []int64{1}}}})
		got := mustMap(t, res.move, refs)
		var balance decimal.Decimal
		for _, l := range res.move.Lines {
			if l.DisplayType == odoo.LinePaymentTerm {
				balance = l.Balance
			}
		}
		if got.Header.Currency != "USD" || got.Rate.IsZero() {
			t.Fatalf("Currency, Rate = %q, %s; want USD and a rate", got.Header.Currency, got.Rate)
		}
		if dc := got.AmountFC.Mul(got.Rate).Round(2); !dc.Equal(balance) {
			t.Errorf("AmountFC × Rate = %s, want Odoo's receivable %s", dc, balance)
		}
	})
}

// ---- header --------------------------------------------------------------------------------------------------

func TestMapInvoiceHeader(t *testing.T) {
	refs := testRefs()
	product := []fxLine{{name: "Consulting", qty: "1", price: "100", taxes: []int64{1}}}
	bill := []fxLine{{name: "Paper", qty: "1", price: "100", taxes: []int64{11}}}
	long := strings.Repeat("Very Long Company Name ", 4)
	for _, tc := range []struct {
		name string
		fx   fxInvoice
		want exact.EntryHeader
	}{
		{"customer invoice", fxInvoice{lines: product, paymentTerm: 5, pay: "INV/2026/00001"},
			exact.EntryHeader{Journal: "70", EntryDate: exact.NewDate(2026, 3, 10), DueDate: exact.NewDate(2026, 4, 9), PaymentCondition: "30",
				PaymentReference: "INV/2026/00001", YourRef: "INV/2026/00001", Description: "INV/2026/00001 Acme BV"}},
		{"vendor bill: YourRef is the supplier's number", fxInvoice{moveType: odoo.MoveInInvoice, ref: " F2026-0042 ", lines: bill},
			exact.EntryHeader{Journal: "60", EntryDate: exact.NewDate(2026, 3, 10), DueDate: exact.NewDate(2026, 4, 9),
				YourRef: "F2026-0042", Description: "BILL/2026/00001 Acme BV"}},
		{"vendor bill without reference: its own name", fxInvoice{moveType: odoo.MoveInInvoice, lines: bill},
			exact.EntryHeader{Journal: "60", EntryDate: exact.NewDate(2026, 3, 10), DueDate: exact.NewDate(2026, 4, 9),
				YourRef: "BILL/2026/00001", Description: "BILL/2026/00001 Acme BV"}},
		{"a long partner name is cut", fxInvoice{lines: product, partner: long},
			exact.EntryHeader{Journal: "70", EntryDate: exact.NewDate(2026, 3, 10), DueDate: exact.NewDate(2026, 4, 9),
				YourRef: "INV/2026/00001", Description: cut("INV/2026/00001 "+strings.TrimSpace(long), maxEntryDescription)}},
		{"foreign currency", fxInvoice{lines: product, currency: "USD", rate: "0.9"},
			exact.EntryHeader{Journal: "70", EntryDate: exact.NewDate(2026, 3, 10), DueDate: exact.NewDate(2026, 4, 9),
				YourRef: "INV/2026/00001", Description: "INV/2026/00001 Acme BV", Currency: "USD"}},
		{"structured communication as its 12 digits", fxInvoice{lines: product, pay: "+++090/9337/55493+++"},
			exact.EntryHeader{Journal: "70", EntryDate: exact.NewDate(2026, 3, 10), DueDate: exact.NewDate(2026, 4, 9),
				PaymentReference: "090933755493", YourRef: "INV/2026/00001", Description: "INV/2026/00001 Acme BV"}},
		{"structured communication with asterisks", fxInvoice{lines: product, pay: "***123/4567/89002***"},
			exact.EntryHeader{Journal: "70", EntryDate: exact.NewDate(2026, 3, 10), DueDate: exact.NewDate(2026, 4, 9),
				PaymentReference: "123456789002", YourRef: "INV/2026/00001", Description: "INV/2026/00001 Acme BV"}},
		{"Dutch betalingskenmerk as it is", fxInvoice{lines: product, pay: "7000123456789012"},
			exact.EntryHeader{Journal: "70", EntryDate: exact.NewDate(2026, 3, 10), DueDate: exact.NewDate(2026, 4, 9),
				PaymentReference: "7000123456789012", YourRef: "INV/2026/00001", Description: "INV/2026/00001 Acme BV"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := buildInvoice(t, tc.fx)
			got := mustMap(t, res.move, refs)
			if got.Header != tc.want {
				t.Errorf("header:\n got %+v\nwant %+v", got.Header, tc.want)
			}
			if n := utf8.RuneCountInString(got.Header.Description); n > maxEntryDescription {
				t.Errorf("Description has %d characters, Exact holds %d", n, maxEntryDescription)
			}
			if got.Purchase != (tc.fx.moveType == odoo.MoveInInvoice) {
				t.Errorf("Purchase = %v", got.Purchase)
			}
			if (tc.fx.currency == "") != got.Rate.IsZero() {
				t.Errorf("Rate = %s for currency %q", got.Rate, tc.fx.currency)
			}
		})
	}
}

// ---- lines ---------------------------------------------------------------------------------------------------

func TestMapInvoiceLines(t *testing.T) {
	refs := testRefs()
	long := strings.Repeat("x", 80)
	res := buildInvoice(t, fxInvoice{perLine: true, lines: []fxLine{
		{name: "Hardware", section: true},
		{name: "Laptop\n16 GB, 1 TB\nserial 123", qty: "2", price: "999.50", taxes: []int64{1}},
		{name: "Delivered on site", noteOf: true},
		{name: long, qty: "1", price: "10", taxes: []int64{2}, account: 101},
		{name: "", qty: "3", price: "1", taxes: nil},
	}})
	got := mustMap(t, res.move, refs)
	checkEntry(t, refs, res, got)
	want := []exact.EntryLine{
		{GLAccount: "guid-8000", Description: "Laptop", AmountFC: dec("1999"), VATCode: "2  ", Quantity: dec("2")},
		{GLAccount: "guid-8010", Description: cut(long, maxLineDescription), AmountFC: dec("10"), VATCode: "1  ", Quantity: dec("1")},
		{GLAccount: "guid-8000", Description: "[P] Product", AmountFC: dec("3"), VATCode: "0  ", Quantity: dec("3")},
	}
	if len(got.Lines) != len(want) {
		t.Fatalf("%d lines, want %d (sections and notes dropped): %+v", len(got.Lines), len(want), got.Lines)
	}
	for i, w := range want {
		g := got.Lines[i]
		if g.GLAccount != w.GLAccount || g.Description != w.Description || !g.AmountFC.Equal(w.AmountFC) || g.VATCode != w.VATCode ||
			!g.Quantity.Equal(w.Quantity) || amountSent(g.VATAmountFC) != nil || g.CostCenter != "" || g.CostUnit != "" {
			t.Errorf("line %d:\n got %+v\nwant %+v", i, g, w)
		}
		if n := utf8.RuneCountInString(g.Description); n > maxLineDescription {
			t.Errorf("line %d: Description has %d characters, Exact holds %d", i, n, maxLineDescription)
		}
	}
	t.Run("credit note lines are negative", func(t *testing.T) {
		res := buildInvoice(t, fxInvoice{moveType: odoo.MoveOutRefund, lines: []fxLine{{name: "Return", qty: "1", price: "50", taxes: []int64{1}}}})
		got := mustMap(t, res.move, refs)
		if !got.Lines[0].AmountFC.Equal(dec("-50")) || !got.AmountFC.Equal(dec("-60.5")) {
			t.Errorf("line %s, total %s; want -50 and -60.50", got.Lines[0].AmountFC, got.AmountFC)
		}
	})
	t.Run("a line of another type without money is left out", func(t *testing.T) {
		res := buildInvoice(t, fxInvoice{lines: []fxLine{{name: "a", qty: "1", price: "50", taxes: []int64{1}}},
			extra: []odoo.MoveLine{{DisplayType: "epd", Name: "Early payment discount", AmountCurrency: decimal.Zero, Balance: decimal.Zero}}})
		got := mustMap(t, res.move, refs)
		checkEntry(t, refs, res, got)
		if len(got.Lines) != 1 {
			t.Errorf("%d lines, want 1", len(got.Lines))
		}
	})
}

// ---- analytic ------------------------------------------------------------------------------------------------

func TestMapInvoiceAnalytic(t *testing.T) {
	type part struct{ cc, cu, amount string }
	for _, tc := range []struct {
		name     string
		price    string
		analytic map[string]any
		want     []part
		notes    int
	}{
		{"none", "100", nil, []part{{"", "", "100"}}, 0},
		{"one cost centre", "100", map[string]any{"40": 100.0}, []part{{"KP100", "", "100"}}, 0},
		{"one cost unit", "100", map[string]any{"50": 100.0}, []part{{"", "PRJ1", "100"}}, 0},
		{"a centre and a unit in one share (Odoo 17)", "100", map[string]any{"40,50": 100.0}, []part{{"KP100", "PRJ1", "100"}}, 0},
		{"two plans at 100% each (Odoo 16)", "100", map[string]any{"40": 100.0, "51": int64(100)}, []part{{"KP100", "PRJ2", "100"}}, 0},
		{"several accounts, one mapped at 100%", "100", map[string]any{"40": 100.0, "60": 100.0}, []part{{"KP100", "", "100"}}, 1},
		{"only unmapped accounts", "100", map[string]any{"60": 100.0, "61": 100.0}, []part{{"", "", "100"}}, 2},
		{"split 60/40", "100.01", map[string]any{"40": 60.0, "41": 40.0}, []part{{"KP100", "", "60.01"}, {"KP200", "", "40"}}, 0},
		{"split three ways", "100", map[string]any{"40": 33.33, "41": 33.33, "60,50": 33.34}, []part{{"KP100", "", "33.33"}, {"KP200", "", "33.33"}, {"", "PRJ1", "33.34"}}, 1},
		{"half on a cost centre, half on none", "0.01", map[string]any{"40": 50.0}, []part{{"KP100", "", "0.01"}, {"", "", "0"}}, 0},
		{"centres split, one unit (Odoo 16)", "10", map[string]any{"40": 60.0, "41": 40.0, "50": 100.0}, []part{{"KP100", "PRJ1", "6"}, {"KP200", "PRJ1", "4"}}, 0},
		{"centres and units split independently (Odoo 16)", "10", map[string]any{"40": 60.0, "41": 40.0, "50": 50.0, "51": 50.0},
			[]part{{"KP100", "PRJ1", "5"}, {"KP100", "PRJ2", "1"}, {"KP200", "PRJ2", "4"}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			refs := testRefs()
			res := buildInvoice(t, fxInvoice{lines: []fxLine{{name: "Work", qty: "1", price: tc.price, taxes: []int64{1}, analytic: tc.analytic}}})
			got := mustMap(t, res.move, refs)
			checkEntry(t, refs, res, got)
			var parts []part
			for _, l := range got.Lines {
				parts = append(parts, part{l.CostCenter, l.CostUnit, l.AmountFC.String()})
			}
			if !slices.Equal(parts, tc.want) {
				t.Errorf("lines (centre, unit, amount) = %v, want %v", parts, tc.want)
			}
			if len(got.Notes) != tc.notes {
				t.Errorf("notes = %q, want %d", got.Notes, tc.notes)
			}
			for _, n := range got.Notes {
				if !strings.Contains(n, "`starter mappings set --name acme --kind analytic --odoo-id 6") || !strings.Contains(n, " | ") {
					t.Errorf("note %q: want the mapping command and English | Dutch", n)
				}
			}
			quantity := decimal.Zero
			for _, l := range got.Lines {
				quantity = quantity.Add(l.Quantity)
			}
			if !quantity.Equal(dec("1")) {
				t.Errorf("quantities add up to %s, want 1", quantity)
			}
		})
	}
}

// ---- problems ------------------------------------------------------------------------------------------------

func TestMapInvoiceProblems(t *testing.T) {
	sale := fxInvoice{paymentTerm: 5, lines: []fxLine{{name: "Consulting", qty: "1", price: "100", taxes: []int64{1}}}}
	for _, tc := range []struct {
		name   string
		fx     fxInvoice
		move   func(*odoo.Move)
		refs   func(*InvoiceRefs)
		code   string
		wantEN []string // in EN or FixEN
	}{
		{"not an invoice", sale, func(mv *odoo.Move) { mv.MoveType = odoo.MoveEntry }, nil, "invoice.not_an_invoice", []string{`type "entry"`}},
		{"every missing mapping at once", fxInvoice{paymentTerm: 6, lines: []fxLine{
			{name: "Consulting", qty: "1", price: "100", taxes: []int64{1}, account: 102},
			{name: "Other", qty: "1", price: "100", taxes: []int64{1}, account: 103}}},
			nil, func(r *InvoiceRefs) {
				delete(r.Mapped[store.MapJournal], 1)
				delete(r.Mapped[store.MapTax], 1)
			}, "invoice.unmapped", []string{
				`Odoo journal 1 "Customer Invoices" has no Exact mapping`, "`starter mappings set --name acme --kind journal --odoo-id 1 --exact-code <code>`",
				`Odoo account 102 "102 account"`, "`starter mappings set --name acme --kind account --odoo-id 102 --exact-code <code>`",
				`Odoo account 103 "103 account"`, "`starter mappings set --name acme --kind account --odoo-id 103 --exact-code <code>`",
				`Odoo tax 1 "21% S"`, "`starter mappings set --name acme --kind tax --odoo-id 1 --exact-code <code>`",
				`Odoo payment term 6 "30 days"`, "`starter mappings set --name acme --kind payment_term --odoo-id 6 --exact-code <code>`"}},
		{"journal of the wrong type", sale, nil, func(r *InvoiceRefs) { r.Mapped[store.MapJournal][1] = "60" }, "invoice.journal_type",
			[]string{"type 22, not a sales journal (20)", "--kind journal --odoo-id 1"}},
		{"journal code the division lacks", sale, nil, func(r *InvoiceRefs) { r.Mapped[store.MapJournal][1] = "71" }, "invoice.unknown_code",
			[]string{`Exact code "71"`}},
		{"payment condition the division lacks", sale, nil, func(r *InvoiceRefs) { r.Mapped[store.MapPaymentTerm][5] = "45" }, "invoice.unknown_code",
			[]string{`Exact code "45"`, "--kind payment_term --odoo-id 5"}},
		{"two taxes on a line", fxInvoice{lines: []fxLine{{name: "Beer", qty: "1", price: "10", taxes: []int64{1, 2}}}}, nil, nil, "invoice.several_taxes",
			[]string{"carries 2 taxes (ids 1, 2); Exact allows one VAT code per line"}},
		{"purchase VAT code on a sale", sale, nil, func(r *InvoiceRefs) { r.Mapped[store.MapTax][1] = "5" }, "invoice.vat_side",
			[]string{`Exact VAT code "5", a purchase code, on a customer invoice`}},
		{"blocked VAT code", sale, nil, func(r *InvoiceRefs) { r.Mapped[store.MapTax][1] = "8" }, "invoice.blocked_code", []string{`VAT code "8", which is blocked`}},
		{"blocked GL account", sale, nil, func(r *InvoiceRefs) { r.Mapped[store.MapAccount][100] = "8999" }, "invoice.blocked_code", []string{`GL account "8999"`}},
		{"GL account the division lacks", sale, nil, func(r *InvoiceRefs) { r.Mapped[store.MapAccount][100] = "1234" }, "invoice.unknown_code", []string{`"1234"`}},
		{"no VAT code for lines without tax", fxInvoice{lines: []fxLine{{name: "Gift card", qty: "1", price: "10"}}}, nil,
			func(r *InvoiceRefs) { r.ZeroVATCode = "" }, "invoice.no_zero_vat", []string{"--kind tax --odoo-id 0 --exact-code <code>"}},
		{"a 21% code for lines without tax", fxInvoice{lines: []fxLine{{name: "Gift card", qty: "1", price: "10"}}}, nil,
			func(r *InvoiceRefs) { r.ZeroVATCode = "2" }, "invoice.zero_vat_code", []string{"not an open 0 % code"}},
		{"cash rounding without a zero VAT code", fxInvoice{cashRounding: "0.05", lines: []fxLine{{name: "Coffee", qty: "3", price: "1.12", taxes: []int64{1}}}}, nil,
			func(r *InvoiceRefs) { r.ZeroVATCode = "" }, "invoice.no_zero_vat", []string{`"Rounding" has no tax`}},
		{"currency the division lacks", fxInvoice{currency: "CHF", rate: "1.05", lines: sale.lines}, nil, nil, "invoice.currency",
			[]string{"CHF, a currency the Exact division lacks"}},
		{"early-payment discount line", fxInvoice{lines: sale.lines, extra: []odoo.MoveLine{
			{DisplayType: "epd", Name: "Early payment discount", AmountCurrency: dec("2"), Balance: dec("2")}}},
			nil, nil, "invoice.unsupported_line", []string{"an early-payment discount line (-2)"}},
		{"supplier reference too long for YourRef", fxInvoice{moveType: odoo.MoveInInvoice, ref: strings.Repeat("9", 31),
			lines: []fxLine{{name: "Paper", qty: "1", price: "10", taxes: []int64{11}}}}, nil, nil, "invoice.too_long",
			[]string{"has 31 characters", "shorten the bill reference"}},
		{"structured communication with wrong check digits", fxInvoice{pay: "+++123/4567/89003+++", lines: sale.lines}, nil, nil,
			"invoice.payment_reference", []string{"not a valid Belgian structured communication"}},
		{"payment reference too long", fxInvoice{pay: strings.Repeat("R", 40), lines: sale.lines}, nil, nil, "invoice.too_long",
			[]string{"payment reference"}},
		{"a tax of a group", sale, func(mv *odoo.Move) {
			for i, l := range mv.Lines {
				if l.DisplayType == odoo.LineTax {
					mv.Lines[i].TaxLine = odoo.Many2One{ID: 99, Name: "Child tax"}
				}
			}
		}, nil, "invoice.tax_without_line", []string{`tax 99 "Child tax"`}},
		{"tax mapped to a code of another percentage", sale, nil, func(r *InvoiceRefs) { r.Mapped[store.MapTax][1] = "1" }, "invoice.vat_rate",
			[]string{"computes 21 on 100 (21 %), but is mapped to Exact VAT code \"1\" of 9 %", "--kind tax --odoo-id 1"}},
		{"reverse charge mapped to a code that is not", fxInvoice{moveType: odoo.MoveInInvoice, lines: []fxLine{{name: "SaaS", qty: "1", price: "100", taxes: []int64{13}}}},
			nil, func(r *InvoiceRefs) { r.Mapped[store.MapTax][13] = "5" }, "invoice.vat_not_charged", []string{"reverse charge", "--kind tax --odoo-id 13"}},
		{"a normal tax mapped to reverse charge", fxInvoice{moveType: odoo.MoveInInvoice, lines: []fxLine{{name: "Paper", qty: "1", price: "100", taxes: []int64{11}}}},
			nil, func(r *InvoiceRefs) { r.Mapped[store.MapTax][11] = "7" }, "invoice.vat_charged", []string{"adds 21 VAT to the total"}},
		{"unknown cost centre", fxInvoice{lines: []fxLine{{name: "Work", qty: "1", price: "10", taxes: []int64{1}, analytic: map[string]any{"40": 100.0}}}},
			nil, func(r *InvoiceRefs) { r.Mapped[store.MapAnalytic][40] = "KP999" }, "invoice.unknown_code", []string{`cost centre "KP999"`, "--kind analytic --odoo-id 40"}},
		{"inactive cost centre", fxInvoice{lines: []fxLine{{name: "Work", qty: "1", price: "10", taxes: []int64{1}, analytic: map[string]any{"41": 100.0}}}},
			nil, func(r *InvoiceRefs) { r.CostCenters["KP200"] = false }, "invoice.inactive_code", []string{`cost centre "KP200"`, "not active", "--kind analytic --odoo-id 41"}},
		{"unknown cost unit", fxInvoice{lines: []fxLine{{name: "Work", qty: "1", price: "10", taxes: []int64{1}, analytic: map[string]any{"50": 100.0}}}},
			nil, func(r *InvoiceRefs) { r.Mapped[store.MapAnalytic][50] = "unit:PRJ9" }, "invoice.unknown_code", []string{`cost unit "PRJ9"`}},
		{"two cost centres in one share", fxInvoice{lines: []fxLine{{name: "Work", qty: "1", price: "10", taxes: []int64{1}, analytic: map[string]any{"40,41": 100.0}}}},
			nil, nil, "invoice.analytic_conflict", []string{"(KP100 and KP200)"}},
		{"cost centres over 100%", fxInvoice{lines: []fxLine{{name: "Work", qty: "1", price: "10", taxes: []int64{1}, analytic: map[string]any{"40": 100.0, "41": 100.0}}}},
			nil, nil, "invoice.analytic_over", []string{"more than 100 %"}},
		{"unreadable distribution", fxInvoice{lines: []fxLine{{name: "Work", qty: "1", price: "10", taxes: []int64{1}, analytic: map[string]any{"x": 100.0}}}},
			nil, nil, "invoice.analytic_unreadable", []string{`"x"`}},
		{"several kinds of problem", fxInvoice{lines: []fxLine{{name: "Beer", qty: "1", price: "10", taxes: []int64{1, 2}}}}, nil,
			func(r *InvoiceRefs) { delete(r.Mapped[store.MapJournal], 1) }, "invoice.invalid",
			[]string{"one VAT code per line", "--kind journal --odoo-id 1"}},
		{"amounts in more decimals than the currency has", fxInvoice{lines: []fxLine{{name: "Consulting", qty: "1", price: "100.10", taxes: []int64{1}}}},
			func(mv *odoo.Move) { mv.CurrencyPlaces = 0 }, nil, "invoice.total_mismatch", []string{"an Exact entry of 121.1, but Odoo's total is 121.12"}},
		{"a total a cent off", sale, func(mv *odoo.Move) { mv.AmountTotal = mv.AmountTotal.Add(dec("0.01")) }, nil, "invoice.total_mismatch",
			[]string{"121.01", "bug in exactsync"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := buildInvoice(t, tc.fx)
			if tc.move != nil {
				tc.move(&res.move)
			}
			refs := testRefs()
			if tc.refs != nil {
				tc.refs(&refs)
			}
			got, p := MapInvoice(res.move, refs)
			if p == nil {
				t.Fatalf("MapInvoice = %+v, want a Problem %s", got, tc.code)
			}
			if p.Code != tc.code {
				t.Errorf("Code = %q, want %q (%v)", p.Code, tc.code, p)
			}
			if p.EN == "" || p.NL == "" || p.FixEN == "" || p.FixNL == "" {
				t.Errorf("want reason and fix in English and Dutch: %+v", p)
			}
			for _, want := range tc.wantEN {
				if !strings.Contains(p.EN+" Fix: "+p.FixEN, want) {
					t.Errorf("problem %q\nwant it to contain %q", p.EN+" Fix: "+p.FixEN, want)
				}
			}
			if len(got.Lines) != 0 || got.MoveID != 0 {
				t.Errorf("a Problem comes with an empty entry, got %+v", got)
			}
		})
	}
}

// ---- payloads and hash ---------------------------------------------------------------------------------------

func TestInvoicePayloads(t *testing.T) {
	refs := testRefs()
	sale := mustMap(t, buildInvoice(t, fxInvoice{lines: []fxLine{{name: "a", qty: "1", price: "10", taxes: []int64{1}}}}).move, refs)
	se := sale.SalesEntry("cust-guid", "doc-guid")
	if se.Customer != "cust-guid" || se.Document != "doc-guid" || se.Journal != "70" || len(se.SalesEntryLines) != 1 ||
		se.SalesEntryLines[0].GLAccount != "guid-8000" {
		t.Errorf("SalesEntry = %+v", se)
	}
	se.SalesEntryLines[0].Description = "changed"
	if sale.Lines[0].Description == "changed" {
		t.Error("SalesEntry shares its lines with the mapping")
	}
	bill := mustMap(t, buildInvoice(t, fxInvoice{moveType: odoo.MoveInInvoice, ref: "F1",
		lines: []fxLine{{name: "a", qty: "1", price: "10", taxes: []int64{11}}}}).move, refs)
	pe := bill.PurchaseEntry("supp-guid", "")
	if pe.Supplier != "supp-guid" || pe.Document != "" || pe.Journal != "60" || pe.YourRef != "F1" || len(pe.PurchaseEntryLines) != 1 {
		t.Errorf("PurchaseEntry = %+v", pe)
	}
	for name, wrong := range map[string]func(){
		"PurchaseEntry of a sale": func() { sale.PurchaseEntry("x", "") },
		"SalesEntry of a bill":    func() { bill.SalesEntry("x", "") },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			wrong()
		})
	}
}

func TestInvoiceHash(t *testing.T) {
	refs := testRefs()
	fx := fxInvoice{lines: []fxLine{
		{name: "a", qty: "1", price: "0.07", taxes: []int64{1}, analytic: map[string]any{"40": 60.0, "41": 40.0, "50": 100.0}},
		{name: "b", qty: "1", price: "0.07", taxes: []int64{1}}}}
	base := mustMap(t, buildInvoice(t, fx).move, refs)
	again := mustMap(t, buildInvoice(t, fx).move, refs)
	if base.Hash() != again.Hash() || len(base.Hash()) != 64 {
		t.Fatalf("hashes of the same invoice: %s, %s", base.Hash(), again.Hash())
	}
	changed := func(name string, edit func(*MappedEntry)) {
		t.Run(name, func(t *testing.T) {
			e := base
			e.Lines = slices.Clone(base.Lines)
			edit(&e)
			if e.Hash() == base.Hash() {
				t.Errorf("same hash after: %s", name)
			}
		})
	}
	changed("an amount", func(e *MappedEntry) { e.Lines[0].AmountFC = e.Lines[0].AmountFC.Add(dec("0.01")) })
	changed("a VAT amount sent as 0 instead of computed", func(e *MappedEntry) { e.Lines[2].VATAmountFC = decimal.New(0, -2) })
	changed("the payment condition", func(e *MappedEntry) { e.Header.PaymentCondition = "14" })
	changed("the rate", func(e *MappedEntry) { e.Rate = dec("1.1") })
	changed("a cost centre", func(e *MappedEntry) { e.Lines[0].CostCenter = "KP200" })
	t.Run("the same amount written otherwise", func(t *testing.T) {
		e := base
		e.Lines = slices.Clone(base.Lines)
		e.Lines[0].AmountFC = decimal.New(e.Lines[0].AmountFC.Shift(4).IntPart(), -4) // 0.0400 for 0.04
		if e.Hash() != base.Hash() {
			t.Error("hash differs for the same amount with more zeros")
		}
	})
}

// The mapping goes from the map activity to the upsert activity through Temporal, as JSON: what is not sent must
// still not be sent afterwards (a VAT amount Exact computes), and what is sent as 0 must still be sent.
func TestInvoiceThroughTemporal(t *testing.T) {
	refs := testRefs()
	for _, fx := range []fxInvoice{
		{perLine: true, pay: "+++090/9337/55493+++", paymentTerm: 5, lines: []fxLine{{name: "Split", qty: "1", price: "0.07", taxes: []int64{1},
			analytic: map[string]any{"40": 50.0, "41": 50.0}}, {name: "Plain", qty: "2", price: "10", taxes: []int64{2}}}},
		{currency: "USD", rate: "0.917431", cashRounding: "0.05", lines: []fxLine{{name: "Coffee", qty: "3", price: "1.12", taxes: []int64{1}}}},
		{moveType: odoo.MoveInRefund, ref: "CN-1", lines: []fxLine{{name: "Paper", qty: "1", price: "0.07", taxes: []int64{11}},
			{name: "Paper", qty: "1", price: "0.07", taxes: []int64{11}}, {name: "Paper", qty: "1", price: "0.07", taxes: []int64{11}}}},
	} {
		want := mustMap(t, buildInvoice(t, fx).move, refs)
		payload, err := converter.GetDefaultDataConverter().ToPayload(want)
		if err != nil {
			t.Fatal(err)
		}
		var got MappedEntry
		if err := converter.GetDefaultDataConverter().FromPayload(payload, &got); err != nil {
			t.Fatal(err)
		}
		if got.Hash() != want.Hash() {
			t.Errorf("hash changed on the way: %s, want %s\n%s", got.Hash(), want.Hash(), payload.Data)
		}
		if !got.AmountFC.Equal(want.AmountFC) || !got.VATAmountFC.Equal(want.VATAmountFC) || got.MoveID != want.MoveID ||
			got.Purchase != want.Purchase || got.Header.EntryDate != want.Header.EntryDate || !slices.Equal(got.Notes, want.Notes) {
			t.Errorf("got %+v\nwant %+v", got, want)
		}
		if len(got.Lines) != len(want.Lines) {
			t.Fatalf("%d lines, want %d", len(got.Lines), len(want.Lines))
		}
		for i, w := range want.Lines {
			g := got.Lines[i]
			for name, pair := range map[string][2]decimal.Decimal{"AmountFC": {g.AmountFC, w.AmountFC},
				"VATAmountFC": {g.VATAmountFC, w.VATAmountFC}, "Quantity": {g.Quantity, w.Quantity}} {
				shown := func(d decimal.Decimal) string {
					if s := amountSent(d); s != nil {
						return *s
					}
					return "(not sent)"
				}
				if gs, ws := shown(pair[0]), shown(pair[1]); gs != ws {
					t.Errorf("line %d %s: sent %s, want %s", i, name, gs, ws)
				}
			}
		}
	}
}

// ---- apportion -----------------------------------------------------------------------------------------------

func TestInvoiceApportion(t *testing.T) {
	for _, tc := range []struct {
		name   string
		total  string
		quotas []string
		want   []string
	}{
		{"even", "1", []string{"0.5", "0.5"}, []string{"0.5", "0.5"}},
		{"a cent to the largest remainder", "0.04", []string{"0.0133", "0.0134", "0.0133"}, []string{"0.01", "0.02", "0.01"}},
		{"ties to the earlier", "0.04", []string{"0.0133", "0.0133", "0.0133"}, []string{"0.02", "0.01", "0.01"}},
		{"negative", "-0.04", []string{"-0.0133", "-0.0133", "-0.0134"}, []string{"-0.01", "-0.01", "-0.02"}},
		{"mixed signs", "0.21", []string{"0.2521", "-0.0421"}, []string{"0.25", "-0.04"}},
		{"quotas above the total", "0.01", []string{"0.0084", "0.0063"}, []string{"0.01", "0"}},
		{"quotas far below the total", "0.05", []string{"0", "0"}, []string{"0.03", "0.02"}},
		{"quotas far above the total", "-0.03", []string{"0", "0"}, []string{"-0.01", "-0.02"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			quotas := make([]decimal.Decimal, len(tc.quotas))
			for i, q := range tc.quotas {
				quotas[i] = dec(q)
			}
			got := apportion(dec(tc.total), quotas, 2)
			sum := decimal.Zero
			var gs []string
			for _, g := range got {
				sum = sum.Add(g)
				gs = append(gs, g.String())
			}
			if !slices.Equal(gs, tc.want) {
				t.Errorf("apportion(%s, %v) = %v, want %v", tc.total, tc.quotas, gs, tc.want)
			}
			if !sum.Equal(dec(tc.total)) {
				t.Errorf("shares add up to %s, want %s", sum, tc.total)
			}
		})
	}
}
