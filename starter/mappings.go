package main

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/exactsync/exactsync/activities"
	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/store"
)

// mappingRow is one Odoo record of a mapping kind with its Exact code and whether that code is valid.
type mappingRow struct {
	Kind, OdooName, ExactCode, State string
	OdooID                           int64
}

// mappingRows reads the Odoo side, the stored mappings and the Exact codes, and says per row: ok, missing or
// invalid (the stored code does not exist in the division). It also returns the Exact codes it read, by kind.
func mappingRows(ctx context.Context, e *env, conn store.Connection, kinds []string) ([]mappingRow, map[string][]string, error) {
	cl := activities.NewClients(e.store, e.logger)
	oc, err := cl.Odoo(ctx, conn)
	if err != nil {
		return nil, nil, err
	}
	var rows []mappingRow
	codesByKind := map[string][]string{}
	for _, kind := range kinds {
		type item struct {
			id   int64
			name string
		}
		var items []item
		switch kind {
		case store.MapPaymentTerm:
			terms, err := oc.PaymentTerms(ctx)
			if err != nil {
				return nil, nil, err
			}
			for _, t := range terms {
				items = append(items, item{t.ID, t.Name})
			}
		case store.MapJournal:
			js, err := oc.Journals(ctx)
			if err != nil {
				return nil, nil, err
			}
			for _, j := range js {
				if j.Type == "sale" || j.Type == "purchase" {
					items = append(items, item{j.ID, j.Code + " " + j.Name})
				}
			}
		case store.MapBankJournal:
			js, err := oc.Journals(ctx)
			if err != nil {
				return nil, nil, err
			}
			for _, j := range js {
				if j.Type == "bank" || j.Type == "cash" {
					items = append(items, item{j.ID, j.Code + " " + j.Name})
				}
			}
		case store.MapTax:
			ts, err := oc.Taxes(ctx)
			if err != nil {
				return nil, nil, err
			}
			for _, t := range ts {
				items = append(items, item{t.ID, t.Name + " (" + t.TypeTaxUse + ")"})
			}
		case store.MapAccount:
			as, err := oc.Accounts(ctx)
			if err != nil {
				return nil, nil, err
			}
			for _, a := range as {
				items = append(items, item{a.ID, a.Code + " " + a.Name})
			}
		case store.MapAnalytic:
			as, err := oc.AnalyticAccounts(ctx)
			if err != nil {
				return nil, nil, err
			}
			for _, a := range as {
				name := a.Name
				if a.Code != "" {
					name = "[" + a.Code + "] " + name
				}
				name += " (" + a.RootPlan.Name + ")"
				if !a.Active {
					name += " (archived)"
				}
				items = append(items, item{a.ID, name})
			}
		default:
			return nil, nil, fmt.Errorf("unknown mapping kind %q: want payment_term, journal, tax, account, bank_journal or analytic", kind)
		}
		codes, err := validCodes(ctx, cl, conn, kind)
		if err != nil {
			return nil, nil, err
		}
		codesByKind[kind] = codes
		stored, err := e.store.Mappings(ctx, conn.ID, kind)
		if err != nil {
			return nil, nil, err
		}
		byID := map[int64]string{}
		for _, m := range stored {
			byID[m.OdooID] = m.ExactCode
		}
		for _, it := range items {
			r := mappingRow{Kind: kind, OdooID: it.id, OdooName: it.name, ExactCode: byID[it.id], State: "ok"}
			switch {
			case r.ExactCode == "":
				r.State = "MISSING"
			case !slices.Contains(codes, strings.TrimSpace(r.ExactCode)):
				r.State = "INVALID"
			}
			rows = append(rows, r)
		}
	}
	return rows, codesByKind, nil
}

// mappingKind is a kind of mapping with the sync that needs it.
type mappingKind struct {
	kind, title string
	needed      func(conn store.Connection) bool // whether a sync the connection runs needs it
	neededBy    string
}

