package odoo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/clients/odoo/odootest"
	"github.com/shopspring/decimal"
)

var ctx = context.Background()

func partnerByName(t *testing.T, ps []odoo.Partner, name string) odoo.Partner {
	t.Helper()
	for _, p := range ps {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("partner %q not in result", name)
	return odoo.Partner{}
}

func TestPartners(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		names := []string{"Van der Berg Installatietechniek B.V.", "Oude Klant B.V.", "Sanne Bakker",
			"Müller & Söhne GmbH", "Groothandel Jansen B.V.", "Café 't Hoekje", "Chocolaterie Léonidas-Démo SA"}
		var ids []int64
		for _, n := range names {
			ids = append(ids, e.ids.Partners[n])
		}
		e.srv.ResetCalls()
		ps, err := e.c.Partners(ctx, ids)
		if err != nil {
			t.Fatalf("Partners: %v", err)
		}
		// fields_get of res.partner and res.partner.bank (cached per connection), then
		// one read each of res.partner, res.country, res.partner.bank, res.bank.
		if got, max := e.srv.Calls().Total, 6; got > max {
			t.Errorf("calls for %d partners: got %d, want at most %d (%v)", len(ids), got, max, e.srv.Calls().ByMethod)
		}
		if len(ps) != len(ids) {
			t.Fatalf("got %d partners, want %d", len(ps), len(ids))
		}
		for i, p := range ps {
			if p.ID != ids[i] {
				t.Errorf("order: partner %d is %d, want %d", i, p.ID, ids[i])
			}
		}

		vdb := partnerByName(t, ps, "Van der Berg Installatietechniek B.V.")
		if got, want := vdb.CountryCode, "NL"; got != want {
			t.Errorf("CountryCode: got %q, want %q", got, want)
		}
		if !vdb.IsCompany || !vdb.Active || vdb.CustomerRank < 1 || vdb.SupplierRank != 0 {
			t.Errorf("flags: got company=%v active=%v ranks=%d/%d", vdb.IsCompany, vdb.Active, vdb.CustomerRank, vdb.SupplierRank)
		}
		if vdb.VAT != "NL853219047B01" || vdb.CompanyRegistry != "34123456" || vdb.Lang != "nl_NL" || vdb.Ref != "C1001" {
			t.Errorf("identity: got vat=%q registry=%q lang=%q ref=%q", vdb.VAT, vdb.CompanyRegistry, vdb.Lang, vdb.Ref)
		}
		if got, want := vdb.PaymentTerm.ID, e.ids.Terms["30 Days"]; got != want {
			t.Errorf("PaymentTerm: got %+v, want id %d", vdb.PaymentTerm, want)
		}
		if !vdb.SupplierPaymentTerm.IsZero() {
			t.Errorf("SupplierPaymentTerm: got %+v, want empty", vdb.SupplierPaymentTerm)
		}
		if vdb.State.IsZero() || vdb.CommercialPartner.ID != vdb.ID || !vdb.Parent.IsZero() {
			t.Errorf("relations: got state=%+v commercial=%+v parent=%+v", vdb.State, vdb.CommercialPartner, vdb.Parent)
		}
		if vdb.WriteDate.IsZero() {
			t.Error("WriteDate: got zero")
		}
		if len(vdb.BankAccounts) != 1 {
			t.Fatalf("BankAccounts: got %d, want 1", len(vdb.BankAccounts))
		}
		ba := vdb.BankAccounts[0]
		if ba.SanitizedAccNumber != "NL91ABNA0417164300" || ba.BIC != "ABNANL2A" || ba.Holder != vdb.Name || ba.AccNumber == "" {
			t.Errorf("bank account: got %+v", ba)
		}

		jansen := partnerByName(t, ps, "Groothandel Jansen B.V.")
		if jansen.SupplierRank < 1 || jansen.SupplierPaymentTerm.ID != e.ids.Terms["30 Days"] || !jansen.PaymentTerm.IsZero() {
			t.Errorf("supplier: got rank=%d supplier term=%+v customer term=%+v", jansen.SupplierRank, jansen.SupplierPaymentTerm, jansen.PaymentTerm)
		}

		old := partnerByName(t, ps, "Oude Klant B.V.")
		if old.Active {
			t.Error("archived partner: got Active true, want false")
		}
		if len(old.BankAccounts) != 0 || old.Street != "" {
			t.Errorf("archived partner: got banks=%v street=%q, want none and empty", old.BankAccounts, old.Street)
		}

		sanne := partnerByName(t, ps, "Sanne Bakker")
		if sanne.CountryCode != "" || !sanne.Country.IsZero() || sanne.IsCompany || sanne.VAT != "" || sanne.Zip != "" {
			t.Errorf("partner without country: got %+v", sanne)
		}

		muller := partnerByName(t, ps, "Müller & Söhne GmbH")
		if muller.CountryCode != "DE" || muller.City != "Düsseldorf" || muller.Street != "Königsallee 92" {
			t.Errorf("unicode partner: got country=%q city=%q street=%q", muller.CountryCode, muller.City, muller.Street)
		}
		if len(muller.BankAccounts) != 1 || muller.BankAccounts[0].BIC != "COBADEFFXXX" {
			t.Errorf("unicode partner bank: got %+v", muller.BankAccounts)
		}
		cafe := partnerByName(t, ps, "Café 't Hoekje")
		if cafe.Name != "Café 't Hoekje" {
			t.Errorf("quote in name: got %q", cafe.Name)
		}
	})
}

func TestPartnersChildContact(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		vdb := e.ids.Partners["Van der Berg Installatietechniek B.V."]
		res, err := e.srv.Call("res.partner", "search", []any{[]any{[]any{"name", "=", "Jan de Vries"}}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		janID := res.([]any)[0].(int64)
		ps, err := e.c.Partners(ctx, []int64{janID})
		if err != nil {
			t.Fatalf("Partners: %v", err)
		}
		jan := ps[0]
		if jan.Parent.ID != vdb || jan.CommercialPartner.ID != vdb || jan.IsCompany {
			t.Errorf("child: got parent=%+v commercial=%+v company=%v, want parent %d", jan.Parent, jan.CommercialPartner, jan.IsCompany, vdb)
		}
		wantMobile := ""
		if e.b.version <= 18 {
			wantMobile = "+31 6 12345678"
		}
		if jan.Mobile != wantMobile {
			t.Errorf("Mobile: got %q, want %q", jan.Mobile, wantMobile)
		}
	})
}

func TestPartnersMissing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		_, err := e.c.Partners(ctx, []int64{e.ids.Partners["Sanne Bakker"], 999999})
		if !errors.Is(err, odoo.ErrNotFound) {
			t.Fatalf("got %v, want ErrNotFound", err)
		}
		var f *odoo.Fault
		if !errors.As(err, &f) || f.Retryable() {
			t.Errorf("got %v, want a non-retryable *Fault", err)
		}
	})
}

