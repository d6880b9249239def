package activities

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/store"
)

// Suggestion is a proposed mapping of one Odoo record to an Exact code, or why none is proposed.
type Suggestion struct {
	Kind     string
	OdooID   int64
	OdooName string
	Code     string // "" when there is no single equivalent
	Why      string // why none is proposed
}

// Exact journal types of bank and cash journals (financial/Journals Type).
const (
	exactJournalCash = 10
	exactJournalBank = 12
)

// SuggestInvoiceMappings proposes the mappings the invoice and payment syncs need, only where there is exactly one
// equivalent in Exact: a sales journal to the one Exact sales journal (purchase: purchase journal; bank and cash:
// the one Exact bank or cash journal, where payments matched in Exact are registered in Odoo); a percentage tax to the
// one Exact VAT code of the same percentage for its side that is not reverse charge; a revenue or expense account
// to the Exact GL account with the same code. Everything else is left for a person (the Why says what was found).
func SuggestInvoiceMappings(journals []odoo.Journal, taxes []odoo.Tax, accounts []odoo.Account,
	exJournals []exact.Journal, exVAT []exact.VATCode, exGL []exact.GLAccount) []Suggestion {
	var out []Suggestion
	for _, j := range journals {
		if j.Type == "bank" || j.Type == "cash" {
			// Payments made in Exact's bank (type 12) or cash (10) journals are registered in Odoo's.
			want := map[string]int{"bank": exactJournalBank, "cash": exactJournalCash}[j.Type]
			var codes []string
			for _, x := range exJournals {
				if x.Type == want {
					codes = append(codes, strings.TrimSpace(x.Code))
				}
			}
			out = append(out, single(store.MapBankJournal, j.ID, j.Code+" "+j.Name, codes, fmt.Sprintf("Exact journals of type %d", want)))
			continue
		}
		want := map[string]int{"sale": exactJournalSales, "purchase": exactJournalPurchase}[j.Type]
		if want == 0 {
			continue
		}
		var codes []string
		for _, x := range exJournals {
			if x.Type == want {
				codes = append(codes, strings.TrimSpace(x.Code))
			}
		}
		out = append(out, single(store.MapJournal, j.ID, j.Code+" "+j.Name, codes, fmt.Sprintf("Exact journals of type %d", want)))
	}
	for _, t := range taxes {
		name := t.Name + " (" + t.TypeTaxUse + ")"
		if t.AmountType != "percent" || t.TypeTaxUse == "none" {
			out = append(out, Suggestion{Kind: store.MapTax, OdooID: t.ID, OdooName: name, Why: "not a percentage tax of sales or purchases"})
			continue
		}
		side := map[string]string{"sale": "S", "purchase": "P"}[t.TypeTaxUse]
		pct := t.Amount.Div(decimal.NewFromInt(100))
		var codes []string
		for _, v := range exVAT {
			if v.Percentage.Equal(pct) && !v.Charged && !v.IsBlocked && (v.VATTransactionType == side || v.VATTransactionType == "B") {
				codes = append(codes, strings.TrimSpace(v.Code))
			}
		}
		out = append(out, single(store.MapTax, t.ID, name, codes, fmt.Sprintf("Exact VAT codes of %s %% for %s (not reverse charge)", t.Amount, t.TypeTaxUse)))
	}
	gl := map[string]bool{}
	for _, g := range exGL {
		if !g.IsBlocked {
			gl[strings.TrimSpace(g.Code)] = true
		}
	}
	for _, a := range accounts {
		// Invoice lines book on revenue and expense accounts; receivables, payables, VAT and bank accounts are
		// Exact's own business (the journal's and the VAT code's).
		if a.Deprecated || !strings.HasPrefix(a.AccountType, "income") && !strings.HasPrefix(a.AccountType, "expense") {
			continue
		}
		s := Suggestion{Kind: store.MapAccount, OdooID: a.ID, OdooName: a.Code + " " + a.Name}
		if gl[strings.TrimSpace(a.Code)] {
			s.Code = strings.TrimSpace(a.Code)
		} else {
			s.Why = "no Exact GL account has code " + a.Code
		}
		out = append(out, s)
	}
	return out
}

func single(kind string, id int64, name string, codes []string, what string) Suggestion {
	s := Suggestion{Kind: kind, OdooID: id, OdooName: name}
	switch len(codes) {
	case 1:
		s.Code = codes[0]
	case 0:
		s.Why = "no " + what
	default:
		s.Why = fmt.Sprintf("%d %s (%s): pick one", len(codes), what, strings.Join(codes, ", "))
	}
	return s
}

// SuggestAnalyticMappings proposes, for an Odoo analytic account whose reference (code) is the code of an active
// Exact cost centre or of a cost unit, that one (a cost unit as AnalyticUnitPrefix+code); a code that is both asks
// a person to pick. Analytic mappings are optional, so an account without such a code is not listed at all.
func SuggestAnalyticMappings(accounts []odoo.AnalyticAccount, centres []exact.CostCenter, units []exact.CostUnit) []Suggestion {
	byCode := map[string][]string{}
	for _, c := range centres {
		if c.Active {
			code := strings.TrimSpace(c.Code)
			byCode[code] = append(byCode[code], code)
		}
	}
	for _, u := range units {
		code := strings.TrimSpace(u.Code)
		byCode[code] = append(byCode[code], AnalyticUnitPrefix+code)
	}
	var out []Suggestion
	for _, a := range accounts {
		code := strings.TrimSpace(a.Code)
		if !a.Active || code == "" || len(byCode[code]) == 0 {
			continue
		}
		name := "[" + code + "] " + a.Name + " (" + a.RootPlan.Name + ")"
		out = append(out, single(store.MapAnalytic, a.ID, name, byCode[code], "Exact cost centres and cost units of code "+code))
	}
	return out
}