// always, invoicesOn and neverNeeded say when a kind of mapping is needed: the contact sync always runs; the invoice sync
// and the payment pull once `starter invoices --from DATE` turned them on; analytic mappings are optional.
func always(store.Connection) bool       { return true }
func invoicesOn(c store.Connection) bool { return !c.InvoicesFrom.IsZero() }
func neverNeeded(store.Connection) bool  { return false }

// mappingKinds are the kinds of mapping in the order listed, with the sync that needs them: payment terms the
// contact sync; journals, taxes and accounts the invoice sync (`starter invoices --from DATE` turns it on).
var mappingKinds = []mappingKind{
	{store.MapPaymentTerm, "Payment terms → Exact payment conditions", always, "needed by the contact sync"},
	{store.MapJournal, "Journals → Exact journals", invoicesOn, "needed by the invoice sync (only mapped journals are synced)"},
	{store.MapTax, "Taxes → Exact VAT codes", invoicesOn, "needed by the invoice sync (Odoo id 0: lines without tax)"},
	{store.MapAccount, "Accounts → Exact GL accounts", invoicesOn, "needed by the invoice sync"},
	{store.MapBankJournal, "Bank and cash journals → Exact bank and cash journals", invoicesOn, "needed by the payment pull (where Exact's payments are registered)"},
	{store.MapAnalytic, "Analytic accounts → Exact cost centres (code) or cost units (" + activities.AnalyticUnitPrefix + "<code>)", neverNeeded,
		"optional, for the invoice sync: a line's share on an unmapped analytic account goes without one, with a note"},
}

func kindsFlag(v string) []string {
	if v == "" || v == "all" {
		var all []string
		for _, k := range mappingKinds {
			all = append(all, k.kind)
		}
		return all
	}
	return strings.Split(v, ",")
}

// mappingKindReport is one kind in `starter mappings list` (and its --json document).
type mappingKindReport struct {
	Kind     string             `json:"kind"`
	Needed   bool               `json:"needed"`
	NeededBy string             `json:"needed_by"`
	Valid    int                `json:"mapped_and_valid"`
	Total    int                `json:"total"`
	Rows     []mappingRowReport `json:"rows"`
	title    string
}

// mappingRowReport is one Odoo record in `starter mappings list --json`.
type mappingRowReport struct {
	OdooID    int64  `json:"odoo_id"`
	OdooName  string `json:"odoo_name"`
	ExactCode string `json:"exact_code"`
	State     string `json:"state"` // ok, missing or invalid
}

// mappingsReport is the --json document of `starter mappings list`.
type mappingsReport struct {
	Connection    string              `json:"connection"`
	ExactDivision int                 `json:"exact_division"`
	Kinds         []mappingKindReport `json:"kinds"`
}

func mappingsList(ctx context.Context, e *env, args []string) error {
	fs, name := e.flags("mappings list")
	kind := fs.String("kind", "all", "payment_term, journal, tax, account, bank_journal, analytic (comma-separated) or all")
	asJSON := fs.Bool("json", false, "print one JSON document (for scripts and monitoring)")
	conn, err := e.parseConnection(ctx, fs, name, args)
	if err != nil {
		return err
	}
	kinds := kindsFlag(*kind)
	rows, _, err := mappingRows(ctx, e, conn, kinds)
	if err != nil {
		return err
	}
	report := mappingsReport{Connection: conn.Name, ExactDivision: conn.ExactDivision, Kinds: []mappingKindReport{}}
	for _, mk := range mappingKinds {
		if !slices.Contains(kinds, mk.kind) {
			continue
		}
		k := mappingKindReport{Kind: mk.kind, Needed: mk.needed(conn), NeededBy: mk.neededBy, Rows: []mappingRowReport{}, title: mk.title}
		for _, r := range rows {
			if r.Kind != mk.kind {
				continue
			}
			k.Total++
			if r.State == "ok" {
				k.Valid++
			}
			k.Rows = append(k.Rows, mappingRowReport{r.OdooID, r.OdooName, r.ExactCode, strings.ToLower(r.State)})
		}
		report.Kinds = append(report.Kinds, k)
	}
	if *asJSON {
		return e.printJSON(report)
	}
	var todo []string
	for i, k := range report.Kinds {
		if i > 0 {
			e.printf("\n")
		}
		e.printf("%s (%s): %d of %d mapped and valid\n", k.title, k.NeededBy, k.Valid, k.Total)
		if k.Total == 0 {
			continue
		}
		e.printf("  %8s  %-40s %-10s %s\n", "ODOO ID", "ODOO", "EXACT", "STATE")
		for _, r := range k.Rows {
			state := strings.ToUpper(r.State)
			if state == "OK" {
				state = "ok"
			}
			if state == "MISSING" && !k.Needed {
				state = "not mapped yet" // not needed by any sync that runs: nothing is missing today
			}
			e.printf("  %8d  %-40s %-10s %s\n", r.OdooID, r.OdooName, r.ExactCode, state)
		}
		if k.Needed && k.Valid < k.Total {
			todo = append(todo, k.Kind)
		}
	}
	for _, kind := range todo {
		e.printf("\nTo do: map each MISSING or INVALID %s: starter mappings set --kind %s --odoo-id <ODOO ID> --exact-code <code>\n", kind, kind)
	}
	return nil
}