func TestPartnersChangedSince(t *testing.T) {
	clk := odootest.NewClock(time.Date(2026, 12, 1, 23, 14, 5, 200_000_000, time.UTC))
	forEachBackend(t, func(t *testing.T, e *env) {
		clk.Advance(10 * time.Second) // the seed's seconds are over
		var all []odoo.Change
		cur := odoo.Cursor{}
		for range 20 {
			page, next, more, err := e.c.PartnersChangedSince(ctx, cur, 4)
			if err != nil {
				t.Fatalf("PartnersChangedSince: %v", err)
			}
			all = append(all, page...)
			if len(page) == 0 && next.String() != cur.String() {
				t.Errorf("empty page moved the cursor: got %q, want %q", next, cur)
			}
			cur = next
			if !more {
				break
			}
		}
		seen := map[int64]bool{}
		for i, ch := range all {
			if seen[ch.ID] {
				t.Errorf("partner %d listed twice", ch.ID)
			}
			seen[ch.ID] = true
			if i > 0 && ch.WriteDate.Before(all[i-1].WriteDate) {
				t.Errorf("order: %+v after %+v", ch, all[i-1])
			}
		}
		for _, name := range []string{"Van der Berg Installatietechniek B.V.", "Groothandel Jansen B.V.", "Oude Klant B.V.", "Sanne Bakker"} {
			if !seen[e.ids.Partners[name]] {
				t.Errorf("%s (customer, supplier or archived customer) missing from the feed", name)
			}
		}
		res, err := e.srv.Call("res.partner", "search", []any{[]any{[]any{"name", "in", []any{"Jan de Vries", "Els Peeters"}}}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range res.([]any) {
			if !seen[id.(int64)] {
				t.Errorf("child contact %d missing from the feed", id)
			}
		}
		companyPartner, err := e.srv.Read("res.company", e.srv.CompanyID())
		if err != nil {
			t.Fatal(err)
		}
		if cp := companyPartner["partner_id"].([]any)[0].(int64); seen[cp] {
			t.Errorf("the company's own partner %d (no ranks) is in the feed", cp)
		}

		// A later change shows up after the last cursor, and only it.
		sanne := e.ids.Partners["Sanne Bakker"]
		if err := e.srv.Write("res.partner", []int64{sanne}, map[string]any{"phone": "+31 20 555 0101"}); err != nil {
			t.Fatal(err)
		}
		clk.Advance(5 * time.Second)
		page, next, _, err := e.c.PartnersChangedSince(ctx, cur, 10)
		if err != nil {
			t.Fatalf("PartnersChangedSince: %v", err)
		}
		if len(page) != 1 || page[0].ID != sanne {
			t.Fatalf("after write: got %+v, want only partner %d", page, sanne)
		}
		if !slices.Contains(next.Seen, sanne) || next.WriteDate.Before(cur.WriteDate) {
			t.Errorf("next cursor: got %+v, want at partner %d", next, sanne)
		}
	}, func(o *odootest.Options) { o.Now = clk.Now })
}

func TestReferenceData(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		terms, err := e.c.PaymentTerms(ctx)
		if err != nil {
			t.Fatalf("PaymentTerms: %v", err)
		}
		var split *odoo.PaymentTerm
		for i := range terms {
			if terms[i].ID == e.ids.Terms["30% Now, Balance 60 Days"] {
				split = &terms[i]
			}
		}
		if split == nil || len(split.Lines) != 2 {
			t.Fatalf("split term: got %+v, want 2 lines", split)
		}
		if got := split.Lines[1].NbDays; got != 60 {
			t.Errorf("split term second line days: got %d, want 60", got)
		}
		if got := split.Lines[0].ValueAmount; !got.Equal(decimal.NewFromInt(30)) {
			t.Errorf("split term first line: got %s, want 30", got)
		}

		journals, err := e.c.Journals(ctx)
		if err != nil {
			t.Fatalf("Journals: %v", err)
		}
		byCode := map[string]odoo.Journal{}
		for _, j := range journals {
			if _, dup := byCode[j.Code]; dup {
				t.Errorf("journal code %s twice: other company leaked in", j.Code)
			}
			byCode[j.Code] = j
		}
		if byCode["INV"].Type != "sale" || byCode["BILL"].Type != "purchase" || byCode["BNK1"].Type != "bank" {
			t.Errorf("journals: got %+v", byCode)
		}
		if byCode["INVUS"].Currency.Name != "USD" {
			t.Errorf("USD journal currency: got %+v", byCode["INVUS"].Currency)
		}

		taxes, err := e.c.Taxes(ctx)
		if err != nil {
			t.Fatalf("Taxes: %v", err)
		}
		var sale21 *odoo.Tax
		for i := range taxes {
			if taxes[i].ID == e.ids.Taxes["sale 21%"] {
				sale21 = &taxes[i]
			}
			if taxes[i].Company.ID != e.srv.CompanyID() {
				t.Errorf("tax %d of company %+v leaked in", taxes[i].ID, taxes[i].Company)
			}
		}
		if sale21 == nil || !sale21.Amount.Equal(decimal.NewFromInt(21)) || sale21.AmountType != "percent" || sale21.TypeTaxUse != "sale" || sale21.PriceInclude {
			t.Errorf("sale 21%%: got %+v", sale21)
		}

		accounts, err := e.c.Accounts(ctx)
		if err != nil {
			t.Fatalf("Accounts: %v", err)
		}
		var recv *odoo.Account
		for i := range accounts {
			if accounts[i].ID == e.ids.Accounts["130000"] {
				recv = &accounts[i]
			}
		}
		if recv == nil || recv.Code != "130000" || recv.AccountType != "asset_receivable" {
			t.Errorf("receivable account: got %+v", recv)
		}

		// Analytic accounts with their plan and root plan; an archived one is still listed (a mapping may name it).
		if err := e.srv.Write("account.analytic.account", []int64{e.ids.Analytic["Algemeen"]}, map[string]any{"active": false}); err != nil {
			t.Fatal(err)
		}
		analytic, err := e.c.AnalyticAccounts(ctx)
		if err != nil {
			t.Fatalf("AnalyticAccounts: %v", err)
		}
		byAnalytic := map[string]odoo.AnalyticAccount{}
		for _, a := range analytic {
			byAnalytic[a.Name] = a
		}
		if len(analytic) != len(e.ids.Analytic) {
			t.Errorf("%d analytic accounts, want %d", len(analytic), len(e.ids.Analytic))
		}
		if a := byAnalytic["Verkoop"]; a.Code != "100" || a.Plan.ID != e.ids.AnalyticPlans["Departments"] || a.RootPlan.ID != e.ids.AnalyticPlans["Departments"] ||
			a.RootPlan.Name != "Departments" || !a.Active || a.Company.ID != e.srv.CompanyID() {
			t.Errorf("analytic account Verkoop: got %+v", a)
		}
		if a := byAnalytic["Algemeen"]; a.ID != e.ids.Analytic["Algemeen"] || a.Active {
			t.Errorf("archived analytic account: got %+v, want listed, inactive", a)
		}
		if a := byAnalytic["Operating Costs"]; a.Code != "" || a.Plan.Name != "Internal" {
			t.Errorf("analytic account without a code: got %+v", a)
		}

		currencies, err := e.c.Currencies(ctx)
		if err != nil {
			t.Fatalf("Currencies: %v", err)
		}
		byName := map[string]odoo.Currency{}
		for _, c := range currencies {
			byName[c.Name] = c
		}
		if byName["EUR"].DecimalPlaces != 2 || byName["JPY"].DecimalPlaces != 0 || byName["GBP"].Active || byName["GBP"].ID == 0 {
			t.Errorf("currencies: got EUR=%+v JPY=%+v GBP=%+v", byName["EUR"], byName["JPY"], byName["GBP"])
		}

		companies, err := e.c.Companies(ctx)
		if err != nil {
			t.Fatalf("Companies: %v", err)
		}
		found := false
		for _, co := range companies {
			if co.ID == e.srv.CompanyID() {
				found = true
				if co.Currency.Name != "EUR" || co.VAT != "NL859785430B01" || co.TaxRoundingMethod != odoo.RoundPerLine {
					t.Errorf("main company: got %+v", co)
				}
			}
		}
		if !found {
			t.Errorf("Companies: main company %d missing from %+v", e.srv.CompanyID(), companies)
		}
	}, func(o *odootest.Options) { o.AnalyticAccounting = true }) // an accountant archives an analytic account
}

