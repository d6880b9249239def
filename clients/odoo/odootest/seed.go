package odootest

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"time"
)

// Seeded record ids, for tests and demos.
type SeedIDs struct {
	Countries  map[string]int64 // by code
	Currencies map[string]int64 // by name
	Companies  []int64
	Partners   map[string]int64 // by name
	Taxes      map[string]int64 // "sale 21%", "purchase 9%", … of the main company
	Journals   map[string]int64 // by code, main company
	Accounts   map[string]int64 // by code, main company
	Terms      map[string]int64 // by name
	Moves      map[string]int64 // by name ("INV/2026/00001"; "Demo BVBA INV/2026/00001" in the second company; "draft-invoice", "draft-bill")
	// AnalyticPlans and Analytic are the analytic plans and accounts by name: plans Projects (Odoo's own first
	// plan), Departments and Internal; accounts Verkoop [100], Inkoop [200], Algemeen [300] (Departments), Project
	// Noord [PRJ1], Project Zuid [PRJ2] (Projects), Operating Costs (Internal), of the main company; the demo
	// invoice INV/…/00001 has a line 60/40 on Verkoop and Algemeen.
	AnalyticPlans map[string]int64
	Analytic      map[string]int64
}

// Seeded returns the ids of the seeded records (empty maps unless Options.Seed).
func (s *Server) Seeded() SeedIDs {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seedIDs
}

type seeder struct {
	s   *Server
	ids *SeedIDs
}

func (sd *seeder) env(company int64) *env {
	return &env{uid: sd.s.uid, su: true, company: company, companies: sd.s.companies, ctx: map[string]any{}, activeTest: true}
}

func (sd *seeder) create(company int64, model string, vals map[string]any) int64 {
	id, err := sd.s.create(sd.env(company), sd.s.models[model], normalizeValue(vals).(map[string]any))
	if err != nil {
		panic(fmt.Sprintf("odootest seed %s %v: %v", model, vals, err))
	}
	return id
}

func (sd *seeder) write(company int64, model string, id int64, vals map[string]any) {
	if err := sd.s.write(sd.env(company), sd.s.models[model], []int64{id}, normalizeValue(vals).(map[string]any)); err != nil {
		panic(fmt.Sprintf("odootest seed write %s %v: %v", model, vals, err))
	}
}