func mappingsSet(ctx context.Context, e *env, args []string) error {
	fs, name := e.flags("mappings set")
	kind := fs.String("kind", "", "payment_term, journal, tax, account, bank_journal or analytic (a cost centre code, or "+activities.AnalyticUnitPrefix+"<code> for a cost unit)")
	odooID := fs.Int64("odoo-id", 0, "id of the Odoo record")
	code := fs.String("exact-code", "", "the Exact code (payment condition, journal, VAT code or GL account)")
	if err := e.parseFlags(fs, args); err != nil {
		return err
	}
	if *kind == "" || *odooID == 0 || *code == "" {
		return usageErrorf("mappings set: --kind, --odoo-id and --exact-code are required")
	}
	conn, err := e.connection(ctx, *name)
	if err != nil {
		return err
	}
	rows, codes, err := mappingRows(ctx, e, conn, []string{*kind})
	if err != nil {
		return err
	}
	check := sortCodes(codes[*kind])
	if !slices.Contains(check, strings.TrimSpace(*code)) {
		return fmt.Errorf("mappings set: %q is not a %s code in Exact division %d; valid: %s. Run: starter mappings set --kind %s --odoo-id %d --exact-code <one of those>",
			*code, *kind, conn.ExactDivision, strings.Join(check, ", "), *kind, *odooID)
	}
	for _, r := range rows {
		if r.OdooID != *odooID {
			continue
		}
		if err := e.store.SaveMapping(ctx, conn.ID, store.Mapping{Kind: *kind, OdooID: *odooID, OdooName: r.OdooName, ExactCode: strings.TrimSpace(*code)}); err != nil {
			return err
		}
		e.printf("%s %d %q → %s\n", *kind, *odooID, r.OdooName, *code)
		return nil
	}
	return fmt.Errorf("mappings set: Odoo has no %s with id %d (starter mappings list --kind %s lists them)", *kind, *odooID, *kind)
}

// sortCodes sorts Exact codes as a person reads them: numbers by value (2 before 10), then the others in
// alphabetical order. It sorts a copy.
func sortCodes(codes []string) []string {
	out := slices.Clone(codes)
	slices.SortFunc(out, func(a, b string) int {
		na, errA := strconv.Atoi(a)
		nb, errB := strconv.Atoi(b)
		switch {
		case errA == nil && errB == nil && na != nb:
			return cmp.Compare(na, nb)
		case errA == nil && errB != nil:
			return -1
		case errA != nil && errB == nil:
			return 1
		}
		return strings.Compare(a, b)
	})
	return out
}