func moveByName(t *testing.T, ms []odoo.Move, name string) odoo.Move {
	t.Helper()
	for _, m := range ms {
		if m.Name == name {
			return m
		}
	}
	t.Fatalf("move %q not in result", name)
	return odoo.Move{}
}

// wantMoney is the server's stored float for a field as a decimal at the given places.
func wantMoney(t *testing.T, rec map[string]any, field string, places int32) decimal.Decimal {
	t.Helper()
	f, ok := rec[field].(float64)
	if !ok {
		t.Fatalf("%s: got %T, want float64", field, rec[field])
	}
	return decimal.NewFromFloat(f).Round(places)
}

func allPostedMoves(t *testing.T, c *odoo.Client, f odoo.MoveFilter, limit int) ([]odoo.Move, map[int64]odoo.Partner) {
	t.Helper()
	var moves []odoo.Move
	partners := map[int64]odoo.Partner{}
	for {
		page, err := c.PostedMoves(ctx, f, limit)
		if err != nil {
			t.Fatalf("PostedMoves: %v", err)
		}
		moves = append(moves, page.Moves...)
		for id, p := range page.Partners {
			partners[id] = p
		}
		if !page.More {
			return moves, partners
		}
		f.Cursor = page.Next
	}
}

func TestPostedMoves(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		moves, partners := allPostedMoves(t, e.c, odoo.MoveFilter{}, 3)
		for _, m := range moves {
			if m.State != "posted" {
				t.Errorf("move %s: state %s, want posted", m.Name, m.State)
			}
			if m.Company.ID != e.srv.CompanyID() {
				t.Errorf("move %s of company %+v leaked in", m.Name, m.Company)
			}
			if _, ok := partners[m.Partner.ID]; !ok {
				t.Errorf("move %s: partner %d not in the batch", m.Name, m.Partner.ID)
			}
		}
		var invName string
		for name, id := range e.ids.Moves {
			if id == e.ids.Moves["draft-invoice"] || id == e.ids.Moves["draft-bill"] {
				continue
			}
			found := slices.ContainsFunc(moves, func(m odoo.Move) bool { return m.ID == id })
			if want := len(name) < 10 || name[:10] != "Demo BVBA "; found != want {
				t.Errorf("move %s: in result %v, want %v", name, found, want)
			}
		}
		for _, m := range moves {
			if m.ID == e.ids.Moves["draft-invoice"] || m.ID == e.ids.Moves["draft-bill"] {
				t.Errorf("draft move %d in the posted feed", m.ID)
			}
		}
		// The first seeded invoice: section, note and zero-quantity lines.
		for name, id := range e.ids.Moves {
			if m := slices.IndexFunc(moves, func(m odoo.Move) bool { return m.ID == id }); m >= 0 && moves[m].Partner.ID == e.ids.Partners["Van der Berg Installatietechniek B.V."] && moves[m].MoveType == odoo.MoveOutInvoice {
				invName = name
			}
		}
		inv := moveByName(t, moves, invName)
		stored, err := e.srv.Read("account.move", inv.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []struct {
			name string
			got  decimal.Decimal
		}{{"amount_untaxed", inv.AmountUntaxed}, {"amount_tax", inv.AmountTax}, {"amount_total", inv.AmountTotal}, {"amount_residual", inv.AmountResidual}} {
			if want := wantMoney(t, stored, f.name, 2); !f.got.Equal(want) {
				t.Errorf("%s: got %s, want %s", f.name, f.got, want)
			}
		}
		if inv.CurrencyPlaces != 2 || inv.Currency.Name != "EUR" || inv.InvoiceDate.IsZero() || inv.InvoiceDateDue.IsZero() || inv.Ref != "PO-2024-118" {
			t.Errorf("invoice header: got %+v", inv)
		}
		if inv.PaymentReference == "" || inv.Journal.ID != e.ids.Journals["INV"] || inv.PaymentState == "" {
			t.Errorf("invoice header: payment_reference=%q journal=%+v payment_state=%q", inv.PaymentReference, inv.Journal, inv.PaymentState)
		}
		kinds := []string{}
		sum := decimal.Zero
		for _, l := range inv.InvoiceLines {
			kinds = append(kinds, l.DisplayType)
			sum = sum.Add(l.PriceSubtotal)
		}
		if want := []string{odoo.LineSection, odoo.LineProduct, odoo.LineProduct, odoo.LineNote, odoo.LineProduct}; !slices.Equal(kinds, want) {
			t.Errorf("invoice line kinds: got %v, want %v", kinds, want)
		}
		if !sum.Equal(inv.AmountUntaxed) {
			t.Errorf("sum of line subtotals: got %s, want amount_untaxed %s", sum, inv.AmountUntaxed)
		}
		if len(inv.InvoiceLines) == 5 {
			sec, hours, note, zero := inv.InvoiceLines[0], inv.InvoiceLines[2], inv.InvoiceLines[3], inv.InvoiceLines[4]
			if sec.Name != "Werkzaamheden" || !sec.Account.IsZero() || !sec.Quantity.IsZero() || !sec.PriceSubtotal.IsZero() {
				t.Errorf("section line: got %+v", sec)
			}
			if note.Name != "Garantie: 2 jaar op onderdelen en arbeid" || len(note.TaxIDs) != 0 {
				t.Errorf("note line: got %+v", note)
			}
			if !hours.Quantity.Equal(decimal.RequireFromString("6.5")) || !hours.PriceUnit.Equal(decimal.NewFromInt(65)) ||
				!hours.PriceSubtotal.Equal(decimal.RequireFromString("422.5")) || !slices.Equal(hours.TaxIDs, []int64{e.ids.Taxes["sale 21%"]}) {
				t.Errorf("hours line: got qty=%s price=%s subtotal=%s taxes=%v", hours.Quantity, hours.PriceUnit, hours.PriceSubtotal, hours.TaxIDs)
			}
			if !zero.Quantity.IsZero() || !zero.PriceSubtotal.IsZero() || !zero.PriceUnit.Equal(decimal.NewFromInt(120)) {
				t.Errorf("zero-quantity line: got qty=%s price=%s subtotal=%s", zero.Quantity, zero.PriceUnit, zero.PriceSubtotal)
			}
		}
		if len(inv.Lines) <= len(inv.InvoiceLines)-2 {
			t.Errorf("journal items: got %d, want the product lines plus tax and payment-term lines", len(inv.Lines))
		}
		var hasTax, hasTerm bool
		for _, l := range inv.Lines {
			hasTax = hasTax || l.DisplayType == odoo.LineTax
			hasTerm = hasTerm || l.DisplayType == odoo.LinePaymentTerm
		}
		if !hasTax || !hasTerm {
			t.Errorf("journal items: tax line %v, payment-term line %v, want both", hasTax, hasTerm)
		}

		// The USD invoice carries its own currency.
		for _, m := range moves {
			if m.Journal.ID == e.ids.Journals["INVUS"] && m.Currency.Name != "USD" {
				t.Errorf("USD invoice %s: currency %+v", m.Name, m.Currency)
			}
		}

		// Filters: vendor bills only.
		bills, _ := allPostedMoves(t, e.c, odoo.MoveFilter{Types: []string{odoo.MoveInInvoice}}, 50)
		if len(bills) != 2 {
			t.Errorf("vendor bills: got %d, want 2", len(bills))
		}
		for _, b := range bills {
			if !b.IsBill() || b.Ref == "" {
				t.Errorf("bill %s: type %s ref %q", b.Name, b.MoveType, b.Ref)
			}
		}
		sales, _ := allPostedMoves(t, e.c, odoo.MoveFilter{JournalIDs: []int64{e.ids.Journals["INVUS"]}}, 50)
		if len(sales) != 1 || sales[0].Currency.Name != "USD" {
			t.Errorf("USD journal filter: got %d moves", len(sales))
		}
		future, _ := allPostedMoves(t, e.c, odoo.MoveFilter{FromDate: time.Now().AddDate(0, 0, 2)}, 50)
		if len(future) != 0 {
			t.Errorf("FromDate in the future: got %d moves, want 0", len(future))
		}
	})
}