func (s *Server) seed() {
	sd := &seeder{s: s, ids: &s.seedIDs}
	ids := sd.ids
	*ids = SeedIDs{Countries: map[string]int64{}, Currencies: map[string]int64{"EUR": s.eur}, Partners: map[string]int64{}, Taxes: map[string]int64{},
		Journals: map[string]int64{}, Accounts: map[string]int64{}, Terms: map[string]int64{}, Moves: map[string]int64{},
		AnalyticPlans: map[string]int64{}, Analytic: map[string]int64{}}
	main := s.mainCompany
	for _, p := range []struct{ name, applicability string }{{"Projects", "optional"}, {"Departments", "optional"}, {"Internal", "unavailable"}} {
		ids.AnalyticPlans[p.name] = sd.create(main, "account.analytic.plan", map[string]any{"name": p.name, "default_applicability": p.applicability})
	}
	// Their references are the codes of the Exact simulator's cost centres and units, as an accountant who keeps
	// both in step has them (`starter mappings suggest` then maps them).
	for _, a := range []struct{ name, code, plan string }{{"Verkoop", "100", "Departments"}, {"Inkoop", "200", "Departments"},
		{"Algemeen", "300", "Departments"}, {"Project Noord", "PRJ1", "Projects"}, {"Project Zuid", "PRJ2", "Projects"}, {"Operating Costs", "", "Internal"}} {
		vals := map[string]any{"name": a.name, "plan_id": ids.AnalyticPlans[a.plan], "company_id": main}
		if a.code != "" {
			vals["code"] = a.code
		}
		ids.Analytic[a.name] = sd.create(main, "account.analytic.account", vals)
	}

	usd := sd.create(main, "res.currency", map[string]any{"name": "USD", "full_name": "United States dollar", "symbol": "$", "rounding": 0.01, "rate": 1.0856, "position": "before"})
	s.usd = usd
	ids.Currencies["USD"] = usd
	ids.Currencies["JPY"] = sd.create(main, "res.currency", map[string]any{"name": "JPY", "full_name": "Japanese yen", "symbol": "¥", "rounding": 1.0, "rate": 162.35, "position": "before"})
	ids.Currencies["GBP"] = sd.create(main, "res.currency", map[string]any{"name": "GBP", "full_name": "British pound", "symbol": "£", "rounding": 0.01, "rate": 0.8417, "position": "before", "active": false})
	for _, c := range [][3]any{{"NL", "Netherlands", s.eur}, {"BE", "Belgium", s.eur}, {"DE", "Germany", s.eur}, {"FR", "France", s.eur}, {"GB", "United Kingdom", ids.Currencies["GBP"]}, {"US", "United States", usd}} {
		ids.Countries[c[0].(string)] = sd.create(main, "res.country", map[string]any{"code": c[0], "name": c[1], "currency_id": c[2]})
	}
	nh := sd.create(main, "res.country.state", map[string]any{"name": "Noord-Holland", "code": "NH", "country_id": ids.Countries["NL"]})

	// companies
	comp := s.models["res.company"].recs[main]
	sd.write(main, "res.company", main, map[string]any{"country_id": ids.Countries["NL"], "vat": "NL859785430B01", "company_registry": "62745911"})
	sd.write(main, "res.partner", asInt(comp.Vals["partner_id"]), map[string]any{"street": "Keizersgracht 126", "zip": "1015 CW", "city": "Amsterdam", "country_id": ids.Countries["NL"], "vat": "NL859785430B01", "company_registry": "62745911", "email": "info@demo-bv.example"})
	bePartner := sd.create(main, "res.partner", map[string]any{"name": "Demo BVBA", "is_company": true, "street": "Meir 44", "zip": "2000", "city": "Antwerpen", "country_id": ids.Countries["BE"], "vat": "BE0477472701", "company_registry": "0477472701"})
	be := sd.create(main, "res.company", map[string]any{"name": "Demo BVBA", "currency_id": s.eur, "country_id": ids.Countries["BE"], "partner_id": bePartner, "vat": "BE0477472701", "company_registry": "0477472701", "sequence": int64(20)})
	s.models["res.partner"].recs[bePartner].Vals["company_id"] = be
	s.companies = []int64{main, be}
	ids.Companies = s.CompanyIDs()
	admin := s.models["res.users"].recs[s.uid]
	admin.Vals["company_ids"] = []int64{main, be}

	// accounting setup per company
	type chart struct {
		company                                              int64
		recv, pay, income, expense, bank, vatOut, vatIn, sus string
		gain, loss                                           string // exchange differences
		rates                                                [3]float64
	}
	for _, ch := range []chart{
		{main, "130000", "160000", "8000", "7000", "110100", "150100", "150200", "110200", "8900", "4900", [3]float64{21, 9, 0}},
		{be, "400000", "440000", "700000", "600000", "550000", "451000", "411000", "499000", "754000", "654000", [3]float64{21, 6, 0}},
	} {
		acc := func(code, name, typ string, reconcile bool) int64 {
			id := sd.create(ch.company, "account.account", map[string]any{"code": code, "name": name, "account_type": typ, "company_id": ch.company, "reconcile": reconcile})
			if ch.company == main {
				ids.Accounts[code] = id
			}
			return id
		}
		acc(ch.recv, "Debiteuren", "asset_receivable", true)
		acc(ch.pay, "Crediteuren", "liability_payable", true)
		income := acc(ch.income, "Omzet", "income", false)
		expense := acc(ch.expense, "Inkoopkosten", "expense", false)
		bank := acc(ch.bank, "Bank", "asset_cash", false)
		vatOut := acc(ch.vatOut, "Te betalen BTW", "liability_current", false)
		vatIn := acc(ch.vatIn, "Te vorderen BTW", "asset_current", false)
		acc(ch.sus, "Bank Suspense Account", "asset_current", false)
		// Payments post their liquidity line on the company's outstanding accounts (as in Odoo's charts), so they
		// stay unmatched until a bank statement line matches them.
		receipts := acc(ch.sus[:len(ch.sus)-1]+"3", "Outstanding Receipts", "asset_current", true)
		payments := acc(ch.sus[:len(ch.sus)-1]+"4", "Outstanding Payments", "asset_current", true)
		sd.write(ch.company, "res.company", ch.company, map[string]any{"account_journal_payment_debit_account_id": receipts, "account_journal_payment_credit_account_id": payments})
		defer func(company int64, gain, loss string) {
			// Exchange differences, as the charts set them; made after every company's chart, so the ids of the
			// accounts above stay as they were.
			sd.write(company, "res.company", company, map[string]any{
				"income_currency_exchange_account_id":  acc(gain, "Koersverschillen (winst)", "income_other", false),
				"expense_currency_exchange_account_id": acc(loss, "Koersverschillen (verlies)", "expense", false)})
		}(ch.company, ch.gain, ch.loss)
		for _, use := range []string{"sale", "purchase"} {
			for _, rate := range ch.rates {
				account := vatOut
				if use == "purchase" {
					account = vatIn
				}
				name := fmt.Sprintf("%g%%", rate)
				id := sd.create(ch.company, "account.tax", map[string]any{"name": name, "amount": rate, "amount_type": "percent", "type_tax_use": use,
					"price_include": false, "company_id": ch.company, "country_id": s.models["res.company"].recs[ch.company].Vals["country_id"], "account_id": account, "description": name})
				if ch.company == main {
					ids.Taxes[use+" "+name] = id
				}
			}
		}
		for _, j := range []struct {
			code, name, typ string
			acc             int64
		}{{"INV", "Customer Invoices", "sale", income}, {"BILL", "Vendor Bills", "purchase", expense}, {"MISC", "Miscellaneous Operations", "general", 0}, {"BNK1", "Bank", "bank", bank}} {
			id := sd.create(ch.company, "account.journal", map[string]any{"code": j.code, "name": j.name, "type": j.typ, "company_id": ch.company, "default_account_id": j.acc})
			if ch.company == main {
				ids.Journals[j.code] = id
			}
		}
	}
	usdJournal := sd.create(main, "account.journal", map[string]any{"code": "INVUS", "name": "Customer Invoices USD", "type": "sale", "company_id": main, "currency_id": usd, "default_account_id": ids.Accounts["8000"], "sequence": int64(20)})
	ids.Journals["INVUS"] = usdJournal

	// payment terms (shared)
	term := func(name string, lines ...[2]float64) int64 {
		var cmds []any
		for i, l := range lines {
			var v map[string]any
			if s.opts.Version <= 16 {
				v = map[string]any{"value": "percent", "value_amount": l[0], "days": int64(l[1])}
				if i == len(lines)-1 {
					v = map[string]any{"value": "balance", "value_amount": 0.0, "days": int64(l[1])}
				}
			} else {
				v = map[string]any{"value": "percent", "value_amount": l[0], "nb_days": int64(l[1]), "delay_type": "days_after"}
			}
			cmds = append(cmds, []any{0, 0, v})
		}
		id := sd.create(main, "account.payment.term", map[string]any{"name": name, "line_ids": cmds})
		ids.Terms[name] = id
		return id
	}
	immediate := term("Immediate Payment", [2]float64{100, 0})
	d14 := term("14 Days", [2]float64{100, 14})
	d30 := term("30 Days", [2]float64{100, 30})
	// Instalments: no Exact payment condition is equivalent, so `mappings suggest` leaves it MISSING and the
	// demo shows a partner waiting for a fix (Café 't Hoekje).
	instalments := term("30% Now, Balance 60 Days", [2]float64{30, 0}, [2]float64{70, 60})

	bank := func(name, bic string, country string) int64 {
		return sd.create(main, "res.bank", map[string]any{"name": name, "bic": bic, "country": ids.Countries[country]})
	}
	abn := bank("ABN AMRO Bank", "ABNANL2A", "NL")
	rabo := bank("Rabobank", "RABONL2U", "NL")
	ing := bank("ING Bank", "INGBNL2A", "NL")
	kbc := bank("KBC Bank", "KREDBEBB", "BE")
	belfius := bank("Belfius Bank", "GKCCBEBB", "BE")
	commerz := bank("Commerzbank", "COBADEFFXXX", "DE")

	partner := func(vals map[string]any, iban string, bankID int64, custTerm, suppTerm int64) int64 {
		id := sd.create(main, "res.partner", vals)
		ids.Partners[vals["name"].(string)] = id
		if iban != "" {
			sd.create(main, "res.partner.bank", map[string]any{"acc_number": withIBANCheckDigits(iban), "bank_id": bankID, "partner_id": id, "acc_holder_name": vals["name"]})
		}
		if custTerm != 0 {
			sd.write(main, "res.partner", id, map[string]any{"property_payment_term_id": custTerm})
		}
		if suppTerm != 0 {
			sd.write(main, "res.partner", id, map[string]any{"property_supplier_payment_term_id": suppTerm})
		}
		return id
	}
	nl, beC := ids.Countries["NL"], ids.Countries["BE"]
	vdb := partner(map[string]any{"name": "Van der Berg Installatietechniek B.V.", "is_company": true, "street": "Industrieweg 12", "zip": "1521 NE", "city": "Wormerveer", "state_id": nh, "country_id": nl,
		"vat": "NL853219047B01", "company_registry": "34123456", "email": "administratie@vanderberg.example", "phone": "+31 75 612 3456", "website": "https://vanderberg.example", "lang": "nl_NL", "customer_rank": 1, "ref": "C1001"},
		"NL91ABNA0417164300", abn, d30, 0)
	jan := map[string]any{"name": "Jan de Vries", "parent_id": vdb, "function": "Inkoper", "email": "jan.devries@vanderberg.example", "phone": "+31 75 612 3457", "lang": "nl_NL"}
	if s.opts.Version <= 18 {
		jan["mobile"] = "+31 6 12345678"
	}
	sd.create(main, "res.partner", jan)
	sd.create(main, "res.partner", map[string]any{"name": "Van der Berg Administratie", "parent_id": vdb, "type": "invoice", "email": "facturen@vanderberg.example", "street": "Postbus 45", "zip": "1520 AA", "city": "Wormerveer", "country_id": nl})
	bakkerij := partner(map[string]any{"name": "Bakkerij De Gouden Korst", "is_company": true, "street": "Oudegracht 201", "zip": "3511 NK", "city": "Utrecht", "country_id": nl,
		"vat": "NL820646660B01", "company_registry": "30012345", "email": "info@goudenkorst.example", "lang": "nl_NL", "customer_rank": 1},
		"NL02RABO0123456789", rabo, d14, 0)
	anker := partner(map[string]any{"name": "Brouwerij Het Anker NV", "is_company": true, "street": "Guido Gezellelaan 49", "zip": "2800", "city": "Mechelen", "country_id": beC,
		"vat": "BE0428759497", "company_registry": "0428759497", "email": "boekhouding@hetanker.example", "lang": "nl_BE", "customer_rank": 1},
		"BE68539007547034", belfius, d30, 0)
	sd.create(main, "res.partner", map[string]any{"name": "Els Peeters", "parent_id": anker, "email": "els.peeters@hetanker.example", "lang": "nl_BE"})
	partner(map[string]any{"name": "Chocolaterie Léonidas-Démo SA", "is_company": true, "street": "Rue de l'Étuve 12", "zip": "1000", "city": "Bruxelles", "country_id": beC,
		"vat": "BE0876543270", "company_registry": "0876543270", "email": "compta@chocolaterie.example", "lang": "fr_BE", "customer_rank": 1},
		"BE71096123456769", kbc, immediate, 0)
	jansen := partner(map[string]any{"name": "Groothandel Jansen B.V.", "is_company": true, "street": "Waalhaven Z.z. 21", "zip": "3089 JH", "city": "Rotterdam", "country_id": nl,
		"vat": "NL812345678B01", "company_registry": "24456789", "email": "debiteuren@jansen.example", "lang": "nl_NL", "supplier_rank": 1},
		"NL20INGB0001234567", ing, 0, d30)
	vermeulen := partner(map[string]any{"name": "Drukkerij Vermeulen", "is_company": true, "street": "Stratumseind 8", "zip": "5611 ET", "city": "Eindhoven", "country_id": nl,
		"vat": "NL001122334B01", "company_registry": "17071234", "email": "info@drukkerijvermeulen.example", "lang": "nl_NL", "supplier_rank": 1},
		"NL44RABO0307891234", rabo, 0, d14)
	smit := partner(map[string]any{"name": "Schoonmaakbedrijf Smit", "is_company": true, "street": "Markt 3", "zip": "6211 CK", "city": "Maastricht", "country_id": nl,
		"vat": "NL004455667B01", "company_registry": "14098765", "email": "smit@schoonmaak.example", "lang": "nl_NL", "customer_rank": 1, "supplier_rank": 1},
		"NL69INGB0123456789", ing, d14, d30)
	partner(map[string]any{"name": "Müller & Söhne GmbH", "is_company": true, "street": "Königsallee 92", "zip": "40212", "city": "Düsseldorf", "country_id": ids.Countries["DE"],
		"vat": "DE129273398", "company_registry": "HRB 12345", "email": "buchhaltung@mueller-soehne.example", "lang": "de_DE", "customer_rank": 1},
		"DE89370400440532013000", commerz, d30, 0)
	partner(map[string]any{"name": "Oude Klant B.V.", "is_company": true, "city": "Haarlem", "country_id": nl, "vat": "NL009988776B01", "company_registry": "34999999", "active": false, "customer_rank": 1}, "", 0, 0, 0)
	sanne := partner(map[string]any{"name": "Sanne Bakker", "is_company": false, "email": "sanne@bakkerdesign.example", "customer_rank": 1}, "", 0, immediate, 0)
	acme := partner(map[string]any{"name": "Acme Corp", "is_company": true, "street": "1 Infinite Loop", "zip": "95014", "city": "Cupertino", "country_id": ids.Countries["US"], "email": "ap@acme.example", "lang": "en_US", "customer_rank": 1}, "", 0, d30, 0)
	partner(map[string]any{"name": "Café 't Hoekje", "is_company": true, "street": "Grote Markt 1", "zip": "9711 LV", "city": "Groningen", "country_id": nl, "vat": "NL003344556B01", "customer_rank": 1}, "NL18ABNA0484869868", abn, instalments, 0)
	dupont := partner(map[string]any{"name": "Boulangerie Dupont SPRL", "is_company": true, "street": "Rue Neuve 5", "zip": "1000", "city": "Bruxelles", "country_id": beC, "vat": "BE0123456749", "company_id": be, "customer_rank": 1}, "BE62510007547061", belfius, 0, 0)
	_ = sanne

	// invoices
	today := s.now().UTC()
	day := func(ago int) string { return today.AddDate(0, 0, -ago).Format(dateLayout) }
	t := ids.Taxes
	line := func(name string, qty, price float64, taxes ...int64) []any {
		return []any{0, 0, map[string]any{"name": name, "quantity": qty, "price_unit": price, "tax_ids": []any{[]any{6, 0, idList(taxes)}}}}
	}
	// analytic distributes a line over analytic accounts by name (percentages).
	analytic := func(l []any, shares map[string]float64) []any {
		dist := map[string]any{}
		for name, pct := range shares {
			dist[strconv.FormatInt(ids.Analytic[name], 10)] = pct
		}
		l[2].(map[string]any)["analytic_distribution"] = dist
		return l
	}
	section := func(name string) []any {
		return []any{0, 0, map[string]any{"name": name, "display_type": "line_section"}}
	}
	note := func(name string) []any {
		return []any{0, 0, map[string]any{"name": name, "display_type": "line_note"}}
	}
	post := func(company int64, vals map[string]any) int64 {
		id := sd.create(company, "account.move", vals)
		mv := s.models["account.move"].recs[id]
		e := sd.env(company)
		if err := s.postMove(e, mv); err != nil {
			panic(fmt.Sprintf("odootest seed post: %v", err))
		}
		key := asString(mv.Vals["name"])
		if company != main {
			key = "Demo BVBA " + key
		}
		ids.Moves[key] = id
		return id
	}
	pay := func(moveID int64, amount float64, ago int) {
		e := sd.env(asInt(s.models["account.move"].recs[moveID].Vals["company_id"]))
		e.ctx = map[string]any{"active_model": "account.move", "active_ids": []any{moveID}}
		wid, err := s.create(e, s.models["account.payment.register"], map[string]any{"amount": amount, "payment_date": day(ago)})
		if err == nil {
			_, err = actionCreatePayments(s, e, s.models["account.payment.register"], []int64{wid}, nil)
		}
		if err != nil {
			panic(fmt.Sprintf("odootest seed payment: %v", err))
		}
	}
	inv1 := post(main, map[string]any{"move_type": "out_invoice", "partner_id": vdb, "invoice_date": day(45), "ref": "PO-2024-118",
		"invoice_line_ids": []any{section("Werkzaamheden"), line("Installatie CV-ketel", 1, 2450, t["sale 21%"]), analytic(line("Arbeid monteur (uur)", 6.5, 65, t["sale 21%"]), map[string]float64{"Verkoop": 60, "Algemeen": 40}),
			note("Garantie: 2 jaar op onderdelen en arbeid"), line("Onderhoudscontract (eerste jaar gratis)", 0, 120, t["sale 21%"])}})
	pay(inv1, asFloat(s.models["account.move"].recs[inv1].Vals["amount_total"]), 10)
	inv2 := post(main, map[string]any{"move_type": "out_invoice", "partner_id": bakkerij, "invoice_date": day(20),
		"invoice_line_ids": []any{line("Broodmeel type 550, 25 kg", 10, 18.5, t["sale 9%"]), line("Bezorging", 1, 35, t["sale 21%"])}})
	pay(inv2, 100, 5)
	inv3 := post(main, map[string]any{"move_type": "out_invoice", "partner_id": anker, "invoice_date": day(30),
		"invoice_line_ids": []any{line("Koelinstallatie onderhoud (intracommunautair)", 1, 1875.4, t["sale 0%"])}})
	pay(inv3, asFloat(s.models["account.move"].recs[inv3].Vals["amount_total"]), 3)
	post(main, map[string]any{"move_type": "out_invoice", "partner_id": acme, "journal_id": usdJournal, "currency_id": usd, "invoice_date": day(15),
		"invoice_line_ids": []any{line("Consulting services (export)", 12, 125, t["sale 0%"])}})
	post(main, map[string]any{"move_type": "out_refund", "partner_id": vdb, "invoice_date": day(8), "reversed_entry_id": inv1, "ref": "Reversal of: " + asString(s.models["account.move"].recs[inv1].Vals["name"]),
		"invoice_line_ids": []any{line("Creditering arbeid monteur (uur)", 1, 65, t["sale 21%"])}})
	bill1 := post(main, map[string]any{"move_type": "in_invoice", "partner_id": jansen, "invoice_date": day(25), "ref": "F2026-0412",
		"invoice_line_ids": []any{line("Koperen leidingen 15mm (100 m)", 4, 189.95, t["purchase 21%"]), line("Fittingen assortiment", 2, 47.5, t["purchase 21%"])}})
	pdf := buildPDF([]string{"Groothandel Jansen B.V.", "Factuur F2026-0412", "Totaal: " + fmt.Sprintf("%.2f EUR", asFloat(s.models["account.move"].recs[bill1].Vals["amount_total"]))})
	att := sd.create(main, "ir.attachment", map[string]any{"name": "F2026-0412.pdf", "datas": base64.StdEncoding.EncodeToString(pdf), "res_model": "account.move", "res_id": bill1, "mimetype": "application/pdf"})
	s.models["account.move"].recs[bill1].Vals["message_main_attachment_id"] = att
	post(main, map[string]any{"move_type": "in_invoice", "partner_id": vermeulen, "invoice_date": day(12), "ref": "VM-7781",
		"invoice_line_ids": []any{line("Drukwerk folders A5", 2500, 0.12, t["purchase 21%"]), line("Boeken (catalogus)", 50, 7.95, t["purchase 9%"])}})
	post(main, map[string]any{"move_type": "in_refund", "partner_id": jansen, "invoice_date": day(6), "ref": "CN-0042",
		"invoice_line_ids": []any{line("Retour fittingen", 1, 47.5, t["purchase 21%"])}})
	ids.Moves["draft-invoice"] = sd.create(main, "account.move", map[string]any{"move_type": "out_invoice", "partner_id": smit,
		"invoice_line_ids": []any{line("Glasbewassing kantoorpand", 4, 85, t["sale 21%"])}})
	ids.Moves["draft-bill"] = sd.create(main, "account.move", map[string]any{"move_type": "in_invoice", "partner_id": smit, "ref": "SM-2026-17",
		"invoice_line_ids": []any{line("Schoonmaakmiddelen", 1, 64.2, t["purchase 21%"])}})
	// second company
	var beSale21 int64
	for id, r := range s.models["account.tax"].recs {
		if asInt(r.Vals["company_id"]) == be && r.Vals["type_tax_use"] == "sale" && asFloat(r.Vals["amount"]) == 21 {
			beSale21 = id
		}
	}
	post(be, map[string]any{"move_type": "out_invoice", "partner_id": dupont, "invoice_date": day(9),
		"invoice_line_ids": []any{line("Pain au levain (caisse)", 30, 4.2, beSale21)}})
	// company-dependent payment terms differ per company: Van der Berg pays in 14 days in Belgium
	sd.write(be, "res.partner", vdb, map[string]any{"property_payment_term_id": d14})
	_ = time.Second
}