// validCodes lists the Exact codes of a kind in the connection's division.
func validCodes(ctx context.Context, cl *activities.Clients, conn store.Connection, kind string) ([]string, error) {
	ec, err := cl.Exact(ctx, conn)
	if err != nil {
		return nil, err
	}
	div := conn.ExactDivision
	var out []string
	add := func(c string) { out = append(out, strings.TrimSpace(c)) }
	switch kind {
	case store.MapPaymentTerm:
		xs, err := exact.Collect(ec.PaymentConditions.List(ctx, div, nil))
		for _, x := range xs {
			add(x.Code)
		}
		return out, err
	case store.MapJournal, store.MapBankJournal:
		xs, err := exact.Collect(ec.Journals.List(ctx, div, nil))
		for _, x := range xs {
			add(x.Code)
		}
		return out, err
	case store.MapTax:
		xs, err := exact.Collect(ec.VATCodes.List(ctx, div, nil))
		for _, x := range xs {
			add(x.Code)
		}
		return out, err
	case store.MapAccount:
		xs, err := exact.Collect(ec.GLAccounts.List(ctx, div, nil))
		for _, x := range xs {
			add(x.Code)
		}
		return out, err
	case store.MapAnalytic:
		centres, err := exact.Collect(ec.CostCenters.List(ctx, div, nil))
		if err != nil {
			return nil, err
		}
		for _, x := range centres {
			if x.Active {
				add(x.Code)
			}
		}
		units, err := exact.Collect(ec.CostUnits.List(ctx, div, nil))
		for _, x := range units {
			add(activities.AnalyticUnitPrefix + strings.TrimSpace(x.Code))
		}
		return out, err
	}
	return nil, fmt.Errorf("unknown mapping kind %q", kind)
}

// earlyDiscounts reads the early-payment discounts of Odoo 17+ payment terms (early_discount,
// discount_percentage, discount_days), which the client's PaymentTerm does not carry. A server without those fields
// (Odoo 16) has none: the result is empty.
func earlyDiscounts(ctx context.Context, oc *odoo.Client, terms []odoo.PaymentTerm) (map[int64]activities.EarlyDiscount, error) {
	out := map[int64]activities.EarlyDiscount{}
	if len(terms) == 0 {
		return out, nil
	}
	fields, err := oc.FieldsGet(ctx, "account.payment.term")
	if err != nil {
		return nil, err
	}
	for _, f := range []string{"early_discount", "discount_percentage", "discount_days"} {
		if _, ok := fields[f]; !ok {
			return out, nil
		}
	}
	ids := make([]int64, len(terms))
	for i, t := range terms {
		ids[i] = t.ID
	}
	recs, err := oc.Read(ctx, "account.payment.term", ids, []string{"id", "early_discount", "discount_percentage", "discount_days"})
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		d := odoo.NewDecoder(r)
		id, on := d.Int("id"), d.Bool("early_discount")
		disc := activities.EarlyDiscount{Percentage: d.Decimal("discount_percentage", -1), Days: d.Int("discount_days")}
		if d.Err() != nil {
			return nil, fmt.Errorf("account.payment.term: %w", d.Err())
		}
		if on {
			out[id] = disc
		}
	}
	return out, nil
}