func TestMovesByIDAndChangedSince(t *testing.T) {
	clk := odootest.NewClock(time.Date(2026, 12, 1, 23, 14, 5, 200_000_000, time.UTC))
	forEachBackend(t, func(t *testing.T, e *env) {
		draft := e.ids.Moves["draft-invoice"]
		batch, err := e.c.Moves(ctx, []int64{draft})
		if err != nil {
			t.Fatalf("Moves: %v", err)
		}
		if len(batch.Moves) != 1 || batch.Moves[0].State != "draft" || len(batch.Moves[0].InvoiceLines) != 1 {
			t.Fatalf("draft move: got %+v", batch.Moves)
		}
		if _, err := e.c.Moves(ctx, []int64{999999}); !errors.Is(err, odoo.ErrNotFound) {
			t.Errorf("missing move: got %v, want ErrNotFound", err)
		}

		clk.Advance(10 * time.Second)
		changes, cur, _, err := e.c.MovesChangedSince(ctx, odoo.MoveFilter{Types: []string{odoo.MoveOutInvoice, odoo.MoveOutRefund}}, 100)
		if err != nil {
			t.Fatalf("MovesChangedSince: %v", err)
		}
		if len(changes) == 0 {
			t.Fatal("MovesChangedSince: got nothing")
		}
		// Posting the draft makes it appear after the cursor, alone.
		if _, err := e.srv.Call("account.move", "action_post", []any{[]any{draft}}, nil); err != nil {
			t.Fatal(err)
		}
		clk.Advance(10 * time.Second)
		more, _, _, err := e.c.MovesChangedSince(ctx, odoo.MoveFilter{Types: []string{odoo.MoveOutInvoice}, Cursor: cur}, 100)
		if err != nil {
			t.Fatalf("MovesChangedSince: %v", err)
		}
		if len(more) != 1 || more[0].ID != draft {
			t.Errorf("after posting: got %+v, want only move %d", more, draft)
		}
	}, func(o *odootest.Options) { o.Now = clk.Now })
}

// TestMovesChangedSinceStates: the detector asks for posted, cancelled and draft moves, so an invoice reset to
// draft or cancelled after it was synced comes back, with its state; the default feed stays posted only.
func TestMovesChangedSinceStates(t *testing.T) {
	clk := odootest.NewClock(time.Date(2026, 12, 1, 23, 14, 5, 200_000_000, time.UTC))
	forEachBackend(t, func(t *testing.T, e *env) {
		all := odoo.MoveFilter{Types: []string{odoo.MoveOutInvoice}, States: []string{odoo.StatePosted, odoo.StateCancel, odoo.StateDraft}}
		clk.Advance(10 * time.Second)
		changes, cur, _, err := e.c.MovesChangedSince(ctx, all, 100)
		if err != nil {
			t.Fatalf("MovesChangedSince: %v", err)
		}
		states := map[string]int{}
		for _, ch := range changes {
			states[odoo.NewDecoder(ch.Fields).String("state")]++
			if odoo.NewDecoder(ch.Fields).String("move_type") != odoo.MoveOutInvoice {
				t.Errorf("move %d: move_type %v, want out_invoice", ch.ID, ch.Fields["move_type"])
			}
		}
		if states[odoo.StateDraft] != 1 || states[odoo.StatePosted] == 0 {
			t.Errorf("states of all customer invoices: got %v, want the draft and the posted ones", states)
		}
		posted, postedCur, _, err := e.c.MovesChangedSince(ctx, odoo.MoveFilter{Types: all.Types}, 100)
		if err != nil {
			t.Fatalf("MovesChangedSince: %v", err)
		}
		if got, want := len(posted), states[odoo.StatePosted]; got != want {
			t.Errorf("default feed: got %d moves, want the %d posted ones", got, want)
		}

		inv := posted[0].ID
		if err := e.c.ResetMovesToDraft(ctx, []int64{inv}); err != nil {
			t.Fatal(err)
		}
		clk.Advance(10 * time.Second)
		all.Cursor = cur
		again, cur, _, err := e.c.MovesChangedSince(ctx, all, 100)
		if err != nil {
			t.Fatalf("MovesChangedSince: %v", err)
		}
		if len(again) != 1 || again[0].ID != inv || odoo.NewDecoder(again[0].Fields).String("state") != odoo.StateDraft {
			t.Errorf("after a reset to draft: got %+v, want move %d in draft", again, inv)
		}
		gone, _, _, err := e.c.MovesChangedSince(ctx, odoo.MoveFilter{Types: all.Types, Cursor: postedCur}, 100)
		if err != nil {
			t.Fatalf("MovesChangedSince: %v", err)
		}
		if len(gone) != 0 {
			t.Errorf("posted-only feed after a reset to draft: got %+v, want nothing", gone)
		}

		if err := e.c.CancelMoves(ctx, []int64{inv}); err != nil {
			t.Fatal(err)
		}
		clk.Advance(10 * time.Second)
		all.Cursor = cur
		again, _, _, err = e.c.MovesChangedSince(ctx, all, 100)
		if err != nil {
			t.Fatalf("MovesChangedSince: %v", err)
		}
		if len(again) != 1 || again[0].ID != inv || odoo.NewDecoder(again[0].Fields).String("state") != odoo.StateCancel {
			t.Errorf("after cancelling: got %+v, want move %d cancelled", again, inv)
		}
	}, func(o *odootest.Options) { o.Now = clk.Now })
}