func mappingsSuggest(ctx context.Context, e *env, args []string) error {
	fs, name := e.flags("mappings suggest")
	apply := fs.Bool("apply", false, "store the suggestions (existing mappings are kept)")
	conn, err := e.parseConnection(ctx, fs, name, args)
	if err != nil {
		return err
	}
	cl := activities.NewClients(e.store, e.logger)
	oc, err := cl.Odoo(ctx, conn)
	if err != nil {
		return err
	}
	ec, err := cl.Exact(ctx, conn)
	if err != nil {
		return err
	}
	terms, err := oc.PaymentTerms(ctx)
	if err != nil {
		return err
	}
	conds, err := exact.Collect(ec.PaymentConditions.List(ctx, conn.ExactDivision, nil))
	if err != nil {
		return err
	}
	existing, err := e.store.Mappings(ctx, conn.ID, store.MapPaymentTerm)
	if err != nil {
		return err
	}
	have := map[int64]bool{}
	for _, m := range existing {
		have[m.OdooID] = true
	}
	discounts, err := earlyDiscounts(ctx, oc, terms)
	if err != nil {
		return err
	}
	for _, t := range terms {
		code, problem := activities.PaymentConditionFor(t, discounts[t.ID], conds)
		switch {
		case have[t.ID]:
			e.printf("payment_term %d %q: already mapped\n", t.ID, t.Name)
		case problem != nil:
			e.printf("payment_term %d %q: MISSING: %s\n", t.ID, t.Name, problem)
		case *apply:
			if err := e.store.SaveMapping(ctx, conn.ID, store.Mapping{Kind: store.MapPaymentTerm, OdooID: t.ID, OdooName: t.Name, ExactCode: code}); err != nil {
				return err
			}
			e.printf("payment_term %d %q → %s (stored)\n", t.ID, t.Name, code)
		default:
			e.printf("payment_term %d %q → %s (run with --apply to store)\n", t.ID, t.Name, code)
		}
	}
	return suggestInvoiceMappings(ctx, e, conn, oc, ec, *apply)
}

// suggestInvoiceMappings proposes the journals, taxes and accounts the invoice sync needs where Exact has exactly
// one equivalent (see activities.SuggestInvoiceMappings), and analytic accounts whose reference is an Exact cost
// centre's or cost unit's code (activities.SuggestAnalyticMappings); existing mappings are kept.
func suggestInvoiceMappings(ctx context.Context, e *env, conn store.Connection, oc *odoo.Client, ec *exact.Client, apply bool) error {
	journals, err := oc.Journals(ctx)
	if err != nil {
		return err
	}
	taxes, err := oc.Taxes(ctx)
	if err != nil {
		return err
	}
	accounts, err := oc.Accounts(ctx)
	if err != nil {
		return err
	}
	div := conn.ExactDivision
	exJ, err := exact.Collect(ec.Journals.List(ctx, div, nil))
	if err != nil {
		return err
	}
	exV, err := exact.Collect(ec.VATCodes.List(ctx, div, nil))
	if err != nil {
		return err
	}
	exG, err := exact.Collect(ec.GLAccounts.List(ctx, div, nil))
	if err != nil {
		return err
	}
	analytic, err := oc.AnalyticAccounts(ctx)
	if err != nil {
		return err
	}
	centres, err := exact.Collect(ec.CostCenters.List(ctx, div, nil))
	if err != nil {
		return err
	}
	units, err := exact.Collect(ec.CostUnits.List(ctx, div, nil))
	if err != nil {
		return err
	}
	existing, err := e.store.Mappings(ctx, conn.ID, "")
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, m := range existing {
		have[fmt.Sprint(m.Kind, m.OdooID)] = true
	}
	suggestions := append(activities.SuggestInvoiceMappings(journals, taxes, accounts, exJ, exV, exG),
		activities.SuggestAnalyticMappings(analytic, centres, units)...)
	for _, s := range suggestions {
		switch {
		case have[fmt.Sprint(s.Kind, s.OdooID)]:
			e.printf("%s %d %q: already mapped\n", s.Kind, s.OdooID, s.OdooName)
		case s.Code == "":
			e.printf("%s %d %q: MISSING: %s; map it: starter mappings set --name %s --kind %s --odoo-id %d --exact-code <code>\n",
				s.Kind, s.OdooID, s.OdooName, s.Why, conn.Name, s.Kind, s.OdooID)
		case apply:
			if err := e.store.SaveMapping(ctx, conn.ID, store.Mapping{Kind: s.Kind, OdooID: s.OdooID, OdooName: s.OdooName, ExactCode: s.Code}); err != nil {
				return err
			}
			e.printf("%s %d %q → %s (stored)\n", s.Kind, s.OdooID, s.OdooName, s.Code)
		default:
			e.printf("%s %d %q → %s (run with --apply to store)\n", s.Kind, s.OdooID, s.OdooName, s.Code)
		}
	}
	return nil
}