func TestInvoicePDF(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		moves, _ := allPostedMoves(t, e.c, odoo.MoveFilter{Types: []string{odoo.MoveOutInvoice}}, 50)
		inv := moves[0]
		doc, err := e.c.InvoicePDF(ctx, inv.ID)
		if e.b.version <= 16 {
			// Odoo 16 has no invoice_pdf_report_id and no download-only Send & Print.
			if !errors.Is(err, odoo.ErrNotFound) {
				t.Fatalf("Odoo 16 invoice without attachment: got %v, want ErrNotFound", err)
			}
		} else {
			if err != nil {
				t.Fatalf("InvoicePDF: %v", err)
			}
			if !bytes.HasPrefix(doc.Content, []byte("%PDF-")) || doc.Mimetype != "application/pdf" || doc.Filename == "" {
				t.Errorf("invoice PDF: got filename=%q mimetype=%q content=%q…", doc.Filename, doc.Mimetype, doc.Content[:min(8, len(doc.Content))])
			}
			// The side effects of Send & Print, as Odoo's: the PDF is the main attachment, the move is marked sent;
			// no e-mail method is stored on the partner (18 would store a single method as its preference).
			recs, err := e.c.Read(ctx, "account.move", []int64{inv.ID}, []string{"is_move_sent", "message_main_attachment_id", "invoice_pdf_report_id"})
			if err != nil {
				t.Fatal(err)
			}
			d := odoo.NewDecoder(recs[0])
			if !d.Bool("is_move_sent") || d.Many2One("message_main_attachment_id").ID != doc.AttachmentID || d.Many2One("invoice_pdf_report_id").ID != doc.AttachmentID {
				t.Errorf("after Send & Print: got %v, want sent with the PDF %d as main attachment", recs[0], doc.AttachmentID)
			}
			if e.b.version >= 18 {
				ps, err := e.c.Read(ctx, "res.partner", []int64{inv.Partner.ID}, []string{"invoice_sending_method"})
				if err != nil {
					t.Fatal(err)
				}
				if m := ps[0]["invoice_sending_method"]; m != false {
					t.Errorf("partner's invoice_sending_method after Send & Print: got %v, want it left unset", m)
				}
			}
			// The second time the stored report is read: no wizard.
			e.srv.ResetCalls()
			again, err := e.c.InvoicePDF(ctx, inv.ID)
			if err != nil {
				t.Fatalf("InvoicePDF again: %v", err)
			}
			if !bytes.Equal(again.Content, doc.Content) || again.AttachmentID != doc.AttachmentID {
				t.Error("second InvoicePDF returned another document")
			}
			if n := e.srv.Calls().ByMethod["account.move.send.create"]; n != 0 {
				t.Errorf("second InvoicePDF created %d wizards, want 0", n)
			}
			// Drafts have no PDF.
			if _, err := e.c.InvoicePDF(ctx, e.ids.Moves["draft-invoice"]); !errors.Is(err, odoo.ErrValidation) {
				t.Errorf("draft invoice: got %v, want a validation error", err)
			}
		}

		// Vendor bill: the uploaded document.
		bills, _ := allPostedMoves(t, e.c, odoo.MoveFilter{Types: []string{odoo.MoveInInvoice}}, 50)
		bill := moveByName(t, bills, bills[0].Name)
		for _, b := range bills {
			if b.Ref == "F2026-0412" {
				bill = b
			}
		}
		doc, err = e.c.InvoicePDF(ctx, bill.ID)
		if err != nil {
			t.Fatalf("InvoicePDF(bill): %v", err)
		}
		if doc.Filename != "F2026-0412.pdf" || !bytes.HasPrefix(doc.Content, []byte("%PDF-")) {
			t.Errorf("bill PDF: got filename=%q content=%q…", doc.Filename, doc.Content[:min(8, len(doc.Content))])
		}
		// A bill without any attachment.
		for _, b := range bills {
			if b.Ref == "VM-7781" {
				if _, err := e.c.InvoicePDF(ctx, b.ID); !errors.Is(err, odoo.ErrNotFound) {
					t.Errorf("bill without attachment: got %v, want ErrNotFound", err)
				}
			}
		}
	})
}

func TestBillDocument(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		bills, _ := allPostedMoves(t, e.c, odoo.MoveFilter{Types: []string{odoo.MoveInInvoice}}, 50)
		byRef := map[string]odoo.Move{}
		for _, b := range bills {
			byRef[b.Ref] = b
		}
		// The main attachment.
		doc, err := e.c.BillDocument(ctx, byRef["F2026-0412"].ID)
		if err != nil {
			t.Fatalf("BillDocument: %v", err)
		}
		if doc == nil || doc.Filename != "F2026-0412.pdf" || !bytes.HasPrefix(doc.Content, []byte("%PDF-")) {
			t.Fatalf("main attachment: got %+v", doc)
		}
		// None: nil without error.
		bare := byRef["VM-7781"]
		doc, err = e.c.BillDocument(ctx, bare.ID)
		if err != nil || doc != nil {
			t.Fatalf("bill without a document: got %+v, %v; want nil, nil", doc, err)
		}
		// An attachment that is not the main one: the first PDF, not an earlier image.
		for i, att := range []struct{ name, mimetype, data string }{
			{"photo.png", "image/png", "iVBORw0KGgo="},
			{"VM-7781.pdf", "application/pdf", "JVBERi0xLjQKJSVFT0YK"},
			{"later.pdf", "application/pdf", "JVBERi0xLjQKJSVFT0YK"},
		} {
			if _, err := e.c.Create(ctx, "ir.attachment", map[string]any{"name": att.name, "mimetype": att.mimetype, "datas": att.data,
				"res_model": "account.move", "res_id": bare.ID}); err != nil {
				t.Fatalf("attachment %d: %v", i, err)
			}
		}
		doc, err = e.c.BillDocument(ctx, bare.ID)
		if err != nil || doc == nil || doc.Filename != "VM-7781.pdf" {
			t.Fatalf("bill with attachments: got %+v, %v; want VM-7781.pdf", doc, err)
		}
		// register_as_main_attachment makes another one the main attachment.
		ids, err := e.c.Search(ctx, "ir.attachment", odoo.Domain{[]any{"name", "=", "later.pdf"}}, odoo.SearchReadOptions{})
		if err != nil || len(ids) != 1 {
			t.Fatalf("find later.pdf: %v %v", ids, err)
		}
		if _, err := e.c.Execute(ctx, "ir.attachment", "register_as_main_attachment", []any{ids}, nil); err != nil {
			t.Fatalf("register_as_main_attachment: %v", err)
		}
		if doc, err = e.c.BillDocument(ctx, bare.ID); err != nil || doc == nil || doc.AttachmentID != ids[0] {
			t.Errorf("after register_as_main_attachment: got %+v, %v; want attachment %d", doc, err, ids[0])
		}
		// A customer invoice is no bill.
		invs, _ := allPostedMoves(t, e.c, odoo.MoveFilter{Types: []string{odoo.MoveOutInvoice}}, 50)
		if _, err := e.c.BillDocument(ctx, invs[0].ID); !errors.Is(err, odoo.ErrValidation) {
			t.Errorf("BillDocument of an invoice: got %v, want a validation error", err)
		}
		if _, err := e.c.BillDocument(ctx, 999999); !errors.Is(err, odoo.ErrNotFound) {
			t.Errorf("BillDocument of a missing move: got %v, want ErrNotFound", err)
		}
	})
}

func TestRegisterPayment(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		moves, _ := allPostedMoves(t, e.c, odoo.MoveFilter{Types: []string{odoo.MoveOutInvoice}}, 50)
		var inv odoo.Move
		for _, m := range moves {
			if m.PaymentState == "not_paid" && m.Currency.Name == "EUR" {
				inv = m
			}
		}
		if inv.ID == 0 {
			// Post the draft to have an unpaid EUR invoice.
			if _, err := e.srv.Call("account.move", "action_post", []any{[]any{e.ids.Moves["draft-invoice"]}}, nil); err != nil {
				t.Fatal(err)
			}
			b, err := e.c.Moves(ctx, []int64{e.ids.Moves["draft-invoice"]})
			if err != nil {
				t.Fatal(err)
			}
			inv = b.Moves[0]
		}
		part := decimal.RequireFromString("100.10")
		date := time.Now().UTC()
		payID, err := e.c.RegisterPayment(ctx, inv.ID, part, date, e.ids.Journals["BNK1"], inv.Name)
		if err != nil {
			t.Fatalf("RegisterPayment(partial): %v", err)
		}
		if payID == 0 {
			t.Error("RegisterPayment: got payment id 0")
		}
		b, err := e.c.Moves(ctx, []int64{inv.ID})
		if err != nil {
			t.Fatal(err)
		}
		after := b.Moves[0]
		if after.PaymentState != "partial" || !after.AmountResidual.Equal(inv.AmountResidual.Sub(part)) {
			t.Errorf("after partial payment: got state %s residual %s, want partial %s", after.PaymentState, after.AmountResidual, inv.AmountResidual.Sub(part))
		}
		if _, err := e.c.RegisterPayment(ctx, inv.ID, after.AmountResidual, date, e.ids.Journals["BNK1"], inv.Name); err != nil {
			t.Fatalf("RegisterPayment(rest): %v", err)
		}
		b, err = e.c.Moves(ctx, []int64{inv.ID})
		if err != nil {
			t.Fatal(err)
		}
		if paid := b.Moves[0]; !paid.AmountResidual.IsZero() || (paid.PaymentState != "paid" && paid.PaymentState != "in_payment") {
			t.Errorf("after full payment: got state %s residual %s", paid.PaymentState, paid.AmountResidual)
		}
		// Overpaying is a validation error, not retryable.
		_, err = e.c.RegisterPayment(ctx, inv.ID, decimal.NewFromInt(1), date, e.ids.Journals["BNK1"], "")
		var f *odoo.Fault
		if !errors.As(err, &f) || f.Retryable() {
			t.Errorf("payment on a paid invoice: got %v, want a non-retryable fault", err)
		}
		if _, err := e.c.RegisterPayment(ctx, inv.ID, decimal.NewFromInt(-5), date, e.ids.Journals["BNK1"], ""); err == nil {
			t.Error("negative amount: got nil error")
		}
	})
}

func TestCustomFieldsAndWrites(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		id, err := e.c.EnsureCustomField(ctx, "res.partner", "x_exact_id", "char", "Exact ID")
		if err != nil {
			t.Fatalf("EnsureCustomField: %v", err)
		}
		e.srv.ResetCalls()
		again, err := e.c.EnsureCustomField(ctx, "res.partner", "x_exact_id", "char", "Exact ID")
		if err != nil || again != id {
			t.Fatalf("EnsureCustomField again: got %d %v, want %d", again, err, id)
		}
		if n := e.srv.Calls().ByMethod["ir.model.fields.create"]; n != 0 {
			t.Errorf("second EnsureCustomField created %d fields, want 0", n)
		}
		if _, err := e.c.EnsureCustomField(ctx, "res.partner", "x_exact_id", "integer", "Exact ID"); !errors.Is(err, odoo.ErrValidation) {
			t.Errorf("type conflict: got %v, want a validation error", err)
		}
		if _, err := e.c.EnsureCustomField(ctx, "res.partner", "exact_id", "char", "Exact ID"); err == nil {
			t.Error("name without x_: got nil error")
		}

		guid := "3f2c1a9e-6b1d-4c0a-9a57-0d2e8b1f4c6a"
		vdb := e.ids.Partners["Van der Berg Installatietechniek B.V."]
		if err := e.c.WriteFields(ctx, "res.partner", vdb, map[string]any{"x_exact_id": guid}); err != nil {
			t.Fatalf("WriteFields: %v", err)
		}
		ps, err := e.c.Partners(ctx, []int64{vdb}, "x_exact_id")
		if err != nil {
			t.Fatalf("Partners: %v", err)
		}
		if got := odoo.NewDecoder(ps[0].Record).String("x_exact_id"); got != guid {
			t.Errorf("x_exact_id: got %q, want %q", got, guid)
		}
		if err := e.c.WriteFields(ctx, "res.partner", 999999, map[string]any{"x_exact_id": guid}); !errors.Is(err, odoo.ErrNotFound) {
			t.Errorf("write on a missing partner: got %v, want ErrNotFound", err)
		}

		pid, err := e.c.CreatePartner(ctx, map[string]any{"name": "Ærøskøbing Fiskehandel ApS", "is_company": true,
			"country_id": e.ids.Countries["DE"], "supplier_rank": 1, "email": false})
		if err != nil {
			t.Fatalf("CreatePartner: %v", err)
		}
		ps, err = e.c.Partners(ctx, []int64{pid})
		if err != nil {
			t.Fatalf("Partners: %v", err)
		}
		if p := ps[0]; p.Name != "Ærøskøbing Fiskehandel ApS" || p.CountryCode != "DE" || p.Email != "" || p.SupplierRank != 1 {
			t.Errorf("created partner: got %+v", p)
		}
		if _, err := e.c.CreatePartner(ctx, map[string]any{"is_company": true}); err == nil {
			t.Error("partner without name: got nil error")
		}
	})
}

// TestMoveWriteBack: the connector's write-back fields on account.move are plain char fields a posted invoice
// accepts; writing them changes neither state nor amounts, bumps the move's and its lines' write_date (as real
// Odoo 17 does), and a copy of the invoice does not carry them.
func TestMoveWriteBack(t *testing.T) {
	clk := odootest.NewClock(time.Date(2026, 12, 1, 23, 14, 5, 200_000_000, time.UTC))
	forEachBackend(t, func(t *testing.T, e *env) {
		fields := []string{"x_exact_entry_id", "x_exact_entry_number", "x_exact_document_id"}
		for _, f := range fields {
			if _, err := e.c.EnsureCustomField(ctx, "account.move", f, "char", f); err != nil {
				t.Fatalf("EnsureCustomField(%s): %v", f, err)
			}
		}
		moves, _ := allPostedMoves(t, e.c, odoo.MoveFilter{Types: []string{odoo.MoveOutInvoice}}, 50)
		inv := moves[0]
		clk.Advance(3 * time.Second)
		vals := map[string]any{"x_exact_entry_id": "6a1f0c2e-0000-4000-8000-000000000001", "x_exact_entry_number": "25700042", "x_exact_document_id": "6a1f0c2e-0000-4000-8000-000000000002"}
		if err := e.c.WriteFields(ctx, "account.move", inv.ID, vals); err != nil {
			t.Fatalf("write-back on a posted invoice: %v", err)
		}
		b, err := e.c.MovesWithFields(ctx, []int64{inv.ID}, append(fields, "x_no_such_field")...)
		if err != nil {
			t.Fatalf("MovesWithFields: %v", err)
		}
		got := b.Moves[0]
		for k, v := range vals {
			if got.Record[k] != v {
				t.Errorf("%s: got %v, want %v", k, got.Record[k], v)
			}
		}
		if _, ok := got.Record["x_no_such_field"]; ok {
			t.Error("a field the server lacks was read")
		}
		if got.State != odoo.StatePosted || got.Name != inv.Name || !got.AmountTotal.Equal(inv.AmountTotal) || got.PaymentState != inv.PaymentState {
			t.Errorf("after the write-back: got %s %s %s %s, want it unchanged (%s %s %s %s)", got.Name, got.State, got.AmountTotal, got.PaymentState,
				inv.Name, inv.State, inv.AmountTotal, inv.PaymentState)
		}
		if !got.WriteDate.After(inv.WriteDate) {
			t.Errorf("write_date: got %v, want after %v", got.WriteDate, inv.WriteDate)
		}
		for _, l := range got.Lines {
			recs, err := e.c.Read(ctx, "account.move.line", []int64{l.ID}, []string{"write_date"})
			if err != nil {
				t.Fatal(err)
			}
			if wd := odoo.NewDecoder(recs[0]).Datetime("write_date"); !wd.Equal(got.WriteDate) {
				t.Errorf("line %d write_date: got %v, want the move's %v", l.ID, wd, got.WriteDate)
			}
		}
		res, err := e.c.Execute(ctx, "account.move", "copy", []any{[]int64{inv.ID}}, nil)
		if err != nil {
			t.Fatalf("copy: %v", err)
		}
		dup, ok := res.(int64)
		if !ok {
			if f, isFloat := res.(float64); isFloat {
				dup, ok = int64(f), true
			}
		}
		if !ok {
			t.Fatalf("copy: got %T %v", res, res)
		}
		cb, err := e.c.MovesWithFields(ctx, []int64{dup}, fields...)
		if err != nil {
			t.Fatal(err)
		}
		if c := cb.Moves[0]; c.State != odoo.StateDraft || len(c.InvoiceLines) != len(inv.InvoiceLines) || c.Record["x_exact_entry_id"] != false {
			t.Errorf("copy: got state %s, %d lines, x_exact_entry_id %v; want a draft with %d lines and no entry id",
				c.State, len(c.InvoiceLines), c.Record["x_exact_entry_id"], len(inv.InvoiceLines))
		}
	}, func(o *odootest.Options) { o.Now = clk.Now })
}

func TestModulesAndWebhooks(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ok, err := e.c.ModuleInstalled(ctx, "base_automation")
		if err != nil || ok {
			t.Fatalf("ModuleInstalled before: got %v %v, want false", ok, err)
		}
		if ok, err := e.c.ModuleInstalled(ctx, "account"); err != nil || !ok {
			t.Errorf("ModuleInstalled(account): got %v %v, want true", ok, err)
		}
		if _, err := e.c.ModuleInstalled(ctx, "no_such_module"); !errors.Is(err, odoo.ErrNotFound) {
			t.Errorf("unknown module: got %v, want ErrNotFound", err)
		}
		if err := e.c.InstallModule(ctx, "base_automation"); err != nil {
			t.Fatalf("InstallModule: %v", err)
		}
		if ok, err := e.c.ModuleInstalled(ctx, "base_automation"); err != nil || !ok {
			t.Fatalf("ModuleInstalled after: got %v %v, want true", ok, err)
		}
		e.srv.ResetCalls()
		if err := e.c.InstallModule(ctx, "base_automation"); err != nil {
			t.Fatalf("InstallModule again: %v", err)
		}
		if n := e.srv.Calls().ByMethod["ir.module.module.button_immediate_install"]; n != 0 {
			t.Errorf("second InstallModule installed %d times, want 0", n)
		}

		rule := odoo.WebhookRule{Name: "exactsync partners", Model: "res.partner",
			URL: "https://sync.example/hooks/odoo/s3cr3t-token", Fields: []string{"name", "write_date"},
			Domain: odoo.Domain{"|", []any{"customer_rank", ">", 0}, []any{"supplier_rank", ">", 0}}}
		id, err := e.c.EnsureWebhookRule(ctx, rule)
		if e.b.version <= 16 {
			// Webhook actions exist from Odoo 17 on.
			if err == nil {
				t.Fatal("EnsureWebhookRule on Odoo 16: got nil error, want one")
			}
			return
		}
		if err != nil {
			t.Fatalf("EnsureWebhookRule: %v", err)
		}
		rule.URL = "https://sync.example/hooks/odoo/n3w-t0ken"
		again, err := e.c.EnsureWebhookRule(ctx, rule)
		if err != nil || again != id {
			t.Fatalf("EnsureWebhookRule again: got %d %v, want %d", again, err, id)
		}
		rules, err := e.srv.Call("base.automation", "search_read", nil, map[string]any{
			"domain": []any{[]any{"name", "=", rule.Name}}, "fields": []any{"action_server_ids", "trigger", "filter_domain"}})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(rules.([]any)); n != 1 {
			t.Fatalf("rules named %q: got %d, want 1", rule.Name, n)
		}
		r := rules.([]any)[0].(map[string]any)
		if r["trigger"] != "on_create_or_write" {
			t.Errorf("trigger: got %v", r["trigger"])
		}
		actions := r["action_server_ids"].([]any)
		if len(actions) != 1 {
			t.Fatalf("actions: got %v, want 1", actions)
		}
		act, err := e.srv.Read("ir.actions.server", actions[0].(int64))
		if err != nil {
			t.Fatal(err)
		}
		if act["state"] != "webhook" || act["webhook_url"] != rule.URL || len(act["webhook_field_ids"].([]any)) != 2 {
			t.Errorf("action: got state=%v url-updated=%v fields=%v", act["state"], act["webhook_url"] == rule.URL, act["webhook_field_ids"])
		}
	})
}

func TestMultiCompany(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			srv := odootest.NewServer(t, func(o *odootest.Options) { o.Version = b.version })
			ids := srv.Seeded()
			be := ids.Companies[1]
			c := dial(t, srv, b.transport, be)
			moves, _ := allPostedMoves(t, c, odoo.MoveFilter{}, 50)
			if len(moves) != 1 || moves[0].Company.ID != be {
				t.Fatalf("moves of the second company: got %d (%+v)", len(moves), moves)
			}
			// Company-dependent payment terms are read per company.
			vdb := ids.Partners["Van der Berg Installatietechniek B.V."]
			ps, err := c.Partners(ctx, []int64{vdb})
			if err != nil {
				t.Fatalf("Partners: %v", err)
			}
			if got, want := ps[0].PaymentTerm.ID, ids.Terms["14 Days"]; got != want {
				t.Errorf("payment term in company %d: got %+v, want id %d", be, ps[0].PaymentTerm, want)
			}
			journals, err := c.Journals(ctx)
			if err != nil {
				t.Fatalf("Journals: %v", err)
			}
			for _, j := range journals {
				if j.Company.ID != be {
					t.Errorf("journal %s of company %+v leaked in", j.Code, j.Company)
				}
			}
			main := dial(t, srv, b.transport, srv.CompanyID())
			ps, err = main.Partners(ctx, []int64{vdb})
			if err != nil {
				t.Fatalf("Partners: %v", err)
			}
			if got, want := ps[0].PaymentTerm.ID, ids.Terms["30 Days"]; got != want {
				t.Errorf("payment term in the main company: got %+v, want id %d", ps[0].PaymentTerm, want)
			}
		})
	}
}

// Real Odoo stores write_date with microseconds and answers whole seconds, so records written in one second
// share it. The feed must find a record written later in a second it already read, never take a second that
// is not over, and cost one call and return nothing on a quiet Odoo (a cursor "write_date > S" returned
// second S's records forever).
func TestChangeFeedsInOneSecond(t *testing.T) {
	clk := odootest.NewClock(time.Date(2026, 12, 1, 23, 14, 5, 200_000_000, time.UTC))
	srv := odootest.NewServer(t, func(o *odootest.Options) { o.Now = clk.Now })
	c := dial(t, srv, odoo.TransportAuto, srv.CompanyID())
	ids := srv.Seeded()
	drain := func(cur odoo.Cursor) odoo.Cursor {
		t.Helper()
		for range 50 {
			_, next, more, err := c.PartnersChangedSince(ctx, cur, 7)
			if err != nil {
				t.Fatal(err)
			}
			cur = next
			if !more {
				break
			}
		}
		return cur
	}

	// The seed's second is still open by the server's clock: its partners are listed and not taken.
	first, cur, more, err := c.PartnersChangedSince(ctx, odoo.Cursor{}, 500)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) == 0 || !cur.IsZero() || more {
		t.Fatalf("open second: got %d changes, cursor %q, more %v; want changes, the zero cursor, no more", len(first), cur, more)
	}
	// A partner written again in that second is listed again once it is over.
	sanne := ids.Partners["Sanne Bakker"]
	clk.Advance(300 * time.Millisecond)
	if err := srv.Write("res.partner", []int64{sanne}, map[string]any{"phone": "+31 20 555 0102"}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(3 * time.Second)
	cur = drain(odoo.Cursor{})
	if cur.IsZero() || !slices.Contains(cur.Seen, sanne) {
		t.Fatalf("after the second is over the feed took it: cursor %q", cur)
	}

	srv.ResetCalls()
	page, next, _, err := c.PartnersChangedSince(ctx, cur, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 0 || next.String() != cur.String() {
		t.Errorf("quiet Odoo: got %d changes and cursor %q, want none and %q", len(page), next, cur)
	}
	if got := srv.Calls().Total; got != 1 {
		t.Errorf("quiet poll cost %d Odoo calls, want 1", got)
	}

	// Two partners written in one second, the feed read between them: the second one is still found.
	jan := ids.Partners["Groothandel Jansen B.V."]
	if err := srv.Write("res.partner", []int64{sanne}, map[string]any{"phone": "+31 20 555 0103"}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(2 * time.Second)
	page, cur, _, err = c.PartnersChangedSince(ctx, cur, 7)
	if err != nil || len(page) != 1 || page[0].ID != sanne {
		t.Fatalf("first of the second: got %+v, %v; want partner %d", page, err, sanne)
	}
	clk.Advance(-2*time.Second + 100*time.Millisecond) // back into that second, as a slow transaction would
	if err := srv.Write("res.partner", []int64{jan}, map[string]any{"phone": "+31 20 555 0104"}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(3 * time.Second)
	page, cur, _, err = c.PartnersChangedSince(ctx, cur, 7)
	if err != nil || len(page) != 1 || page[0].ID != jan {
		t.Fatalf("second of the second: got %+v, %v; want partner %d", page, err, jan)
	}
	if got := odoo.NewDecoder(page[0].Fields).Many2One("commercial_partner_id").ID; got != jan {
		t.Errorf("the change carries commercial_partner_id %d, want %d", got, jan)
	}

	// A bank account added later changes nothing on its partner: it has its own feed.
	var bankCur odoo.Cursor
	for range 50 {
		_, n, more, err := c.BankAccountsChangedSince(ctx, bankCur, 50)
		if err != nil {
			t.Fatal(err)
		}
		bankCur = n
		if !more {
			break
		}
	}
	bankID, err := srv.Create("res.partner.bank", map[string]any{"partner_id": jan, "acc_number": "NL02ABNA0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(3 * time.Second)
	if page, _, _, err = c.PartnersChangedSince(ctx, cur, 7); err != nil || len(page) != 0 {
		t.Errorf("a new bank account showed in the partner feed: %+v, %v", page, err)
	}
	banks, _, _, err := c.BankAccountsChangedSince(ctx, bankCur, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(banks) != 1 || banks[0].ID != bankID || odoo.NewDecoder(banks[0].Fields).Many2One("partner_id").ID != jan {
		t.Errorf("bank feed: got %+v, want bank account %d of partner %d", banks, bankID, jan)
	}
}

// Parallel first syncs all ensure the same custom field: every call must end with the one field, none with
// real Odoo's "Field names must be unique per model." for the calls that lost the race.
func TestEnsureCustomFieldInParallel(t *testing.T) {
	srv := odootest.NewServer(t)
	const n = 8
	clients := make([]*odoo.Client, n)
	for i := range clients {
		clients[i] = dial(t, srv, odoo.TransportAuto, srv.CompanyID())
	}
	for _, name := range []string{"x_race_a", "x_race_b", "x_race_c"} {
		ids := make([]int64, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i, c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ids[i], errs[i] = c.EnsureCustomField(ctx, "res.partner", name, "char", "Race")
			}()
		}
		wg.Wait()
		for i := range clients {
			if errs[i] != nil || ids[i] != ids[0] || ids[0] == 0 {
				t.Errorf("%s, call %d: got field %d, %v; want field %d", name, i, ids[i], errs[i], ids[0])
			}
		}
		res, err := srv.Call("ir.model.fields", "search_count", []any{[]any{[]any{"name", "=", name}}}, nil)
		if err != nil || res.(int64) != 1 {
			t.Errorf("%s: %v fields (%v), want 1", name, res, err)
		}
	}
	// A field of that name but another type is refused, not taken.
	if _, err := clients[0].EnsureCustomField(ctx, "res.partner", "x_race_a", "integer", "Race"); !errors.Is(err, odoo.ErrValidation) {
		t.Errorf("another type: got %v, want a validation fault", err)
	}
}

// Odoo 18 and 19 fill an "on save" rule's trigger fields from its filter domain and then notify only when one of
// those fields changes: the connector's rule must notify on any change (an e-mail edit), on every version.
func TestWebhookRuleFiresOnAnyField(t *testing.T) {
	for _, version := range []int{17, 18, 19} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			got := make(chan map[string]any, 10)
			hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var body map[string]any
				_ = json.NewDecoder(r.Body).Decode(&body)
				got <- body
			}))
			defer hook.Close()
			srv := odootest.NewServer(t, func(o *odootest.Options) { o.Version = version })
			c := dial(t, srv, odoo.TransportAuto, srv.CompanyID())
			if err := c.InstallModule(ctx, "base_automation"); err != nil {
				t.Fatal(err)
			}
			rule := odoo.WebhookRule{Name: "exactsync partners", Model: "res.partner", URL: hook.URL,
				Domain: odoo.Domain{"|", []any{"customer_rank", ">", 0}, []any{"supplier_rank", ">", 0}}}
			if _, err := c.EnsureWebhookRule(ctx, rule); err != nil {
				t.Fatal(err)
			}
			sanne := srv.Seeded().Partners["Sanne Bakker"]
			if err := c.WriteFields(ctx, "res.partner", sanne, map[string]any{"email": "sanne@nieuw.example"}); err != nil {
				t.Fatal(err)
			}
			srv.Close() // waits for the notifications it sent
			select {
			case body := <-got:
				if id, _ := body["_id"].(float64); int64(id) != sanne {
					t.Errorf("notified %v, want partner %d", body, sanne)
				}
			default:
				t.Error("an e-mail edit sent no notification")
			}
		})
	}
}

// MovesOnly reads the moves and their lines in two calls, without the partners MovesWithFields adds.
func TestMovesOnlyReadsNoPartners(t *testing.T) {
	s := odootest.NewServer(t)
	c := dial(t, s, "xmlrpc", s.CompanyID())
	id := s.Seeded().Moves["INV/2026/00001"]
	s.ResetCalls()
	batch, err := c.MovesOnly(ctx, []int64{id})
	if err != nil {
		t.Fatal(err)
	}
	if len(batch.Moves) != 1 || len(batch.Moves[0].InvoiceLines) == 0 || len(batch.Partners) != 0 {
		t.Fatalf("MovesOnly = %d moves, %d partners", len(batch.Moves), len(batch.Partners))
	}
	for method := range s.Calls().ByMethod {
		if strings.HasPrefix(method, "res.partner") || strings.HasPrefix(method, "res.bank") {
			t.Errorf("MovesOnly called %s", method)
		}
	}
	full, err := c.MovesWithFields(ctx, []int64{id})
	if err != nil || len(full.Partners) == 0 || !full.Moves[0].AmountTotal.Equal(batch.Moves[0].AmountTotal) {
		t.Errorf("MovesWithFields: %v, %d partners; want the same move with its partners", err, len(full.Partners))
	}
}
